package reportdoc

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smallwins/shared/record"
)

const cardStudent = "00000000-0000-7000-8000-00000000000c"

func rp(v float64) *float64 { return &v }

// familyCards: Monday to Thursday of the week of 2025-03-17, three
// expectations × two periods; Tuesday below the goal, Wednesday
// self-managed (the student rated too, agreeing on 5 of 6), and one card
// of the week before that must not show.
func familyCards() []record.CICOCard {
	exp := []string{"Be safe", "Be respectful", "Be responsible"}
	per := []string{"Morning", "Afternoon"}
	good := [][]*float64{{rp(2), rp(2), rp(1)}, {rp(2), rp(2), nil}}   // 9 of 10
	poor := [][]*float64{{rp(1), rp(0), rp(1)}, {rp(2), rp(1), rp(0)}} // 5 of 12
	c := func(date string, r [][]*float64) record.CICOCard {
		return record.CICOCard{StudentID: cardStudent, Date: date, Expectations: exp, Periods: per, Ratings: r}
	}
	wed := c("2025-03-19", good)
	wed.StudentRatings = [][]*float64{{rp(2), rp(2), rp(2)}, {rp(2), rp(2), rp(2)}} // matches 4 of the 5 both rated
	return []record.CICOCard{c("2025-03-10", poor), c("2025-03-17", good), c("2025-03-18", poor), wed, c("2025-03-20", good)}
}

func familyPDF(t *testing.T, d CICOCardDoc) string {
	t.Helper()
	var buf bytes.Buffer
	if err := CICOCardPDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdfText(t, buf.Bytes(), "-layout")
	if n := strings.Count(text, "\f"); n != 1 {
		t.Fatalf("the family card has %d pages, want 1\n%s", n, text)
	}
	return strings.Join(strings.Fields(text), " ")
}

// TestCICODailyCardText: the day's card in words, its points and the goal,
// read back from the PDF by pdftotext.
func TestCICODailyCardText(t *testing.T) {
	plan := record.CICOPlan{StudentID: cardStudent, Expectations: []string{"Be safe"}, Periods: []string{"x"}}
	text := familyPDF(t, CICOCardDoc{Student: "Ava Martinez", School: "Lincoln Elementary", Generated: "2025-03-18",
		Date: "2025-03-18", Cards: familyCards(), Plan: &plan})
	for _, want := range []string{
		"Daily behaviour card: Ava Martinez",
		"Lincoln Elementary - Tuesday 18 March 2025",
		"At school, Ava works on these goals every day: Be safe, Be respectful, Be responsible.",
		"Ava checks in with an adult each morning",
		"Part of the day Be safe Be respectful Be responsible",
		"Morning Partly (1) Not yet (0) Partly (1)",
		"Afternoon Met (2) Partly (1) Not yet (0)",
		"Today Ava earned 5 of 12 points (41.67%).",
		"The daily goal is 80%: not reached today.",
		"Parent or carer signature:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("daily card lacks %q\n%s", want, text)
		}
	}
	for _, never := range []string{"cico", "null", "NaN", "self_managed"} {
		if strings.Contains(text, never) {
			t.Errorf("daily card shows %q\n%s", never, text)
		}
	}
}

// TestCICOWeeklyCardText: the week's days (not the week before), points per
// expectation, the pooled week, the phase and the self-rating match.
func TestCICOWeeklyCardText(t *testing.T) {
	plan := record.CICOPlan{StudentID: cardStudent, Expectations: []string{"Be safe"}, Periods: []string{"x"},
		Phases: []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: "2025-03-19"}}}
	text := familyPDF(t, CICOCardDoc{Student: "Ava Martinez", School: "Lincoln Elementary", Generated: "2025-03-21",
		Date: "2025-03-21", Weekly: true, Cards: familyCards(), Plan: &plan})
	for _, want := range []string{
		"Weekly behaviour card: Ava Martinez",
		"Week of Monday 17 March 2025",
		"Day Be safe Be respectful Be responsible Points Daily goal",
		"Mon 17 Mar 4 of 4 4 of 4 1 of 2 9 of 10 reached",
		"Tue 18 Mar 3 of 4 1 of 4 1 of 4 5 of 12 not yet",
		"Thu 20 Mar",
		"This week Ava earned 32 of 42 points (76.19%).",
		"The weekly goal is 80%. Ava reached the daily goal on 3 of 4 days.",
		"Ava now rates their own card",
		"Ava and the adult agreed on 4 of 5 boxes.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("weekly card lacks %q\n%s", want, text)
		}
	}
	if strings.Contains(text, "Mon 10 Mar") {
		t.Error("the week before is on the weekly card")
	}
}

// TestCICOCardEmptyAndBad: a day without a card says so; a bad date is an
// error, not a page; a nameless student is "Your child"; a card with
// hostile shapes (ragged ratings, 3s) renders without a panic.
func TestCICOCardEmptyAndBad(t *testing.T) {
	text := familyPDF(t, CICOCardDoc{Date: "2025-03-22", Cards: familyCards()})
	if !strings.Contains(text, "Daily behaviour card: Your child") || !strings.Contains(text, "No card was rated on this day.") {
		t.Fatalf("empty day: %s", text)
	}
	var buf bytes.Buffer
	if err := CICOCardPDF(&buf, CICOCardDoc{Date: "2025-02-30"}); err == nil || buf.Len() != 0 {
		t.Fatalf("a bad date gave %v and %d bytes", err, buf.Len())
	}
	long := strings.Repeat("Very long expectation name ", 10)
	hostile := record.CICOCard{StudentID: cardStudent, Date: "2025-03-18", Expectations: []string{long, "b"},
		Periods: []string{"p1", strings.Repeat("x", 400)}, Ratings: [][]*float64{{rp(3), rp(2), rp(2)}, {}, {rp(1)}},
		StudentRatings: [][]*float64{{rp(2)}, {rp(1), rp(1), rp(1)}, {rp(0)}, {}}}
	for _, weekly := range []bool{false, true} {
		familyPDF(t, CICOCardDoc{Student: strings.Repeat("Name ", 50), Date: "2025-03-18", Weekly: weekly, Cards: []record.CICOCard{hostile}})
	}
}

// TestWriteFamilyCardExamples writes the example family cards of
// docs/reports.md into $SMALLWINS_EXAMPLES (docs/examples); skipped unless
// it is set.
func TestWriteFamilyCardExamples(t *testing.T) {
	dir := os.Getenv("SMALLWINS_EXAMPLES")
	if dir == "" {
		t.Skip("set SMALLWINS_EXAMPLES=<dir> to write the example family cards")
	}
	plan := record.CICOPlan{StudentID: cardStudent, Phases: []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: "2025-03-19"}}}
	for name, weekly := range map[string]bool{"cico-family-card-day.pdf": false, "cico-family-card-week.pdf": true} {
		var buf bytes.Buffer
		if err := CICOCardPDF(&buf, CICOCardDoc{Student: "Ava Martinez", School: "Lincoln Elementary", Generated: "2025-03-21",
			Date: "2025-03-19", Weekly: weekly, Cards: familyCards(), Plan: &plan}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzCICOCardPDF: any card data gives a one-page PDF or, for a bad date
// only, an error; never a panic.
func FuzzCICOCardPDF(f *testing.F) {
	f.Add([]byte(`{"student_id":"`+cardStudent+`","date":"2025-03-18","expectations":["a","b"],"periods":["p"],"ratings":[[2,1]],"student_ratings":[[2,2]]}`), "2025-03-18", true)
	f.Add([]byte(`{"date":"2025-03-18","expectations":[],"periods":["p","q"],"ratings":[[9,-1,null],[],[1]]}`), "2025-03-18", false)
	f.Fuzz(func(t *testing.T, data []byte, date string, weekly bool) {
		var c record.CICOCard
		if record.DecodeData(data, &c) != nil {
			return
		}
		var buf bytes.Buffer
		err := CICOCardPDF(&buf, CICOCardDoc{Student: "Ava", Date: date, Weekly: weekly, Cards: []record.CICOCard{c}})
		if _, derr := record.ParseDate(date); (err != nil) != (derr != nil) {
			t.Fatalf("date %q: %v", date, err)
		}
		if err == nil && !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
	})
}
