package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
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
			e := newEnvWith(b, Config{PushRecordsPerMinute: -1}) // one device, past any per-minute budget
			d := e.enrol("lincoln", "ana")
			bodies := benchBodies(d, b.N, batch)
			b.ResetTimer()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				postRaw(b, e.srv.URL, d.token, bodies[i])
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N*batch), "cpu-µs/record")
		})
	}
}

// BenchmarkPull100kHTTP: an empty device pulls 100,000 ~1 KiB records over
// loopback (pages of 5000). decode: the tablet's protocol.DecodePull on each
// page; count: the page's records counted as the body streams in (what
// cmd/benchpeers does), so the figure is the server's and the socket's.
func BenchmarkPull100kHTTP(b *testing.B) {
	e := newEnvWith(b, Config{PushRecordsPerMinute: -1}) // one device, past any per-minute budget
	d := e.enrol("lincoln", "ana")
	for _, body := range benchBodies(d, 100, 1000) {
		postRaw(b, e.srv.URL, d.token, body)
	}
	for _, mode := range []string{"decode", "count"} {
		b.Run(mode, func(b *testing.B) {
			dec := jsontext.NewDecoder(bytes.NewReader(nil))
			n := 0
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				after := int64(0)
				for {
					req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/sync/pull?after=%d&limit=5000", e.srv.URL, after), nil)
					req.Header.Set("Authorization", "Bearer "+d.token)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					var got int
					var more bool
					if mode == "decode" {
						raw, err := io.ReadAll(resp.Body)
						if err != nil {
							b.Fatal(err)
						}
						p, err := protocol.DecodePull(raw) // the tablet's decoder
						if err != nil {
							b.Fatal(err)
						}
						got, after, more = len(p.Records), p.Cursor, p.More
					} else {
						var top map[string]jsontext.Value
						got, top, err = protocol.CountPage(dec, resp.Body)
						if err != nil {
							b.Fatal(err)
						}
						if json.Unmarshal(top["cursor"], &after) != nil || json.Unmarshal(top["more"], &more) != nil {
							b.Fatalf("page ends %v", top)
						}
					}
					resp.Body.Close()
					n += got
					if !more {
						break
					}
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/100k")
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(n), "cpu-µs/record")
		})
	}
}
