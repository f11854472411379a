package console_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"smallwins/syncserver/internal/roster"
)

// hostileRows is how many bad rows each hostile upload has: 500,000 by
// default (four of them added about 450 MiB before the fix, ADR 0026);
// SW_HOSTILE_ROWS=1900000 reruns the attack at the size of the second run
// (docs/RELIABILITY.md "Attack figures (second run)").
func hostileRows(t *testing.T) int {
	if v := os.Getenv("SW_HOSTILE_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return 500_000
}

// hostileZip is a users.csv of n rows made by row, written straight into
// the zip, so the test holds only the compressed bytes.
func hostileZip(t *testing.T, n int, row func(b []byte, i int) []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("users.csv")
	bw := make([]byte, 0, 64<<10)
	bw = append(bw, "sourcedId,role,givenName,familyName,grades\n"...)
	for i := range n {
		bw = row(bw, i)
		if len(bw) > 60<<10 {
			_, _ = w.Write(bw)
			bw = bw[:0]
		}
	}
	_, _ = w.Write(bw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// badRow is the second run's attack (ADR 0026): a student row with an unknown grade and
// its own sourcedId, one error each.
func badRow(b []byte, i int) []byte { return fmt.Appendf(b, "s-%d,student,A,B,99\n", i) }

// longIDRow is a row of another role with a long sourcedId of its own:
// nothing to report, but every id is remembered to find repeats.
func longIDRow(b []byte, i int) []byte {
	return fmt.Appendf(b, "%s%08d,x,,,\n", "sourced-id-of-fifty-characters-and-a-bit-more-----", i)
}

// peakHeap runs f while sampling the heap in use, and returns how far the
// peak rose above the heap in use before f (after a collection).
func peakHeap(f func()) (rise uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(stop)
	<-done
	return peak - base
}

// answer is what a test keeps of a response: its status and the first
// 64 KiB (the rest is read and dropped, so the client holds little).
type answer struct {
	status int
	head   []byte
	size   int64
}

func keep(resp *http.Response, err error) answer {
	if err != nil {
		return answer{status: -1, head: []byte(err.Error())}
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	rest, _ := io.Copy(io.Discard, resp.Body)
	return answer{resp.StatusCode, head, int64(len(head)) + rest}
}

var dataErrorsRE = regexp.MustCompile(`data-errors="(\d+)"`)

// TestHostileImportsBoundedMemory (ADR 0026): four concurrent hostile
// uploads add less than 256 MiB to the heap, through the console's form
// and through the API: a roster of hundreds of thousands of bad rows (the
// second run's attack), and one of as many rows as an import reads, each with a
// long id. Each answer about the bad rows lists the first 1,000 errors and
// counts them all.
func TestHostileImportsBoundedMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory makes heap figures meaningless")
	}
	n := hostileRows(t)
	e := newEnv(t, false)
	bad := hostileZip(t, n, badRow)
	t.Logf("bad rows: %d rows, a zip of %d bytes", n, len(bad))
	const limit = 256 << 20
	four := func(t *testing.T, what string, post func() answer) []answer {
		answers := make([]answer, 4)
		start := time.Now()
		rise := peakHeap(func() {
			var wg sync.WaitGroup
			for i := range answers {
				wg.Go(func() { answers[i] = post() })
			}
			wg.Wait()
		})
		t.Logf("%s: 4 concurrent uploads: heap rose %.1f MiB in %v; answer %d bytes", what, float64(rise)/(1<<20), time.Since(start), answers[0].size)
		if rise >= limit {
			t.Errorf("%s: the heap rose %d MiB, want < 256", what, rise>>20)
		}
		return answers
	}
	b := e.signedIn("lincoln", "admin")
	console := func(zipped []byte) func() answer {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf", csrf(t, b.get("/admin")))
		fw, _ := mw.CreateFormFile("file", "roster.zip")
		_, _ = fw.Write(zipped)
		_ = mw.Close()
		return func() answer {
			return keep(b.c.Post(e.srv.URL+"/admin/import", mw.FormDataContentType(), bytes.NewReader(body.Bytes())))
		}
	}
	token := e.enrol("lincoln", "admin").token
	api := func(zipped []byte) func() answer {
		return func() answer {
			req, _ := http.NewRequest("POST", e.srv.URL+"/v1/admin/import/oneroster?dry_run=1", bytes.NewReader(zipped))
			req.Header.Set("Content-Type", "application/zip")
			req.Header.Set("Authorization", "Bearer "+token)
			return keep(e.srv.Client().Do(req))
		}
	}

	// Every bad row is one error; past roster.MaxRows reading stops, with
	// one error more that says so.
	wantErrors := n
	if n > roster.MaxRows {
		wantErrors = roster.MaxRows + 1
	}
	for i, a := range four(t, "console, bad rows", console(bad)) {
		m := dataErrorsRE.FindSubmatch(a.head)
		if a.status != http.StatusBadRequest || m == nil || string(m[1]) != strconv.Itoa(wantErrors) {
			t.Errorf("upload %d: %d, errors %q, want 400 counting %d", i, a.status, m, wantErrors)
		}
	}
	for i, a := range four(t, "api, bad rows", api(bad)) {
		var body struct {
			Report roster.Report `json:"report"`
		}
		err := json.Unmarshal(a.head, &body)
		if a.status != http.StatusBadRequest || err != nil || body.Report.ErrorCount != wantErrors || len(body.Report.Errors) != roster.MaxReportErrors {
			t.Errorf("upload %d: %d (%v), %d errors of %d listed, want 400 listing %d of %d", i, a.status, err,
				len(body.Report.Errors), body.Report.ErrorCount, roster.MaxReportErrors, wantErrors)
		}
	}
	long := hostileZip(t, roster.MaxRows, longIDRow)
	t.Logf("long ids: %d rows, a zip of %d bytes", roster.MaxRows, len(long))
	for i, a := range four(t, "api, long ids", api(long)) {
		if a.status != http.StatusOK || !bytes.Contains(a.head, []byte(`"skipped_rows":1000000,"error_count":0`)) {
			t.Errorf("upload %d: %d %.300s", i, a.status, a.head)
		}
	}
}
