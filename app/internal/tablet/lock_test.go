package tablet

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/app/internal/ui"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// drawn is every text in the window: labels, entries, buttons, rich and
// canvas text, walking widgets' renderers.
func drawn(w fyne.Window) string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Label:
			out = append(out, x.Text)
		case *widget.Entry:
			out = append(out, x.Text)
		case *widget.RichText:
			out = append(out, x.String())
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, y := range c.Objects {
				walk(y)
			}
			return
		}
		if wd, ok := o.(fyne.Widget); ok {
			for _, y := range test.WidgetRenderer(wd).Objects() {
				walk(y)
			}
		}
	}
	walk(w.Content())
	return strings.Join(out, "\n")
}

// TestLockedAtStartAfterIdleAndWhenBack: a tablet with students opens on
// the lock screen and draws no name; the right PIN shows the app; 5
// minutes without activity lock it, activity postpones that; leaving the
// foreground locks it too; unlocking shows the screen that was open.
func TestLockedAtStartAfterIdleAndWhenBack(t *testing.T) {
	app := test.NewTempApp(t)
	clk := &fakeClock{t: time.Date(2025, 3, 17, 10, 0, 0, 0, time.Local)}
	dir := t.TempDir()
	cfg := testConfig(Config{DataDir: dir, NoSyncLoop: true, Now: clk.Now})
	tb, err := Open(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tb.Window.Resize(fyne.NewSize(1280, 800))
	choosePIN(t, tb, testPIN)
	if _, err := repo.Put(context.Background(), tb.Store, "", record.Student{GivenName: "Zephyrine", FamilyName: "Quillfeather", Grade: "2"}, false); err != nil {
		t.Fatal(err)
	}
	tb.Close()
	tb.Window.Close()

	tb, err = Open(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { tb.Close(); tb.Window.Close() }()
	tb.Window.Resize(fyne.NewSize(1280, 800))
	if tb.UI != nil || !tb.Lock.Showing() {
		t.Fatal("the app opened without the PIN")
	}
	if strings.Contains(drawn(tb.Window), "Quillfeather") {
		t.Fatal("the lock screen draws a student's name")
	}
	if enterPIN(tb, "000111") {
		t.Fatal("a wrong PIN unlocked")
	}
	if !strings.HasPrefix(tb.Lock.Message(), "Wrong PIN.") || strings.Contains(drawn(tb.Window), "Quillfeather") {
		t.Fatalf("after a wrong PIN: %q", tb.Lock.Message())
	}
	if !enterPIN(tb, testPIN) {
		t.Fatalf("the PIN did not unlock: %q", tb.Lock.Message())
	}
	tb.UI.Root(ui.TabStudents)
	if !strings.Contains(drawn(tb.Window), "Quillfeather") {
		t.Fatal("the students screen draws no name (the walker sees nothing)")
	}

	clk.Add(4 * time.Minute)
	tb.checkIdle()
	if tb.Lock.Showing() {
		t.Fatal("locked after 4 minutes")
	}
	tb.UI.Root(ui.TabStudents) // a tap on a tab: activity
	clk.Add(4 * time.Minute)
	tb.checkIdle()
	if tb.Lock.Showing() {
		t.Fatal("locked 4 minutes after the last tap")
	}
	clk.Add(time.Minute + time.Second)
	tb.checkIdle()
	if !tb.Lock.Showing() || strings.Contains(drawn(tb.Window), "Quillfeather") {
		t.Fatal("not locked (or a name drawn) after 5 idle minutes")
	}
	if !enterPIN(tb, testPIN) || !strings.Contains(drawn(tb.Window), "Quillfeather") {
		t.Fatalf("after unlocking the students screen is not back: %q", tb.Lock.Message())
	}

	lc := app.Lifecycle().(interface {
		OnExitedForeground() func()
		OnEnteredForeground() func()
	})
	lc.OnExitedForeground()()
	if !tb.Lock.Showing() || strings.Contains(drawn(tb.Window), "Quillfeather") {
		t.Fatal("leaving the foreground did not cover the app")
	}
	lc.OnEnteredForeground()()
	if !tb.Lock.Showing() {
		t.Fatal("coming back opened the app without the PIN")
	}
	if !enterPIN(tb, testPIN) {
		t.Fatal(tb.Lock.Message())
	}
	lc.OnEnteredForeground()() // entering again without having left: stays open
	if tb.Lock.Showing() {
		t.Fatal("locked on a focus without having left")
	}
}

// TestWrongPINsSayHowLongAndSurviveARestart: the lock screen says how long
// to wait; a restart during the wait still waits; after the wait the right
// PIN opens.
func TestWrongPINsSayHowLongAndSurviveARestart(t *testing.T) {
	app := test.NewTempApp(t)
	clk := &fakeClock{t: time.Date(2025, 3, 17, 10, 0, 0, 0, time.Local)}
	cfg := testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true, Now: clk.Now})
	tb, err := Open(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	choosePIN(t, tb, testPIN)
	tb.Close()
	tb.Window.Close()
	tb, err = Open(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if enterPIN(tb, "000111") {
			t.Fatal("a wrong PIN unlocked")
		}
	}
	if msg := tb.Lock.Message(); msg != "Wrong PIN. Wait 30 seconds before the next try." {
		t.Fatalf("third wrong PIN says %q", msg)
	}
	tb.Close()
	tb.Window.Close()
	tb, err = Open(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { tb.Close(); tb.Window.Close() }()
	if !tb.Lock.Go.Disabled() || tb.Lock.Go.Text != "Try again in 30 s" {
		t.Fatalf("after a restart the button is %q (disabled %v)", tb.Lock.Go.Text, tb.Lock.Go.Disabled())
	}
	clk.Add(30 * time.Second)
	tb.LockNow() // no-op: already showing
	tb.Lock.Show("")
	if !enterPIN(tb, testPIN) {
		t.Fatalf("the right PIN after the wait: %q", tb.Lock.Message())
	}
}

// recoveryFake is the server contract of the recovery key (enrolment, PUT
// and GET /v1/device/recovery-key, push and pull), for the lock screen's
// forgotten-PIN form before the real server has it.
func recoveryFake(t *testing.T) string {
	var mu sync.Mutex
	token, key := "", ""
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fail := func(status int, code protocol.Code) {
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(protocol.ErrorBody{Error: &protocol.Error{Code: code, Message: string(code)}})
		}
		if r.URL.Path == "/v1/devices" {
			var req protocol.EnrolRequest
			if json.NewDecoder(r.Body).Decode(&req) != nil || req.Username != "ana" || req.Password != password {
				fail(http.StatusUnauthorized, protocol.CodeUnauthorized)
				return
			}
			n++
			token = strings.Repeat("t", n)
			_ = json.NewEncoder(w).Encode(protocol.EnrolResponse{Token: token, ServerTimeMS: time.Now().UnixMilli(),
				User:   protocol.User{ID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e02", Username: "ana"},
				School: protocol.School{ID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01", Slug: "lincoln"}})
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+token {
			fail(http.StatusUnauthorized, protocol.CodeUnauthorized)
			return
		}
		switch {
		case r.URL.Path == "/v1/device/recovery-key" && r.Method == http.MethodPut:
			var b map[string]string
			_ = json.NewDecoder(r.Body).Decode(&b)
			key = b["recovery_key"]
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/v1/device/recovery-key":
			if key == "" {
				fail(http.StatusNotFound, protocol.CodeNotFound)
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"recovery_key": key})
		case r.URL.Path == "/v1/sync/push":
			var req protocol.PushRequest
			_ = json.NewDecoder(r.Body).Decode(&req)
			res := make([]protocol.PushResult, len(req.Records))
			for i, e := range req.Records {
				res[i] = protocol.PushResult{ID: e.ID, Outcome: protocol.Applied, HLC: e.HLC}
			}
			_ = json.NewEncoder(w).Encode(protocol.PushResponse{Results: res, ServerTimeMS: time.Now().UnixMilli(), Epoch: "e"})
		case r.URL.Path == "/v1/sync/pull":
			_ = json.NewEncoder(w).Encode(protocol.PullResponse{Records: []record.Envelope{}, ServerTimeMS: time.Now().UnixMilli(), Epoch: "e"})
		default:
			fail(http.StatusNotFound, protocol.CodeNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestForgottenPINThroughTheLockScreen: enrolled and synced (the recovery
// key is armed), the person leaves unsent work, forgets the PIN, taps
// "Forgot PIN?", signs in again with the password and chooses a new PIN;
// the unsent work is all there and is sent. Against the real server, and
// against a small fake of the contract (what the client relies on, spelt
// out).
func TestForgottenPINThroughTheLockScreen(t *testing.T) {
	t.Run("real server", func(t *testing.T) { forgotPIN(t, startServer(t)) })
	t.Run("fake", func(t *testing.T) { forgotPIN(t, recoveryFake(t)) })
}

func forgotPIN(t *testing.T, url string) {
	app := test.NewTempApp(t)
	ctx := context.Background()
	cfg := testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true})
	tb, err := Open(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	choosePIN(t, tb, testPIN)
	if err := tb.UI.EnrolForTest(ui.EnrolForm{ServerURL: url, School: "lincoln", Username: "ana", Password: password}); err != nil {
		t.Fatal(err)
	}
	tb.LockNow()
	if !strings.Contains(drawn(tb.Window), "cannot be recovered yet") {
		t.Fatal("before the first sync the lock screen does not say recovery is not armed")
	}
	enterPIN(tb, testPIN)
	if err := tb.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range []string{"Ada", "Bea", "Cy"} {
		d, err := repo.Put(ctx, tb.Store, "", record.Student{GivenName: n, FamilyName: "Unsent", Grade: "1"}, false)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	tb.Close()
	tb.Window.Close()

	tb, err = Open(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { tb.Close(); tb.Window.Close() }()
	l := tb.Lock
	if strings.Contains(drawn(tb.Window), "cannot be recovered yet") {
		t.Fatal("after a sync the lock screen still says recovery is not armed")
	}
	test.Tap(l.Forgot)
	if l.Server.Text != url || l.School.Text != "lincoln" {
		t.Fatalf("the form is not prefilled: %q %q", l.Server.Text, l.School.Text)
	}
	for e, s := range map[*widget.Entry]string{l.Username: "ana", l.Password: "wrong password", l.NewPIN: "739251", l.NewConfirm: "739251"} {
		test.Tap(e)
		test.Type(e, s)
	}
	test.Tap(l.Recover)
	if tb.UI != nil || l.Message() != "The school, user name or password is not right." {
		t.Fatalf("a wrong password: %q", l.Message())
	}
	for e, s := range map[*widget.Entry]string{l.Password: password, l.NewPIN: "739251", l.NewConfirm: "739251"} {
		test.Tap(e)
		e.SetText("")
		test.Type(e, s)
	}
	test.Tap(l.Recover)
	if tb.UI == nil {
		t.Fatalf("recovery did not unlock: %q", l.Message())
	}
	if n, _ := tb.Store.PendingCount(); n != 3 {
		t.Fatalf("%d unsent changes after recovery, want 3", n)
	}
	for _, id := range ids {
		if _, ok := repo.Get[record.Student](tb.Store, id); !ok {
			t.Fatalf("student %s lost", id)
		}
	}
	if err := tb.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := tb.Store.PendingCount(); n != 0 {
		t.Fatalf("%d not sent after recovery", n)
	}
	tb.LockNow()
	if enterPIN(tb, testPIN) {
		t.Fatal("the forgotten PIN still unlocks")
	}
	if !enterPIN(tb, "739251") {
		t.Fatalf("the new PIN: %q", l.Message())
	}
}

// TestEraseCountsWhatIsUnsentNow: the count the erase question gives is
// read from the store when asked — writes since the last sync and refused
// versions included — not the header's count from the last sync.
func TestEraseCountsWhatIsUnsentNow(t *testing.T) {
	app := test.NewTempApp(t)
	tb, err := Open(app, testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { tb.Close(); tb.Window.Close() }()
	choosePIN(t, tb, testPIN)
	sy := &Sync{Store: tb.Store, Syncer: tb.Syncer}
	if n := sy.Unsent(); n != 0 {
		t.Fatalf("a new tablet has %d unsent", n)
	}
	var last record.Envelope
	for _, n := range []string{"Ada", "Bea", "Cy"} {
		if last, err = tb.Store.Put(context.Background(), record.TypeStudent, "", record.Student{GivenName: n, FamilyName: "X", Grade: "1"}, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.Store.Quarantine(context.Background(), last, "invalid_record", "refused"); err != nil {
		t.Fatal(err)
	}
	if n := sy.Unsent(); n != 3 {
		t.Fatalf("unsent %d, want 2 waiting + 1 refused", n)
	}
}

// TestWritesAndDraftsCountAsActivity: a note or a probe's tally written by
// a screen postpones the idle lock like a screen change.
func TestWritesAndDraftsCountAsActivity(t *testing.T) {
	app := test.NewTempApp(t)
	clk := &fakeClock{t: time.Date(2025, 3, 17, 10, 0, 0, 0, time.Local)}
	tb, err := Open(app, testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true, Now: clk.Now}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { tb.Close(); tb.Window.Close() }()
	choosePIN(t, tb, testPIN)
	r := activeRecords{Records{tb.Store}, tb.touch}
	clk.Add(4 * time.Minute)
	if _, err := r.Put(context.Background(), record.TypeStudent, "", record.Student{GivenName: "A", FamilyName: "B", Grade: "1"}, false); err != nil {
		t.Fatal(err)
	}
	clk.Add(4 * time.Minute)
	if err := r.PutDraft(context.Background(), "probe/current", []byte("x")); err != nil {
		t.Fatal(err)
	}
	clk.Add(4 * time.Minute)
	tb.checkIdle()
	if tb.Lock.Showing() {
		t.Fatal("locked 4 minutes after a draft was written")
	}
	clk.Add(time.Minute)
	tb.checkIdle()
	if !tb.Lock.Showing() {
		t.Fatal("not locked 5 minutes after the last write")
	}
}
