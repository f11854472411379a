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
	e := newEnv(b)
	d := e.enrol("lincoln", "ana")
	for _, body := range benchBodies(d, 100, 1000) {
		postRaw(b, e.srv.URL, d.token, body)
	}
	for _, mode := range []string{"decode", "count"} {
		b.Run(mode, func(b *testing.B) {
			buf := make([]byte, 256<<10)
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
						var tail []byte
						got, tail = countRecords(b, resp.Body, buf)
						var f struct {
							Cursor int64 `json:"cursor"`
							More   bool  `json:"more"`
						}
						if err := json.Unmarshal(tail, &f); err != nil {
							b.Fatalf("%v: %s", err, tail)
						}
						after, more = f.Cursor, f.More
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

// countRecords counts the elements of the page's records array as the body
// streams in and returns the top-level object with that array emptied
// (cmd/benchpeers' scan: strings are skipped with bytes.IndexByte).
func countRecords(b *testing.B, r io.Reader, buf []byte) (int, []byte) {
	n, depth, inStr, esc := 0, 0, false, false
	var skel []byte
	keep := func(s []byte) {
		if depth <= 1 {
			skel = append(skel, s...)
		}
	}
	for {
		k, err := r.Read(buf)
		for c, i := buf[:k], 0; i < len(c); {
			switch {
			case esc:
				esc = false
				keep(c[i : i+1])
				i++
			case inStr:
				rest := c[i:]
				end := bytes.IndexByte(rest, '"')
				if end < 0 {
					end = len(rest)
				}
				if bs := bytes.IndexByte(rest[:end], '\\'); bs >= 0 {
					keep(rest[:bs+1])
					esc = true
					i += bs + 1
					continue
				}
				if end < len(rest) {
					end++
					inStr = false
				}
				keep(rest[:end])
				i += end
			default:
				before := depth
				switch c[i] {
				case '"':
					inStr = true
				case '{', '[':
					if depth == 2 {
						n++
					}
					depth++
				case '}', ']':
					depth--
				}
				if before <= 1 || depth <= 1 {
					skel = append(skel, c[i])
				}
				i++
			}
		}
		if err == io.EOF {
			return n, skel
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
