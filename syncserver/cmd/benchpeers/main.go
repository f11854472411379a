// Command benchpeers runs one sync workload against pouchdb-server (the
// CouchDB replication protocol, with its own bulk APIs), PocketBase (its
// /api/batch and list API) and our sync server, on loopback, and prints
// records/s with the ratio to each peer.
//
//	benchpeers [--pouch URL] [--pocketbase URL --pb-email E --pb-password P]
//	           --ours name=URL[,name=URL...] [--pids name=PID,...]
//	           [--n 50000] [--batch 1000] [--updates 1000] [--only push]
//
// The workload is the outside run: n records of ~1 KiB pushed in
// batches, request bodies built before the clock starts; a full pull by an
// empty client; `updates` changed records pushed in one batch; the
// incremental pull of them. Pull pages are counted as they stream in (a
// JSON v2 tokenizer that counts the records of the page's one array), not
// decoded, so the figures are the servers', not the client's decoder's.
//
// scripts/bench-peers.sh installs the peers into a temp dir, starts them and
// our server and runs this (`make bench-peers`).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

type result struct {
	name                              string
	push, pull, update, incrementalMS float64
	rss                               string
}

func main() {
	pouch := flag.String("pouch", "", "pouchdb-server base URL")
	pb := flag.String("pocketbase", "", "PocketBase base URL")
	pbEmail := flag.String("pb-email", "bench@example.com", "PocketBase superuser email")
	pbPassword := flag.String("pb-password", "bench-password-123", "PocketBase superuser password")
	ours := flag.String("ours", "", "sync server URL(s), comma separated, name=URL")
	pids := flag.String("pids", "", "name=PID of our servers, comma separated: their RSS after the run is printed")
	n := flag.Int("n", 50000, "records")
	batch := flag.Int("batch", 1000, "records per push")
	updates := flag.Int("updates", 1000, "updates of existing records")
	only := flag.String("only", "", `"push": only the push (for the RSS after a large push)`)
	flag.Parse()
	pad := strings.Repeat("x", 900) // ~1 KiB records
	pidOf := map[string]string{}
	for _, kv := range strings.Split(*pids, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			pidOf[k] = v
		}
	}
	var results []result
	if *pouch != "" {
		r, err := runCouch(*pouch, *n, *batch, *updates, pad)
		must(err)
		progress(r)
		results = append(results, r)
	}
	if *pb != "" {
		r, err := runPocketBase(*pb, *pbEmail, *pbPassword, *n, *batch, *updates, pad)
		must(err)
		progress(r)
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
		r, err := runOurs(name, url, *n, *batch, *updates, pad, *only == "push")
		must(err)
		progress(r)
		if pid := pidOf[name]; pid != "" {
			r.rss = rssOf(pid)
		}
		results = append(results, r)
	}
	if *only == "push" {
		for _, r := range results {
			fmt.Printf("%s: push of %d records at %.0f records/s; server memory after it: %s\n", r.name, *n, r.push, r.rss)
		}
		return
	}
	fmt.Printf("\n%d records of ~1 KiB, batches of %d, %d updates; records/s (ratio to each peer)\n\n", *n, *batch, *updates)
	fmt.Println("| system | push | full pull (empty client) | 1,000 updates | incremental pull (ms) | server memory after the run |")
	fmt.Println("|---|---|---|---|---|---|")
	var peers []result
	for _, r := range results {
		if r.name == "pouchdb-server" || r.name == "pocketbase" {
			peers = append(peers, r)
			fmt.Printf("| %s | %.0f | %.0f | %.0f | %.1f | |\n", r.name, r.push, r.pull, r.update, r.incrementalMS)
			continue
		}
		ratio := func(a float64, f func(result) float64) string {
			var s []string
			for _, p := range peers {
				if b := f(p); b > 0 {
					s = append(s, fmt.Sprintf("%.1f×", a/b))
				}
			}
			if len(s) == 0 {
				return ""
			}
			return " (" + strings.Join(s, " / ") + ")"
		}
		fmt.Printf("| %s | %.0f%s | %.0f%s | %.0f%s | %.1f%s | %s |\n", r.name,
			r.push, ratio(r.push, func(p result) float64 { return p.push }),
			r.pull, ratio(r.pull, func(p result) float64 { return p.pull }),
			r.update, ratio(r.update, func(p result) float64 { return p.update }),
			r.incrementalMS, ratio(1/r.incrementalMS, func(p result) float64 { return 1 / p.incrementalMS }), r.rss)
	}
	if len(peers) > 0 {
		var names []string
		for _, p := range peers {
			names = append(names, p.name)
		}
		fmt.Printf("\nRatios in brackets: to %s (incremental pull: how many times faster).\n", strings.Join(names, " / "))
	}
}

func progress(r result) {
	fmt.Fprintf(os.Stderr, "%s: push %.0f, pull %.0f, update %.0f records/s, incremental pull %.1f ms (load %s)\n",
		r.name, r.push, r.pull, r.update, r.incrementalMS, loadavg())
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// rssOf reads a process's resident memory from /proc: the total, the
// anonymous part (heap, stacks) and the file-backed part (bbolt's mmap,
// reclaimable by the kernel).
func rssOf(pid string) string {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return "?"
	}
	get := func(k string) string {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, k+":"); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
				return fmt.Sprintf("%.0f", float64(kb)/1024)
			}
		}
		return "?"
	}
	return fmt.Sprintf("%s MiB (anon %s, file %s)", get("VmRSS"), get("RssAnon"), get("RssFile"))
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchpeers:", err)
		os.Exit(1)
	}
}

// do sends one request; a pre-encoded body ([]byte) is sent as it is, any
// other is marshalled. The answer is decoded into out, or counted (see
// countPage) when out is a *page, or discarded when out is nil.
func do(method, url, auth string, body any, out any) error {
	var rd io.Reader
	if raw, ok := body.([]byte); ok {
		rd = bytes.NewReader(raw)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
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
	switch o := out.(type) {
	case nil:
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	case *page:
		return o.count(resp.Body)
	default:
		return json.NewDecoder(resp.Body).Decode(out)
	}
}

// page is a list response counted as it streams (protocol.CountPage): n is
// the number of elements of its one array ("records", "results", "items"),
// top its other top-level members, for the cursor fields.
type page struct {
	n   int
	top map[string]jsontext.Value
	dec *jsontext.Decoder
}

func (p *page) count(r io.Reader) (err error) {
	if p.dec == nil {
		p.dec = jsontext.NewDecoder(r)
	}
	p.n, p.top, err = protocol.CountPage(p.dec, r)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, r)
	return err
}

// fields decodes the page's other top-level members into out.
func (p *page) fields(out any) error {
	raw, err := json.Marshal(p.top)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// runCouch uses CouchDB's own bulk APIs: _bulk_docs and _changes.
func runCouch(base string, n, batch, updates int, pad string) (result, error) {
	r := result{name: "pouchdb-server"}
	db := base + "/bench"
	if err := do("PUT", db, "", nil, nil); err != nil {
		return r, err
	}
	revs := map[string]string{}
	ids := make([]string, 0, n)
	// Bodies are made before the clock starts, for every system: the
	// figure is the server's, not the load generator's.
	var bodies [][]byte
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
		if err := do("POST", db+"/_bulk_docs", "", body, &out); err != nil {
			return r, err
		}
		for _, o := range out {
			revs[o.ID] = o.Rev
		}
	}
	r.push = float64(n) / time.Since(start).Seconds()
	var pg page
	pull := func(since string) (int, string, error) {
		got := 0
		for {
			if err := do("GET", db+"/_changes?include_docs=true&limit=5000&since="+url.QueryEscape(since), "", nil, &pg); err != nil {
				return got, since, err
			}
			if pg.n == 0 {
				return got, since, nil
			}
			var f struct {
				LastSeq json.RawMessage `json:"last_seq"`
			}
			if err := pg.fields(&f); err != nil {
				return got, since, err
			}
			got += pg.n
			since = strings.Trim(string(f.LastSeq), `"`)
		}
	}
	start = time.Now()
	got, since, err := pull("0")
	if err != nil || got != n {
		return r, fmt.Errorf("couch pull got %d of %d: %v", got, n, err)
	}
	r.pull = float64(n) / time.Since(start).Seconds()
	docs := make([]map[string]any, 0, updates)
	for _, id := range ids[:updates] {
		docs = append(docs, map[string]any{"_id": id, "_rev": revs[id], "type": "session", "status": "cancelled", "note": pad})
	}
	body, _ := json.Marshal(map[string]any{"docs": docs})
	start = time.Now()
	if err := do("POST", db+"/_bulk_docs", "", body, nil); err != nil {
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

// runPocketBase uses PocketBase's /api/batch (one transaction per batch)
// and its records list API in pages of 1,000 (its largest), as a superuser.
// The collection and the batch settings are made by bench-peers.sh's setup
// here, before the clock.
func runPocketBase(base, email, password string, n, batch, updates int, pad string) (result, error) {
	r := result{name: "pocketbase"}
	var auth struct{ Token string }
	if err := do("POST", base+"/api/collections/_superusers/auth-with-password", "",
		map[string]string{"identity": email, "password": password}, &auth); err != nil {
		return r, err
	}
	tok := auth.Token
	if err := do("PATCH", base+"/api/settings", tok, map[string]any{"batch": map[string]any{
		"enabled": true, "maxRequests": max(batch, updates), "timeout": 60, "maxBodySize": 64 << 20}}, nil); err != nil {
		return r, err
	}
	if err := do("POST", base+"/api/collections", tok, map[string]any{"name": "bench", "type": "base", "fields": []map[string]any{
		{"name": "type", "type": "text"}, {"name": "status", "type": "text"}, {"name": "note", "type": "text", "max": 4000},
		{"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}, // for the incremental pull
	}}, nil); err != nil {
		return r, err
	}
	pbID := func(i int) string { return fmt.Sprintf("b%014d", i) } // PocketBase ids: 15 of [a-z0-9]
	type req struct {
		Method string         `json:"method"`
		URL    string         `json:"url"`
		Body   map[string]any `json:"body"`
	}
	var bodies [][]byte
	for i := 0; i < n; i += batch {
		reqs := make([]req, 0, batch)
		for j := i; j < i+batch && j < n; j++ {
			reqs = append(reqs, req{"POST", "/api/collections/bench/records",
				map[string]any{"id": pbID(j), "type": "session", "status": "delivered", "note": pad}})
		}
		b, _ := json.Marshal(map[string]any{"requests": reqs})
		bodies = append(bodies, b)
	}
	start := time.Now()
	for _, body := range bodies {
		if err := do("POST", base+"/api/batch", tok, body, nil); err != nil {
			return r, err
		}
	}
	r.push = float64(n) / time.Since(start).Seconds()
	var pg page
	pull := func(filter string) (int, error) {
		got := 0
		for p := 1; ; p++ {
			q := url.Values{"page": {strconv.Itoa(p)}, "perPage": {"1000"}, "skipTotal": {"1"}}
			if filter != "" {
				q.Set("filter", filter)
			}
			if err := do("GET", base+"/api/collections/bench/records?"+q.Encode(), tok, nil, &pg); err != nil {
				return got, err
			}
			got += pg.n
			if pg.n < 1000 {
				return got, nil
			}
		}
	}
	start = time.Now()
	if got, err := pull(""); err != nil || got != n {
		return r, fmt.Errorf("pocketbase pull got %d of %d: %v", got, n, err)
	}
	r.pull = float64(n) / time.Since(start).Seconds()
	reqs := make([]req, 0, updates)
	for i := range updates {
		reqs = append(reqs, req{"PATCH", "/api/collections/bench/records/" + pbID(i),
			map[string]any{"type": "session", "status": "cancelled", "note": pad}})
	}
	body, _ := json.Marshal(map[string]any{"requests": reqs})
	since := time.Now().UTC().Add(-time.Millisecond).Format("2006-01-02 15:04:05.000Z")
	start = time.Now()
	if err := do("POST", base+"/api/batch", tok, body, nil); err != nil {
		return r, err
	}
	r.update = float64(updates) / time.Since(start).Seconds()
	start = time.Now()
	if got, err := pull("updated>='" + since + "'"); err != nil || got != updates {
		return r, fmt.Errorf("pocketbase incremental pull got %d of %d: %v", got, updates, err)
	}
	r.incrementalMS = float64(time.Since(start).Microseconds()) / 1000
	return r, nil
}

func runOurs(name, base string, n, batch, updates int, pad string, pushOnly bool) (result, error) {
	r := result{name: name}
	dev := uuid.New()
	var en protocol.EnrolResponse
	if err := do("POST", base+"/v1/devices", "", protocol.EnrolRequest{School: "bench", Username: "bench", Password: "bench-password",
		DeviceID: dev.String(), DeviceName: "bench"}, &en); err != nil {
		return r, err
	}
	tok := "Bearer " + en.Token
	clock := hlc.NewClock(dev, hlc.State{}, nil)
	mk := func(id, status string) record.Envelope {
		return record.Envelope{ID: id, Type: "session", HLC: clock.Now().String(),
			Data: json.RawMessage(`{"status":"` + status + `","note":"` + pad + `"}`)}
	}
	ids := make([]string, 0, n)
	var bodies [][]byte
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
		if err := do("POST", base+"/v1/sync/push", tok, body, nil); err != nil {
			return r, err
		}
	}
	r.push = float64(n) / time.Since(start).Seconds()
	if pushOnly {
		return r, nil
	}
	var pg page
	pull := func(after int64) (int, int64, error) {
		got := 0
		for {
			if err := do("GET", fmt.Sprintf("%s/v1/sync/pull?after=%d&limit=5000", base, after), tok, nil, &pg); err != nil {
				return got, after, err
			}
			var f struct {
				Cursor int64 `json:"cursor"`
				More   bool  `json:"more"`
			}
			if err := pg.fields(&f); err != nil {
				return got, after, err
			}
			got += pg.n
			after = f.Cursor
			if !f.More {
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
	recs := make([]record.Envelope, 0, updates)
	for _, id := range ids[:updates] {
		recs = append(recs, mk(id, "cancelled"))
	}
	body := protocol.AppendPushBody(nil, recs)
	start = time.Now()
	if err := do("POST", base+"/v1/sync/push", tok, body, nil); err != nil {
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
