package ui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/serverproc"
	"smallwins/app/internal/syncclient"
	"smallwins/app/internal/vault"
	"smallwins/shared/record"
)

// storeLocker is the real store behind the lock screen (the tablet's
// adapter adds the sentences and the forgotten-PIN sign-in).
type storeLocker struct{ s *localstore.Store }

func (l storeLocker) LockState() LockState {
	li, _ := l.s.LockInfo()
	return LockState{HasPIN: li.HasPIN, Failures: li.Failures, RetryAt: li.RetryAt, Disabled: li.Disabled, RecoveryArmed: li.RecoveryArmed}
}
func (l storeLocker) SetPIN(p string) error { return l.s.SetPIN(context.Background(), p) }
func (l storeLocker) Unlock(p string) error { return l.s.Unlock(context.Background(), p) }
func (l storeLocker) Recover(context.Context, EnrolForm, string) error {
	return errors.New("no server in this test")
}

var cheapKDF = &vault.Params{Time: 1, MemoryKiB: 64, Threads: 1}

func syncBackground(work func() func()) { work()() }

// typeInto taps a field (as a person must, to focus it), then types.
func typeInto(e *widget.Entry, s string) {
	test.Tap(e)
	test.Type(e, s)
}

// texts lists every text drawn under o: labels, entries, buttons, rich text.
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Entry:
			out = append(out, w.Text)
		case *Button:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.RichText:
			out = append(out, w.String())
		case *widget.Check:
			out = append(out, w.Text)
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				walk(x)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			r := test.WidgetRenderer(w)
			for _, x := range r.Objects() {
				walk(x)
			}
		}
	}
	walk(o)
	return out
}

func drawsAny(w fyne.Window, words ...string) string {
	all := strings.Join(texts(w.Content()), "\n")
	for _, s := range words {
		if strings.Contains(all, s) {
			return s
		}
	}
	return ""
}

// TestLockScreenChoosesAPINAndSlowsWrongOnes: the first PIN must be typed
// twice alike and not be easy; then a wrong PIN never lets the app in, the
// third one disables Unlock for a while (the countdown on the button), and
// a problem message appears below the fields without moving them.
func TestLockScreenChoosesAPINAndSlowsWrongOnes(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme{})
	clk := &clock{monday10}
	s, err := localstore.OpenWith(filepath.Join(t.TempDir(), "t.db"), localstore.Options{KDF: cheapKDF, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(landscape)
	unlocked := 0
	l := NewLock(w, LockConfig{Locker: storeLocker{s}, OnUnlock: func() { unlocked++ }, Now: clk.now, Background: syncBackground})
	l.Show("")
	if l.Go.Text != "Set PIN" {
		t.Fatalf("a new tablet's button says %q", l.Go.Text)
	}
	typeInto(l.PIN, "482916")
	typeInto(l.Confirm, "482917")
	test.Tap(l.Go)
	if unlocked != 0 || !strings.Contains(l.Message(), "not the same") {
		t.Fatalf("mismatched PINs: unlocked %d, %q", unlocked, l.Message())
	}
	if li, _ := s.LockInfo(); li.HasPIN {
		t.Fatal("a PIN was set from mismatched entries")
	}
	typeInto(l.PIN, "123456")
	typeInto(l.Confirm, "123456")
	test.Tap(l.Go)
	if unlocked != 0 || l.Message() == "" {
		t.Fatalf("an easy PIN: unlocked %d, %q", unlocked, l.Message())
	}
	typeInto(l.PIN, "482916")
	typeInto(l.Confirm, "482916")
	test.Tap(l.Go)
	if unlocked != 1 || l.Showing() {
		t.Fatalf("a good PIN did not unlock: %q", l.Message())
	}

	l.Show("")
	if l.Go.Text != "Unlock" {
		t.Fatalf("the locked tablet's button says %q", l.Go.Text)
	}
	pinAt := l.PIN.Position()
	for i := 1; i <= 3; i++ {
		typeInto(l.PIN, "000111")
		test.Tap(l.Go)
		if unlocked != 1 || !l.Showing() {
			t.Fatalf("wrong PIN %d unlocked", i)
		}
		if l.Message() == "" {
			t.Fatalf("wrong PIN %d: no message", i)
		}
		if l.PIN.Position() != pinAt {
			t.Fatalf("the message moved the PIN field from %v to %v", pinAt, l.PIN.Position())
		}
	}
	if !l.Go.Disabled() || !strings.HasPrefix(l.Go.Text, "Try again in") {
		t.Fatalf("after 3 wrong PINs the button is %q (disabled %v)", l.Go.Text, l.Go.Disabled())
	}
	typeInto(l.PIN, "482916")
	test.Tap(l.Go) // disabled: nothing happens
	if unlocked != 1 {
		t.Fatal("the right PIN went through during the delay")
	}
	clk.add(31 * time.Second)
	l.refresh() // the countdown's tick
	if l.Go.Disabled() {
		t.Fatal("still disabled after the delay")
	}
	test.Tap(l.Go) // the PIN typed during the delay is still there
	if unlocked != 2 || l.Showing() {
		t.Fatalf("the right PIN after the delay: %q", l.Message())
	}
}

// TestTappedSessionSyncedLeavesNoPlainTextInTheFile is ADR 0610's test: a
// PIN chosen on the lock screen, a student added, a restricted note written
// and a session run, all tapped through the screens; the tablet enrols and
// syncs with the real server; then the store's file — free pages included —
// holds none of the students' names, the note texts or the token.
func TestTappedSessionSyncedLeavesNoPlainTextInTheFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real server")
	}
	// The real server, on a school of its own.
	dir := t.TempDir()
	bin, err := serverproc.Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "server.db")
	const password = "correct horse battery"
	if err := serverproc.Setup(bin, db, "lincoln", "Lincoln Elementary", password,
		serverproc.User{Username: "ana", Name: "Ana", Role: "interventionist"}); err != nil {
		t.Fatal(err)
	}
	srv, err := serverproc.Start(bin, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()

	f := newFixture(t)
	// The fixture's store has no PIN yet: close it and reopen with the
	// test's cheap KDF, behind the lock screen.
	_ = f.store.Close()
	s, err := localstore.OpenWith(f.path, localstore.Options{KDF: cheapKDF, Now: f.clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f.store, f.rec = s, storeRecords{s}
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(landscape)
	f.win = w
	var a *App
	l := NewLock(w, LockConfig{Locker: storeLocker{s}, Now: f.clk.now, Background: syncBackground, OnUnlock: func() {
		a = New(w, Config{Records: f.rec, Sync: f.sync, Now: f.clk.now, Background: syncBackground})
		a.Start()
	}})
	l.Show("")
	typeInto(l.PIN, "482916")
	typeInto(l.Confirm, "482916")
	test.Tap(l.Go)
	if a == nil {
		t.Fatalf("not unlocked: %q", l.Message())
	}

	// A student, through Setup.
	a.Root(TabSetup)
	test.Tap(a.Current().(*setupScreen).addStudent)
	form := a.Current().(*formScreen)
	typeInto(formWidget(t, form, "Given name").(*widget.Entry), "Zephyrine")
	typeInto(formWidget(t, form, "Family name").(*widget.Entry), "Quillfeather")
	formWidget(t, form, "Grade").(*widget.Select).SetSelected("2")
	test.Tap(form.Save)
	if a.Message() != "Saved." {
		t.Fatalf("student: %q", a.Message())
	}
	// A restricted note on her page.
	a.Root(TabStudents)
	ss := a.Current().(*studentsScreen)
	var zid string
	for id := range ss.open {
		zid = id
	}
	test.Tap(ss.open[zid])
	st := a.Current().(*studentScreen)
	typeInto(st.noteEntry, "Hearing aid in the blue bag; custody hearing on Friday")
	st.notePrivate.SetChecked(true)
	test.Tap(st.noteSave)
	if a.Message() != "Note saved." {
		t.Fatalf("note: %q", a.Message())
	}
	// A session of a group, tapped as in TestWholeSessionTapBudget.
	sc := seedSchool(t, s)
	a.Root(TabToday)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	sess := a.Current().(*sessionScreen)
	for _, r := range sess.steps {
		test.Tap(r.done)
	}
	test.Tap(sess.students[0].more)
	typeInto(sess.popNote, "Guessing at -ing words, glasses forgotten again")
	test.Tap(sess.popSave)
	f.clk.add(30 * time.Minute)
	test.Tap(sess.finish) // saved at once (with an undo)

	// Enrol and sync with the real server.
	sy := syncclient.New(syncclient.Config{Store: s})
	if _, err := sy.Enrol(context.Background(), syncclient.EnrolParams{ServerURL: srv.URL, School: "lincoln", Username: "ana", Password: password}); err != nil {
		t.Fatal(err)
	}
	if err := sy.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingCount(); n != 0 {
		t.Fatalf("%d changes not sent", n)
	}
	enr, _ := s.Enrolment()
	if enr.Token == "" {
		t.Fatal("no token")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Zephyrine", "Quillfeather", "Martinez", "Okafor", "Nguyen", "Schmidt",
		"Hearing aid", "custody", "glasses forgotten", "Bluebirds", "Phonics for Reading", enr.Token} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the store's file holds %q in plain text", secret)
		}
	}
	// The same file opened with the PIN has everything.
	s2, err := localstore.OpenWith(f.path, localstore.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Unlock(context.Background(), "482916"); err != nil {
		t.Fatal(err)
	}
	if es, _ := s2.List(record.TypeNote); len(es) != 2 {
		t.Fatalf("%d notes after reopening", len(es))
	}
}

// TestLockCoversTheWindow: after the lock screen is shown over a running
// app nothing of a student is drawn; unlocking shows the same screen again.
func TestLockCoversTheWindow(t *testing.T) {
	f := newFixture(t)
	seedSchool(t, f.store)
	a := f.start(landscape)
	a.Root(TabStudents)
	if drawsAny(f.win, "Martinez") == "" {
		t.Fatal("the students screen does not draw a name (the walker sees nothing)")
	}
	l := NewLock(f.win, LockConfig{Locker: storeLocker{f.store}, Background: syncBackground, OnUnlock: a.ShowAgain})
	// This store has no PIN: the lock screen asks for one, over the app.
	l.Show("")
	if s := drawsAny(f.win, "Martinez", "Okafor", "Ava", "Bluebirds"); s != "" {
		t.Fatalf("the lock screen draws %q", s)
	}
	typeInto(l.PIN, "482916")
	typeInto(l.Confirm, "482916")
	test.Tap(l.Go)
	if _, ok := a.Current().(*studentsScreen); !ok || drawsAny(f.win, "Martinez") == "" {
		t.Fatalf("after unlocking: %T", a.Current())
	}
}

// TestTenWrongPINsLeaveOnlySigningIn: after MaxPINFailures wrong PINs the
// lock screen shows the forgotten-PIN form, without a way back to the PIN.
func TestTenWrongPINsLeaveOnlySigningIn(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme{})
	clk := &clock{monday10}
	s, err := localstore.OpenWith(filepath.Join(t.TempDir(), "t.db"), localstore.Options{KDF: cheapKDF, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetPIN(context.Background(), "482916"); err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	defer w.Close()
	l := NewLock(w, LockConfig{Locker: storeLocker{s}, Now: clk.now, Background: syncBackground})
	l.Show("")
	for i := 0; i < localstore.MaxPINFailures; i++ {
		clk.add(2 * time.Hour)
		l.refresh()
		typeInto(l.PIN, "000111")
		test.Tap(l.Go)
	}
	if l.mode != modeRecover || !strings.Contains(strings.Join(texts(w.Content()), "\n"), "Forgot your PIN?") {
		t.Fatalf("after %d wrong PINs the lock screen is in mode %d", localstore.MaxPINFailures, l.mode)
	}
	if strings.Contains(strings.Join(texts(w.Content()), "\n"), l.Cancel.Text) {
		t.Fatal("a way back to the disabled PIN is offered")
	}
	l.Show("") // a restart: still the form
	if l.mode != modeRecover {
		t.Fatal("a restart brought the PIN back")
	}
}

// TestEraseQuestionCountsWhenAsked: the question reads the unsent count
// when the person taps erase, not the header's count of the last sync.
func TestEraseQuestionCountsWhenAsked(t *testing.T) {
	f := newFixture(t)
	a := f.start(landscape)
	a.SetSyncState(SyncState{Enrolled: true, Pending: 0})
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	f.sync.unsent = 4 // written since the last sync
	test.Tap(s.erase)
	if !strings.Contains(strings.Join(texts(f.win.Content()), "\n"), "4 changes on this tablet have not been sent") {
		t.Fatal("the question does not count the changes made since the last sync")
	}
	test.Tap(s.eraseNo)
	if f.sync.erased != 0 {
		t.Fatal("erased without confirmation")
	}
}
