package tablet

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestChangePINNeedsTheCurrentOne: the Sync screen's Change PIN goes
// through the tablet: an easy new PIN and a wrong current PIN are refused in
// words (the wrong one counted like the lock screen's); the right one
// changes it, and after a restart only the new PIN unlocks.
func TestChangePINNeedsTheCurrentOne(t *testing.T) {
	app := test.NewTempApp(t)
	cfg := testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true})
	tb, err := Open(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tb.Window.Resize(fyne.NewSize(1280, 800))
	choosePIN(t, tb, testPIN)
	l := locker{tb}
	if err := l.ChangePIN(testPIN, "123456"); err == nil || strings.HasPrefix(err.Error(), "localstore") {
		t.Fatalf("an easy new PIN: %v", err)
	}
	err = l.ChangePIN("000111", "739105")
	if err == nil || !strings.HasPrefix(err.Error(), "Wrong PIN.") {
		t.Fatalf("a wrong current PIN: %v", err)
	}
	if li, _ := tb.Store.LockInfo(); li.Failures != 1 {
		t.Fatalf("the wrong current PIN was not counted: %d failures", li.Failures)
	}
	if err := l.ChangePIN(testPIN, "739105"); err != nil {
		t.Fatalf("the right PIN: %v", err)
	}
	tb.Close()
	tb.Window.Close()

	tb, err = Open(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { tb.Close(); tb.Window.Close() }()
	tb.Window.Resize(fyne.NewSize(1280, 800))
	if enterPIN(tb, testPIN) {
		t.Fatal("the old PIN still unlocks")
	}
	if !enterPIN(tb, "739105") {
		t.Fatalf("the new PIN does not unlock: %q", tb.Lock.Message())
	}
}
