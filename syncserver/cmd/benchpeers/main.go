// Command benchpeers runs one sync workload against pouchdb-server (the
// CouchDB replication protocol, with its own bulk APIs) and against our sync
// server, on loopback, and prints records/s with the ratio to the peer.
//
//	benchpeers --pouch URL --ours URL[,URL...] [--n 100000] [--batch 1000] [--updates 1000]
//
// scripts/bench-peers.sh installs pouchdb-server into a temp dir, starts both
// servers and runs this (`make bench-peers`).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

type result struct {
	name                              string
	push, pull, update, incrementalMS float64
}

func main() {
	pouch := flag.String("pouch", "", "pouchdb-server base URL")
	ours := flag.String("ours", "", "sync server URL(s), comma separated, name=URL")
	n := flag.Int("n", 100000, "records")
	batch := flag.Int("batch", 1000, "records per push")
	updates := flag.Int("updates", 1000, "updates of existing records")
	flag.Parse()
	pad := strings.Repeat("x", 900) // ~1 KiB records
	var results []result
	if *pouch != "" {
		r, err := runCouch(*pouch, *n, *batch, *updates, pad)
		must(err)
		results = append(results, r)
	}
	for _, o := range strings.Split(*ours, ",") {
		if o == "" {
			continue
		}
		name, url, ok := strings.Cut(o, "=")
		if !ok {
			name, url = "smallwins", o
		}
		r, err := runOurs(name, url, *n, *batch, *updates, pad)
		must(err)
		results = append(results, r)
	}
	fmt.Printf("\n%d records of ~1 KiB, batches of %d, %d updates; records/s (ratio to pouchdb-server)\n\n", *n, *batch, *updates)
	fmt.Println("| system | push | pull (empty client) | update push | incremental pull (ms) |")
	fmt.Println("|---|---|---|---|---|")
	var peer *result
	for i := range results {
		r := results[i]
		if r.name == "pouchdb-server" {
			peer = &results[i]
			fmt.Printf("| %s | %.0f | %.0f | %.0f | %.1f |\n", r.name, r.push, r.pull, r.update, r.incrementalMS)
			continue
		}
		ratio := func(a, b float64) string {
			if peer == nil || b == 0 {
				return ""
			}
			return fmt.Sprintf(" (%.1f×)", a/b)
		}
		inc := ""
		if peer != nil && r.incrementalMS > 0 {
			inc = fmt.Sprintf(" (%.1f× faster)", peer.incrementalMS/r.incrementalMS)
		}
		fmt.Printf("| %s | %.0f%s | %.0f%s | %.0f%s | %.1f%s |\n", r.name, r.push, ratio(r.push, peer.pushOr0()), r.pull, ratio(r.pull, peer.pullOr0()),
			r.update, ratio(r.update, peer.updateOr0()), r.incrementalMS, inc)
	}
}

func (r *result) pushOr0() float64 {
	if r == nil {
		return 0
	}
	return r.push
}
func (r *result) pullOr0() float64 {
	if r == nil {
		return 0
	}
	return r.pull
}
func (r *result) updateOr0() float64 {
	if r == nil {
		return 0
	}
	return r.update
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchpeers:", err)
		os.Exit(1)
	}
}

func doJSON(method, url, token string, body any, out any) error {
	var rd io.Reader
	if raw, ok := body.(json.RawMessage); ok {
		rd = bytes.NewReader(raw) // pre-encoded: json.Marshal would re-compact it
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw, err = io.ReadAll(resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// runCouch uses CouchDB's own bulk APIs: _bulk_docs and _changes.
func runCouch(base string, n, batch, updates int, pad string) (result, error) {
	r := result{name: "pouchdb-server"}
	db := base + "/bench"
	if err := doJSON("PUT", db, "", nil, nil); err != nil {
		return r, err
	}
	revs := map[string]string{}
	ids := make([]string, 0, n)
	// Bodies are made before the clock starts, for both systems: the
	// figure is the server's, not the load generator's.
	var bodies []json.RawMessage
	for i := 0; i < n; i += batch {
		docs := make([]map[string]any, 0, batch)
		for j := i; j < i+batch && j < n; j++ {
			id := uuid.NewString()
			ids = append(ids, id)
			docs = append(docs, map[string]any{"_id": id, "type": "session", "status": "delivered", "note": pad})
		}
		b, _ := json.Marshal(map[string]any{"docs": docs})
		bodies = append(bodies, b)
	}
	start := time.Now()
	for _, body := range bodies {
		var out []struct{ ID, Rev string }
		if err := doJSON("POST", db+"/_bulk_docs", "", body, &out); err != nil {
			return r, err
		}
		for _, o := range out {
			revs[o.ID] = o.Rev
		}
	}
	r.push = float64(n) / time.Since(start).Seconds()
	pull := func(since string) (int, string, error) {
		got := 0
		for {
			var ch struct {
				Results []json.RawMessage `json:"results"`
				LastSeq json.RawMessage   `json:"last_seq"`
			}
			if err := doJSON("GET", db+"/_changes?include_docs=true&limit=5000&since="+since, "", nil, &ch); err != nil {
				return got, since, err
			}
			if len(ch.Results) == 0 {
				return got, since, nil
			}
			var decoded []map[string]any
			for _, raw := range ch.Results {
				var m map[string]any
				json.Unmarshal(raw, &m)
				decoded = append(decoded, m)
			}
			got += len(decoded)
			since = strings.Trim(string(ch.LastSeq), `"`)
		}
	}
	start = time.Now()
	got, since, err := pull("0")
	if err != nil || got != n {
		return r, fmt.Errorf("couch pull got %d of %d: %v", got, n, err)
	}
	r.pull = float64(n) / time.Since(start).Seconds()
	start = time.Now()
	docs := make([]map[string]any, 0, updates)
	for _, id := range ids[:updates] {
		docs = append(docs, map[string]any{"_id": id, "_rev": revs[id], "type": "session", "status": "cancelled", "note": pad})
	}
	if err := doJSON("POST", db+"/_bulk_docs", "", map[string]any{"docs": docs}, nil); err != nil {
		return r, err
	}
	r.update = float64(updates) / time.Since(start).Seconds()
	start = time.Now()
	if got, _, err := pull(since); err != nil || got != updates {
		return r, fmt.Errorf("couch incremental pull got %d: %v", got, err)
	}
	r.incrementalMS = float64(time.Since(start).Microseconds()) / 1000
	return r, nil
}

func runOurs(name, base string, n, batch, updates int, pad string) (result, error) {
	r := result{name: name}
	dev := uuid.New()
	var en protocol.EnrolResponse
	if err := doJSON("POST", base+"/v1/devices", "", protocol.EnrolRequest{School: "bench", Username: "bench", Password: "bench-password",
		DeviceID: dev.String(), DeviceName: "bench"}, &en); err != nil {
		return r, err
	}
	tok := en.Token
	clock := hlc.NewClock(dev, hlc.State{}, nil)
	mk := func(id, status string) record.Envelope {
		return record.Envelope{ID: id, Type: "session", HLC: clock.Now().String(),
			Data: json.RawMessage(`{"status":"` + status + `","note":"` + pad + `"}`)}
	}
	ids := make([]string, 0, n)
	var bodies []json.RawMessage
	for i := 0; i < n; i += batch {
		recs := make([]record.Envelope, 0, batch)
		for j := i; j < i+batch && j < n; j++ {
			id, _ := uuid.NewV7()
			ids = append(ids, id.String())
			recs = append(recs, mk(id.String(), "delivered"))
		}
		bodies = append(bodies, protocol.AppendPushBody(nil, recs))
	}
	start := time.Now()
	for _, body := range bodies {
		if err := doJSON("POST", base+"/v1/sync/push", tok, body, nil); err != nil {
			return r, err
		}
	}
	r.push = float64(n) / time.Since(start).Seconds()
	pull := func(after int64) (int, int64, error) {
		got := 0
		for {
			var raw json.RawMessage
			if err := doJSON("GET", fmt.Sprintf("%s/v1/sync/pull?after=%d&limit=5000", base, after), tok, nil, &raw); err != nil {
				return got, after, err
			}
			p, err := protocol.DecodePull(raw) // what the tablet's client uses
			if err != nil {
				return got, after, err
			}
			got += len(p.Records)
			after = p.Cursor
			if !p.More {
				return got, after, nil
			}
		}
	}
	start = time.Now()
	got, cursor, err := pull(0)
	if err != nil || got != n {
		return r, fmt.Errorf("pull got %d of %d: %v", got, n, err)
	}
	r.pull = float64(n) / time.Since(start).Seconds()
	start = time.Now()
	recs := make([]record.Envelope, 0, updates)
	for _, id := range ids[:updates] {
		recs = append(recs, mk(id, "cancelled"))
	}
	if err := doJSON("POST", base+"/v1/sync/push", tok, json.RawMessage(protocol.AppendPushBody(nil, recs)), nil); err != nil {
		return r, err
	}
	r.update = float64(updates) / time.Since(start).Seconds()
	start = time.Now()
	if got, _, err := pull(cursor); err != nil || got != updates {
		return r, fmt.Errorf("incremental pull got %d: %v", got, err)
	}
	r.incrementalMS = float64(time.Since(start).Microseconds()) / 1000
	return r, nil
}
