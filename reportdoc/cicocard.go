package reportdoc

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// CICOCardDoc is what the family card shows (ADR 0641): one
// student's Check-In/Check-Out card of one day, or of one week, on one page
// in words a parent reads. The tablet and the server fill it from the same
// records and render it with CICOCardPDF, so both give the same page.
type CICOCardDoc struct {
	Student   string // display name; "" reads "Your child"
	School    string
	Generated string // YYYY-MM-DD the document was made
	// Date is the day of a daily card, or any day of the week (Monday to
	// Sunday) of a weekly one.
	Date   string
	Weekly bool
	// Cards are the student's cards; those of other dates are left out.
	Cards []record.CICOCard
	// Plan is the student's CICO plan (its phase is said in words); nil
	// when there is none.
	Plan *record.CICOPlan
	// FamilyLanguage is the student's family_language (a BCP 47 tag): the
	// card is in that language when the product has it, else in English
	// with a line saying so (DOMAIN.md §4.3, FamilyLanguage).
	FamilyLanguage string
}

// rating says a rating for a family: "Met (2)"; false for one out of range.
func (w words) rating(v float64) (string, bool) {
	switch v {
	case 2:
		return w.T("card.rating.met"), true
	case 1:
		return w.T("card.rating.partly"), true
	case 0:
		return w.T("card.rating.not_yet"), true
	}
	return "", false
}

// phaseForFamily says what a phase means for the student, in words.
func (w words) phaseForFamily(phase, name string) string {
	id := "card.phase.cico"
	switch phase {
	case record.PhaseSelfManaged:
		id = "card.phase.self_managed"
	case record.PhaseFaded:
		id = "card.phase.faded"
	case record.PhaseGraduated:
		id = "card.phase.graduated"
	}
	return w.T(id, i18n.Args{"Name": name})
}

// CICOCardPDF writes the family card of d as a one-page PDF (US Letter).
// A bad date is an error; a day or week with no card says so.
func CICOCardPDF(w io.Writer, d CICOCardDoc) error {
	pdf, err := cicoCardPDF(d)
	if err != nil {
		return err
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("reportdoc: family card: %w", err)
	}
	return nil
}

func cicoCardPDF(d CICOCardDoc) (*fpdf.Fpdf, error) {
	day, err := progress.ParseDate(d.Date)
	if err != nil {
		return nil, fmt.Errorf("reportdoc: family card: date %q: %w", d.Date, err)
	}
	lang, missing := FamilyLanguage(d.FamilyLanguage)
	w := wordsIn(lang)
	name := d.Student
	if name == "" {
		name = w.T("family.your_child")
	}
	// The given name reads warmer in sentences than the full name.
	first := name
	if f := strings.Fields(d.Student); len(f) > 0 {
		first = f[0]
	}
	nm := i18n.Args{"Name": first}
	pdf := newFamilyPDF(d.Generated)
	textW := pageW - 2*margin
	para := func(s string, size float64, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(font, style, size)
		pdf.MultiCell(0, size*1.35, s, "", "L", false)
	}
	title := w.T("card.title.daily", i18n.Args{"Name": name})
	when := w.date("doc.date.full", day.Time())
	var from, to progress.Date = day, day
	if d.Weekly {
		from = day - progress.Date(day.Weekday()-1)
		to = from + 6
		title = w.T("card.title.weekly", i18n.Args{"Name": name})
		when = w.T("card.week_of", i18n.Args{"Date": w.date("doc.date.full", from.Time())})
	}
	pdf.SetTitle(title, true)
	pdf.SetFont(font, "B", 18)
	pdf.CellFormat(0, 24, fitWidth(pdf, title, textW), "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 11)
	head := when
	if d.School != "" {
		head = d.School + " - " + when
	}
	pdf.CellFormat(0, 15, fitWidth(pdf, head, textW), "", 1, "L", false, 0, "")
	if missing != "" {
		pdf.SetFont(font, "", 9)
		pdf.MultiCell(0, 9*1.35, inEnglishLine("card.in_english", missing), "", "L", false)
	}
	pdf.Ln(6)

	// The cards of the range, in date order.
	var cards []record.CICOCard
	for _, c := range d.Cards {
		cd, err := progress.ParseDate(c.Date)
		if err == nil && cd >= from && cd <= to {
			cards = append(cards, c)
		}
	}
	sort.SliceStable(cards, func(i, j int) bool { return cards[i].Date < cards[j].Date })
	goal := 80.0
	if d.Plan != nil {
		goal = d.Plan.Goal()
	}
	var expectations []string
	if n := len(cards); n > 0 {
		expectations = cards[n-1].Expectations
		if cards[n-1].GoalPct != nil {
			goal = *cards[n-1].GoalPct
		}
	} else if d.Plan != nil {
		expectations = d.Plan.Expectations
	}
	if len(expectations) > 0 {
		para(w.T("card.goals_every_day", i18n.Args{"Name": first, "Goals": strings.Join(expectations, ", ")}), 11, false)
	}
	para(w.T("card.how_rated", nm), 11, false)
	if d.Plan != nil {
		phase, _ := d.Plan.PhaseOn(to.String())
		para(w.phaseForFamily(phase, first), 11, false)
	}
	pdf.Ln(8)

	rep := progress.CICO(progress.NewDataset(envelopes(cards)), studentOf(cards), from, to)
	if len(cards) == 0 || len(rep.Days) == 0 {
		id := "card.none.day"
		if d.Weekly {
			id = "card.none.week"
		}
		para(w.T(id), 12, true)
	} else if d.Weekly {
		weekTable(pdf, w, cards, expectations, rep)
		pdf.Ln(10)
		wk := rep.Weeks[0]
		para(w.T("card.week.earned", i18n.Args{"Name": first, "Earned": w.num(wk.Earned), "Possible": w.num(wk.Possible), "Pct": w.pct(wk.Pct)}), 12, true)
		days := i18n.Args{"Name": first, "Days": len(rep.Days) - wk.DaysBelowGoal, "Of": len(rep.Days)}
		if wk.Met {
			para(w.T("card.week.met", days), 11, false)
		} else {
			para(w.T("card.week.not_met", days), 11, false)
		}
	} else {
		dayTable(pdf, w, cards)
		pdf.Ln(10)
		dd := rep.Days[0]
		para(w.T("card.day.earned", i18n.Args{"Name": first, "Earned": w.num(dd.Earned), "Possible": w.num(dd.Possible), "Pct": w.pct(dd.Pct)}), 12, true)
		if dd.Met {
			para(w.T("card.day.met", i18n.Args{"Goal": w.pct(goal)}), 11, false)
		} else {
			para(w.T("card.day.not_met", i18n.Args{"Goal": w.pct(goal)}), 11, false)
		}
	}
	matched, compared := 0, 0
	for _, c := range cards {
		m, n := progress.CardMatch(c)
		matched, compared = matched+m, compared+n
	}
	if compared > 0 {
		para(w.T("card.self_rated", i18n.Args{"Name": first, "Matched": matched, "Compared": compared}), 11, false)
	}
	pdf.Ln(14)
	para(w.T("card.talk", nm), 11, false)
	pdf.Ln(16)
	pdf.SetFont(font, "", 11)
	pdf.CellFormat(0, 14, fitWidth(pdf, w.T("card.signature"), textW), "", 1, "L", false, 0, "")
	pdf.Ln(10)
	madeWith(pdf, w, d.Generated)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("reportdoc: family card: %w", err)
	}
	return pdf, nil
}

// newFamilyPDF starts a one-page family document (US Letter): the report's
// embedded fonts, whose UTF-8 glyphs carry every accent of Spanish, and no
// automatic page break (nothing below may break onto a second page: the
// tables are bounded and long names are cut to fit).
func newFamilyPDF(generated string) *fpdf.Fpdf {
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	pdf.AddUTF8FontFromBytes(font, "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes(font, "B", liberationsansbold.TTF)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.SetCellMargin(0)
	pdf.SetCreator("Small Wins", true)
	if t, err := time.Parse("2006-01-02", generated); err == nil {
		// The same document gives the same bytes, not a new timestamp per request.
		pdf.SetCreationDate(t)
		pdf.SetModificationDate(t)
	}
	pdf.AddPage()
	return pdf
}

// madeWith is a family document's last line: "Made with Small Wins on …".
func madeWith(pdf *fpdf.Fpdf, w words, generated string) {
	pdf.SetFont(font, "", 8)
	pdf.SetTextColor(90, 90, 90)
	pdf.CellFormat(0, 10, w.T("family.made_with", i18n.Args{"Date": w.longDate(generated)}), "", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
}

// envelopes wraps cards for progress.NewDataset, which reads records.
func envelopes(cards []record.CICOCard) []record.Envelope {
	out := make([]record.Envelope, 0, len(cards))
	for i, c := range cards {
		data, err := record.EncodeData(c, nil)
		if err != nil {
			continue
		}
		// Ids only order the dataset; these are never stored.
		out = append(out, record.Envelope{ID: fmt.Sprintf("%036d", i), Type: record.TypeCICOCard, Data: data})
	}
	return out
}

func studentOf(cards []record.CICOCard) string {
	if len(cards) == 0 {
		return ""
	}
	return cards[0].StudentID
}

// dayTable is the day's card: a row per period, a column per expectation,
// each rating in words. Several cards of one day (two tablets) are listed
// one after the other.
func dayTable(pdf *fpdf.Fpdf, w words, cards []record.CICOCard) {
	const rowH, size = 18.0, 10.0
	textW := pageW - 2*margin
	for _, c := range cards {
		n := len(c.Expectations)
		if n == 0 {
			continue
		}
		first := textW * 0.28
		colW := (textW - first) / float64(n)
		pdf.SetCellMargin(4)
		pdf.SetFont(font, "B", size)
		pdf.SetFillColor(235, 235, 235)
		pdf.CellFormat(first, rowH, fitWidth(pdf, w.T("card.table.part"), first-8), "1", 0, "L", true, 0, "")
		for _, e := range c.Expectations {
			pdf.CellFormat(colW, rowH, fitWidth(pdf, e, colW-8), "1", 0, "C", true, 0, "")
		}
		pdf.Ln(rowH)
		pdf.SetFont(font, "", size)
		for p, per := range c.Periods {
			pdf.CellFormat(first, rowH, fitWidth(pdf, per, first-8), "1", 0, "L", false, 0, "")
			for e := range c.Expectations {
				s := "-"
				if p < len(c.Ratings) && e < len(c.Ratings[p]) && c.Ratings[p][e] != nil {
					if words, ok := w.rating(*c.Ratings[p][e]); ok {
						s = words
					}
				}
				pdf.CellFormat(colW, rowH, s, "1", 0, "C", false, 0, "")
			}
			pdf.Ln(rowH)
		}
		pdf.SetCellMargin(0)
		pdf.Ln(6)
	}
}

// weekTable is the week: a row per day with a card, the points of each
// expectation (matched by name across the week's cards), the day's total
// and whether it reached the goal.
func weekTable(pdf *fpdf.Fpdf, w words, cards []record.CICOCard, expectations []string, rep progress.CICOReport) {
	const rowH, size = 18.0, 10.0
	textW := pageW - 2*margin
	dayW, totalW, goalW := 80.0, 70.0, 75.0
	colW := (textW - dayW - totalW - goalW) / float64(max(len(expectations), 1))
	type pts struct{ earned, possible float64 }
	byDay := map[string]map[string]*pts{}
	for _, c := range cards {
		if byDay[c.Date] == nil {
			byDay[c.Date] = map[string]*pts{}
		}
		for p := range c.Ratings {
			for e, v := range c.Ratings[p] {
				if v == nil || e >= len(c.Expectations) || (*v != 0 && *v != 1 && *v != 2) {
					continue
				}
				k := c.Expectations[e]
				if byDay[c.Date][k] == nil {
					byDay[c.Date][k] = &pts{}
				}
				byDay[c.Date][k].earned += *v
				byDay[c.Date][k].possible += 2
			}
		}
	}
	pdf.SetCellMargin(4)
	pdf.SetFont(font, "B", size)
	pdf.SetFillColor(235, 235, 235)
	pdf.CellFormat(dayW, rowH, w.T("card.table.day"), "1", 0, "L", true, 0, "")
	for _, e := range expectations {
		pdf.CellFormat(colW, rowH, fitWidth(pdf, e, colW-8), "1", 0, "C", true, 0, "")
	}
	pdf.CellFormat(totalW, rowH, fitWidth(pdf, w.T("card.table.points"), totalW-8), "1", 0, "C", true, 0, "")
	pdf.CellFormat(goalW, rowH, fitWidth(pdf, w.T("card.table.daily_goal"), goalW-8), "1", 0, "C", true, 0, "")
	pdf.Ln(rowH)
	pdf.SetFont(font, "", size)
	for _, dd := range rep.Days {
		pdf.CellFormat(dayW, rowH, w.isoDate("doc.date.day_short", dd.Date), "1", 0, "L", false, 0, "")
		for _, e := range expectations {
			s := "-"
			if p := byDay[dd.Date][e]; p != nil && p.possible > 0 {
				s = w.T("card.table.of", i18n.Args{"Earned": w.num(p.earned), "Possible": w.num(p.possible)})
			}
			pdf.CellFormat(colW, rowH, s, "1", 0, "C", false, 0, "")
		}
		pdf.CellFormat(totalW, rowH, w.T("card.table.of", i18n.Args{"Earned": w.num(dd.Earned), "Possible": w.num(dd.Possible)}), "1", 0, "C", false, 0, "")
		met := w.T("card.table.not_yet")
		if dd.Met {
			met = w.T("card.table.reached")
		}
		pdf.CellFormat(goalW, rowH, met, "1", 0, "C", false, 0, "")
		pdf.Ln(rowH)
	}
	pdf.SetCellMargin(0)
}

// FamilyCardRecords picks from envs what a family card of studentID shows:
// the student's cards (restricted ones left out, as every report leaves
// them, DOMAIN.md §4) and their CICO plan (record.LatestCICOPlan; nil
// without one). The API's card and the console's read their records
// through it, so both show the same page.
func FamilyCardRecords(envs []record.Envelope, studentID string) ([]record.CICOCard, *record.CICOPlan) {
	var cards []record.CICOCard
	for _, e := range envs {
		if card, ok := record.DecodeAs[record.CICOCard](e); ok && !e.Restricted && card.StudentID == studentID {
			cards = append(cards, card)
		}
	}
	if p, ok := record.LatestCICOPlan(envs, studentID); ok {
		return cards, &p
	}
	return cards, nil
}
