package ui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// formEntry finds the entry of a form row by its label.
func formWidget(t *testing.T, f *formScreen, label string) any {
	t.Helper()
	for _, it := range f.form.Items {
		if it.Text == label {
			return it.Widget
		}
	}
	t.Fatalf("no form row %q", label)
	return nil
}

// TestSetupCreatesAndEditsKeepingUnknownFields: a student, a program with
// steps and a group are created from the Setup tab; editing keeps fields a
// newer app added and keeps step ids of unchanged steps.
func TestSetupCreatesAndEditsKeepingUnknownFields(t *testing.T) {
	f := newFixture(t)
	a := f.start(landscape)
	a.Root(TabSetup)
	s := a.Current().(*setupScreen)

	// A refused student: the reason in words, nothing written.
	test.Tap(s.addStudent)
	form := a.Current().(*formScreen)
	test.Tap(form.Save)
	if a.Message() != "Not saved: Given name is required." {
		t.Fatalf("message %q", a.Message())
	}
	test.Type(formWidget(t, form, "Given name").(*widget.Entry), "Mia")
	test.Type(formWidget(t, form, "Family name").(*widget.Entry), "Lopez")
	formWidget(t, form, "Grade").(*widget.Select).SetSelected("K")
	test.Tap(form.Save)
	studs := repo.List[record.Student](f.store)
	if len(studs) != 1 || studs[0].Data.DisplayName() != "Mia Lopez" || studs[0].Data.Grade != "K" {
		t.Fatalf("students %+v", studs)
	}
	if _, ok := a.Current().(*setupScreen); !ok || a.Message() != "Saved." {
		t.Fatalf("after save: %T %q", a.Current(), a.Message())
	}

	// A field a newer app added survives an edit on this tablet (PROTOCOL §2).
	raw := json.RawMessage(`{"given_name":"Mia","family_name":"Lopez","grade":"K","pronouns":"she/her"}`)
	if _, err := f.store.Put(context.Background(), record.TypeStudent, studs[0].ID, raw, false); err != nil {
		t.Fatal(err)
	}
	s = a.Current().(*setupScreen)
	s.refresh()
	test.Tap(s.edit[studs[0].ID])
	form = a.Current().(*formScreen)
	e := formWidget(t, form, "Preferred name").(*widget.Entry)
	test.Type(e, "Mimi")
	test.Tap(form.Save)
	env := must(f.store.Get(studs[0].ID))
	if !strings.Contains(string(env.Data), `"pronouns":"she/her"`) || !strings.Contains(string(env.Data), `"preferred_name":"Mimi"`) {
		t.Fatalf("edited data %s", env.Data)
	}

	// A program with three steps.
	test.Tap(a.Current().(*setupScreen).addProgram)
	form = a.Current().(*formScreen)
	test.Type(formWidget(t, form, "Name").(*widget.Entry), "Math Boost")
	formWidget(t, form, "Area").(*widget.Select).SetSelected(record.AreaMath)
	formWidget(t, form, "Checklist steps").(*widget.Entry).SetText("Warm-up\nModel\nExit ticket")
	test.Tap(form.Save)
	progs := repo.List[record.Program](f.store)
	if len(progs) != 1 || len(progs[0].Data.Steps) != 3 {
		t.Fatalf("programs %+v", progs)
	}
	old := progs[0].Data.Steps
	// Edit: reorder, change one, keep the others' ids.
	a.Current().(*setupScreen).refresh()
	test.Tap(a.Current().(*setupScreen).edit[progs[0].ID])
	form = a.Current().(*formScreen)
	formWidget(t, form, "Checklist steps").(*widget.Entry).SetText("Model\nWarm-up\nExit check")
	test.Tap(form.Save)
	steps := mustGet[record.Program](f.store, progs[0].ID).Data.Steps
	if steps[0].ID != old[1].ID || steps[1].ID != old[0].ID || steps[2].ID == old[2].ID {
		t.Fatalf("step ids %+v from %+v", steps, old)
	}

	// A group of Mia meeting Monday and Wednesday at 08:30.
	test.Tap(a.Current().(*setupScreen).addGroup)
	form = a.Current().(*formScreen)
	test.Type(formWidget(t, form, "Name").(*widget.Entry), "Stars")
	formWidget(t, form, "Program").(*widget.Select).SetSelected("Math Boost")
	// Each weekday its own time (issue 16): Monday 08:30, Wednesday 13:15.
	monOn, monAt := dayRow(t, form, 0)
	test.Tap(monOn)
	test.Tap(monAt)
	monAt.SetText("")
	test.Type(monAt, "08:30")
	_, wedAt := dayRow(t, form, 2)
	test.Tap(wedAt)
	test.Type(wedAt, "13:15") // typing a time ticks the day
	formWidget(t, form, "Students").(*widget.CheckGroup).SetSelected([]string{"Mimi Lopez"})
	test.Tap(form.Save)
	groups := repo.List[record.Group](f.store)
	if len(groups) != 1 || len(groups[0].Data.StudentIDs) != 1 || len(groups[0].Data.Schedule) != 2 ||
		groups[0].Data.Schedule[0] != (record.ScheduleSlot{Weekday: 1, Start: "08:30"}) ||
		groups[0].Data.Schedule[1] != (record.ScheduleSlot{Weekday: 3, Start: "13:15"}) {
		t.Fatalf("groups %+v", groups)
	}
	if groups[0].Data.InterventionistID != "device:"+f.store.DeviceID() {
		t.Fatalf("interventionist %q", groups[0].Data.InterventionistID)
	}
	// Led by nobody yet, then by me again (issue 14: the caseload is chosen
	// on the form); a colleague's lead is kept when the form is saved.
	a.Current().(*setupScreen).refresh()
	test.Tap(a.Current().(*setupScreen).edit[groups[0].ID])
	form = a.Current().(*formScreen)
	if got := formWidget(t, form, "Led by").(*widget.Select).Selected; got != "Me" {
		t.Fatalf("led by %q on my own group", got)
	}
	formWidget(t, form, "Led by").(*widget.Select).SetSelected("Nobody yet")
	test.Tap(form.Save)
	if g := mustGet[record.Group](f.store, groups[0].ID).Data; g.InterventionistID != "" {
		t.Fatalf("nobody yet saved as %q", g.InterventionistID)
	}
	colleague := "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e09"
	g := mustGet[record.Group](f.store, groups[0].ID).Data
	g.InterventionistID = colleague
	must(repo.Put(context.Background(), f.store, groups[0].ID, g, false))
	a.Current().(*setupScreen).refresh()
	test.Tap(a.Current().(*setupScreen).edit[groups[0].ID])
	form = a.Current().(*formScreen)
	if got := formWidget(t, form, "Led by").(*widget.Select).Selected; !strings.HasPrefix(got, "A colleague") {
		t.Fatalf("led by %q on a colleague's group", got)
	}
	test.Tap(form.Save)
	if g := mustGet[record.Group](f.store, groups[0].ID).Data; g.InterventionistID != colleague {
		t.Fatalf("a colleague's lead became %q", g.InterventionistID)
	}

	// A break.
	test.Tap(a.Current().(*setupScreen).addBreak)
	form = a.Current().(*formScreen)
	test.Type(formWidget(t, form, "Name").(*widget.Entry), "Spring break")
	formWidget(t, form, "First day").(*widget.Entry).SetText("2025-04-14")
	formWidget(t, form, "Last day").(*widget.Entry).SetText("2025-04-11")
	test.Tap(form.Save)
	if a.Message() != "Not saved: The break ends before it starts." {
		t.Fatalf("message %q", a.Message())
	}
	formWidget(t, form, "Last day").(*widget.Entry).SetText("2025-04-18")
	test.Tap(form.Save)
	if bs := repo.List[record.CalendarBreak](f.store); len(bs) != 1 {
		t.Fatalf("breaks %+v", bs)
	}
}

// TestStudentPlanGoalNoteDecision: from a student's page, add a plan and a
// goal, write notes (one restricted), and record a team decision.
func TestStudentPlanGoalNoteDecision(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(portrait)
	a.Root(TabStudents)
	ss := a.Current().(*studentsScreen)
	test.Type(ss.search, "ben")
	if len(ss.open) != 1 || ss.open[sc.students[1]] == nil {
		t.Fatalf("search for ben finds %d", len(ss.open))
	}
	test.Tap(ss.open[sc.students[1]])
	st := a.Current().(*studentScreen)
	if len(st.decide) != 0 {
		t.Fatal("Ben has no goal yet")
	}

	test.Tap(st.addPlan)
	form := a.Current().(*formScreen)
	formWidget(t, form, "Program").(*widget.Select).SetSelected("Phonics for Reading, level 2")
	if got := formWidget(t, form, "Minutes a session").(*widget.Entry).Text; got != "30" {
		t.Fatalf("plan minutes default %q", got)
	}
	formWidget(t, form, "Group").(*widget.Select).SetSelected("Bluebirds")
	test.Tap(form.Save)
	plans := repo.ListByRef[record.Plan](f.store, sc.students[1])
	if len(plans) != 1 || plans[0].Data.GroupID != sc.group || plans[0].Data.SessionsPerWeek != 4 || plans[0].Data.StartDate != "2025-03-17" {
		t.Fatalf("plans %+v", plans)
	}

	st = a.Current().(*studentScreen)
	test.Tap(st.addGoal)
	form = a.Current().(*formScreen)
	// The measures are DOMAIN's nine in words, then the school's own codes.
	sel := formWidget(t, form, "Measure").(*widget.Select)
	if len(sel.Options) < 9 || sel.Options[0] != "Oral reading fluency" || sel.Options[8] != "Office referrals" {
		t.Fatalf("measure choices %q", sel.Options)
	}
	sel.SetSelected("Office referrals")
	if d := formWidget(t, form, "Direction").(*widget.Select).Selected; d != record.DirectionDown {
		t.Fatalf("choosing office referrals left direction %q, want its usual down", d)
	}
	sel.SetSelected("Oral reading fluency")
	formWidget(t, form, "Baseline scores").(*widget.Entry).SetText("30, 34, 31")
	formWidget(t, form, "Goal score").(*widget.Entry).SetText("31")
	formWidget(t, form, "Goal date").(*widget.Entry).SetText("2025-06-16")
	test.Tap(form.Save)
	if a.Message() != "Not saved: The goal score must differ from the start score." {
		t.Fatalf("message %q", a.Message())
	}
	formWidget(t, form, "Goal score").(*widget.Entry).SetText("60")
	test.Tap(form.Save)
	goals := repo.ListByRef[record.Goal](f.store, sc.students[1])
	if len(goals) != 1 || goals[0].Data.PlanID != plans[0].ID || goals[0].Data.GoalScore != 60 || goals[0].Data.Measure != "orf_wcpm" || goals[0].Data.Direction != record.DirectionUp {
		t.Fatalf("goals %+v", goals)
	}

	st = a.Current().(*studentScreen)
	gp := st.progress[goals[0].ID]
	if gp.Report.PointsAfterBaseline != 0 || gp.Chart.StartScore != 31 || gp.Report.Decision.Code != record.DecisionNotEnoughData {
		t.Fatalf("progress view %+v", gp)
	}
	// Notes: one open, one restricted (health).
	test.Type(st.noteEntry, "Reads -ing words now")
	test.Tap(st.noteSave)
	test.Type(st.noteEntry, "Hearing test booked")
	st.noteCategory.SetSelected(record.NoteCategoryWords(record.NoteHealth))
	test.Tap(st.noteSave)
	notes := newestFirst(repo.ListByRef[record.Note](f.store, sc.students[1]))
	if len(notes) != 2 || !notes[0].Restricted || notes[1].Restricted {
		t.Fatalf("notes %+v", notes)
	}
	if len(st.notes) != 2 || st.hidden != 0 {
		t.Fatal("the author does not see both notes")
	}
	// Another person's restricted note is hidden; an admin sees it.
	must(repo.PutNote(context.Background(), f.store, "", record.Note{StudentID: sc.students[1], AuthorID: "someone-else", Body: "family matter", Category: record.NoteFamily}, false))
	st.refresh()
	if len(st.notes) != 2 || st.hidden != 1 {
		t.Fatalf("others' restricted note: shown %d hidden %d", len(st.notes), st.hidden)
	}
	// After enrolment as an interventionist, the notes written before it
	// (author device:…) are still the author's own.
	f.sync.enrolment = Enrolment{Enrolled: true, UserID: "ben-1", Role: "interventionist"}
	st.refresh()
	if len(st.notes) != 2 || st.hidden != 1 {
		t.Fatalf("after enrolment: shown %d hidden %d", len(st.notes), st.hidden)
	}
	f.sync.enrolment = Enrolment{Enrolled: true, UserID: "admin-1", Role: "admin"}
	st.refresh()
	if len(st.notes) != 3 || st.hidden != 0 {
		t.Fatalf("admin: shown %d hidden %d", len(st.notes), st.hidden)
	}

	// Team decision.
	test.Tap(st.decide[goals[0].ID])
	d := a.Current().(*decisionForm)
	test.Tap(d.Save)
	if a.Message() != "Choose what the team decided." {
		t.Fatalf("message %q", a.Message())
	}
	test.Tap(d.choice[record.DecisionChangeInstruction])
	d.rationale.SetText("Add a second daily session")
	test.Tap(d.Save)
	decs := repo.ListByRef[record.Decision](f.store, sc.students[1])
	if len(decs) != 1 || decs[0].Data.Code != record.DecisionChangeInstruction || decs[0].Data.NextReviewDate != "2025-04-28" ||
		decs[0].Data.GoalID != goals[0].ID || decs[0].Data.OwnerID != "admin-1" {
		t.Fatalf("decisions %+v", decs)
	}
}

// dayRow is the group form's tick and time entry for weekday i (0 = Monday).
func dayRow(t *testing.T, f *formScreen, i int) (*widget.Check, *widget.Entry) {
	t.Helper()
	row := formWidget(t, f, "Meets on").(*fyne.Container).Objects[i].(*fyne.Container)
	var c *widget.Check
	var e *widget.Entry
	var walk func(objs []fyne.CanvasObject)
	walk = func(objs []fyne.CanvasObject) {
		for _, o := range objs {
			switch w := o.(type) {
			case *widget.Check:
				c = w
			case *widget.Entry:
				e = w
			case *fyne.Container:
				walk(w.Objects)
			}
		}
	}
	walk(row.Objects)
	if c == nil || e == nil {
		t.Fatalf("no tick and time for day %d", i)
	}
	return c, e
}
