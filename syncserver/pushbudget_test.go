package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// floodBatch is a push body of a full batch of small notes stamped by clock.
func floodBatch(clock *hlc.Clock) []byte {
	recs := make([]record.Envelope, protocol.MaxPushRecords)
	for i := range recs {
		recs[i] = record.Envelope{ID: uuid.NewString(), Type: "note", HLC: clock.Now().String(), Data: json.RawMessage(`{"body":"flood"}`)}
	}
	b, _ := json.Marshal(protocol.PushRequest{Records: recs})
	return b
}

// postPush posts body with tok and returns the status and Retry-After (a
// status of 0 when the request failed: t.Error, from any goroutine).
func postPush(t *testing.T, url, tok string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/v1/sync/push", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// TestPushFloodIsBounded is ADR 0025's budget against the real binary: one
// tablet pushing full batches as fast as it can, from two connections, gets
// the flag's records per minute (set here through its SYNCSERVER_
// variable) and then 429 with Retry-After; nothing beyond is stored. Before
// the limit the same tablet pushed 128,000 records in 10 s.
func TestPushFloodIsBounded(t *testing.T) {
	const limit, pushers, each = 5000, 2, 10
	db := filepath.Join(t.TempDir(), "s.db")
	setup(t, db)
	p := serve(t, []string{"SYNCSERVER_PUSH_RECORDS_PER_MINUTE=" + strconv.Itoa(limit)}, "--listen", "127.0.0.1:0", "--db", db)
	tok, dev := enrol(t, p.url)
	clock := hlc.NewClock(dev, hlc.State{}, nil)
	var mu sync.Mutex
	batch := func() []byte { mu.Lock(); defer mu.Unlock(); return floodBatch(clock) }
	applied, limited := 0, 0
	var wg sync.WaitGroup
	for range pushers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				status, retryAfter := postPush(t, p.url, tok, batch())
				mu.Lock()
				switch n, err := strconv.Atoi(retryAfter); {
				case status == http.StatusOK:
					applied += protocol.MaxPushRecords
				case status == http.StatusTooManyRequests && err == nil && n >= 1 && n <= 61:
					limited++
				default:
					t.Errorf("push: %d, Retry-After %q", status, retryAfter)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if want := pushers*each - limit/protocol.MaxPushRecords; applied != limit || limited != want {
		t.Fatalf("%d records applied, %d pushes refused; want %d and %d", applied, limited, limit, want)
	}
	if got, _ := pullIDs(t, p.url, tok); len(got) != limit {
		t.Fatalf("the server holds %d records, want %d", len(got), limit)
	}
	_, m := getBody(t, http.DefaultClient, p.url+"/metrics")
	if !strings.Contains(string(m), "syncserver_push_records_per_minute 5000\n") {
		t.Error("/metrics lacks the limit of the variable")
	}
}

// TestPushRecordsPerMinuteFlag: 0 turns the limit off (a device pushes
// past the default in a minute); a limit below one
// full batch (PROTOCOL §5) is refused at start, since a legal push could
// never pass it.
func TestPushRecordsPerMinuteFlag(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	for _, bad := range []string{"999", "-1", "many", "100000001"} {
		if out, err := cli(t, "", nil, "serve", "--listen", "127.0.0.1:0", "--db", db, "--push-records-per-minute", bad); err == nil ||
			!strings.Contains(out, "push-records-per-minute") {
			t.Errorf("--push-records-per-minute %s: %v %s", bad, err, out)
		}
	}
	setup(t, db)
	p := serve(t, nil, "--listen", "127.0.0.1:0", "--db", db, "--push-records-per-minute", "0")
	tok, dev := enrol(t, p.url)
	clock := hlc.NewClock(dev, hlc.State{}, nil)
	for i := range 21 {
		if status, _ := postPush(t, p.url, tok, floodBatch(clock)); status != http.StatusOK {
			t.Fatalf("push %d without a limit: %d", i, status)
		}
	}
	_, m := getBody(t, http.DefaultClient, p.url+"/metrics")
	if strings.Contains(string(m), "syncserver_push_records_per_minute") {
		t.Error("/metrics shows a limit although it is off")
	}
}

// TestReportCacheBytesFlag: the console's cache budget takes the size
// syntax of --max-inflight-bytes, and nothing else.
func TestReportCacheBytesFlag(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	for _, bad := range []string{"lots", "0", "-5MiB"} {
		if out, err := cli(t, "", nil, "serve", "--listen", "127.0.0.1:0", "--db", db, "--report-cache-bytes", bad); err == nil ||
			!strings.Contains(out, "invalid size") {
			t.Errorf("--report-cache-bytes %s: %v %s", bad, err, out)
		}
	}
	setup(t, db)
	p := serve(t, []string{"SYNCSERVER_REPORT_CACHE_BYTES=16MiB"}, "--listen", "127.0.0.1:0", "--db", db)
	var logged string
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logged, `"msg":"serving"`) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // the line follows "listening on"
		p.mu.Lock()
		logged = p.stderr.String()
		p.mu.Unlock()
	}
	if !strings.Contains(logged, `"report_cache_bytes":16777216`) {
		t.Errorf("the serving line does not carry the variable's budget: %s", logged)
	}
}
