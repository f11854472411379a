package tablet

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestDemoDate: SMALLWINS_DEMO_DATE fixes the screens' date (not the time of
// day); a malformed one is ignored; without it the clock is the real one.
func TestDemoDate(t *testing.T) {
	c := ConfigFromEnv(func(k string) string { return map[string]string{"SMALLWINS_DEMO_DATE": "2025-03-19"}[k] })
	if got := c.now().Format("2006-01-02 Mon"); got != "2025-03-19 Wed" {
		t.Fatalf("demo date: %s", got)
	}
	for _, bad := range []string{"", "2025-02-30", "19/03/2025"} {
		c := ConfigFromEnv(func(k string) string { return map[string]string{"SMALLWINS_DEMO_DATE": bad}[k] })
		if !c.DemoDate.IsZero() || time.Since(c.now()) > time.Minute {
			t.Fatalf("%q: %v", bad, c.DemoDate)
		}
	}
}

// TestDemoPINOpensTheDemo: with SMALLWINS_DEMO=1 and SMALLWINS_DEMO_PIN the
// app opens on the demo's Today (the automated screenshots); without the
// demo the variable is ignored and the lock screen stays.
func TestDemoPINOpensTheDemo(t *testing.T) {
	env := map[string]string{"SMALLWINS_DEMO": "1", "SMALLWINS_DEMO_PIN": "482916"}
	cfg := ConfigFromEnv(func(k string) string { return env[k] })
	if cfg.DemoPIN != "482916" {
		t.Fatalf("demo PIN %q", cfg.DemoPIN)
	}
	if c := ConfigFromEnv(func(k string) string {
		if k == "SMALLWINS_DEMO_PIN" {
			return "482916"
		}
		return ""
	}); c.DemoPIN != "" {
		t.Fatal("the demo PIN is read without the demo")
	}
	app := test.NewTempApp(t)
	cfg.DataDir, cfg.NoSyncLoop, cfg.KDF, cfg.Background = t.TempDir(), true, cheapKDF, syncBG
	for i := 0; i < 2; i++ { // chosen the first time, entered the second
		tb, err := Open(app, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if tb.UI == nil || tb.Lock.Showing() {
			t.Fatalf("start %d: the demo PIN did not open the app", i)
		}
		if li, _ := tb.Store.LockInfo(); !li.HasPIN {
			t.Fatal("the demo's store has no PIN")
		}
		tb.Close()
		tb.Window.Close()
	}
}

// TestDemoInterventionistsFromEnv: the ids make run passes, trimmed; read
// only for the demo.
func TestDemoInterventionistsFromEnv(t *testing.T) {
	env := map[string]string{"SMALLWINS_DEMO": "1", "SMALLWINS_DEMO_INTERVENTIONISTS": " a1 , ,b2"}
	c := ConfigFromEnv(func(k string) string { return env[k] })
	if len(c.DemoInterventionists) != 2 || c.DemoInterventionists[0] != "a1" || c.DemoInterventionists[1] != "b2" {
		t.Fatalf("interventionists %q", c.DemoInterventionists)
	}
	env["SMALLWINS_DEMO"] = ""
	if c := ConfigFromEnv(func(k string) string { return env[k] }); c.DemoInterventionists != nil {
		t.Fatalf("read without the demo: %q", c.DemoInterventionists)
	}
}
