package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/store/storetest"
)

// BenchmarkPostgresInstances: 4 clients (one school each) push 1 KiB records
// in batches of 1000 through 1, 2 or 4 server processes sharing one
// PostgreSQL database, then each pulls its school back.
func BenchmarkPostgresInstances(b *testing.B) {
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			url := pgtest.URL(b)
			const clients = 4
			type client struct {
				token string
				clock *hlc.Clock
			}
			var urls []string
			for i := 0; i < n; i++ {
				p := serve(b, nil, "--listen", "127.0.0.1:0", "--postgres", url)
				b.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
				urls = append(urls, p.url)
			}
			cs := make([]client, clients)
			for i := range cs {
				slug := fmt.Sprintf("school-%d", i)
				if out, err := cli(b, "", nil, "school", "add", "--postgres", url, "--slug", slug, "--name", slug); err != nil {
					b.Fatal(err, out)
				}
				if out, err := cli(b, "password-123\n", nil, "user", "add", "--postgres", url, "--school", slug, "--username", "u", "--name", "U", "--role", "admin"); err != nil {
					b.Fatal(err, out)
				}
				dev := uuid.New()
				body, _ := json.Marshal(protocol.EnrolRequest{School: slug, Username: "u", Password: "password-123", DeviceID: dev.String()})
				resp, err := http.Post(urls[i%n]+"/v1/devices", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				var er protocol.EnrolResponse
				json.NewDecoder(resp.Body).Decode(&er)
				resp.Body.Close()
				cs[i] = client{token: er.Token, clock: hlc.NewClock(dev, hlc.State{}, nil)}
			}
			const batches = 10
			bodies := make([][][]byte, clients)
			for i := range bodies {
				for k := 0; k < batches*b.N; k++ {
					recs := storetest.KiBRecords(1000, 0)
					for j := range recs {
						recs[j].HLC = cs[i].clock.Now().String()
					}
					bodies[i] = append(bodies[i], protocol.AppendPushBody(nil, recs))
				}
			}
			b.ResetTimer()
			var wg sync.WaitGroup
			for i := range cs {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					for k, body := range bodies[i] {
						req, _ := http.NewRequest("POST", urls[(i+k)%n]+"/v1/sync/push", bytes.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+cs[i].token)
						resp, err := http.DefaultClient.Do(req)
						if err != nil || resp.StatusCode != 200 {
							b.Error("push failed")
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}(i)
			}
			wg.Wait()
			pushS := b.Elapsed().Seconds()
			var pulled int64
			var mu sync.Mutex
			for i := range cs {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					after := int64(0)
					for {
						req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/sync/pull?after=%d&limit=5000", urls[i%n], after), nil)
						req.Header.Set("Authorization", "Bearer "+cs[i].token)
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						raw, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						p, err := protocol.DecodePull(raw)
						if err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						pulled += int64(len(p.Records))
						mu.Unlock()
						after = p.Cursor
						if !p.More {
							return
						}
					}
				}(i)
			}
			wg.Wait()
			pushed := float64(clients * batches * 1000 * b.N)
			b.ReportMetric(pushed/pushS, "push-records/s")
			b.ReportMetric(float64(pulled)/(b.Elapsed().Seconds()-pushS), "pull-records/s")
		})
	}
}
