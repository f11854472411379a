package tablet

import (
	"context"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/app/internal/serverproc"
	"smallwins/app/internal/ui"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// examples is the repository's fictional norms and forms (docs/examples/norms).
func examples(t *testing.T, name string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "docs", "examples", "norms", name)
}

// textOf is an object's Text field ("" when it has none): a label's, a
// button's, a row's.
func textOf(o fyne.CanvasObject) string {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return ""
	}
	if f := v.Elem().FieldByName("Text"); f.IsValid() && f.Kind() == reflect.String {
		return f.String()
	}
	return ""
}

// onScreen lists the texts on the window, as a person reads them.
func onScreen(w fyne.Window) []string {
	var out []string
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if _, drawn := o.(*canvas.Text); !drawn && o.Visible() && textOf(o) != "" {
			out = append(out, textOf(o))
		}
	}
	return out
}

// tapText taps the first visible tappable object on the window whose text
// holds want, as a finger does.
func tapText(t *testing.T, w fyne.Window, want string) {
	t.Helper()
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if tp, ok := o.(fyne.Tappable); ok && o.Visible() && strings.Contains(textOf(o), want) {
			test.Tap(tp)
			return
		}
	}
	t.Fatalf("nothing to tap saying %q on:\n%s", want, strings.Join(onScreen(w), "\n"))
}

// TestObservationSeenOnTheOtherTablet: the district's norms and forms,
// imported on the server, reach a tablet on its next pull (goal
// suggestions then work offline); a coach on tablet B observes ana's
// session of today through the screens, syncs, and ana's tablet A shows
// the observation and the coach's note on that session after its sync.
func TestObservationSeenOnTheOtherTablet(t *testing.T) {
	db := filepath.Join(t.TempDir(), "server.db")
	if err := serverproc.Setup(serverBin, db, "lincoln", "Lincoln Elementary", password,
		serverproc.User{Username: "ana", Name: "Ana", Role: "interventionist"},
		serverproc.User{Username: "ben", Name: "Ben", Role: "interventionist"},
		serverproc.User{Username: "boss", Name: "Boss", Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	for kind, file := range map[string]string{"norms": "norms.csv", "forms": "forms.csv"} {
		if err := serverproc.CLI(serverBin, "", "import", kind, "--db", db, "--school", "lincoln", examples(t, file)); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := serverproc.Start(serverBin, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	app := test.NewTempApp(t)
	ctx := context.Background()
	open := func(user, pin string) *Tablet {
		tb, err := Open(app, testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tb.Close(); tb.Window.Close() })
		choosePIN(t, tb, pin)
		tb.Window.Resize(fyne.NewSize(1280, 800))
		if err := tb.UI.EnrolForTest(ui.EnrolForm{ServerURL: srv.URL, School: "lincoln", Username: user, Password: password}); err != nil {
			t.Fatal(err)
		}
		if err := tb.Syncer.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		return tb
	}

	// Ana's tablet: her group and today's delivered session.
	a := open("ana", testPIN)
	ana, _ := a.Store.Enrolment()
	st := need(repo.Put(ctx, a.Store, "", record.Student{GivenName: "Ava", FamilyName: "Martinez", Grade: "2"}, false))
	prog := need(repo.Put(ctx, a.Store, "", record.Program{Name: "Phonics", Area: record.AreaReading,
		Steps: []record.Step{{ID: "a", Text: "Warm-up"}, {ID: "b", Text: "Practice"}, {ID: "c", Text: "Exit check"}}}, false))
	grp := need(repo.Put(ctx, a.Store, "", record.Group{Name: "Bluebirds", ProgramID: prog.ID, StudentIDs: []string{st.ID},
		InterventionistID: ana.UserID}, false))
	today := record.DateOf(time.Now()).String()
	sess := need(repo.Put(ctx, a.Store, "", record.Session{GroupID: grp.ID, ProgramID: prog.ID, Date: today,
		StartedAt: time.Now().Format(time.RFC3339), Status: record.SessionDelivered, Minutes: 25,
		Attendance: []record.Attendance{{StudentID: st.ID, Status: record.Present}},
		Fidelity:   []record.StepMark{{StepID: "a", Status: record.StepDone}, {StepID: "b", Status: record.StepDone}, {StepID: "c", Status: record.StepDone}}}, false))
	if err := a.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}

	// Ben's tablet pulls the session, and the district's norms and forms.
	b := open("ben", "739251")
	tables, _ := b.Store.List(record.TypeNormTable)
	forms, _ := b.Store.List(record.TypeProbeForm)
	if len(tables) == 0 || len(forms) == 0 {
		t.Fatalf("after its pull B holds %d norm tables and %d forms", len(tables), len(forms))
	}
	sg := progress.GoalSuggestions(tables, progress.SuggestionQuery{Grade: "2", Measure: "orf_wcpm",
		StartDate: need(record.ParseDate("2026-09-07")), GoalDate: need(record.ParseDate("2027-05-17")), StartScore: 50}, progress.Calendar{})
	if sg.NormTableID == nil || len(sg.Suggestions) == 0 {
		t.Fatalf("no suggestion from the pulled tables: %+v", sg)
	}
	if next, ok := progress.NextProbeForm(forms, nil, "orf_wcpm", "2", record.DateOf(time.Now())); !ok || next.Form.FormID == "" {
		t.Fatal("no form of the rotation on B")
	}

	// Ben observes from Setup, as a coach does.
	b.UI.Root(ui.TabSetup)
	tapText(t, b.Window, "Observe a session")
	tapText(t, b.Window, "Bluebirds")
	tapped := 0
	for _, o := range test.LaidOutObjects(b.Window.Canvas().Content()) {
		if btn, ok := o.(*ui.Button); ok && btn.Text == "Done" && tapped < 2 {
			test.Tap(btn) // Warm-up and Practice seen done; Exit check not marked
			tapped++
		}
	}
	var note *widget.Entry
	for _, o := range test.LaidOutObjects(b.Window.Canvas().Content()) {
		if e, ok := o.(*widget.Entry); ok && e.MultiLine {
			note = e
		}
	}
	if tapped != 2 || note == nil {
		t.Fatalf("the observation form: %d steps, note %v:\n%s", tapped, note != nil, strings.Join(onScreen(b.Window), "\n"))
	}
	b.Window.Canvas().Focus(note)
	test.Tap(note)
	test.Type(note, "Good pacing; end with the exit check.")
	tapText(t, b.Window, "Save observation")
	obs := repo.ListByRef[record.Observation](b.Store, sess.ID)
	if len(obs) != 1 {
		t.Fatalf("B saved %d observations (%q)", len(obs), b.UI.Message())
	}
	if err := b.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}

	// Ana's tablet, after its sync: My week → today's session shows it.
	if err := a.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	a.UI.Root(ui.TabToday)
	tapText(t, a.Window, "My week")
	tapText(t, a.Window, "Bluebirds")
	screen := strings.Join(onScreen(a.Window), "\n")
	for _, want := range []string{"Observed by a colleague: 2 of 3 steps seen done, 67% agreement with the session's checklist.",
		"Coach's note: Good pacing; end with the exit check."} {
		if !strings.Contains(screen, want) {
			t.Fatalf("A's session screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "Observe this session") {
		t.Fatal("ana is offered to observe her own session")
	}
}

// need is v, panicking on err (a setup step that cannot fail).
func need[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
