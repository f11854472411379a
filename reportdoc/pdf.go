package reportdoc

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// DocMeta is what the report shows besides the numbers.
type DocMeta struct {
	Student   string // display name
	School    string
	Measure   string // e.g. "Oral reading fluency (words correct per minute)"; default: the goal's measure
	Generated string // date the document was made
	// Phases are the chart's phase lines, labelled on it in words
	// (progress.PhaseWords), and PhaseNotes what each was, with its date
	// and program, listed under the chart (the caller words them: a
	// program's name is not in the report).
	Phases     []progress.Phase
	PhaseNotes []string
	// Calendar is the school's, with its breaks: the chart shades them
	// and dates its axis by them (ADR 0019).
	Calendar progress.Calendar
	// NormSource is the source of the norm table the goal's typical_roi
	// came from (progress.NormSourceOf), "" when it was typed: the growth
	// sentence then names it (progress.GrowthVsTypicalSentence).
	NormSource string
}

// maxPhaseNotes is how many phase lines the report lists in words.
const maxPhaseNotes = 30

// printStyle is the chart's type on paper: 9 pt, as the PDF's small print.
var printStyle = chartStyle{text: 9}

// num renders a score for people: shared/progress's rule, at most one
// decimal, no trailing zeros.
func num(x float64) string { return progress.FormatScore(x) }

// pct is a whole percentage, "n/a" when nothing was planned.
func pct(p *float64) string { return progress.FormatPctOf(p) }

// Sufficiency states the IEP sufficiency in plain words (DOMAIN.md §3.8).
func Sufficiency(r progress.Report, student string) string {
	if student == "" {
		student = "The student"
	}
	goal := fmt.Sprintf("the goal of %s by %s", num(r.Goal.GoalScore), r.Goal.GoalDate)
	// Past the goal date (DOMAIN.md §3.5 rule 0) a projection to it says
	// nothing more: the goal was reached or not, as the decision says.
	if past := r.AsOf > r.Goal.GoalDate; past && r.PresentLevel != nil && (r.Sufficiency == progress.Adequate || r.Sufficiency == progress.Insufficient) {
		return fmt.Sprintf("%s did not reach %s (present level %s).", student, goal, num(*r.PresentLevel))
	}
	switch r.Sufficiency {
	case progress.GoalMet:
		return fmt.Sprintf("%s has met %s (present level %s).", student, goal, num(*r.PresentLevel))
	case progress.Adequate:
		return fmt.Sprintf("At the current rate of progress, %s is expected to reach %s (projected %s).", student, goal, num(r.Trend.OLS.ProjectionAtGoalDate))
	case progress.Insufficient:
		proj := ""
		if r.Trend != nil {
			proj = fmt.Sprintf(" (projected %s)", num(r.Trend.OLS.ProjectionAtGoalDate))
		}
		return fmt.Sprintf("At the current rate of progress, %s is not expected to reach %s%s. Progress is insufficient.", student, goal, proj)
	}
	return fmt.Sprintf("There are not yet enough data points (%d of 6, over at least 6 weeks) to judge progress toward %s.", r.PointsAfterBaseline, goal)
}

// Page geometry, in points (fpdf's unit here, so font sizes and lengths
// share one scale): US Letter with 0.75 in margins, as before.
const (
	pageW, pageH = 612.0, 792.0
	margin       = 54.0
	// footerH is kept free at the bottom of each page for "Page n of N":
	// the automatic page break happens above it.
	footerH = 28.0
	// chartW×chartH is the chart's place on page 1 (7 in × 3.6 in); it is
	// rendered at chartDPI so that it stays sharp when printed.
	chartW, chartH = pageW - 2*margin, 3.6 * 72
	chartDPI       = 200
	// nbAlias is replaced by fpdf with the page count when the file is written.
	nbAlias = "{nb}"
	font    = "LiberationSans"
)

// ProgressPDF writes the progress report (DOMAIN.md §4.3): the chart, the
// numbers, the sufficiency statement, the decision with its reason, delivery,
// method, the notes on the data and the table of data points. Text is laid
// out by fpdf with the metrics of the embedded font, so lines wrap at real
// widths and between characters, never inside one, and a long report flows
// onto further pages, each with "Page n of N". It never includes notes.
func ProgressPDF(w io.Writer, r progress.Report, meta DocMeta) error {
	pdf, err := progressPDF(r, meta)
	if err != nil {
		return err
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("reportdoc: pdf: %w", err)
	}
	return nil
}

// progressPDF lays the report out; tests write the result uncompressed to
// read back the lines as they were placed.
func progressPDF(r progress.Report, meta DocMeta) (*fpdf.Fpdf, error) {
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	// Before the fonts are added: fpdf keeps the digits of the alias's
	// replacement in the font subset only if it knows of the alias then.
	pdf.AliasNbPages(nbAlias)
	// Liberation Sans comes from the go-fonts/liberation module gonum/plot
	// already links in (its chart labels use Liberation Serif); as a UTF-8
	// font it covers accented Latin names, and it is embedded (subset), so
	// the PDF looks the same on every reader.
	pdf.AddUTF8FontFromBytes(font, "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes(font, "B", liberationsansbold.TTF)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+footerH)
	pdf.SetCellMargin(0)
	pdf.SetTitle("Progress report: "+meta.Student, true)
	pdf.SetCreator("Small Wins", true)
	if t, err := time.Parse("2006-01-02", meta.Generated); err == nil {
		// The same report gives the same bytes, not a new timestamp per request.
		pdf.SetCreationDate(t)
		pdf.SetModificationDate(t)
	}

	measure := meta.Measure
	if measure == "" {
		measure = record.MeasureOf(r.Goal.Measure).Words() // DOMAIN.md §2: words, never the code
	}
	// The header and footer run inside AddPage, which may be called in the
	// middle of the points table and its cell margin: they set their own.
	pdf.SetHeaderFunc(func() {
		if pdf.PageNo() == 1 {
			return // page 1 has the full title
		}
		defer pdf.SetCellMargin(pdf.GetCellMargin())
		pdf.SetCellMargin(0)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 10, fitWidth(pdf, "Progress report: "+meta.Student+" (continued)", pageW-2*margin), "", 1, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		pdf.Ln(8)
	})
	pdf.SetFooterFunc(func() {
		defer pdf.SetCellMargin(pdf.GetCellMargin())
		pdf.SetCellMargin(0)
		pdf.SetY(pageH - margin - 10)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 10, fmt.Sprintf("Page %d of %s", pdf.PageNo(), nbAlias), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()

	para := func(s string, size float64, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(font, style, size)
		pdf.MultiCell(0, size*1.35, s, "", "L", false)
	}
	// heading starts a section, on the next page when fewer than about three
	// lines would follow it here: a heading alone at the foot of a page
	// reads as a section with nothing in it.
	heading := func(s string, size float64) {
		pdf.Ln(4)
		if pdf.GetY()+size*1.35+3*13.5 > pageH-margin-footerH {
			pdf.AddPage()
		}
		para(s, size, true)
	}

	para("Progress report: "+meta.Student, 18, true)
	para(fmt.Sprintf("%s - %s - as of %s - generated %s", meta.School, measure, r.AsOf, meta.Generated), 10, false)
	pdf.Ln(6)

	png, err := chartPNG(Chart{Report: r, Phases: meta.Phases, Calendar: meta.Calendar}, chartW/72, chartH/72, chartDPI, printStyle)
	if err != nil {
		return nil, fmt.Errorf("reportdoc: pdf chart: %w", err)
	}
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("chart", opt, bytes.NewReader(png))
	if pdf.GetY()+chartH > pageH-margin-footerH {
		pdf.AddPage() // a very long name pushed the chart off page 1
	}
	pdf.ImageOptions("chart", margin, pdf.GetY(), chartW, chartH, true, opt, 0, "")
	pdf.Ln(8)
	if notes := meta.PhaseNotes; len(notes) > 0 {
		// The chart labels each line in words; the list dates them and
		// names the programs. A few dozen are what a reader can use: a
		// goal with thousands of decisions lists the first ones.
		more := ""
		if len(notes) > maxPhaseNotes {
			more = " …and " + strconv.Itoa(len(notes)-maxPhaseNotes) + " more."
			notes = notes[:maxPhaseNotes]
		}
		para("Phase lines: "+strings.Join(notes, " ")+more, 9, false)
	}

	heading("Decision: "+progress.DecisionWords(r.Decision.Code), 13)
	para(r.Decision.Reason, 10, false)
	heading("Sufficiency", 12)
	para(Sufficiency(r, meta.Student), 10, false)
	heading("Numbers", 12)
	// Every figure by shared/progress's one rule (ADR 0630), as on the
	// tablet and in the console: the same figure never rounded two ways.
	para(fmt.Sprintf("Baseline: %s (median of %s).", num(r.Baseline.Score), joinNums(r.Baseline.Scores)), 10, false)
	if r.PresentLevel != nil {
		para("Present level: "+num(*r.PresentLevel)+" (median of the last 3 points).", 10, false)
	}
	if r.ExpectedLevel != nil {
		para("Expected level on the aimline at "+r.AsOf+": "+num(*r.ExpectedLevel)+".", 10, false)
	}
	if r.Aimline != nil {
		para(fmt.Sprintf("Goal: %s by %s.", num(r.Goal.GoalScore), r.Goal.GoalDate), 10, false) // the growth it needs: ROISentence
	}
	// The growth, the typical growth and the light in the words the tablet
	// shows (shared/progress, ADR 0651): no method's name, no code.
	for _, t := range []string{progress.GrowthSentence(r), progress.ProjectionSentence(r), progress.GrowthVsTypicalSentence(r, meta.NormSource)} {
		if t != "" {
			para(t, 10, false)
		}
	}
	para(fmt.Sprintf("%d points after the baseline over %s weeks. %s", r.PointsAfterBaseline, progress.FormatWeeks(r.WeeksOfData), progress.LightWords(r)), 10, false)
	heading("Delivery", 12)
	if d := r.Delivery; d != nil {
		para(fmt.Sprintf("Sessions: %d delivered; %s (attendance %s).", d.DeliveredSessions, progress.AttendanceWords(d), pct(d.AttendancePct)), 10, false)
		para(fmt.Sprintf("Minutes: %s received of %s planned (dose %s). Fidelity: %s.", progress.FormatMinutes(d.MinutesReceived), progress.FormatMinutes(d.PlannedMinutes), pct(d.DosePct), pct(d.FidelityPct)), 10, false)
	} else {
		para("Delivery is unknown: no plan is linked to this goal.", 10, false)
	}
	heading("Method", 12)
	para("Weekly one-minute probes, dated on the school calendar (breaks stop the clock); several probes on one date count as their median; present level = median of the last 3 points; trend by ordinary least squares. Decision rules: once the goal date has passed, the team reviews the goal, reached or not; before it, 6 points over 6 weeks before any decision; 4 points in a row below or above the aimline; with 8 or more points, the trend against the aimline; a change of instruction is held back when attendance, dose or fidelity is below 80%.", 9, false)
	pdf.Ln(2)
	for _, warn := range r.Warnings {
		para("Note on the data: "+warn, 8, false)
	}
	pointsTable(pdf, r.Points)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("reportdoc: pdf: %w", err)
	}
	return pdf, nil
}

// pointsTable lists the data points the chart draws, so a reader can check
// each score; the column heads are repeated on every page the table runs to.
func pointsTable(pdf *fpdf.Fpdf, pts []progress.Point) {
	if len(pts) == 0 {
		return
	}
	const rowH, size = 12.0, 9.0
	cols := []struct {
		head  string
		w     float64
		align string
	}{{"Date", 80, "L"}, {"Week", 60, "R"}, {"Score", 60, "R"}, {"Aimline", 70, "R"}, {"Against the aimline", 150, "L"}}
	head := func() {
		pdf.SetFont(font, "B", size)
		for _, c := range cols {
			pdf.CellFormat(c.w, rowH, c.head, "B", 0, c.align, false, 0, "")
		}
		pdf.Ln(rowH + 2)
		pdf.SetFont(font, "", size)
	}
	pdf.Ln(4)
	if pdf.GetY()+12*1.35+rowH*4 > pageH-margin-footerH {
		pdf.AddPage()
	}
	pdf.SetFont(font, "B", 12)
	pdf.MultiCell(0, 12*1.35, "Data points", "", "L", false)
	// A cell margin keeps a right-aligned number off the next, left-aligned
	// column; paragraphs (none come after the table) use none.
	pdf.SetCellMargin(6)
	defer pdf.SetCellMargin(0)
	head()
	for _, p := range pts {
		// Break by hand, before the row, so the next page starts with the
		// column heads (fpdf's own break would only move the cell).
		if pdf.GetY()+rowH > pageH-margin-footerH {
			pdf.AddPage()
			head()
		}
		aim := ""
		if p.Aimline != nil {
			aim = num(*p.Aimline)
		}
		pos := p.Position
		if pos == "" {
			pos = "-"
		}
		for i, s := range []string{p.Date, num(p.Week), num(p.Score), aim, pos} {
			pdf.CellFormat(cols[i].w, rowH, s, "", 0, cols[i].align, false, 0, "")
		}
		pdf.Ln(rowH)
	}
}

// fitWidth shortens s, at a character boundary, with an ellipsis, until it
// fits in w at the current font.
func fitWidth(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && pdf.GetStringWidth(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

func joinNums(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = num(x)
	}
	return strings.Join(s, ", ")
}
