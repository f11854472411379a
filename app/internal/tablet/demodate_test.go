package tablet

import (
	"testing"
	"time"
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
