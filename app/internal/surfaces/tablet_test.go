package surfaces

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/tablet"
	"smallwins/app/internal/ui"
	"smallwins/app/internal/vault"
	"smallwins/shared/i18n"
)

// openTablet is the real app, headless: its own encrypted store, a PIN,
// enrolled as user through the Sync screen and synced once by the real
// sync client, its screens dated asOf, in language lng: chosen as a person
// chooses it, stored in the app's preferences (key app.language, ADR 0034)
// and applied by tablet.Open, then back to English when the test ends.
func openTablet(t *testing.T, sc *school, user string, lng i18n.Lang) *tablet.Tablet {
	t.Helper()
	day, err := time.ParseInLocation("2006-01-02", asOf, time.Local)
	if err != nil {
		t.Fatal(err)
	}
	app := test.NewTempApp(t)
	app.Preferences().SetString("app.language", lng.String())
	t.Cleanup(func() {
		if err := applang.Use(i18n.English); err != nil {
			t.Error(err)
		}
	})
	tb, err := tablet.Open(app, tablet.Config{DataDir: t.TempDir(), NoSyncLoop: true, DemoDate: day,
		KDF:        &vault.Params{Time: 1, MemoryKiB: 64, Threads: 1}, // not a test of the PIN's cost
		Background: func(work func() func()) { work()() }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close(); tb.Window.Close() })
	if applang.Current() != lng {
		t.Fatalf("the tablet speaks %s, not %s", applang.Current(), lng)
	}
	l := tb.Lock
	test.Tap(l.PIN)
	test.Type(l.PIN, "482916")
	test.Tap(l.Confirm)
	test.Type(l.Confirm, "482916")
	test.Tap(l.Go)
	if tb.UI == nil || l.Showing() {
		t.Fatalf("the tablet is still locked: %q", l.Message())
	}
	tb.Window.Resize(fyne.NewSize(1280, 800))
	if err := tb.UI.EnrolForTest(ui.EnrolForm{ServerURL: sc.url, School: schoolSlug, Username: user, Password: password}); err != nil {
		t.Fatal(err)
	}
	if err := tb.Syncer.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tb
}

// studentScreen opens the student from the Students tab, as a person taps
// it, and returns the texts on the screen in screen order.
func studentScreen(t *testing.T, tb *tablet.Tablet, c *goalCase) []string {
	t.Helper()
	tb.UI.Root(ui.TabStudents)
	name := c.given + " " + c.family
	var open fyne.Tappable
	for _, o := range test.LaidOutObjects(tb.Window.Canvas().Content()) {
		if b, ok := o.(*ui.Button); ok && strings.HasPrefix(b.Text, name+" ·") {
			open = b
		}
	}
	if open == nil {
		t.Fatalf("%s: no button for %s on the Students tab:\n%s", c.name, name, strings.Join(screenTexts(tb.Window), "\n"))
	}
	test.Tap(open)
	return screenTexts(tb.Window)
}

// screenTexts are the texts of every label, button and row on the window,
// in layout order (a wrapped label is one text, not its drawn lines).
func screenTexts(w fyne.Window) []string {
	var out []string
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if _, drawn := o.(*canvas.Text); drawn {
			continue // a line of a widget's text, already read from the widget
		}
		v := reflect.ValueOf(o)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			continue
		}
		if f := v.Elem().FieldByName("Text"); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
			out = append(out, f.String())
		}
	}
	return out
}
