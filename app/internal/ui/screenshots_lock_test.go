package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/localstore"
)

// TestScreenshotsLock renders the lock screen (ADR 0611) into
// $SMALLWINS_SCREENSHOTS, like TestScreenshots: choosing the first PIN,
// the PIN asked, and the forgotten-PIN form.
func TestScreenshotsLock(t *testing.T) {
	dir := screenshotDir(t)
	for _, orient := range orientations {
		test.NewTempApp(t).Settings().SetTheme(Theme{})
		clk := &clock{monday10}
		s, err := localstore.OpenWith(filepath.Join(t.TempDir(), "t.db"), localstore.Options{KDF: cheapKDF, Now: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		w := test.NewWindow(nil)
		w.Resize(orient.size)
		l := NewLock(w, LockConfig{Locker: storeLocker{s}, Now: clk.now, Background: syncBackground})
		shot := func(name string) { t.Helper(); capture(t, w, dir, name, orient.name) }
		l.Show("")
		shot("lock-choose")
		typeInto(l.PIN, "482916")
		typeInto(l.Confirm, "482916")
		test.Tap(l.Go)
		if l.Showing() {
			t.Fatalf("the first PIN did not unlock: %q", l.Message())
		}
		// Locked again (after idle): the PIN asked. The wording of wrong
		// PINs is the tablet's (tablet/lock.go), shot under Xvfb.
		l.Show("")
		shot("lock-enter")
		test.Tap(l.Forgot)
		shot("lock-forgot")
		l.Stop()
		w.Close()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
