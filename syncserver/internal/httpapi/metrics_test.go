package httpapi

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// seriesOf counts the samples of a Prometheus text body whose name starts
// with prefix (every line that is not a comment is one series).
func seriesOf(body []byte, prefix string) int {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		l := sc.Text()
		if l != "" && !strings.HasPrefix(l, "#") && strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// randomRequests sends n requests with client-chosen methods and paths: the
// attack ADR 0007 answers (each had become a Prometheus label).
func randomRequests(t *testing.T, url string, n int, seed uint64) {
	t.Helper()
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	word := func(r *rand.Rand, max int) string {
		b := make([]byte, 1+r.IntN(max))
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		return string(b)
	}
	known := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
	paths := []string{"/healthz", "/readyz", "/v1/sync/push", "/v1/sync/pull", "/v1/admin/devices/x", "/v1/devices", "/v1/a/b"}
	const workers = 4
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			for i := w; i < n; i += workers {
				method := word(r, 12)
				if r.IntN(4) == 0 {
					method = known[r.IntN(len(known))]
				}
				path := "/" + word(r, 20) + "/" + word(r, 20)
				if r.IntN(3) == 0 {
					path = paths[r.IntN(len(paths))]
				}
				req, err := http.NewRequest(method, url+path, nil)
				if err != nil {
					errs <- err
					return
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestMetricsLabelsAreBounded: 10,000 requests with invented methods and
// paths must not grow /metrics (ADR 0007). Labels come from fixed
// sets only, so after a warm-up that meets every label the series count and
// the byte size stay put.
func TestMetricsLabelsAreBounded(t *testing.T) {
	e := newEnv(t)
	// The warm-up meets every label value there is: each kind of method on
	// each kind of path.
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "INVENTED"} {
		for _, p := range []string{"/healthz", "/readyz", "/metrics", "/v1/sync/push", "/v1/sync/pull", "/v1/admin/devices/x", "/v1/devices", "/a/b", "/v1/a/b"} {
			req, _ := http.NewRequest(m, e.srv.URL+p, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	_, before := e.do("GET", "/metrics", "", nil)
	randomRequests(t, e.srv.URL, 10000, 2)
	_, after := e.do("GET", "/metrics", "", nil)

	sb, sa := seriesOf(before, "syncserver_"), seriesOf(after, "syncserver_")
	t.Logf("/metrics: %d series, %d bytes before; %d series, %d bytes after", sb, len(before), sa, len(after))
	if float64(sa) > 1.1*float64(sb) {
		old := map[string]bool{}
		for _, l := range strings.Split(string(before), "\n") {
			old[strings.Fields(l + " x")[0]] = true
		}
		for _, l := range strings.Split(string(after), "\n") {
			if f := strings.Fields(l + " x")[0]; !old[f] {
				t.Logf("new series: %s", l)
			}
		}
	}
	if sb == 0 || float64(sa) > 1.1*float64(sb) {
		t.Errorf("series grew from %d to %d", sb, sa)
	}
	if float64(len(after)) > 1.1*float64(len(before)) {
		t.Errorf("/metrics grew from %d to %d bytes", len(before), len(after))
	}
	for _, l := range strings.Split(string(after), "\n") {
		if strings.HasPrefix(l, "syncserver_http_requests_total{") && !strings.Contains(l, `status="`) {
			t.Errorf("no status label: %s", l)
		}
	}
}

// TestLogsNormaliseMethod: a long invented method reaches neither the log
// nor the metrics; both say "other".
func TestLogsNormaliseMethod(t *testing.T) {
	e := newEnv(t)
	method := strings.Repeat("X", 10<<10)
	req, _ := http.NewRequest(method, e.srv.URL+"/v1/sync/push", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, m := e.do("GET", "/metrics", "", nil)
	if strings.Contains(e.logs.String(), "XXXXXXXX") || strings.Contains(string(m), "XXXXXXXX") {
		t.Fatal("the invented method reached the log or the metrics")
	}
	if !strings.Contains(e.logs.String(), `"method":"other"`) {
		t.Errorf("log lacks method other: %s", e.logs.String())
	}
	if !strings.Contains(string(m), `method="other",route="unmatched",status="4xx"`) {
		t.Errorf("metrics lack the other/4xx series")
	}
}
