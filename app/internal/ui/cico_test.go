package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// retypeLines replaces an entry's text as a person does: tap into it, select
// all, type; in a multi-line entry Return starts the next line.
func retypeLines(e *widget.Entry, lines ...string) {
	test.Tap(e)
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	for i, l := range lines {
		if i > 0 {
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		}
		test.Type(e, l)
	}
}

// openCard shows the CICO tab and picks the student's card of today.
func openCard(t *testing.T, a *App, studentID string) *cicoScreen {
	t.Helper()
	a.Root(TabCICO)
	c := a.Current().(*cicoScreen)
	test.Tap(c.pick[studentID])
	if c.m == nil {
		t.Fatal("no card opened")
	}
	return c
}

// TestCICOCardSetup: the setup form gives the student their own
// expectations, periods and goal; today's unrated card takes them at once,
// the next day's card starts from them, a card rated before keeps its
// layout, and the plan is one record at the student's plan id.
func TestCICOCardSetup(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	ben := sc.students[1]
	// Yesterday's card, rated on the standard layout (the whole grid, as
	// the tablet writes it: DOMAIN.md §3.9).
	must(repo.Put(ctx, f.store, "", record.CICOCard{StudentID: ben, Date: "2025-03-16", Expectations: defaultExpectations,
		Periods: defaultPeriods, Ratings: grid([][]*float64{{ptr(2.0)}}, len(defaultPeriods), len(defaultExpectations))}, false))
	a := f.start(portrait)
	c := openCard(t, a, ben)
	if !strings.Contains(c.phase.Text, "Standard card") {
		t.Fatalf("a student without a setup is not told: %q", c.phase.Text)
	}
	test.Tap(c.setup)
	su := a.Current().(*cicoSetupScreen)
	retypeLines(su.expectations, "Be kind", "  ", "Be ready to learn")
	retypeLines(su.periods, "Morning meeting", "Reading", "Lunch", "Afternoon")
	retypeLines(su.goal, "75")
	test.Tap(su.save)
	if a.Current() != c {
		t.Fatal("saving the setup did not return to the card")
	}
	plan := mustGet[record.CICOPlan](f.store, record.CICOPlanID(ben)).Data
	if strings.Join(plan.Expectations, "|") != "Be kind|Be ready to learn" || len(plan.Periods) != 4 || plan.Goal() != 75 {
		t.Fatalf("plan %+v", plan)
	}
	if len(c.cells) != 4 || len(c.cells[0]) != 2 || strings.Contains(c.phase.Text, "Standard card") {
		t.Fatalf("today's unrated card did not take the setup: %d×%d, %q", len(c.cells), len(c.cells[0]), c.phase.Text)
	}
	test.Tap(c.cells[3][1]) // 2
	test.Tap(c.cells[0][0]) // 2
	test.Tap(c.cells[0][0]) // 1
	if got := cardOn(f.store, ben, "2025-03-17").Data; got.Periods[3] != "Afternoon" || *got.Ratings[3][1] != 2 || *got.GoalPct != 75 {
		t.Fatalf("today's card %+v", got)
	}
	if c.total.Text != "3 of 4 points: 75% (goal 75%) · goal met" {
		t.Fatalf("total %q", c.total.Text)
	}
	// Yesterday's rated card keeps the layout it was rated in.
	test.Tap(c.prev)
	if len(c.cells) != len(defaultPeriods) || c.m.rating(0, 0) != 2 {
		t.Fatalf("yesterday's card lost its layout: %d periods", len(c.cells))
	}
	// Tomorrow's card starts from the setup.
	f.clk.add(24 * time.Hour)
	c = openCard(t, a, ben)
	if c.m.date != "2025-03-18" || len(c.cells) != 4 || c.m.card.Expectations[1] != "Be ready to learn" || c.m.goal() != 75 {
		t.Fatalf("the next day's card: %s %+v", c.m.date, c.m.card)
	}
	if n := len(repo.ListByRef[record.CICOPlan](f.store, ben)); n != 1 {
		t.Fatalf("%d plans for one student", n)
	}
}

// TestCICOCardSetupRefusesBadInput: a goal that is not a number, too many
// expectations, or no period is refused with a sentence in the form's own
// place (the form does not move), and nothing is written.
func TestCICOCardSetupRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(portrait)
	c := openCard(t, a, sc.students[2])
	test.Tap(c.setup)
	su := a.Current().(*cicoSetupScreen)
	saveY := su.save.Position().Y
	cases := []struct {
		exp, per []string
		goal     string
		want     string
	}{
		{[]string{"Be kind"}, []string{"AM"}, "eighty", "The daily goal must be a number of percent, such as 80."},
		{[]string{"a", "b", "c", "d", "e", "f"}, []string{"AM"}, "80", "Not saved: A card has 1–5 expectations."},
		{[]string{"Be kind"}, []string{" "}, "80", "Not saved: A card has 1–10 periods."},
		{[]string{"Be kind"}, []string{"AM"}, "0", "Not saved: The goal must be 1–100%."},
		{[]string{strings.Repeat("x", 61)}, []string{"AM"}, "80", "Not saved: Each expectation must be 1–60 characters."},
	}
	for _, cs := range cases {
		retypeLines(su.expectations, cs.exp...)
		retypeLines(su.periods, cs.per...)
		retypeLines(su.goal, cs.goal)
		test.Tap(su.save)
		if su.problem.Text != cs.want {
			t.Errorf("%v/%v/%s: %q, want %q", cs.exp, cs.per, cs.goal, su.problem.Text, cs.want)
		}
		if a.Current() != su {
			t.Fatal("a refused setup left the form")
		}
		if y := su.save.Position().Y; y != saveY {
			t.Errorf("the problem moved the Save button from %v to %v", saveY, y)
		}
	}
	if n := len(repo.ListByRef[record.CICOPlan](f.store, sc.students[2])); n != 0 {
		t.Fatalf("%d plans written from bad input", n)
	}
}

// seedMetWeeks writes five met cards (5 of 6 points) a week for n weeks
// ending with the week before Monday 2025-03-17.
func seedMetWeeks(t *testing.T, s *localstore.Store, studentID string, n int) {
	t.Helper()
	start, _ := record.ParseDate("2025-03-17")
	for w := 1; w <= n; w++ {
		for d := 0; d < 5; d++ {
			date := (start - record.Date(7*w) + record.Date(d)).String()
			must(repo.Put(context.Background(), s, "", record.CICOCard{StudentID: studentID, Date: date,
				Expectations: []string{"Be safe", "Be kind", "Be ready"}, Periods: []string{"AM"},
				Ratings: [][]*float64{{ptr(2.0), ptr(2.0), ptr(1.0)}}}, false))
		}
	}
}

// TestCICOFading: five met weeks are not enough (the move is offered but
// disabled); six make the student eligible, shown on the card and the
// progress screen; the team's move is recorded in the plan, drawn as a
// phase line, and turns the card into a self-managed one where the student
// and the adult each rate and the match is shown; Back to check-in/
// check-out is recorded too.
func TestCICOFading(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	dev := sc.students[3]
	seedMetWeeks(t, f.store, dev, 5)
	a := f.start(landscape)
	c := openCard(t, a, dev)
	test.Tap(c.progress)
	p := a.Current().(*cicoProgressScreen)
	if !strings.Contains(p.status.Text, "Weeks met in a row: 5 of the 6") || !p.next.Disabled() || p.next.Text != "Move to self-managed" {
		t.Fatalf("after 5 weeks: %q, next disabled %v %q", p.status.Text, p.next.Disabled(), p.next.Text)
	}
	if len(p.cp.chart.Weeks) != 5 || len(p.cp.chart.Phases) != 0 {
		t.Fatalf("chart %+v", p.cp.chart)
	}
	a.Back()

	f2 := newFixture(t)
	sc = seedSchool(t, f2.store)
	dev = sc.students[3]
	seedMetWeeks(t, f2.store, dev, 6)
	a = f2.start(landscape)
	c = openCard(t, a, dev)
	if !strings.Contains(c.week.Text, "eligible for self-management") {
		t.Fatalf("the card does not show eligibility: %q", c.week.Text)
	}
	test.Tap(c.progress)
	p = a.Current().(*cicoProgressScreen)
	if !strings.Contains(p.status.Text, "Eligible for self-management") || p.next.Disabled() || p.back.Visible() {
		t.Fatalf("after 6 weeks: %q, next disabled %v", p.status.Text, p.next.Disabled())
	}
	test.Tap(p.next)
	plan := mustGet[record.CICOPlan](f2.store, record.CICOPlanID(dev)).Data
	if len(plan.Phases) != 1 || plan.Phases[0] != (record.CICOPhase{Phase: record.PhaseSelfManaged, StartDate: "2025-03-17"}) {
		t.Fatalf("phases %+v", plan.Phases)
	}
	// The plan took the layout of the student's cards.
	if strings.Join(plan.Expectations, "|") != "Be safe|Be kind|Be ready" || len(plan.Periods) != 1 {
		t.Fatalf("plan layout %+v", plan)
	}
	if len(p.cp.chart.Phases) != 1 || p.cp.chart.Phases[0].Label != "Self-managed" || p.cp.chart.Phases[0].X != 7 {
		t.Fatalf("phase line %+v", p.cp.chart.Phases)
	}
	if !strings.HasPrefix(p.status.Text, "Phase: Self-managed since Mon 17 Mar.") || !strings.Contains(p.status.Text, "0 of 2 before fading") ||
		!p.next.Disabled() || p.next.Text != "Move to faded" || !p.back.Visible() {
		t.Fatalf("self-managed: %q next %q disabled %v", p.status.Text, p.next.Text, p.next.Disabled())
	}
	// A move tapped by mistake is taken back the same day, without a trace.
	if !p.undo.Visible() {
		t.Fatal("no undo for today's move")
	}
	test.Tap(p.undo)
	if plan := mustGet[record.CICOPlan](f2.store, record.CICOPlanID(dev)).Data; len(plan.Phases) != 0 {
		t.Fatalf("after undo: %+v", plan.Phases)
	}
	if p.undo.Visible() || p.next.Text != "Move to self-managed" || p.next.Disabled() || len(p.cp.chart.Phases) != 0 {
		t.Fatalf("after undo: %q %q", p.status.Text, p.next.Text)
	}
	test.Tap(p.next)
	a.Back()
	a.Root(TabCICO)
	if l := a.Current().(*cicoScreen).pick[dev].Text; l != "Dev Patel · self-managed" {
		t.Fatalf("the picker says %q", l)
	}
	// The card is now self-managed: the student rates, the adult rates, the
	// match is shown per period and for the day.
	c = openCard(t, a, dev)
	if c.rateStudent == nil || !c.m.selfManaged() || len(c.match) != 1 {
		t.Fatal("the card is not self-managed")
	}
	if strings.Contains(c.week.Text, "eligible") || !strings.HasPrefix(c.phase.Text, "Phase: Self-managed since Mon 17 Mar") {
		t.Fatalf("a self-managed card still reads %q / %q", c.week.Text, c.phase.Text)
	}
	test.Tap(c.rateStudent)
	test.Tap(c.cells[0][0]) // student 2
	test.Tap(c.cells[0][1]) // student 2
	test.Tap(c.rateAdult)
	test.Tap(c.cells[0][0]) // adult 2
	test.Tap(c.cells[0][1]) // adult 2
	test.Tap(c.cells[0][1]) // adult 1
	card := cardOn(f2.store, dev, "2025-03-17").Data
	if *card.StudentRatings[0][0] != 2 || *card.StudentRatings[0][1] != 2 || *card.Ratings[0][0] != 2 || *card.Ratings[0][1] != 1 || card.StudentRatings[0][2] != nil {
		t.Fatalf("card %+v", card)
	}
	if c.cells[0][1].Text != "S 2 · A 1" || c.match[0].Text != "1 of 2" {
		t.Fatalf("cell %q match %q", c.cells[0][1].Text, c.match[0].Text)
	}
	if c.agree.Text != "Match: the student and you agree on 1 of 2 boxes (50%)." {
		t.Fatalf("day match %q", c.agree.Text)
	}
	// The points stay the adult's.
	if c.total.Text != "3 of 4 points: 75% (goal 80%) · below the goal" {
		t.Fatalf("total %q", c.total.Text)
	}
	// Back to full CICO, recorded as a second change the next day.
	f2.clk.add(24 * time.Hour)
	test.Tap(c.progress)
	p = a.Current().(*cicoProgressScreen)
	test.Tap(p.back)
	plan = mustGet[record.CICOPlan](f2.store, record.CICOPlanID(dev)).Data
	if len(plan.Phases) != 2 || plan.Phases[1] != (record.CICOPhase{Phase: record.PhaseCICO, StartDate: "2025-03-18"}) {
		t.Fatalf("phases %+v", plan.Phases)
	}
	if !strings.HasPrefix(p.status.Text, "Phase: Check-in/check-out since Tue 18 Mar.") || len(p.cp.chart.Phases) != 2 {
		t.Fatalf("back on CICO: %q %+v", p.status.Text, p.cp.chart.Phases)
	}
	// The next day, yesterday's move is history: no undo.
	f2.clk.add(24 * time.Hour)
	p.refresh()
	if p.undo.Visible() {
		t.Fatal("a move of an earlier day can be undone")
	}
}

// TestCICOFamilyCard: the family cards are rendered on the tablet by
// reportdoc and handed to the platform's save; the status says so in its
// fixed place (the buttons do not move).
func TestCICOFamilyCard(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ava := sc.students[0]
	seedMetWeeks(t, f.store, ava, 1)
	var names []string
	var docs [][]byte
	a := f.start(portrait)
	a.cfg.SaveDocument = func(name string, data []byte) error {
		names, docs = append(names, name), append(docs, data)
		return nil
	}
	c := openCard(t, a, ava)
	test.Tap(c.prev) // Sunday: its week is the seeded one
	test.Tap(c.progress)
	p := a.Current().(*cicoProgressScreen)
	y := p.weekCard.Position().Y
	test.Tap(p.weekCard)
	test.Tap(p.dayCard)
	if len(docs) != 2 || !bytes.HasPrefix(docs[0], []byte("%PDF-")) {
		t.Fatalf("%d documents", len(docs))
	}
	if names[0] != "CICO card Ava Martinez, week of 2025-03-10.pdf" || p.saved.Text != "Saved CICO card Ava Martinez, day 2025-03-16.pdf." {
		t.Fatalf("names %q, status %q", names, p.saved.Text)
	}
	if p.weekCard.Position().Y != y {
		t.Fatal("the status moved the buttons")
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed (make deps installs poppler-utils)")
	}
	cmd := exec.Command(bin, "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(docs[0])
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Weekly behaviour card: Ava Martinez", "Week of Monday 10 March 2025",
		"This week Ava earned 25 of 30 points (83.33%).", "That reaches the weekly goal of 80%."} {
		if !strings.Contains(text, want) {
			t.Errorf("the tablet's family card lacks %q\n%s", want, text)
		}
	}
}

// TestCICOFirstRatingPutsStudentOnCICO: the first rated box of a student
// without a setup gives them a plan with the card's layout (the picker
// lists students on CICO by their plan); a store from before plans still
// lists students by their cards.
func TestCICOFirstRatingPutsStudentOnCICO(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	must(repo.Put(context.Background(), f.store, "", record.CICOCard{StudentID: sc.students[4], Date: "2025-03-14",
		Expectations: []string{"Be kind"}, Periods: []string{"AM"}, Ratings: [][]*float64{{ptr(1.0)}}}, false))
	a := f.start(portrait)
	a.Root(TabCICO)
	if l := a.Current().(*cicoScreen).pick[sc.students[4]].Text; l != "Ella Schmidt · on CICO" {
		t.Fatalf("a student with cards only: %q", l)
	}
	c := openCard(t, a, sc.students[2])
	if _, ok := repo.Get[record.CICOPlan](f.store, record.CICOPlanID(sc.students[2])); ok {
		t.Fatal("opening a card wrote a plan")
	}
	test.Tap(c.cells[1][2])
	plan := mustGet[record.CICOPlan](f.store, record.CICOPlanID(sc.students[2])).Data
	if len(plan.Periods) != len(defaultPeriods) || plan.Expectations[2] != defaultExpectations[2] || len(plan.Phases) != 0 {
		t.Fatalf("plan %+v", plan)
	}
	a.Root(TabCICO)
	pick := a.Current().(*cicoScreen).pick
	if l := pick[sc.students[2]].Text; l != "Chloe Nguyen · check-in/check-out" {
		t.Fatalf("the picker says %q", l)
	}
	if l := pick[sc.students[4]].Text; l != "Ella Schmidt · on CICO" {
		t.Fatalf("a student with cards only, once another has a plan: %q", l)
	}
}

// TestCICOBadPlanFromAnotherTablet: a plan that breaks the rules (no
// expectations, as a damaged or foreign version could arrive by sync) does
// not lay out the card; the card keeps a usable layout and saves.
func TestCICOBadPlanFromAnotherTablet(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	sid := sc.students[1]
	raw := []byte(`{"student_id":"` + sid + `","expectations":[],"periods":["AM"],"phases":[{"phase":"graduated","start_date":"2025-01-01"}],"extra":1}`)
	if _, err := f.store.Put(context.Background(), record.TypeCICOPlan, record.CICOPlanID(sid), json.RawMessage(raw), false); err != nil {
		t.Fatal(err)
	}
	a := f.start(portrait)
	c := openCard(t, a, sid)
	if len(c.cells) != len(defaultPeriods) || len(c.cells[0]) != len(defaultExpectations) {
		t.Fatalf("a bad plan laid out the card: %d×%d", len(c.cells), len(c.cells[0]))
	}
	test.Tap(c.cells[0][0])
	if v := cardOn(f.store, sid, "2025-03-17").Data.Ratings[0][0]; v == nil || *v != 2 {
		t.Fatal("the card did not save")
	}
	if !strings.HasPrefix(c.phase.Text, "Phase: Graduated") {
		t.Fatalf("phase %q", c.phase.Text)
	}
}

// TestCICOFamilyCardInFamilyLanguage: the tablet's family CICO card, like
// the letter, is in the student's family_language (DOMAIN.md §4.3, ADR
// 0033), not in the app's: Spanish for "es" in an English app.
func TestCICOFamilyCardInFamilyLanguage(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("SKIPPING: pdftotext (poppler-utils) is not installed; the card's language cannot be read back")
	}
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ava := sc.students[0]
	seedMetWeeks(t, f.store, ava, 1)
	st := mustGet[record.Student](f.store, ava)
	st.Data.FamilyLanguage = "es-MX"
	must(repo.Put(context.Background(), f.store, st.ID, st.Data, false))
	var pdf []byte
	a := f.start(portrait)
	a.cfg.SaveDocument = func(_ string, data []byte) error { pdf = data; return nil }
	c := openCard(t, a, ava)
	test.Tap(c.prev) // Sunday: its week is the seeded one
	test.Tap(c.progress)
	p := a.Current().(*cicoProgressScreen)
	if p.weekCard.Text != "Family card: week of Mon 10 Mar" {
		t.Fatalf("the button is not in the app's English: %q", p.weekCard.Text)
	}
	test.Tap(p.weekCard)
	cmd := exec.Command(pdftotext, "-layout", "-", "-")
	cmd.Stdin = strings.NewReader(string(pdf))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Tarjeta semanal de conducta: Ava Martinez", "Semana del lunes 10 de marzo de 2025"} {
		if !strings.Contains(text, want) {
			t.Errorf("the card lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Weekly behaviour card") {
		t.Errorf("the card is in English:\n%s", text)
	}
}
