package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/localstore"
)

// TestScreenshotsLock renders the lock screen of issue 15 into
// $SMALLWINS_SCREENSHOTS, like TestScreenshots: choosing the first PIN,
// the PIN asked, and the forgotten-PIN form.
func TestScreenshotsLock(t *testing.T) {
	dir := os.Getenv("SMALLWINS_SCREENSHOTS")
	if dir == "" {
		t.Skip("set SMALLWINS_SCREENSHOTS=<dir> to render the screens")
	}
	for _, orient := range []struct {
		name string
		size fyne.Size
	}{{"landscape", landscape}, {"portrait", portrait}} {
		test.NewTempApp(t).Settings().SetTheme(Theme{})
		clk := &clock{monday10}
		s, err := localstore.OpenWith(filepath.Join(t.TempDir(), "t.db"), localstore.Options{KDF: cheapKDF, Now: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		w := test.NewWindow(nil)
		w.Resize(orient.size)
		l := NewLock(w, LockConfig{Locker: storeLocker{s}, Now: clk.now, Background: syncBackground})
		shot := func(name string) {
			t.Helper()
			w.Content().Refresh()
			out, err := os.Create(filepath.Join(dir, name+"-"+orient.name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			if err := png.Encode(out, w.Canvas().Capture()); err != nil {
				t.Fatal(err)
			}
		}
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
