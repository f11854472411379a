package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// benchBodies returns n push bodies of `batch` ~1 KiB records each.
func benchBodies(d device, n, batch int) [][]byte {
	pad := strings.Repeat("x", 900)
	out := make([][]byte, n)
	for i := range out {
		recs := make([]record.Envelope, batch)
		for j := range recs {
			id, _ := uuid.NewV7()
			recs[j] = record.Envelope{ID: id.String(), Type: "session", HLC: d.clock.Now().String(),
				Data: []byte(fmt.Sprintf(`{"group_id":"%s","status":"delivered","note":"%s"}`, id, pad))}
		}
		out[i], _ = json.Marshal(protocol.PushRequest{Records: recs})
	}
	return out
}

func postRaw(b *testing.B, url, token string, body []byte) {
	req, _ := http.NewRequest("POST", url+"/v1/sync/push", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("push %d", resp.StatusCode)
	}
}

// BenchmarkPushHTTP: end to end over loopback, 1 KiB records.
func BenchmarkPushHTTP(b *testing.B) {
	for _, batch := range []int{100, 1000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			e := newEnv(b)
			d := e.enrol("lincoln", "ana")
			bodies := benchBodies(d, b.N, batch)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				postRaw(b, e.srv.URL, d.token, bodies[i])
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkPull100kHTTP: an empty device pulls 100,000 ~1 KiB records over
// loopback (pages of 5000) and decodes them as the tablet does.
func BenchmarkPull100kHTTP(b *testing.B) {
	e := newEnv(b)
	d := e.enrol("lincoln", "ana")
	for _, body := range benchBodies(d, 100, 1000) {
		postRaw(b, e.srv.URL, d.token, body)
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		after := int64(0)
		for {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/sync/pull?after=%d&limit=5000", e.srv.URL, after), nil)
			req.Header.Set("Authorization", "Bearer "+d.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			p, err := protocol.DecodePull(raw) // the tablet's decoder
			if err != nil {
				b.Fatal(err)
			}
			n += len(p.Records)
			after = p.Cursor
			if !p.More {
				break
			}
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/100k")
}
