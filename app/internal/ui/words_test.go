package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// mixedGoal gives the seeded goal (start 42, 2 a week from Mon 6 Jan) six
// weekly probes whose last four are below, above, below, above the aimline,
// and sets the clock to the day after the last one: the four-point rule's
// "continue" with a yellow light, the contradictory pair.
func mixedGoal(t *testing.T, f *fixture, sc school) {
	t.Helper()
	for i, s := range []float64{45, 47, 47, 51, 51, 55} { // aimline 44, 46, 48, 50, 52, 54
		d := record.DateOf(time.Date(2025, 1, 13+7*i, 0, 0, 0, 0, time.Local)).String()
		must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: d, Score: s}, false))
	}
	f.clk.t = time.Date(2025, 2, 18, 10, 0, 0, 0, time.Local)
}

// TestGoalStatementIsOneExplanation: the decision's reason comes first, and
// the traffic light is explained in words that speak of the same points,
// never "The last 4 points are neither all above nor all below" beside
// "Last 3 points on both sides".
func TestGoalStatementIsOneExplanation(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	mixedGoal(t, f, sc)
	a := f.start(landscape)
	s := newStudentScreen(a, sc.students[0])
	a.push(s)
	text := screenText(f.win)
	if strings.Contains(text, "neither all above nor all below") && strings.Contains(text, "Last 3 points on both sides") {
		t.Fatalf("two explanations of the same points:\n%s", text)
	}
	reason := s.reasonText[sc.goal].Text
	light := "The light is yellow: the newest 3 of the last 4 points are mixed (2 above and 1 below)."
	if reason != "The last 4 points are not all on one side of the aimline: 2 above and 2 below." {
		t.Errorf("reason %q", reason)
	}
	iDecision, iReason, iLight, iData := strings.Index(text, "Continue the intervention"), strings.Index(text, reason), strings.Index(text, light), strings.Index(text, "points after the baseline")
	if iDecision < 0 || iReason < 0 || iLight < 0 || iData < 0 || !(iDecision < iReason && iReason < iLight && iLight < iData) {
		t.Errorf("decision %d, reason %d, light %d, data %d: the reason first, the light with it\n%s", iDecision, iReason, iLight, iData, text)
	}
}

// TestSessionWordsAsTheRoomSaysThem: a student marked late at the start
// "came in the first minute" (not "at min 0"); the session, its summary
// and My week count attendance one way ("4 of 5 attended"); fidelity is a
// whole percentage on the summary, Today and My week.
func TestSessionWordsAsTheRoomSaysThem(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	s.tapAttendance(0) // Ava absent
	s.tapAttendance(1) // Ben absent…
	s.tapAttendance(1) // …then late, at minute 0
	if l := s.students[1].name.Text; strings.Contains(l, "min 0") || l != "Ben Okafor · Late (came in the first minute)" {
		t.Errorf("late label %q", l)
	}
	if h := s.attHint.Text; !strings.HasPrefix(h, "4 of 5 attended (1 late).") {
		t.Errorf("attendance hint %q", h)
	}
	for i := 0; i < 5; i++ {
		s.tapStep(i, record.StepDone)
	}
	s.tapStep(5, record.StepSkipped)
	s.tapStep(6, record.StepNA)
	s.tapStep(7, record.StepNA) // 5 of 6 steps: 83.33%
	f.clk.add(30 * time.Minute)
	s.tapFinish()
	pctDecimals := regexp.MustCompile(`\d+\.\d+%`)
	present := regexp.MustCompile(`\d+ (of \d+ )?present`)
	check := func(where, text string) {
		t.Helper()
		if !strings.Contains(text, "4 of 5 attended") || present.MatchString(text) {
			t.Errorf("%s: attendance not worded one way:\n%s", where, text)
		}
		if pctDecimals.MatchString(text) || !strings.Contains(text, "83%") {
			t.Errorf("%s: fidelity not a whole percentage:\n%s", where, text)
		}
	}
	check("summary", s.summary.Text)
	a.push(newWeekScreen(a))
	check("My week", screenText(f.win))
	a.Root(TabToday)
	if text := screenText(f.win); pctDecimals.MatchString(text) || !strings.Contains(text, "fidelity 83%") {
		t.Errorf("Today:\n%s", text)
	}
}

// TestProbeAndNoteWords: no double space in a button ("Error  +1"), and a
// note's category in words everywhere ("Academic", never the code).
func TestProbeAndNoteWords(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	a.push(newProbeScreen(a, sc.students[0]))
	for _, line := range strings.Split(screenText(f.win), "\n") {
		if strings.Contains(line, "  ") {
			t.Errorf("double space in %q", line)
		}
	}
	s := newStudentScreen(a, sc.students[0])
	a.push(s)
	if s.noteCategory.Selected != "Academic" || s.noteCategory.Options[0] != "Academic" {
		t.Errorf("category choices %q, chosen %q", s.noteCategory.Options, s.noteCategory.Selected)
	}
	test.Tap(s.noteEntry)
	test.Type(s.noteEntry, "reads well")
	s.noteCategory.SetSelected("Behaviour")
	test.Tap(s.noteSave)
	n := repo.ListByRef[record.Note](f.store, sc.students[0])
	if len(n) != 1 || n[0].Data.Category != record.NoteBehavior {
		t.Fatalf("saved %+v", n)
	}
	must(repo.PutNote(context.Background(), f.store, "", record.Note{StudentID: sc.students[0], AuthorID: "someone", Body: "ok", Category: record.NoteAcademic}, false))
	s.refresh()
	text := screenText(f.win)
	if regexp.MustCompile(`\b(academic|behavior)\b`).MatchString(text) || !strings.Contains(text, "(Behaviour)") || !strings.Contains(text, "(Academic)") {
		t.Errorf("a category as its code:\n%s", text)
	}
}
