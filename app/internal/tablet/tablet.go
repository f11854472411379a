// Package tablet wires the tablet app: it opens the local store, starts the
// syncer and builds the UI. Only app/main.go imports fyne.io/fyne/v2/app; it
// passes the fyne.App in, so this package and the UI run headless in tests.
package tablet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/demo"
	"smallwins/app/internal/localstore"
	"smallwins/app/internal/syncclient"
	"smallwins/app/internal/ui"
	"smallwins/app/internal/vault"
	"smallwins/reportdoc"
	"smallwins/shared/record"
)

// AppID is the app's reverse-DNS id. It must equal FyneApp.toml's ID and
// fyne-cross.yml's app_id, and never change: Android ties the install and
// its data to it (STYLE §7).
const AppID = "org.smallwins.tablet"

// Config is the app's settings, read from the environment by ConfigFromEnv.
type Config struct {
	// DataDir holds the local database (SMALLWINS_DATA; default: the Fyne
	// app's storage root, i.e. the user config dir on desktop).
	DataDir string
	// Server, School, Username, Password enrol the tablet at start when it
	// is not enrolled yet (SMALLWINS_SERVER, _SCHOOL, _USERNAME, _PASSWORD).
	Server, School, Username, Password string
	// Demo loads the demo school into an empty store (SMALLWINS_DEMO=1).
	Demo bool
	// DemoDate, when set (SMALLWINS_DEMO_DATE=YYYY-MM-DD), is the date the
	// demo is made for and the date the screens take as today (the clock
	// time stays real; records are stamped with the real clock): the
	// real-app screenshots show a school day even on a weekend.
	DemoDate time.Time
	// DemoInterventionists (SMALLWINS_DEMO_INTERVENTIONISTS, user ids
	// separated by commas; make run passes rivera's and lee's) are given the
	// demo's groups in turn, so each has a caseload on the console and on
	// their tablet.
	DemoInterventionists []string
	// Size is the window size (SMALLWINS_WINDOW, e.g. "800x1280"; default
	// 1280x800, a landscape tablet).
	Size fyne.Size
	// Logger gets ids, counts and codes, never record data or secrets.
	Logger *slog.Logger
	// NoSyncLoop leaves the syncer's loop (and the enrolment from the
	// environment) unstarted: headless tests, where fyne.Do runs on the
	// calling goroutine, drive Syncer.SyncOnce themselves.
	NoSyncLoop bool
	// KDF is argon2id's cost for the PIN (nil: vault.DefaultParams). Only
	// tests that are not about the PIN's cost set a cheaper one.
	KDF *vault.Params
	// IdleLock is how long without activity locks the app (default 5 min).
	IdleLock time.Duration
	// Now is the clock of the idle lock and the PIN delays (default time.Now).
	Now func() time.Time
	// Background runs the lock screen's and enrolment's slow work (nil: a
	// goroutine and fyne.Do); headless tests pass a synchronous one.
	Background func(work func() (done func()))
	// DemoPIN (SMALLWINS_DEMO_PIN, read only with SMALLWINS_DEMO=1) is
	// chosen or entered at start instead of showing the lock screen: the
	// automated real-app screenshots. A school's tablet never runs the demo.
	DemoPIN string
}

// ConfigFromEnv reads the SMALLWINS_* variables.
func ConfigFromEnv(getenv func(string) string) Config {
	c := Config{
		DataDir:  getenv("SMALLWINS_DATA"),
		Server:   getenv("SMALLWINS_SERVER"),
		School:   getenv("SMALLWINS_SCHOOL"),
		Username: getenv("SMALLWINS_USERNAME"),
		Password: getenv("SMALLWINS_PASSWORD"),
		Demo:     getenv("SMALLWINS_DEMO") == "1",
		Size:     fyne.NewSize(1280, 800),
	}
	if c.Demo {
		c.DemoPIN = getenv("SMALLWINS_DEMO_PIN")
		for _, id := range strings.Split(getenv("SMALLWINS_DEMO_INTERVENTIONISTS"), ",") {
			if id = strings.TrimSpace(id); id != "" {
				c.DemoInterventionists = append(c.DemoInterventionists, id)
			}
		}
	}
	if d, err := time.ParseInLocation("2006-01-02", getenv("SMALLWINS_DEMO_DATE"), time.Local); err == nil {
		c.DemoDate = d
	}
	if w, h, ok := strings.Cut(strings.ToLower(getenv("SMALLWINS_WINDOW")), "x"); ok {
		wi, err1 := strconv.Atoi(w)
		hi, err2 := strconv.Atoi(h)
		if err1 == nil && err2 == nil && wi > 0 && hi > 0 {
			c.Size = fyne.NewSize(float32(wi), float32(hi))
		}
	}
	return c
}

// now is the screens' clock: the real one, or DemoDate at the real time of day.
func (c Config) now() time.Time {
	n := time.Now()
	if c.DemoDate.IsZero() {
		return n
	}
	d := c.DemoDate
	return time.Date(d.Year(), d.Month(), d.Day(), n.Hour(), n.Minute(), n.Second(), n.Nanosecond(), time.Local)
}

// Main runs the app until its window closes and returns the exit code.
func Main(a fyne.App, getenv func(string) string) int {
	cfg := ConfigFromEnv(getenv)
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if runtime.GOOS == "linux" && getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(os.Stderr, "smallwins: no display (DISPLAY and WAYLAND_DISPLAY are unset): the tablet app needs a screen. "+
			"Run it on a desktop session or under Xvfb.")
		return 2
	}
	if cfg.DataDir == "" {
		cfg.DataDir = a.Storage().RootURI().Path()
	}
	t, err := Open(a, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "smallwins:", err)
		return 1
	}
	defer t.Close()
	t.Window.Resize(cfg.Size)
	t.Window.ShowAndRun()
	return 0
}

// Tablet is the running app: the store, the syncer and the UI in a window,
// behind the lock screen (ADR 0610, 0611).
type Tablet struct {
	Store  *localstore.Store
	Syncer *syncclient.Syncer
	// UI is nil until the first unlock: nothing of a student is built, let
	// alone drawn, before the PIN is right.
	UI     *ui.App
	Lock   *ui.Lock
	Window fyne.Window

	cfg    Config
	path   string // the store's file
	erased chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
	log    *slog.Logger

	// What the first unlock starts with: enrolment from the environment,
	// a notice for Today (why the tablet was erased).
	enrolEnv bool
	notice   string

	mu       sync.Mutex // guards lastUsed and away
	lastUsed time.Time
	away     bool
	stopIdle func()
}

// Open opens the store in cfg.DataDir (loading the demo when asked and the
// store is empty), builds the UI in a new window of a, and starts the syncer
// (and the enrolment from the environment) in the background. It works
// before enrolment: everything is local first. The tablet runs until Close:
// no context is kept for its lifetime; the syncer's own is cancelled by
// Close and by an erase.
func Open(a fyne.App, cfg Config) (*Tablet, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("tablet: data dir: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IdleLock <= 0 {
		cfg.IdleLock = 5 * time.Minute
	}
	t := &Tablet{cfg: cfg, path: filepath.Join(cfg.DataDir, "smallwins.db"), log: cfg.Logger, erased: make(chan struct{}, 1),
		enrolEnv: cfg.Server != "" && cfg.Username != ""}
	store, err := t.openStore()
	if err != nil {
		return nil, err
	}
	t.Store = store
	a.Settings().SetTheme(ui.Theme{})
	// The language first: the lock screen is the first screen built (ADR 0034).
	if err := ui.UseStoredLanguage(a.Preferences()); err != nil {
		t.log.Error("the language could not be loaded", "err", err.Error())
	}
	t.Window = a.NewWindow("Small Wins")
	var tick func(time.Duration, func()) func()
	if !cfg.NoSyncLoop {
		tick = Tick // headless tests drive the lock screen's countdown themselves
	}
	t.Lock = ui.NewLock(t.Window, ui.LockConfig{Locker: locker{t}, OnUnlock: t.unlocked, Now: cfg.Now, Tick: tick, Background: cfg.Background})
	t.watchLifecycle(a.Lifecycle())
	if !cfg.NoSyncLoop {
		t.stopIdle = Tick(15*time.Second, t.checkIdle)
	}
	t.Lock.Show("")
	if cfg.DemoPIN != "" {
		t.demoUnlock(cfg.DemoPIN)
	}
	return t, nil
}

// demoUnlock chooses or enters the demo's PIN as the lock screen would.
func (t *Tablet) demoUnlock(pin string) {
	l := locker{t}
	var err error
	if l.LockState().HasPIN {
		err = l.Unlock(pin)
	} else {
		err = l.SetPIN(pin)
	}
	if err != nil {
		t.log.Warn("the demo PIN did not open the tablet", "reason", err.Error())
		return
	}
	t.Lock.Hide()
	t.unlocked()
}

func (t *Tablet) openStore() (*localstore.Store, error) {
	store, err := localstore.OpenWith(t.path, localstore.Options{KDF: t.cfg.KDF, Now: t.cfg.Now})
	if err != nil {
		return nil, fmt.Errorf("tablet: %w", err)
	}
	return store, nil
}

// unlocked runs on the main goroutine after the lock screen let the person
// in: the first time it loads the demo (when asked), builds the screens and
// starts syncing; later it puts the screens back as they were.
func (t *Tablet) unlocked() {
	t.touch()
	if t.UI != nil {
		t.UI.ShowAgain()
		return
	}
	if t.cfg.Demo {
		if err := loadDemoIfEmpty(context.Background(), t.Store, t.cfg.now(), demo.Options{Interventionists: t.cfg.DemoInterventionists}); err != nil {
			t.log.Error("loading the demo failed", "err", err.Error())
		}
	}
	notice := t.notice
	t.notice = ""
	env := t.enrolEnv
	t.enrolEnv = false
	t.run(t.Store, env, notice)
}

// run builds the syncer and the UI over store (with a notice on Today, when
// one is given) and starts syncing.
func (t *Tablet) run(store *localstore.Store, enrolFromEnv bool, notice string) {
	t.Store = store
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel, t.done = cancel, make(chan struct{})
	var mu sync.Mutex
	var prev syncclient.State
	t.Syncer = syncclient.New(syncclient.Config{Store: store, Logger: t.cfg.Logger, OnState: func(st syncclient.State) {
		mu.Lock()
		pulled := prev.Syncing && !st.Syncing // a sync ended: pulled records may change the screen
		prev = st
		mu.Unlock()
		fyne.Do(func() {
			if t.UI == nil {
				return // erased meanwhile
			}
			t.UI.SetSyncState(uiState(st))
			if pulled {
				t.UI.DataChanged()
			}
		})
	}})
	t.UI = ui.New(t.Window, ui.Config{Records: activeRecords{Records{store}, t.touch}, Sync: &Sync{Store: store, Syncer: t.Syncer, erase: t.Erase},
		Tick: Tick, Now: t.cfg.now,
		// The same chart as the PDF report (ADR 0600: one look in app and print).
		ChartPNG: reportdoc.ProgressChartPNG, ReportPDF: ReportPDF, OnActivity: t.touch, Background: t.cfg.Background,
		ChangePIN: locker{t}.ChangePIN, Lock: t.LockNow})
	t.UI.Start()
	t.UI.SetSyncState(uiState(t.syncState()))
	if notice != "" {
		t.UI.Notice(notice)
	}
	if t.cfg.NoSyncLoop {
		close(t.done)
		return
	}
	done := t.done
	go func() {
		if enrolFromEnv {
			t.enrolFromEnv(ctx, t.cfg)
		}
		err := t.Syncer.Run(ctx)
		close(done)
		if errors.Is(err, syncclient.ErrDeviceWiped) {
			// PROTOCOL §9 and §13: an admin wiped this device. Erase on the
			// UI goroutine, after this one has finished with the store.
			fyne.Do(func() {
				if err := t.erase(syncclient.PlainError(syncclient.ErrDeviceWiped)); err != nil {
					t.log.Error("erasing after a remote wipe failed", "err", err.Error())
					return
				}
				select {
				case t.erased <- struct{}{}:
				default:
				}
			})
		}
	}()
}

// Erase removes everything the tablet holds — records, outbox, conflicts,
// token, device id — by deleting the store's file, and starts over on a new,
// empty store (a new device id: PROTOCOL §4, an app that erased itself
// starts over with a new one). The file goes in one step: until it is
// deleted the old store is whole, after it nothing of it is readable
// through the app.
func (t *Tablet) Erase(ctx context.Context) error {
	return t.erase(applang.L("tablet.erased"))
}

// erase is Erase with the notice the new, empty app shows: first on the
// lock screen, where the next person chooses a PIN, then on Today. The
// keys are in the file: deleting it erases them in the same step.
func (t *Tablet) erase(notice string) error {
	t.stop()
	if err := t.Store.Close(); err != nil {
		return fmt.Errorf("tablet: erase: %w", err)
	}
	for _, p := range []string{t.path, t.path + ".compact"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("tablet: erase: %w", err)
		}
	}
	store, err := t.openStore()
	if err != nil {
		return fmt.Errorf("tablet: erase: %w", err)
	}
	t.Store, t.Syncer, t.UI = store, nil, nil
	t.notice, t.enrolEnv = notice, false
	t.Lock.Show(notice)
	t.Lock.Forget() // the pop-ups of the erased app are not put back
	return nil
}

// Erased receives once each time a remote wipe has erased the tablet and
// the new, empty store is in place (tests, and anything that must know).
func (t *Tablet) Erased() <-chan struct{} { return t.erased }

// stop ends the syncer and waits for it (at most 5 s).
func (t *Tablet) stop() {
	if t.cancel == nil {
		return // never unlocked: nothing runs
	}
	t.cancel()
	select {
	case <-t.done:
	case <-time.After(5 * time.Second):
	}
}

func (t *Tablet) syncState() syncclient.State {
	var st syncclient.State
	st.Pending, _ = t.Store.PendingCount()
	st.Conflicts, _ = t.Store.ConflictCount()
	st.Quarantined, _ = t.Store.QuarantineCount()
	if e, err := t.Store.Enrolment(); err == nil {
		st.Enrolled = e.Enrolled()
	}
	if m, err := t.Store.SyncMeta(); err == nil {
		st.LastSuccess = m.LastSync
	}
	return st
}

// enrolFromEnv enrols with SMALLWINS_* when the tablet is not enrolled yet.
// The password is used once, never stored or logged.
func (t *Tablet) enrolFromEnv(ctx context.Context, cfg Config) {
	if e, err := t.Store.Enrolment(); err != nil || e.Enrolled() {
		return
	}
	host, _ := os.Hostname()
	_, err := t.Syncer.Enrol(ctx, syncclient.EnrolParams{ServerURL: cfg.Server, School: cfg.School,
		Username: cfg.Username, Password: cfg.Password, DeviceName: deviceName(host)})
	if err != nil {
		t.log.Warn("enrolment from the environment failed", "reason", syncclient.PlainError(err))
	}
}

func deviceName(host string) string {
	if host == "" {
		return "Tablet"
	}
	return "Tablet " + host
}

// Close stops the syncer and the timers and closes the store.
func (t *Tablet) Close() {
	if t.stopIdle != nil {
		t.stopIdle()
	}
	t.Lock.Stop()
	t.stop()
	_ = t.Store.Close()
}

// loadDemoIfEmpty loads the demo school into a store holding no students.
func loadDemoIfEmpty(ctx context.Context, s *localstore.Store, now time.Time, o demo.Options) error {
	es, err := s.List(record.TypeStudent)
	if err != nil {
		return fmt.Errorf("tablet: demo: %w", err)
	}
	gs, err := s.List(record.TypeGroup)
	if err != nil {
		return fmt.Errorf("tablet: demo: %w", err)
	}
	if len(es) > 0 || len(gs) > 0 {
		return nil
	}
	if _, err := demo.Load(ctx, Records{s}, now, o); err != nil {
		return fmt.Errorf("tablet: %w", err)
	}
	return nil
}

// Tick calls f on the main goroutine every d until stop is called (the
// session and probe timers). Goroutines reach widgets only via fyne.Do.
func Tick(d time.Duration, f func()) (stop func()) {
	t := time.NewTicker(d)
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				fyne.Do(f)
			}
		}
	}()
	stopped := false
	return func() {
		if !stopped {
			stopped = true
			t.Stop()
			close(quit)
		}
	}
}
