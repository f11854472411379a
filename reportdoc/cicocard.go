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

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// CICOCardDoc is what the family card shows (issue 16, ADR 0641): one
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
}

// ratingWords says a rating for a family.
var ratingWords = map[float64]string{2: "Met (2)", 1: "Partly (1)", 0: "Not yet (0)"}

// phaseForFamily says what a phase means for the student, in words.
func phaseForFamily(phase, name string) string {
	switch phase {
	case record.PhaseSelfManaged:
		return name + " now rates their own card during the day, and an adult checks it with them."
	case record.PhaseFaded:
		return name + " is doing well and now needs fewer check-ins with an adult."
	case record.PhaseGraduated:
		return name + " has completed Check-In/Check-Out. Well done!"
	}
	return name + " checks in with an adult each morning and checks out at the end of the day."
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
	name := d.Student
	if name == "" {
		name = "Your child"
	}
	// The given name reads warmer in sentences than the full name.
	first := name
	if f := strings.Fields(d.Student); len(f) > 0 {
		first = f[0]
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	pdf.AddUTF8FontFromBytes(font, "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes(font, "B", liberationsansbold.TTF)
	pdf.SetMargins(margin, margin, margin)
	// One page: nothing below may break onto a second (the tables are
	// bounded: 10 periods, 7 days; long names are cut to fit).
	pdf.SetAutoPageBreak(false, margin)
	pdf.SetCellMargin(0)
	pdf.SetCreator("Small Wins", true)
	if t, err := time.Parse("2006-01-02", d.Generated); err == nil {
		pdf.SetCreationDate(t)
		pdf.SetModificationDate(t)
	}
	pdf.AddPage()
	textW := pageW - 2*margin
	para := func(s string, size float64, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(font, style, size)
		pdf.MultiCell(0, size*1.35, s, "", "L", false)
	}
	kind := "Daily"
	when := day.Time().Format("Monday 2 January 2006")
	var from, to progress.Date = day, day
	if d.Weekly {
		kind = "Weekly"
		from = day - progress.Date(day.Weekday()-1)
		to = from + 6
		when = "Week of " + from.Time().Format("Monday 2 January 2006")
	}
	title := kind + " behaviour card: " + name
	pdf.SetTitle(title, true)
	pdf.SetFont(font, "B", 18)
	pdf.CellFormat(0, 24, fitWidth(pdf, title, textW), "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 11)
	head := when
	if d.School != "" {
		head = d.School + " - " + when
	}
	pdf.CellFormat(0, 15, fitWidth(pdf, head, textW), "", 1, "L", false, 0, "")
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
		para(fmt.Sprintf("At school, %s works on these goals every day: %s.", first, strings.Join(expectations, ", ")), 11, false)
	}
	para("After each part of the day, an adult gives 2 points when a goal was met, 1 when it was partly met and 0 when it was not yet met. "+
		"A dash means the part was not rated (for example, "+first+" was out of the room).", 11, false)
	if d.Plan != nil {
		phase, _ := d.Plan.PhaseOn(to.String())
		para(phaseForFamily(phase, first), 11, false)
	}
	pdf.Ln(8)

	rep := progress.CICO(progress.NewDataset(envelopes(cards)), studentOf(cards), from, to)
	if len(cards) == 0 || len(rep.Days) == 0 {
		para("No card was rated "+map[bool]string{false: "on this day", true: "this week"}[d.Weekly]+".", 12, true)
	} else if d.Weekly {
		weekTable(pdf, cards, expectations, rep)
		pdf.Ln(10)
		w := rep.Weeks[0]
		para(fmt.Sprintf("This week %s earned %s of %s points (%s).", first, num(w.Earned), num(w.Possible), progress.FormatPct(w.Pct)), 12, true)
		if w.Met {
			para(fmt.Sprintf("That reaches the weekly goal of 80%%. %s reached the daily goal on %d of %d days.", first, len(rep.Days)-w.DaysBelowGoal, len(rep.Days)), 11, false)
		} else {
			para(fmt.Sprintf("The weekly goal is 80%%. %s reached the daily goal on %d of %d days.", first, len(rep.Days)-w.DaysBelowGoal, len(rep.Days)), 11, false)
		}
	} else {
		dayTable(pdf, cards)
		pdf.Ln(10)
		dd := rep.Days[0]
		para(fmt.Sprintf("Today %s earned %s of %s points (%s).", first, num(dd.Earned), num(dd.Possible), progress.FormatPct(dd.Pct)), 12, true)
		if dd.Met {
			para(fmt.Sprintf("That reaches the daily goal of %s.", progress.FormatPct(goal)), 11, false)
		} else {
			para(fmt.Sprintf("The daily goal is %s: not reached today. Tomorrow is a new day.", progress.FormatPct(goal)), 11, false)
		}
	}
	matched, compared := 0, 0
	for _, c := range cards {
		m, n := progress.CardMatch(c)
		matched, compared = matched+m, compared+n
	}
	if compared > 0 {
		para(fmt.Sprintf("%s also rated their own card: %s and the adult agreed on %d of %d boxes.", first, first, matched, compared), 11, false)
	}
	pdf.Ln(14)
	para("Please talk with "+first+" about the card, praise what went well, and sign below.", 11, false)
	pdf.Ln(16)
	pdf.SetFont(font, "", 11)
	pdf.CellFormat(0, 14, "Parent or carer signature: ______________________________   Date: ______________", "", 1, "L", false, 0, "")
	pdf.Ln(10)
	pdf.SetFont(font, "", 8)
	pdf.SetTextColor(90, 90, 90)
	pdf.CellFormat(0, 10, "Made with Small Wins on "+d.Generated+".", "", 1, "L", false, 0, "")
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("reportdoc: family card: %w", err)
	}
	return pdf, nil
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
func dayTable(pdf *fpdf.Fpdf, cards []record.CICOCard) {
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
		pdf.CellFormat(first, rowH, "Part of the day", "1", 0, "L", true, 0, "")
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
					if w, ok := ratingWords[*c.Ratings[p][e]]; ok {
						s = w
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
func weekTable(pdf *fpdf.Fpdf, cards []record.CICOCard, expectations []string, rep progress.CICOReport) {
	const rowH, size = 18.0, 10.0
	textW := pageW - 2*margin
	dayW, totalW, goalW := 90.0, 90.0, 80.0
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
	pdf.CellFormat(dayW, rowH, "Day", "1", 0, "L", true, 0, "")
	for _, e := range expectations {
		pdf.CellFormat(colW, rowH, fitWidth(pdf, e, colW-8), "1", 0, "C", true, 0, "")
	}
	pdf.CellFormat(totalW, rowH, "Points", "1", 0, "C", true, 0, "")
	pdf.CellFormat(goalW, rowH, "Daily goal", "1", 0, "C", true, 0, "")
	pdf.Ln(rowH)
	pdf.SetFont(font, "", size)
	for _, dd := range rep.Days {
		t, _ := time.Parse("2006-01-02", dd.Date)
		pdf.CellFormat(dayW, rowH, t.Format("Mon 2 Jan"), "1", 0, "L", false, 0, "")
		for _, e := range expectations {
			s := "-"
			if p := byDay[dd.Date][e]; p != nil && p.possible > 0 {
				s = num(p.earned) + " of " + num(p.possible)
			}
			pdf.CellFormat(colW, rowH, s, "1", 0, "C", false, 0, "")
		}
		pdf.CellFormat(totalW, rowH, num(dd.Earned)+" of "+num(dd.Possible), "1", 0, "C", false, 0, "")
		met := "not yet"
		if dd.Met {
			met = "reached"
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
