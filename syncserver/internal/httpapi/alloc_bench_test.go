package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// pushBody is a push body of n records whose data is about size bytes each.
func pushBody(d device, n, size int) []byte {
	pad := strings.Repeat("x", size)
	recs := make([]record.Envelope, n)
	for i := range recs {
		id, _ := uuid.NewV7()
		recs[i] = record.Envelope{ID: id.String(), Type: "note", HLC: d.clock.Now().String(),
			Data: []byte(`{"body":"` + pad + `"}`)}
	}
	b, _ := json.Marshal(protocol.PushRequest{Records: recs})
	return b
}

// allocated is the bytes the process allocated while f ran.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// BenchmarkPushAllocs measures the bytes one push allocates per byte of its
// body, handler and store together (no network): the pushCopies factor of
// the in-flight budget comes from it (docs/decisions/0007-inflight-budget.md).
func BenchmarkPushAllocs(b *testing.B) {
	for _, shape := range []struct{ n, size int }{{1000, 8000}, {32, 250 << 10}, {1000, 100}} {
		b.Run(fmt.Sprintf("records=%d,data=%d", shape.n, shape.size), func(b *testing.B) {
			e := newEnvWith(b, Config{PushRecordsPerMinute: -1}) // one device, past any per-minute budget
			d := e.enrol("lincoln", "ana")
			var perByte, sum float64
			for i := 0; i < b.N; i++ {
				body := pushBody(d, shape.n, shape.size)
				req := httptest.NewRequest("POST", "/v1/sync/push", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+d.token)
				rec := httptest.NewRecorder()
				got := allocated(func() { e.api.Handler().ServeHTTP(rec, req) })
				if rec.Code != http.StatusOK {
					b.Fatalf("push %d %s", rec.Code, rec.Body)
				}
				perByte = max(perByte, float64(got)/float64(len(body)))
				sum += float64(got) / float64(len(body))
				b.ReportMetric(float64(len(body)), "body-bytes")
			}
			b.ReportMetric(perByte, "max-alloc/body-byte")
			b.ReportMetric(sum/float64(b.N), "mean-alloc/body-byte")
			b.ReportMetric(float64(pushReservation(&http.Request{ContentLength: int64(len(pushBody(d, shape.n, shape.size)))}))/
				float64(len(pushBody(d, shape.n, shape.size))), "reserved/body-byte")
		})
	}
}

// BenchmarkPullAllocs is the same for a full pull page (pullCopies).
func BenchmarkPullAllocs(b *testing.B) {
	for _, shape := range []struct{ n, size int }{{1000, 8000}, {32, 250 << 10}} {
		b.Run(fmt.Sprintf("records=%d,data=%d", shape.n, shape.size), func(b *testing.B) {
			e := newEnv(b)
			d := e.enrol("lincoln", "ana")
			for range 2 {
				if s, body := e.do("POST", "/v1/sync/push", d.token, pushBody(d, shape.n, shape.size)); s != 200 {
					b.Fatalf("push %d %s", s, body)
				}
			}
			var perByte float64
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", "/v1/sync/pull?after=0&limit=5000", nil)
				req.Header.Set("Authorization", "Bearer "+d.token)
				rec := httptest.NewRecorder()
				got := allocated(func() { e.api.Handler().ServeHTTP(rec, req) })
				if rec.Code != http.StatusOK {
					b.Fatalf("pull %d", rec.Code)
				}
				// The recorder's copy of the body is the test's, not the server's.
				got -= uint64(rec.Body.Cap())
				perByte = max(perByte, float64(got)/float64(rec.Body.Len()))
				b.ReportMetric(float64(rec.Body.Len()), "page-bytes")
			}
			b.ReportMetric(perByte, "alloc/page-byte")
		})
	}
}
