package reportdoc

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
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
	// Lang is the language of the report's words and figures (the reader's:
	// the console's or the tablet's); "" is English. Dates stay
	// YYYY-MM-DD, as in the table of points and the JSON (ADR 0033).
	Lang i18n.Lang
}

// maxPhaseNotes is how many phase lines the report lists in words.
const maxPhaseNotes = 30

// printStyle is the chart's type on paper: 9 pt, as the PDF's small print.
var printStyle = chartStyle{text: 9}

// Sufficiency states the IEP sufficiency in plain English (DOMAIN.md §3.8).
func Sufficiency(r progress.Report, student string) string {
	return wordsIn(i18n.English).sufficiency(r, student)
}

// sufficiency states the IEP sufficiency in plain words in w's language.
func (w words) sufficiency(r progress.Report, student string) string {
	if student == "" {
		student = w.T("report.the_student")
	}
	a := i18n.Args{"Name": student, "Goal": w.num(r.Goal.GoalScore), "Date": r.Goal.GoalDate, "Points": r.PointsAfterBaseline}
	if r.PresentLevel != nil {
		a["Present"] = w.num(*r.PresentLevel)
	}
	if r.Trend != nil {
		a["Projected"] = w.num(r.Trend.OLS.ProjectionAtGoalDate)
	}
	// Past the goal date (DOMAIN.md §3.5 rule 0) a projection to it says
	// nothing more: the goal was reached or not, as the decision says.
	if past := r.AsOf > r.Goal.GoalDate; past && r.PresentLevel != nil && (r.Sufficiency == progress.Adequate || r.Sufficiency == progress.Insufficient) {
		return w.T("report.sufficiency.not_reached", a)
	}
	switch {
	case r.Sufficiency == progress.GoalMet && r.PresentLevel != nil:
		return w.T("report.sufficiency.met", a)
	case r.Sufficiency == progress.Adequate && r.Trend != nil:
		return w.T("report.sufficiency.adequate", a)
	case r.Sufficiency == progress.Insufficient && r.Trend != nil:
		return w.T("report.sufficiency.insufficient_projected", a)
	case r.Sufficiency == progress.Insufficient:
		return w.T("report.sufficiency.insufficient", a)
	}
	return w.T("report.sufficiency.not_enough", a)
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
	w := wordsIn(meta.Lang)
	title := w.T("report.title", i18n.Args{"Name": meta.Student})
	pdf.SetTitle(title, true)
	pdf.SetCreator("Small Wins", true)
	if t, err := time.Parse("2006-01-02", meta.Generated); err == nil {
		// The same report gives the same bytes, not a new timestamp per request.
		pdf.SetCreationDate(t)
		pdf.SetModificationDate(t)
	}

	measure := meta.Measure
	if measure == "" {
		measure = w.sp.Measure(r.Goal.Measure).Words() // DOMAIN.md §2: words, never the code
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
		pdf.CellFormat(0, 10, fitWidth(pdf, w.T("report.continued", i18n.Args{"Name": meta.Student}), pageW-2*margin), "", 1, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		pdf.Ln(8)
	})
	pdf.SetFooterFunc(func() {
		defer pdf.SetCellMargin(pdf.GetCellMargin())
		pdf.SetCellMargin(0)
		pdf.SetY(pageH - margin - 10)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 10, w.T("report.page", i18n.Args{"Page": pdf.PageNo(), "Pages": nbAlias}), "", 0, "C", false, 0, "")
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

	para(title, 18, true)
	para(w.T("report.subtitle", i18n.Args{"School": meta.School, "Measure": measure, "AsOf": r.AsOf, "Generated": meta.Generated}), 10, false)
	pdf.Ln(6)

	png, err := chartPNG(Chart{Report: r, Phases: meta.Phases, Calendar: meta.Calendar, Lang: meta.Lang}, chartW/72, chartH/72, chartDPI, printStyle)
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
			more = " " + w.N("report.phase_lines_more", len(notes)-maxPhaseNotes)
			notes = notes[:maxPhaseNotes]
		}
		para(w.T("report.phase_lines", i18n.Args{"Lines": strings.Join(notes, " ")})+more, 9, false)
	}

	heading(w.T("report.decision", i18n.Args{"Words": w.sp.DecisionWords(r.Decision.Code)}), 13)
	// The API's reason is English by rule (ADR 0029: the API does not
	// translate), kept to the letter in the English report; another
	// language says the reason in the report's words (progress.Speaker).
	reason := r.Decision.Reason
	if w.l != i18n.English {
		reason = w.sp.ReasonWords(r)
	}
	para(reason, 10, false)
	heading(w.T("report.heading.sufficiency"), 12)
	para(w.sufficiency(r, meta.Student), 10, false)
	heading(w.T("report.heading.numbers"), 12)
	// Every figure by shared/progress's one rule (ADR 0630), as on the
	// tablet and in the console: the same figure never rounded two ways.
	para(w.T("report.baseline", i18n.Args{"Score": w.num(r.Baseline.Score), "Scores": w.joinNums(r.Baseline.Scores)}), 10, false)
	if r.PresentLevel != nil {
		para(w.T("report.present_level", i18n.Args{"Score": w.num(*r.PresentLevel)}), 10, false)
	}
	if r.ExpectedLevel != nil {
		para(w.T("report.expected_level", i18n.Args{"Date": r.AsOf, "Score": w.num(*r.ExpectedLevel)}), 10, false)
	}
	if r.Aimline != nil {
		para(w.T("report.goal", i18n.Args{"Score": w.num(r.Goal.GoalScore), "Date": r.Goal.GoalDate}), 10, false) // the growth it needs: ROISentence
	}
	// The growth, the typical growth and the light in the words the tablet
	// shows (shared/progress, ADR 0651): no method's name, no code.
	for _, t := range []string{w.sp.GrowthSentence(r), w.sp.ProjectionSentence(r), w.sp.GrowthVsTypicalSentence(r, meta.NormSource)} {
		if t != "" {
			para(t, 10, false)
		}
	}
	para(w.N("report.points_weeks", r.PointsAfterBaseline, i18n.Args{"Weeks": w.sp.Number(progress.FormatWeeks(r.WeeksOfData))})+" "+w.sp.LightWords(r), 10, false)
	heading(w.T("report.heading.delivery"), 12)
	if d := r.Delivery; d != nil {
		para(w.T("report.sessions", i18n.Args{"Delivered": d.DeliveredSessions, "Attendance": w.sp.AttendanceWords(d), "Pct": w.pctOf(d.AttendancePct)}), 10, false)
		para(w.T("report.minutes", i18n.Args{"Received": w.sp.Number(progress.FormatMinutes(d.MinutesReceived)), "Planned": w.sp.Number(progress.FormatMinutes(d.PlannedMinutes)),
			"Dose": w.pctOf(d.DosePct), "Fidelity": w.pctOf(d.FidelityPct)}), 10, false)
	} else {
		para(w.T("report.delivery_unknown"), 10, false)
	}
	heading(w.T("report.heading.method"), 12)
	para(w.T("report.method"), 9, false)
	pdf.Ln(2)
	for _, warn := range r.Warnings {
		para(w.T("report.warning", i18n.Args{"Warning": warn}), 8, false)
	}
	pointsTable(pdf, w, r.Points)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("reportdoc: pdf: %w", err)
	}
	return pdf, nil
}

// pointsTable lists the data points the chart draws, so a reader can check
// each score; the column heads are repeated on every page the table runs to.
func pointsTable(pdf *fpdf.Fpdf, w words, pts []progress.Point) {
	if len(pts) == 0 {
		return
	}
	const rowH, size = 12.0, 9.0
	cols := []struct {
		head  string
		w     float64
		align string
	}{{w.T("report.table.date"), 80, "L"}, {w.T("report.table.week"), 60, "R"}, {w.T("report.table.score"), 60, "R"},
		{w.T("report.table.aimline"), 70, "R"}, {w.T("report.table.against"), 150, "L"}}
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
	pdf.MultiCell(0, 12*1.35, w.T("report.heading.points"), "", "L", false)
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
			aim = w.num(*p.Aimline)
		}
		pos := "-"
		switch p.Position {
		case progress.Above, progress.Below, progress.On:
			pos = w.T("report.position." + p.Position)
		case "":
		default:
			pos = p.Position // a newer report's word: shown, never dropped
		}
		for i, s := range []string{p.Date, w.num(p.Week), w.num(p.Score), aim, pos} {
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

// joinNums lists scores; Spanish separates them with semicolons, as its
// decimal mark is a comma.
func (w words) joinNums(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = w.num(x)
	}
	return strings.Join(s, w.T("report.list_separator"))
}
