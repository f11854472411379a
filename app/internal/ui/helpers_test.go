package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// storeRecords is a real localstore.Store as Records, as tablet passes it:
// the store validates typed payloads (DOMAIN.md §2) and a refusal wraps a
// *record.FieldError. (Screen tests use the real bbolt store; STYLE §4.)
type storeRecords struct{ *localstore.Store }

// fakeSync is a hand-written stand-in for the sync machinery (the network
// is the one thing screen tests fake; STYLE §4).
type fakeSync struct {
	enrolment   Enrolment
	enrolErr    error
	enrolled    []EnrolForm
	syncNow     int
	conflicts   []Conflict
	restored    []string
	dismissed   []string
	quarantined []Quarantined
	retried     []string
	erased      int
	unsent      int
	// countPending, when set, makes fakeSync a PendingCounter (the
	// tablet's Sync counts the real outbox).
	countPending func() (int, error)
}

func (f *fakeSync) PendingCount() (int, error) {
	if f.countPending == nil {
		return 0, errors.New("not counted")
	}
	return f.countPending()
}

func (f *fakeSync) Unsent() int { return f.unsent }

func (f *fakeSync) Erase(context.Context) error { f.erased++; return nil }

func (f *fakeSync) SyncNow() { f.syncNow++ }
func (f *fakeSync) Enrol(_ context.Context, e EnrolForm) error {
	f.enrolled = append(f.enrolled, e)
	if f.enrolErr != nil {
		return f.enrolErr
	}
	f.enrolment = Enrolment{Enrolled: true, ServerURL: e.ServerURL, School: e.School, Username: e.Username, UserID: "u-" + e.Username}
	return nil
}
func (f *fakeSync) Enrolment() Enrolment                { return f.enrolment }
func (f *fakeSync) Conflicts() ([]Conflict, error)      { return f.conflicts, nil }
func (f *fakeSync) Quarantined() ([]Quarantined, error) { return f.quarantined, nil }
func (f *fakeSync) RestoreConflict(_ context.Context, id string) error {
	for i, c := range f.conflicts {
		if c.ID == id {
			f.restored = append(f.restored, id)
			f.conflicts = append(f.conflicts[:i], f.conflicts[i+1:]...)
			return nil
		}
	}
	return errors.New("no such conflict")
}
func (f *fakeSync) DismissConflict(_ context.Context, id string) error {
	for i, c := range f.conflicts {
		if c.ID == id {
			f.dismissed = append(f.dismissed, id)
			f.conflicts = append(f.conflicts[:i], f.conflicts[i+1:]...)
			return nil
		}
	}
	return errors.New("no such conflict")
}
func (f *fakeSync) RetryQuarantined(_ context.Context, id string) error {
	f.retried = append(f.retried, id)
	return nil
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }

// monday10 is Monday 2025-03-17 10:00 local time.
var monday10 = time.Date(2025, 3, 17, 10, 0, 0, 0, time.Local)

type fixture struct {
	t     *testing.T
	path  string
	store *localstore.Store
	rec   storeRecords
	clk   *clock
	sync  *fakeSync
	win   fyne.Window
	app   *App
	// lock and pin: the real lock screen over the app (startLocked).
	lock *Lock
	pin  string
	// tick, when set before startLocked, is the app's ticker (Config.Tick).
	tick func(d time.Duration, f func()) (stop func())

	closeWin func()
}

// newFixture opens a real bbolt store in t.TempDir() and a headless window.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(Theme{})
	f := &fixture{t: t, path: filepath.Join(t.TempDir(), "tablet.db"), clk: &clock{monday10}, sync: &fakeSync{}}
	f.open()
	return f
}

func (f *fixture) open() {
	f.t.Helper()
	// The test's cheap key derivation: a PIN chosen on the lock screen
	// (startLocked) costs milliseconds, not the production second.
	s, err := localstore.OpenWith(f.path, localstore.Options{KDF: cheapKDF})
	if err != nil {
		f.t.Fatal(err)
	}
	if f.pin != "" { // sealed by the lock screen: reopened with the PIN
		if err := s.Unlock(context.Background(), f.pin); err != nil {
			f.t.Fatal(err)
		}
	}
	f.store, f.rec = s, storeRecords{s}
	f.t.Cleanup(func() { _ = s.Close() })
}

// start builds the UI in a fresh window of the given size and shows Today
// (or the resumed session).
func (f *fixture) start(size fyne.Size) *App {
	w := test.NewWindow(nil)
	f.win = w
	closed := false
	f.closeWin = func() {
		if !closed {
			closed = true
			w.Close()
		}
	}
	f.t.Cleanup(f.closeWin)
	f.win.Resize(size)
	f.app = New(f.win, Config{Records: f.rec, Sync: f.sync, Now: f.clk.now, Background: inline})
	f.app.Start()
	return f.app
}

// startLocked opens the app as the tablet does, through the real lock
// screen (ADR 0611): a PIN chosen on it (tap, type, tap, type, Set PIN)
// seals the store and builds the app; then the app is locked and unlocked
// once more, so that what the test does next happens after an unlock, as
// on a tablet in use (issue 22: the undo bar was lost there). Every test
// of undo starts here (tapUndo refuses an app started without the lock).
func (f *fixture) startLocked(size fyne.Size) *App {
	f.t.Helper()
	w := test.NewWindow(nil)
	f.win = w
	closed := false
	f.closeWin = func() {
		if !closed {
			closed = true
			w.Close()
		}
	}
	f.t.Cleanup(f.closeWin)
	w.Resize(size)
	f.lock = NewLock(w, LockConfig{Locker: fixtureLocker{f}, Background: syncBackground, Now: f.clk.now, OnUnlock: func() {
		if f.app != nil {
			f.app.ShowAgain()
			return
		}
		f.app = New(w, Config{Records: f.rec, Sync: f.sync, Now: f.clk.now, Background: inline, Lock: f.lockNow, Tick: f.tick})
		f.app.Start()
	}})
	f.app = nil
	f.lock.Show("")
	if f.pin == "" {
		const pin = "482916"
		typeInto(f.lock.PIN, pin)
		typeInto(f.lock.Confirm, pin)
		test.Tap(f.lock.Go)
		f.pin = pin
	} else { // a second window over the same store: the PIN is asked
		typeInto(f.lock.PIN, f.pin)
		test.Tap(f.lock.Go)
	}
	if f.lock.Showing() || f.app == nil {
		f.t.Fatalf("the lock screen did not open the app: %q", f.lock.Message())
	}
	f.relock()
	return f.app
}

// lockNow is Config.Lock: the lock screen over the app.
func (f *fixture) lockNow() {
	if !f.lock.Showing() {
		f.lock.Show("")
	}
}

// relock locks the app and unlocks it with the PIN typed on the lock
// screen; the app must be back on the screen it was on.
func (f *fixture) relock() {
	f.t.Helper()
	before := f.app.Current()
	f.lockNow()
	if drawsAny(f.win, f.app.title.Text) != "" && f.app.title.Text != "" {
		f.t.Fatalf("the lock screen draws the app's title %q", f.app.title.Text)
	}
	f.unlock()
	if f.app.Current() != before {
		f.t.Fatalf("after unlocking the screen is %T, was %T", f.app.Current(), before)
	}
}

// unlock types the PIN on the lock screen and taps Unlock.
func (f *fixture) unlock() {
	f.t.Helper()
	typeInto(f.lock.PIN, f.pin)
	test.Tap(f.lock.Go)
	if f.lock.Showing() {
		f.t.Fatalf("the PIN did not unlock: %q", f.lock.Message())
	}
}

// fixtureLocker is the lock screen's store: the fixture's current one
// (kill reopens it).
type fixtureLocker struct{ f *fixture }

func (l fixtureLocker) LockState() LockState  { return storeLocker{l.f.store}.LockState() }
func (l fixtureLocker) SetPIN(p string) error { return storeLocker{l.f.store}.SetPIN(p) }
func (l fixtureLocker) Unlock(p string) error { return storeLocker{l.f.store}.Unlock(p) }
func (l fixtureLocker) Recover(context.Context, EnrolForm, string) error {
	return errors.New("no server in this test")
}

// tapUndo taps Undo in the undo bar as drawn in the window: the app must
// have been opened through the lock screen (startLocked), and the bar must
// be part of what the window shows, not only a widget that exists.
func (f *fixture) tapUndo() {
	f.t.Helper()
	if f.lock == nil {
		f.t.Fatal("an undo test must open the app through the lock screen (startLocked)")
	}
	a := f.app
	if a.UndoText() == "" {
		f.t.Fatal("no undo offered")
	}
	if !drawn(f.win, a.undo.undo) {
		f.t.Fatalf("the undo bar (%q) is not in the window", a.UndoText())
	}
	test.Tap(a.undo.undo)
}

// drawn reports whether o is drawn in the window's content: there, and
// visible with every container and widget above it.
func drawn(w fyne.Window, o fyne.CanvasObject) bool {
	var walk func(x fyne.CanvasObject) bool
	walk = func(x fyne.CanvasObject) bool {
		if x == nil || !x.Visible() {
			return false
		}
		if x == o {
			return true
		}
		if c, ok := x.(*fyne.Container); ok {
			for _, y := range c.Objects {
				if walk(y) {
					return true
				}
			}
			return false
		}
		if wd, ok := x.(fyne.Widget); ok {
			for _, y := range test.WidgetRenderer(wd).Objects() {
				if walk(y) {
					return true
				}
			}
		}
		return false
	}
	return walk(w.Content())
}

// kill simulates the tablet dying: the window and the store go away without
// anything being finished or flushed by the UI.
func (f *fixture) kill() {
	f.closeWin()
	if err := f.store.Close(); err != nil {
		f.t.Fatal(err)
	}
	f.open()
}

// inline runs background work at once on the caller's goroutine: screen
// tests see its result without a race (fyne.Do runs at once in tests too).
func inline(work func() (done func())) { work()() }

var landscape = fyne.NewSize(1280, 800)
var portrait = fyne.NewSize(800, 1280)

type school struct {
	program  string
	group    string
	other    string
	students []string
	goal     string
	plan     string
}

// mustGet returns record id as T; a test whose record is missing stops.
func mustGet[T any, P repo.Payload[T]](r repo.Reader, id string) repo.Doc[T] {
	d, ok := repo.Get[T, P](r, id)
	if !ok {
		panic(fmt.Sprintf("%s %s not in the store", P(&d.Data).RecordType(), id))
	}
	return d
}

// probesOf is a student's probes of measure ("" for any), in the order
// written (UUIDv7 ids).
func probesOf(r repo.Reader, studentID, measure string) []repo.Doc[record.Probe] {
	var out []repo.Doc[record.Probe]
	for _, p := range repo.ListByRef[record.Probe](r, studentID) {
		if measure == "" || p.Data.Measure == measure {
			out = append(out, p)
		}
	}
	return out
}

// cardOn is the student's CICO card of date (the last written); it panics
// when there is none.
func cardOn(r repo.Reader, studentID, date string) repo.Doc[record.CICOCard] {
	var out []repo.Doc[record.CICOCard]
	for _, c := range repo.ListByRef[record.CICOCard](r, studentID) {
		if c.Data.Date == date {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		panic("no card of " + studentID + " on " + date)
	}
	return out[len(out)-1]
}

// newestFirst reverses notes listed in id (UUIDv7, oldest first) order.
func newestFirst(ns []repo.Doc[record.Note]) []repo.Doc[record.Note] {
	slices.Reverse(ns)
	return ns
}

// must is for fixtures: a failed write there is a broken test.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// seedSchool writes a program of 8 steps, 5 students, a group meeting every
// weekday at 10:00, a plan and a goal for the first student.
func seedSchool(t *testing.T, s *localstore.Store) school {
	t.Helper()
	ctx := context.Background()
	var sc school
	steps := []record.Step{{ID: "s1", Text: "Review sight words"}, {ID: "s2", Text: "Model the new sound"},
		{ID: "s3", Text: "Guided practice"}, {ID: "s4", Text: "Word building"}, {ID: "s5", Text: "Partner reading"},
		{ID: "s6", Text: "Dictation"}, {ID: "s7", Text: "Fluency read"}, {ID: "s8", Text: "Exit check"}}
	sc.program = must(repo.Put(ctx, s, "", record.Program{Name: "Phonics for Reading, level 2", Area: record.AreaReading,
		Steps: steps, SessionsPerWeek: 4, MinutesPerSession: 30}, false)).ID
	names := [][2]string{{"Ava", "Martinez"}, {"Ben", "Okafor"}, {"Chloe", "Nguyen"}, {"Dev", "Patel"}, {"Ella", "Schmidt"}}
	for _, n := range names {
		sc.students = append(sc.students, must(repo.Put(ctx, s, "", record.Student{GivenName: n[0], FamilyName: n[1], Grade: "2"}, false)).ID)
	}
	var sched []record.ScheduleSlot
	for d := 1; d <= 5; d++ {
		sched = append(sched, record.ScheduleSlot{Weekday: d, Start: "10:00"})
	}
	sc.group = must(repo.Put(ctx, s, "", record.Group{Name: "Bluebirds", ProgramID: sc.program, StudentIDs: sc.students, Schedule: sched}, false)).ID
	sc.other = must(repo.Put(ctx, s, "", record.Group{Name: "Owls", ProgramID: sc.program, StudentIDs: sc.students[:2],
		Schedule: []record.ScheduleSlot{{Weekday: 6, Start: "09:00"}}}, false)).ID
	sc.plan = must(repo.Put(ctx, s, "", record.Plan{StudentID: sc.students[0], ProgramID: sc.program, GroupID: sc.group,
		StartDate: "2025-01-06", SessionsPerWeek: 4, MinutesPerSession: 30}, false)).ID
	sc.goal = must(repo.Put(ctx, s, "", record.Goal{StudentID: sc.students[0], PlanID: sc.plan, Measure: "orf_wcpm",
		Direction: record.DirectionUp, StartDate: "2025-01-06", BaselineScores: []float64{42, 45, 40}, GoalScore: 78,
		GoalDate: "2025-05-12"}, false)).ID
	return sc
}

// taps counts taps on the way to a result (the session tap budget).
type taps struct{ n int }

func (c *taps) tap(o fyne.Tappable) {
	c.n++
	// As a pointer does on a device: a tap on a focusable widget (an
	// entry) focuses it, a tap elsewhere takes the focus away.
	cv := fyne.CurrentApp().Driver().CanvasForObject(o.(fyne.CanvasObject))
	if f, ok := o.(fyne.Focusable); ok && cv != nil {
		cv.Focus(f)
	}
	test.Tap(o)
}

// typeInto types text where the focus is, as a keyboard does: nothing is
// typed when no field has the focus (the test fails instead).
func (c *taps) typeInto(cv fyne.Canvas, text string) {
	f := cv.Focused()
	if f == nil {
		panic("typing with no field focused: the text would go nowhere")
	}
	test.Type(f, text)
}
