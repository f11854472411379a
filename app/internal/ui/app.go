package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smallwins/reportdoc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Config is what the screens need from the outside.
type Config struct {
	Records Records
	Sync    Sync
	// Now is the clock (default time.Now); tests pass a fixed one.
	Now func() time.Time
	// Tick calls f every d on the main goroutine until stop is called (the
	// session and probe timers). nil: timers show the time when redrawn but
	// do not tick by themselves (tests).
	Tick func(d time.Duration, f func()) (stop func())
	// Background runs work that may block on the network (enrolment) off the
	// main goroutine and hands its result, a func, back to the main goroutine
	// with fyne.Do. nil: that. Tests pass a synchronous one.
	Background func(work func() (done func()))
	// ChartPNG, when set, renders a goal's progress chart as a PNG (the
	// report documents' renderer, so the tablet, the console and the PDF
	// look alike); nil or an error: the screen draws its own chart with
	// canvas primitives.
	ChartPNG func(ch reportdoc.Chart, width, height int) ([]byte, error)
	// OnActivity, when set, is called on every screen change, saved record
	// and typed key: the tablet locks after 5 minutes without any (ADR 0610).
	OnActivity func()
	// ReportPDF, when set, renders a goal's progress report as the PDF the
	// server serves (reportdoc: the same code, so the same document), for
	// "Share report". nil: the button is not shown.
	ReportPDF func(r progress.Report, student, school string) ([]byte, error)
	// SaveDocument, when set, hands a finished document (a family CICO
	// card) to the platform instead of Fyne's save dialog; tests set it.
	SaveDocument func(name string, data []byte) error
	// ChangePIN, when set, checks the current PIN and sets a new one (the
	// Sync screen's "Change PIN"); its errors are sentences. nil: no button.
	ChangePIN func(current, newPIN string) error
	// Lock, when set, covers the app with the lock screen at once ("Lock
	// now" on the Sync screen and in the header's menu, Ctrl+L). nil: not
	// offered.
	Lock func()
}

// screen is one page of the app: built once, refreshed from its model.
type screen interface {
	title() string
	content() fyne.CanvasObject
	refresh()
}

// leaver is a screen that must stop something (a timer) when left.
type leaver interface{ leave() }

// Tab is one of the bottom navigation's roots.
type Tab int

// The tabs of the bottom navigation.
const (
	TabToday Tab = iota
	TabStudents
	TabCICO
	TabSetup
	TabSync
)

// App is the whole UI in one window: a header (back, title, sync state, Sync
// now), the current screen, and the bottom navigation.
type App struct {
	cfg Config
	win fyne.Window

	back     *Button
	title    *widget.Label
	syncChip *Button
	syncNow  *Button
	message  *widget.Label // the status line: always there, so a message moves nothing
	msgKind  msgKind
	body     *fyne.Container
	nav      []*Button
	header   *fyne.Container
	menu     *Button // the header's menu: Lock now, Change PIN…
	root     *fyne.Container
	undo     *undoBar // floats above the navigation (undo.go)
	// frame is the window's whole content: the screens (root) with the
	// undo layer over them. Whatever is shown after an unlock is this
	// frame, never root alone, so the undo bar survives the lock (ADR 0650).
	frame *fyne.Container
	// question is the question open over the screen, if any (ask.go).
	question *question
	// saveDialog is the last file-save dialog shown (tests).
	saveDialog *dialog.FileDialog
	// msgStop ends the timer that clears a confirmation (nil when none).
	msgStop func()

	stack []screen
	sync  SyncState
	// glanceAt is when the header's sync text was worded ("Synced 1 min ago").
	glanceAt time.Time
	// notice is shown on Today until dismissed: why the tablet was erased.
	notice string
}

// NoticeText is the notice on Today ("" when none; tests).
func (a *App) NoticeText() string { return a.notice }

// Notice puts a message on Today until the person dismisses it (e.g. why
// the tablet was just erased): unlike a message under the header, it does
// not go away with the next tap.
func (a *App) Notice(msg string) {
	a.notice = msg
	a.DataChanged()
}

// New builds the UI into win. It does not show the window.
func New(win fyne.Window, cfg Config) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &App{cfg: cfg, win: win}
	// Every local write goes through here, so the header's count of
	// waiting changes is the outbox's after each one (ADR 0651).
	a.cfg.Records = watchedRecords{Records: cfg.Records, wrote: a.wrote}
	a.back = NewButton("", a.Back)
	a.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	a.title.Truncation = fyne.TextTruncateEllipsis
	a.syncChip = NewButton("", func() { a.Root(TabSync) })
	a.syncChip.Importance = widget.LowImportance
	a.syncNow = newImportant("", widget.MediumImportance, a.SyncNow)
	a.message = widget.NewLabel("")
	a.message.Truncation = fyne.TextTruncateEllipsis
	a.body = container.NewStack()
	for i := range navNames {
		tab := Tab(i)
		a.nav = append(a.nav, NewButton("", func() { a.Root(tab) }))
	}
	a.label()
	a.menu = NewButton("", a.openMenu)
	a.menu.Icon = theme.MenuIcon()
	right := container.NewHBox(a.syncChip, a.syncNow)
	if cfg.Lock != nil || cfg.ChangePIN != nil {
		right.Add(a.menu)
	}
	header := container.NewBorder(nil, nil, a.back, right, a.title)
	a.header = header
	navBar := container.NewGridWithColumns(len(a.nav))
	for _, b := range a.nav {
		navBar.Add(b)
	}
	// The status line has one line's height whether or not it holds a
	// message (ADR 0631: a message pushed the session screen down 55 px
	// and buttons moved under the finger).
	// A label's height is its font's line height whatever its text: an empty one measures it.
	top := container.NewVBox(header, container.New(fixedLine{h: widget.NewLabel("").MinSize().Height}, a.message))
	a.root = container.NewBorder(top, navBar, nil, nil, a.body)
	a.undo = newUndoBar(a, navBar)
	a.frame = container.NewStack(a.root, a.undo.layer)
	win.SetContent(a.frame)
	// Keyboard: Ctrl+S (Cmd+S) or F5 syncs now; Ctrl+L locks; Alt+1…5 switch tabs.
	c := win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { a.SyncNow() })
	if cfg.Lock != nil {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { a.LockNow() })
	}
	for i := range navNames {
		tab := Tab(i)
		c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyName(fmt.Sprint(i + 1)), Modifier: fyne.KeyModifierAlt},
			func(fyne.Shortcut) { a.Root(tab) })
	}
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		a.activity()
		switch ev.Name {
		case fyne.KeyF5:
			a.SyncNow()
		case fyne.KeyEscape:
			a.Back()
		}
	})
	a.SetSyncState(SyncState{})
	return a
}

// navNames are the catalog ids of the bottom navigation's tabs, in Tab order.
var navNames = []string{"nav.today", "nav.students", "nav.cico", "nav.setup", "nav.sync"}

// label writes the words of the frame (header and navigation) in the app's language: at start,
// and again after the language is changed on the Sync screen.
func (a *App) label() {
	a.back.SetText(lang.L("common.back"))
	a.syncNow.SetText(lang.L("header.sync_now"))
	for i, b := range a.nav {
		b.SetText(lang.L(navNames[i]))
	}
}

// Start shows Today, or resumes a session left in progress (the tablet died
// or was closed mid-session: nothing is lost, PROTOCOL §3).
func (a *App) Start() {
	a.Root(TabToday)
	var groups []todayGroup
	if t, ok := a.current().(*todayScreen); ok {
		groups = t.m.Groups
	}
	if id := findInProgress(a.cfg.Records, a.resumeHint(), a.cfg.Now(), groups); id != "" {
		if s, err := resumeSession(a, id); err == nil {
			a.push(s)
			return
		}
	}
	if sid := probeToResume(a.cfg.Records, a.cfg.Now()); sid != "" {
		a.push(newProbeScreen(a, sid)) // a probe's tally outlives a crash (probedraft.go)
	}
}

// Root shows a tab's root screen, dropping the navigation stack.
func (a *App) Root(t Tab) {
	a.leaveAll()
	var s screen
	switch t {
	case TabStudents:
		s = newStudentsScreen(a)
	case TabCICO:
		s = newCICOScreen(a, "")
	case TabSetup:
		s = newSetupScreen(a)
	case TabSync:
		s = newSyncScreen(a)
	default:
		s = newTodayScreen(a)
	}
	for i, b := range a.nav {
		if Tab(i) == t {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	a.stack = nil
	a.push(s)
}

func (a *App) leaveAll() {
	for _, s := range a.stack {
		if l, ok := s.(leaver); ok {
			l.leave()
		}
	}
}

// push shows s on top of the current screen.
func (a *App) push(s screen) {
	a.stack = append(a.stack, s)
	a.show()
}

// Back returns to the previous screen.
func (a *App) Back() {
	if len(a.stack) <= 1 {
		return
	}
	if l, ok := a.stack[len(a.stack)-1].(leaver); ok {
		l.leave()
	}
	a.stack = a.stack[:len(a.stack)-1]
	a.show()
}

// ShowAgain puts the app back in its window after the lock screen covered
// it, on the screen that was open, with its undo layer: the undo bar is
// part of the window whatever screen is shown (ADR 0650: after an unlock
// the root alone was put back, and no deletion offered Undo any more).
func (a *App) ShowAgain() {
	a.win.SetContent(a.frame)
	a.undo.resume()
	a.DataChanged()
}

// LockNow covers the app with the lock screen at once (Config.Lock).
func (a *App) LockNow() {
	if a.cfg.Lock != nil {
		a.cfg.Lock()
	}
}

// openMenu shows the header's menu under its button: Lock now, and
// Change PIN… (on the Sync screen).
func (a *App) openMenu() {
	var items []*fyne.MenuItem
	if a.cfg.Lock != nil {
		items = append(items, fyne.NewMenuItem(lang.L("menu.lock_now"), a.LockNow))
	}
	if a.cfg.ChangePIN != nil {
		items = append(items, fyne.NewMenuItem(lang.L("menu.change_pin"), func() {
			a.Root(TabSync)
			if s, ok := a.current().(*syncScreen); ok {
				s.openChangePIN()
			}
		}))
	}
	if len(items) == 0 {
		return
	}
	c := a.win.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(a.menu)
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c, pos.AddXY(0, a.menu.Size().Height))
}

func (a *App) activity() {
	if a.cfg.OnActivity != nil {
		a.cfg.OnActivity()
	}
}

func (a *App) show() {
	a.activity()
	a.closeQuestion() // a question is about the screen it was asked on
	s := a.current()
	// First: a save on the screen left may be waiting now, and Today words
	// its sync line with the header's text.
	a.showGlance()
	s.refresh()
	a.body.Objects = []fyne.CanvasObject{s.content()}
	a.body.Refresh()
	a.title.SetText(s.title())
	// The Sync screen has its own Sync now (with the state it acts on):
	// one button, not two, on that screen.
	if _, onSync := s.(*syncScreen); onSync {
		a.syncNow.Hide()
	} else {
		a.syncNow.Show()
	}
	if len(a.stack) > 1 {
		a.back.Show()
	} else {
		a.back.Hide()
	}
	// Showing or hiding a button of the header changes its layout: laid out again, or Sync now
	// stayed where it was when hidden, past the window's edge beside a wider chip.
	a.header.Refresh()
	a.clearMessage()
}

func (a *App) current() screen {
	if len(a.stack) == 0 {
		return nil
	}
	return a.stack[len(a.stack)-1]
}

// Current is the screen shown (tests).
func (a *App) Current() any { return a.current() }

// DataChanged redraws the current screen from the store (a pull brought
// new data). Call on the main goroutine (fyne.Do).
func (a *App) DataChanged() {
	if s := a.current(); s != nil {
		if e, ok := s.(interface{ editing() bool }); ok && e.editing() {
			return // never pull a form from under the person's fingers
		}
		s.refresh()
		// What the message said may no longer be true of what the screen
		// now shows ("Saved." beside another tablet's version).
		if a.msgKind != msgUntilSent {
			a.clearMessage()
		}
	}
}

// SyncNow asks for a sync.
func (a *App) SyncNow() {
	if a.cfg.Sync == nil {
		return
	}
	if !a.sync.Enrolled {
		a.Root(TabSync)
		a.say(lang.L("header.enrol_first"))
		return
	}
	a.cfg.Sync.SyncNow()
	a.SetSyncState(SyncState{Enrolled: a.sync.Enrolled, Syncing: true, LastSuccess: a.sync.LastSuccess,
		Pending: a.sync.Pending, Conflicts: a.sync.Conflicts, Quarantined: a.sync.Quarantined})
}

// SetSyncState shows the sync state. Call on the main goroutine (fyne.Do).
func (a *App) SetSyncState(st SyncState) {
	a.sync = st
	a.showGlance()
	if s, ok := a.current().(*syncScreen); ok {
		s.refresh()
	}
	if s, ok := a.current().(*todayScreen); ok {
		s.refreshSync()
	}
	// "…it will be sent at the next sync" stops being true once it is sent.
	if a.msgKind == msgUntilSent && st.Enrolled && !st.Syncing && st.Err == "" && a.sync.Pending == 0 {
		a.clearMessage()
	}
}

// showGlance writes the header's sync text from the state with the count
// of waiting changes as of now, and keeps the time it was worded at: the
// Sync screen words the last sync at the same instant, so the two never
// say "just now" and "1 min ago" at once.
func (a *App) showGlance() {
	if pc, ok := a.cfg.Sync.(PendingCounter); ok {
		if n, err := pc.PendingCount(); err == nil {
			a.sync.Pending = n
		}
	}
	a.glanceAt = a.cfg.Now()
	st := a.sync
	a.syncChip.SetText(syncGlance(st, a.glanceAt))
	switch {
	case (st.Enrolled && st.Err != "") || st.Conflicts > 0 || st.Quarantined > 0:
		a.syncChip.Importance = widget.WarningImportance
	default:
		a.syncChip.Importance = widget.LowImportance
	}
	a.syncChip.Refresh()
	a.header.Refresh() // the chip's width changed with its text
}

// SyncGlance is the header's sync text (tests).
func (a *App) SyncGlance() string { return a.syncChip.Text }

// EnrolForTest fills and submits the enrolment form of the Sync screen,
// synchronously, and returns the error it shows (tests of the wiring).
func (a *App) EnrolForTest(f EnrolForm) error {
	a.Root(TabSync)
	s := a.current().(*syncScreen)
	bg := a.cfg.Background
	a.cfg.Background = func(work func() func()) { work()() }
	defer func() { a.cfg.Background = bg }()
	s.server.SetText(f.ServerURL)
	s.school.SetText(f.School)
	s.username.SetText(f.Username)
	s.password.SetText(f.Password)
	s.tapEnrol()
	if s.enrolErr.Text != "" {
		return errors.New(s.enrolErr.Text)
	}
	return nil
}

// syncGlance is the one-line sync state of the header.
func syncGlance(st SyncState, now time.Time) string {
	n := map[string]any{"N": st.Pending}
	switch {
	case st.Syncing:
		return lang.L("glance.syncing")
	case !st.Enrolled:
		if st.Pending > 0 {
			return lang.L("glance.not_enrolled_saved", n)
		}
		return lang.L("glance.not_enrolled")
	case st.Conflicts > 0:
		return lang.L("glance.to_review", map[string]any{"N": st.Conflicts})
	case st.Err != "":
		if st.Pending > 0 {
			return lang.L("glance.offline_waiting", n)
		}
		return lang.L("glance.offline")
	case st.Pending > 0:
		return lang.L("glance.waiting", n)
	case st.LastSuccess.IsZero():
		return lang.L("glance.never")
	}
	return lang.L("glance.synced", map[string]any{"When": sinceText(st.LastSuccess, now)})
}

func sinceText(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return lang.L("since.just_now")
	case d < time.Hour:
		return lang.L("since.minutes", map[string]any{"N": int(d.Minutes())})
	case t.YearDay() == now.YearDay() && t.Year() == now.Year():
		return t.Format("15:04")
	}
	return shortDateTime(t)
}

// msgKind says when a message stops being true.
type msgKind int

const (
	// msgPlain lasts until the next screen, or until new data redraws the
	// screen it was about.
	msgPlain msgKind = iota
	// msgUntilSent ("…will be sent at the next sync") lasts until nothing
	// is waiting to be sent.
	msgUntilSent
)

// msgFor is how long a confirmation ("Saved.") stays on the status line
// when the app has a ticker: as long as the undo bar, never minutes.
const msgFor = undoFor

// say shows a short confirmation on the status line until the next screen
// change, new data, or msgFor, whichever comes first.
func (a *App) say(msg string) { a.setMessage(msg, widget.MediumImportance, msgPlain) }

// sayUntilSent shows a message that is true until the next successful sync.
func (a *App) sayUntilSent(msg string) { a.setMessage(msg, widget.MediumImportance, msgUntilSent) }

// warn shows a problem in plain words on the status line.
func (a *App) warn(msg string) { a.setMessage(msg, widget.DangerImportance, msgPlain) }

// setMessage writes the status line; its height never changes, so nothing
// on the screen moves.
func (a *App) setMessage(msg string, imp widget.Importance, kind msgKind) {
	a.stopMessageTimer()
	a.message.Importance = imp
	a.msgKind = kind
	a.message.SetText(msg)
	// A confirmation is true when said and soon stale ("Saved." minutes
	// later, beside other work); a warning stays until the screen changes,
	// so it is not missed.
	if kind == msgPlain && imp != widget.DangerImportance {
		a.msgStop = a.tick(msgFor, a.clearMessage)
	}
}

func (a *App) stopMessageTimer() {
	if a.msgStop != nil {
		a.msgStop()
		a.msgStop = nil
	}
}

// clearConfirmation clears the status line if it holds a plain message:
// what it confirmed was just undone or replaced.
func (a *App) clearConfirmation() {
	if a.msgKind == msgPlain {
		a.clearMessage()
	}
}

// Message is the message on the status line ("" when none; tests).
func (a *App) Message() string { return a.message.Text }

func (a *App) clearMessage() {
	a.stopMessageTimer()
	a.msgKind = msgPlain
	if a.message.Text != "" {
		a.message.SetText("")
	}
}

// wrote is called after every local write: the count of waiting changes
// in the header (and Today's line, which repeats it) is the outbox's as of
// now, never the last sync's.
func (a *App) wrote() { a.showGlance() }

// watchedRecords is Records calling wrote after each successful write.
type watchedRecords struct {
	Records
	wrote func()
}

func (w watchedRecords) Put(ctx context.Context, typ, id string, data any, restricted bool) (record.Envelope, error) {
	e, err := w.Records.Put(ctx, typ, id, data, restricted)
	if err == nil {
		w.wrote()
	}
	return e, err
}

func (w watchedRecords) Delete(ctx context.Context, id string) (record.Envelope, error) {
	e, err := w.Records.Delete(ctx, id)
	if err == nil {
		w.wrote()
	}
	return e, err
}

func (w watchedRecords) PutIf(ctx context.Context, typ, id string, data any, restricted bool, want string) (record.Envelope, bool, error) {
	e, ok, err := w.Records.PutIf(ctx, typ, id, data, restricted, want)
	if ok && err == nil {
		w.wrote()
	}
	return e, ok, err
}

func (w watchedRecords) DeleteIf(ctx context.Context, id, want string) (record.Envelope, bool, error) {
	e, ok, err := w.Records.DeleteIf(ctx, id, want)
	if ok && err == nil {
		w.wrote()
	}
	return e, ok, err
}

// fixedLine is the status line's layout: always h tall (one line of label
// text, measured when the app is built), empty or not, never taller.
type fixedLine struct{ h float32 }

func (fixedLine) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l fixedLine) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, l.h) }

// me is the person using the tablet: their user id, and whether they are an
// admin. Before enrolment notes are written as "device:<device id>" (ADR
// 0601) and that id counts as the author's.
func (a *App) me() (id string, admin bool) {
	if a.cfg.Sync != nil {
		if e := a.cfg.Sync.Enrolment(); e.UserID != "" {
			return e.UserID, e.Role == "admin"
		}
	}
	return "device:" + a.cfg.Records.DeviceID(), false
}

// isMe reports whether author is the person using the tablet: their user
// id, or this device's id for what they wrote before enrolment (ADR 0601).
func (a *App) isMe(author string) bool {
	id, _ := a.me()
	return author == id || author == "device:"+a.cfg.Records.DeviceID()
}

// put writes one record; problems are shown in plain words and returned.
func (a *App) put(typ, id string, v any, restricted bool) (string, error) {
	a.activity()
	e, err := a.cfg.Records.Put(context.Background(), typ, id, v, restricted)
	if err != nil {
		a.warn(lang.L("common.not_saved", map[string]any{"Why": PlainError(err)}))
		return "", err
	}
	return e.ID, nil
}

// resumeHint, setResume and clearResume keep the id of the session being
// run in the app's preferences (a hint only: the store holds the session).
func (a *App) resumeHint() string {
	if app := fyne.CurrentApp(); app != nil {
		return app.Preferences().String(resumeKey)
	}
	return ""
}

func (a *App) setResume(id string) {
	if app := fyne.CurrentApp(); app != nil {
		app.Preferences().SetString(resumeKey, id)
	}
}

func (a *App) clearResume(id string) {
	if app := fyne.CurrentApp(); app != nil && app.Preferences().String(resumeKey) == id {
		app.Preferences().RemoveValue(resumeKey)
	}
}

func (a *App) background(work func() (done func())) {
	if a.cfg.Background != nil {
		a.cfg.Background(work)
		return
	}
	go func() {
		done := work()
		fyne.Do(done)
	}()
}

func (a *App) tick(d time.Duration, f func()) func() {
	if a.cfg.Tick == nil {
		return func() {}
	}
	return a.cfg.Tick(d, f)
}
