package console_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var chartSrcRE = regexp.MustCompile(`<img class="chart" src="([^"]+)"`)

// BenchmarkMeeting serves the admin's meeting page (25 cards with their
// charts' <img>, the filters, the meeting's attendees and action items) of
// a school with 20 and with 2,000 active goals on the embedded store
// (CONSOLE.md §5: under 150 ms at 2,000), the whole HTTP round trip, warm
// (the school unchanged since the last page, ADR 0012). "filtered" is
// page 2 of one interventionist's agenda; "charts" is the page and then
// its 25 chart.svg images, as a browser fetches them after the page;
// "agenda.pdf" is the printed agenda (min(goals, 50) cards with charts).
// Beside the wall time each page's CPU time (of the whole process: server
// and client) and its size are reported.
func BenchmarkMeeting(b *testing.B) {
	for _, n := range []int{20, 2000} {
		e := newEnv(b, false)
		e.addGoals(b, n-3) // the fixture has 3 goals on the agenda
		br := e.signedIn("lincoln", "admin")
		p := br.get("/meeting?as_of=" + asOf)
		if p.status != http.StatusOK || strings.Count(p.body, `<section class="agenda"`) != min(n, 25) {
			b.Fatalf("meeting: %d, %d cards", p.status, strings.Count(p.body, `<section class="agenda"`))
		}
		ana := e.users["lincoln/ana"].ID
		for _, c := range []struct {
			name, path string
			charts     bool
		}{
			{"warm", "/meeting?as_of=" + asOf, false},
			{"filtered", "/meeting?as_of=" + asOf + "&interventionist=" + ana + "&page=2", false},
			{"charts", "/meeting?as_of=" + asOf, true},
			// The printed agenda: at most 50 cards, each with its chart.
			{"agenda.pdf", "/meeting/agenda.pdf?as_of=" + asOf, false},
		} {
			b.Run(fmt.Sprintf("goals=%d/%s", n, c.name), func(b *testing.B) {
				var cpu time.Duration
				size := 0
				for b.Loop() {
					before := cpuTime()
					pg := br.get(c.path)
					size = len(pg.body)
					if c.charts {
						for _, m := range chartSrcRE.FindAllStringSubmatch(pg.body, -1) {
							if img := br.get(strings.ReplaceAll(m[1], "&amp;", "&")); img.status != http.StatusOK {
								b.Fatalf("chart: %d", img.status)
							}
						}
					}
					cpu += cpuTime() - before
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/page")
				b.ReportMetric(float64(size)/1024, "KB/page")
			})
		}
	}
}
