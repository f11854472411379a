package tablet

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/vault"
)

// cheapKDF: tests that are not about the cost of a PIN guess.
var cheapKDF = &vault.Params{Time: 1, MemoryKiB: 64, Threads: 1}

const testPIN = "482916"

// syncBG runs the lock screen's slow work on the calling goroutine, so a
// test sees its outcome right after the tap.
func syncBG(work func() func()) { work()() }

// testConfig is cfg with the test's cheap KDF and synchronous background.
func testConfig(cfg Config) Config {
	cfg.KDF, cfg.Background = cheapKDF, syncBG
	return cfg
}

// choosePIN chooses the first PIN on the lock screen as a person does: tap
// the field, type, tap the other field, type, tap Set PIN.
func choosePIN(t *testing.T, tb *Tablet, pin string) {
	t.Helper()
	l := tb.Lock
	test.Tap(l.PIN)
	test.Type(l.PIN, pin)
	test.Tap(l.Confirm)
	test.Type(l.Confirm, pin)
	test.Tap(l.Go)
	if tb.UI == nil || l.Showing() {
		t.Fatalf("still locked after choosing a PIN: %q", l.Message())
	}
}

// enterPIN types the PIN on the lock screen and taps Unlock; it reports
// whether the app is unlocked.
func enterPIN(tb *Tablet, pin string) bool {
	l := tb.Lock
	test.Tap(l.PIN)
	test.Type(l.PIN, pin)
	test.Tap(l.Go)
	return !l.Showing()
}
