package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Locker is the app lock as the lock screen uses it (ADR 0611).
// The tablet passes the store's; errors' Error() is a sentence for a person.
type Locker interface {
	LockState() LockState
	// SetPIN gives a tablet without a PIN its first one (sealing what it
	// already holds).
	SetPIN(pin string) error
	// Unlock checks the PIN; wrong PINs slow down and are counted across
	// restarts.
	Unlock(pin string) error
	// Recover is the forgotten PIN: sign in again (password or enrolment
	// code, same tablet), fetch the recovery key, set newPIN.
	Recover(ctx context.Context, f EnrolForm, newPIN string) error
}

// LockState is what the lock screen shows before unlocking.
type LockState struct {
	HasPIN   bool
	Failures int
	RetryAt  time.Time // zero: a PIN may be tried now
	Disabled bool      // too many wrong PINs: only signing in again helps
	// RecoveryArmed: the server holds this tablet's recovery key, so a
	// forgotten PIN loses nothing.
	RecoveryArmed     bool
	ServerURL, School string // to prefill the forgotten-PIN form
}

// LockConfig wires a Lock.
type LockConfig struct {
	Locker Locker
	// OnUnlock is called on the main goroutine after a right PIN, a first
	// PIN or a recovery: the tablet draws (or redraws) the app.
	OnUnlock func()
	// Now, Tick and Background as in Config (Background nil: a goroutine
	// and fyne.Do; tests pass a synchronous one).
	Now        func() time.Time
	Tick       func(d time.Duration, f func()) (stop func())
	Background func(work func() (done func()))
}

type lockMode int

const (
	modeChoose  lockMode = iota // no PIN yet: choose one
	modeEnter                   // type the PIN
	modeRecover                 // forgot the PIN: sign in again, choose a new one
)

// Lock is the lock screen. Shown, it replaces the whole window content, so
// nothing of a student is drawn until the PIN is right (the app's screens
// are not built before the first unlock at all).
type Lock struct {
	cfg  LockConfig
	win  fyne.Window
	mode lockMode
	busy bool

	// PIN and Confirm are the PIN fields; Go sets or checks the PIN.
	PIN, Confirm *widget.Entry
	Go           *Button
	// Forgot opens the forgotten-PIN form; Cancel leaves it.
	Forgot, Cancel *Button
	// The forgotten-PIN form: the enrolment sign-in and the new PIN.
	Server, School, Code, Username, Password *widget.Entry
	NewPIN, NewConfirm                       *widget.Entry
	Recover                                  *Button

	title, intro, notice, message *widget.Label
	body                          *fyne.Container
	root                          fyne.CanvasObject
	stopTick                      func()
	showing                       bool
	// covered are the pop-ups that were open over the app when it locked
	// (a student's note, a question): taken off the window while locked,
	// so that no name shows over the lock screen, and put back on unlock.
	covered []fyne.CanvasObject
}

// NewLock builds the lock screen for win; Show puts it up.
func NewLock(win fyne.Window, cfg LockConfig) *Lock {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	l := &Lock{cfg: cfg, win: win}
	l.PIN = pinEntry("")
	l.Confirm = pinEntry("")
	l.PIN.OnSubmitted = func(string) { l.tapGo() }
	l.Confirm.OnSubmitted = func(string) { l.tapGo() }
	l.Go = newImportant("", widget.HighImportance, l.tapGo)
	l.Forgot = NewButton("", func() { l.setMode(modeRecover) })
	l.Cancel = NewButton("", func() { l.setMode(modeEnter) })
	l.Server = widget.NewEntry()
	l.Server.SetPlaceHolder("https://sync.your-school.org")
	l.School = widget.NewEntry()
	l.Code = widget.NewEntry()
	l.Username = widget.NewEntry()
	l.Password = widget.NewPasswordEntry()
	l.NewPIN = pinEntry("")
	l.NewConfirm = pinEntry("")
	l.NewConfirm.OnSubmitted = func(string) { l.tapRecover() }
	l.Recover = newImportant("", widget.HighImportance, l.tapRecover)
	l.title = heading("")
	l.intro = wrapLabel("")
	l.notice = wrapLabel("")
	l.notice.Importance = widget.WarningImportance
	l.message = wrapLabel("")
	l.message.Importance = widget.DangerImportance
	l.body = container.NewVBox()
	l.root = vscroll(container.New(&column{width: 460}, container.NewPadded(l.body)))
	l.label()
	return l
}

// label writes the lock screen's fixed words in the app's language: when built, and each time
// it is shown (the language may have been changed on the Sync screen meanwhile).
func (l *Lock) label() {
	l.PIN.SetPlaceHolder(lang.L("lock.pin_placeholder"))
	l.Confirm.SetPlaceHolder(lang.L("lock.again_placeholder"))
	l.Forgot.SetText(lang.L("lock.forgot"))
	l.Cancel.SetText(lang.L("lock.back"))
	l.Code.SetPlaceHolder(lang.L("sync.placeholder.code"))
	l.Username.SetPlaceHolder(lang.L("sync.placeholder.username"))
	l.Password.SetPlaceHolder(lang.L("sync.placeholder.password"))
	l.NewPIN.SetPlaceHolder(lang.L("lock.new_pin_placeholder"))
	l.NewConfirm.SetPlaceHolder(lang.L("lock.again_placeholder"))
	l.Recover.SetText(lang.L("lock.recover"))
}

func pinEntry(placeholder string) *widget.Entry {
	e := widget.NewPasswordEntry()
	e.SetPlaceHolder(placeholder)
	return e
}

// Show replaces the window's content with the lock screen, with notice
// (e.g. why the tablet was erased) above it when not "".
func (l *Lock) Show(notice string) {
	l.notice.SetText(notice)
	l.showing = true
	l.label()
	st := l.cfg.Locker.LockState()
	switch {
	case !st.HasPIN:
		l.mode = modeChoose
	case st.Disabled:
		l.mode = modeRecover
	default:
		l.mode = modeEnter
	}
	l.clear()
	l.message.SetText("")
	l.coverPopUps()
	l.win.SetContent(l.root)
	l.refresh()
	l.win.Canvas().Focus(l.PIN)
}

// coverPopUps takes the pop-ups open over the app off the window: the
// content is replaced by the lock screen, but pop-ups are overlays above
// the content and would stay drawn over it.
func (l *Lock) coverPopUps() {
	ov := l.win.Canvas().Overlays()
	for _, o := range ov.List() {
		l.covered = append(l.covered, o)
		ov.Remove(o)
	}
}

// uncoverPopUps puts them back after an unlock, in their order.
func (l *Lock) uncoverPopUps() {
	ov := l.win.Canvas().Overlays()
	for _, o := range l.covered {
		ov.Add(o)
	}
	l.covered = nil
}

// Forget drops the pop-ups kept from before the lock: the app they were
// over is gone (the tablet was erased).
func (l *Lock) Forget() { l.covered = nil }

// countdown ticks the button's "Try again in …" while a delay lasts, and
// stops itself after (no timer runs otherwise).
func (l *Lock) countdown() {
	if l.stopTick != nil || l.cfg.Tick == nil {
		return
	}
	l.stopTick = l.cfg.Tick(time.Second, func() {
		if !l.showing || l.mode != modeEnter || !l.cfg.Locker.LockState().RetryAt.After(l.cfg.Now()) {
			l.Stop()
		}
		if l.showing && l.mode == modeEnter {
			l.refresh()
		}
	})
}

// Hide marks the lock screen as down without a PIN typed on it (the
// tablet opened it itself, e.g. with the demo's PIN); OnUnlock is the
// caller's to run.
func (l *Lock) Hide() { l.showing = false }

// Showing reports whether the lock screen is up.
func (l *Lock) Showing() bool { return l.showing }

// Notice is the notice above the lock screen ("" when none; tests).
func (l *Lock) Notice() string { return l.notice.Text }

// Message is the lock screen's problem sentence ("" when none; tests).
func (l *Lock) Message() string { return l.message.Text }

// Stop ends the countdown ticker (the delay is over, or the window closes).
func (l *Lock) Stop() {
	if l.stopTick != nil {
		l.stopTick()
		l.stopTick = nil
	}
}

func (l *Lock) clear() {
	for _, e := range []*widget.Entry{l.PIN, l.Confirm, l.Password, l.Code, l.NewPIN, l.NewConfirm} {
		e.SetText("")
	}
}

func (l *Lock) setMode(m lockMode) {
	l.mode = m
	l.message.SetText("")
	if m == modeRecover {
		st := l.cfg.Locker.LockState()
		if l.Server.Text == "" {
			l.Server.SetText(st.ServerURL)
		}
		if l.School.Text == "" {
			l.School.SetText(st.School)
		}
	}
	l.refresh()
}

func (l *Lock) refresh() {
	st := l.cfg.Locker.LockState()
	var objs []fyne.CanvasObject
	if l.notice.Text != "" {
		objs = append(objs, l.notice)
	}
	objs = append(objs, l.title, l.intro)
	switch l.mode {
	case modeChoose:
		l.title.SetText(lang.L("lock.choose.title"))
		l.intro.SetText(lang.L("lock.choose.intro", map[string]any{"N": minPIN}))
		l.Go.SetText(lang.L("lock.choose.set"))
		objs = append(objs, widget.NewForm(widget.NewFormItem(lang.L("lock.field.pin"), l.PIN), widget.NewFormItem(lang.L("sync.pin.again"), l.Confirm)), l.Go)
	case modeEnter:
		l.title.SetText(lang.L("lock.enter.title"))
		l.intro.SetText(lang.L("lock.enter.intro"))
		l.Go.SetText(lang.L("lock.enter.unlock"))
		wait := st.RetryAt.Sub(l.cfg.Now())
		if wait > 0 && !l.busy {
			l.Go.Disable()
			l.Go.SetText(lang.L("lock.try_again_in", map[string]any{"Wait": waitText(wait)}))
			l.countdown()
		} else if !l.busy {
			l.Go.Enable()
		}
		objs = append(objs, widget.NewForm(widget.NewFormItem(lang.L("lock.field.pin"), l.PIN)), l.Go, container.NewHBox(spacerH(), l.Forgot))
		if !st.RecoveryArmed {
			objs = append(objs, wrapLabel(lang.L("lock.not_armed")))
		}
	case modeRecover:
		l.title.SetText(lang.L("lock.recover.title"))
		l.intro.SetText(lang.L("lock.recover.intro"))
		objs = append(objs, wheelThrough(widget.NewForm(
			widget.NewFormItem(lang.L("sync.field.server"), l.Server),
			widget.NewFormItem(lang.L("sync.field.school"), l.School),
			widget.NewFormItem(lang.L("sync.field.code"), l.Code),
			widget.NewFormItem(lang.L("sync.field.username"), l.Username),
			widget.NewFormItem(lang.L("sync.field.password"), l.Password),
			widget.NewFormItem(lang.L("sync.pin.new"), l.NewPIN),
			widget.NewFormItem(lang.L("sync.pin.again"), l.NewConfirm),
		), func() *container.Scroll { sc, _ := l.root.(*container.Scroll); return sc }), l.Recover)
		if !st.Disabled {
			objs = append(objs, container.NewHBox(spacerH(), l.Cancel))
		}
	}
	// The message goes last: when it appears or grows, nothing above moves.
	objs = append(objs, l.message)
	l.body.Objects = objs
	l.body.Refresh()
}

// minPIN mirrors the store's minimum (the screen says it before the store
// refuses a shorter one).
const minPIN = 6

func waitText(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s < 1 {
		s = 1
	}
	if s < 120 {
		return lang.L("lock.wait.seconds", map[string]any{"N": s})
	}
	return lang.L("lock.wait.minutes", map[string]any{"N": (s + 59) / 60})
}

func (l *Lock) tapGo() {
	if l.busy {
		return
	}
	pin := strings.TrimSpace(l.PIN.Text)
	switch l.mode {
	case modeChoose:
		if pin != strings.TrimSpace(l.Confirm.Text) {
			l.message.SetText(lang.L("lock.differ"))
			l.clear()
			// Typing again starts in the first box (ADR 0650: the focus
			// stayed in "Again", and the retyped PIN went there).
			l.win.Canvas().Focus(l.PIN)
			return
		}
		l.run(lang.L("lock.protecting"), func() error { return l.cfg.Locker.SetPIN(pin) })
	case modeEnter:
		if pin == "" {
			l.message.SetText(lang.L("lock.enter.intro"))
			return
		}
		l.run(lang.L("lock.checking"), func() error { return l.cfg.Locker.Unlock(pin) })
	}
}

func (l *Lock) tapRecover() {
	if l.busy {
		return
	}
	f := EnrolForm{ServerURL: strings.TrimRight(strings.TrimSpace(l.Server.Text), "/"), School: strings.TrimSpace(l.School.Text),
		Code: strings.TrimSpace(l.Code.Text), Username: strings.TrimSpace(l.Username.Text), Password: l.Password.Text}
	if msg := validateEnrol(f); msg != "" {
		l.message.SetText(msg)
		return
	}
	pin := strings.TrimSpace(l.NewPIN.Text)
	if pin != strings.TrimSpace(l.NewConfirm.Text) {
		l.message.SetText(lang.L("pin.new_differ"))
		l.NewPIN.SetText("")
		l.NewConfirm.SetText("")
		l.win.Canvas().Focus(l.NewPIN)
		return
	}
	l.run(lang.L("lock.signing_in"), func() error { return l.cfg.Locker.Recover(context.Background(), f, pin) })
}

// run does the slow work (argon2id, a migration, the network) off the main
// goroutine and unlocks or says why not.
func (l *Lock) run(busyText string, work func() error) {
	l.busy = true
	l.Go.Disable()
	l.Recover.Disable()
	l.message.SetText(busyText)
	done := func(err error) func() {
		return func() {
			l.busy = false
			l.Go.Enable()
			l.Recover.Enable()
			l.PIN.SetText("")
			l.Confirm.SetText("")
			l.Password.SetText("")
			l.Code.SetText("") // a code works once
			if err != nil {
				if st := l.cfg.Locker.LockState(); st.Disabled && l.mode == modeEnter {
					l.setMode(modeRecover) // the PIN no longer opens: only signing in
				}
				l.message.SetText(PlainError(err))
				l.refresh()
				if l.mode != modeRecover {
					l.win.Canvas().Focus(l.PIN) // the PIN is typed again from its first box
				}
				return
			}
			l.NewPIN.SetText("")
			l.NewConfirm.SetText("")
			l.message.SetText("")
			l.showing = false
			if l.cfg.OnUnlock != nil {
				l.cfg.OnUnlock()
			}
			l.uncoverPopUps()
		}
	}
	if l.cfg.Background != nil {
		l.cfg.Background(func() func() { return done(work()) })
		return
	}
	go func() {
		f := done(work())
		fyne.Do(f)
	}()
}

// column lays out one object at most width wide, centred horizontally.
type column struct{ width float32 }

func (c *column) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		w := min(size.Width, c.width)
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
		o.Resize(fyne.NewSize(w, max(size.Height, o.MinSize().Height)))
	}
}

func (c *column) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}
