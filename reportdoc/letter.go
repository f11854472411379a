package reportdoc

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// FamilyLetterDoc is what the family progress letter shows (DOMAIN.md §4.3,
// ADR 0033): one goal of one student, for the family. The tablet fills it
// from the report it computes offline, the server from the same report
// (progress.Progress over the goal's records), so both give the same page.
type FamilyLetterDoc struct {
	// Report is the goal's report as of the letter's date. Only the goal,
	// the baseline, the points, the present level and the attendance are
	// read: never the decision, its reason, the warnings or the delivery
	// gates (DOMAIN.md §4.3: those are the team's).
	Report   progress.Report
	Calendar progress.Calendar // the school's breaks, shaded on the chart
	Student  string            // display name; "" reads "Your child"
	School   string            // "" when the tablet does not know it
	// Generated is the YYYY-MM-DD the letter was made.
	Generated string
	// FamilyLanguage is the student's family_language (BCP 47): the letter
	// is in that language when the product has it, else in English with a
	// line saying so.
	FamilyLanguage string
}

// The letter's chart: the width of the text, short enough that the letter
// stays on one page; drawn at the report's print resolution.
const letterChartH = 3 * 72

// FamilyLetterPDF writes the family progress letter as a one-page PDF (US
// Letter): the goal in plain words, the growth so far as a small chart and
// one sentence, and attendance in words, in the family's language with its
// numbers and dates. It never holds decision codes or words, the team's
// reasons, notes or delivery gates.
func FamilyLetterPDF(w io.Writer, d FamilyLetterDoc) error {
	pdf, err := familyLetterPDF(d)
	if err != nil {
		return err
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("reportdoc: family letter: %w", err)
	}
	return nil
}

func familyLetterPDF(d FamilyLetterDoc) (*fpdf.Fpdf, error) {
	r := d.Report
	lang, missing := FamilyLanguage(d.FamilyLanguage)
	w := wordsIn(lang)
	name, first := d.Student, ""
	if f := strings.Fields(d.Student); len(f) > 0 {
		first = f[0] // the given name reads warmer in sentences
	}
	if name == "" {
		name = w.T("family.your_child")
		first = w.T("letter.your_child")
	}
	pdf := newFamilyPDF(d.Generated)
	textW := pageW - 2*margin
	para := func(s string, size float64, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(font, style, size)
		pdf.MultiCell(0, size*1.35, capitalFirst(s), "", "L", false)
	}
	heading := func(id string) {
		pdf.Ln(8)
		para(w.T(id), 13, true)
		pdf.Ln(2)
	}

	title := w.T("letter.title", i18n.Args{"Name": name})
	pdf.SetTitle(title, true)
	pdf.SetFont(font, "B", 18)
	pdf.CellFormat(0, 24, fitWidth(pdf, title, textW), "", 1, "L", false, 0, "")
	head := w.longDate(r.AsOf)
	if d.School != "" {
		head = d.School + " - " + head
	}
	pdf.SetFont(font, "", 11)
	pdf.CellFormat(0, 15, fitWidth(pdf, head, textW), "", 1, "L", false, 0, "")
	if missing != "" {
		pdf.SetFont(font, "", 9)
		pdf.MultiCell(0, 9*1.35, inEnglishLine("letter.in_english", missing), "", "L", false)
	}
	pdf.Ln(10)

	m := w.sp.Measure(r.Goal.Measure)
	unit := m.Unit
	if unit == "" {
		unit = w.T("letter.points")
	}
	nm := i18n.Args{"Name": first}
	para(w.T("letter.greeting"), 11, false)
	pdf.Ln(4)
	para(w.T("letter.intro", i18n.Args{"Name": first, "Skill": lowerFirst(m.Name)}), 11, false)

	heading("letter.goal.heading")
	goalID := "letter.goal.up"
	if r.Goal.Direction == record.DirectionDown {
		goalID = "letter.goal.down"
	}
	para(w.T(goalID, i18n.Args{"Goal": w.num(r.Goal.GoalScore), "Unit": unit, "Date": w.longDate(r.Goal.GoalDate)}), 11, false)

	heading("letter.growth.heading")
	if err := letterChart(pdf, d, lang); err != nil {
		return nil, err
	}
	if now, ok := nowLevel(r); ok {
		para(w.T("letter.growth", i18n.Args{"Name": first, "Start": w.num(r.Baseline.Score), "Unit": unit, "Now": w.num(now)}), 11, false)
		if r.Sufficiency == progress.GoalMet {
			para(w.T("letter.goal_reached", nm), 11, false)
		}
		pdf.SetTextColor(70, 70, 70)
		para(w.T("letter.chart_hint"), 9, false)
		pdf.SetTextColor(0, 0, 0)
	} else {
		para(w.T("letter.growth.none", nm), 11, false)
	}

	heading("letter.attendance.heading")
	if del := r.Delivery; del != nil && del.AttendancePct != nil {
		// The report's own words for attendance (progress.Speaker): a count
		// of sessions, never the percentage the team's delivery gate reads.
		para(w.T("letter.attendance", i18n.Args{"Name": first, "Words": w.sp.AttendanceWords(del)}), 11, false)
	} else {
		para(w.T("letter.attendance.none"), 11, false)
	}

	pdf.Ln(12)
	para(w.T("letter.closing", nm), 11, false)
	pdf.Ln(8)
	para(w.T("letter.signoff"), 11, false)
	if d.School != "" {
		para(d.School, 11, false)
	}
	pdf.Ln(12)
	madeWith(pdf, w, d.Generated)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("reportdoc: family letter: %w", err)
	}
	return pdf, nil
}

// letterChart draws the goal's chart for a family under the growth
// heading: the scores and the path to the goal, no trend, no phase lines
// (they name the team's decisions).
func letterChart(pdf *fpdf.Fpdf, d FamilyLetterDoc, lang i18n.Lang) error {
	png, err := chartPNG(Chart{Report: d.Report, Calendar: d.Calendar, Lang: lang, Family: true}, chartW/72, letterChartH/72, chartDPI, printStyle)
	if err != nil {
		return fmt.Errorf("reportdoc: family letter chart: %w", err)
	}
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("chart", opt, bytes.NewReader(png))
	pdf.ImageOptions("chart", margin, pdf.GetY(), chartW, letterChartH, true, opt, 0, "")
	pdf.Ln(6)
	return nil
}

// nowLevel is where the student is now: the present level (the median of
// the last 3 points, DOMAIN.md §3.1), or the last point's score while there
// are fewer; false without points.
func nowLevel(r progress.Report) (float64, bool) {
	if r.PresentLevel != nil {
		return *r.PresentLevel, true
	}
	if n := len(r.Points); n > 0 {
		return r.Points[n-1].Score, true
	}
	return 0, false
}

// capitalFirst starts a sentence with a capital: "your child started…"
// when the letter does not name the student.
func capitalFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst is a measure's name inside a sentence ("oral reading
// fluency"); a name whose second letter is a capital too (an acronym, a
// district's code) stays as it is.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
