package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// ledger is what the server has promised: for each id, the greatest HLC of a
// version that a push answered 200 "applied". Keeping only the greatest is
// enough: a later version of the same id may supersede an earlier one, so
// "every acknowledged version is present with an HLC ≥ its own" is checked by
// comparing the held HLC with the greatest acknowledged one.
type ledger struct {
	mu        sync.Mutex
	acked     map[string]string
	ids       []string // every id ever acknowledged, for cross-device updates
	versions  int64    // applied versions acknowledged
	anomalies []string // push results that break PROTOCOL §5
}

func newLedger() *ledger { return &ledger{acked: map[string]string{}} }

func (l *ledger) ack(id, h string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.versions++
	old, ok := l.acked[id]
	if !ok {
		l.ids = append(l.ids, id)
	}
	if h > old {
		l.acked[id] = h
	}
}

func (l *ledger) anomaly(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.anomalies) < 20 {
		l.anomalies = append(l.anomalies, fmt.Sprintf(format, args...))
	}
}

// pick returns a random acknowledged id and its HLC ("" when none).
func (l *ledger) pick(r *rand.Rand) (string, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ids) == 0 {
		return "", ""
	}
	id := l.ids[r.IntN(len(l.ids))]
	return id, l.acked[id]
}

func (l *ledger) counts() (versions int64, ids int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.versions, len(l.acked)
}

// device is one enrolled tablet: its HLC node is its device id (PROTOCOL §5
// refuses any other node), and it keeps the ids it created so that most of
// its writes are edits of its own records, as on a real tablet.
type device struct {
	id    uuid.UUID
	token string
	clock *hlc.Clock
	own   []string
	rng   *rand.Rand
	seq   int
}

var client = &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}

func enrol(ctx context.Context, url, username string) (*device, error) {
	id := uuid.New()
	body, _ := json.Marshal(protocol.EnrolRequest{School: school, Username: username, Password: password, DeviceID: id.String(), DeviceName: "crash " + id.String()[:8]})
	req, _ := http.NewRequestWithContext(ctx, "POST", url+"/v1/devices", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r protocol.EnrolResponse
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("enrol %s: %d %s", username, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("enrol %s: %v", username, err)
	}
	d := &device{id: id, token: r.Token, clock: hlc.NewClock(id, hlc.State{}, nil), rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
	d.clock.ObserveServerTime(r.ServerTimeMS)
	return d, nil
}

// batch makes 1–40 distinct records: about a third new ids (UUIDv7, as the
// app makes them), the rest new versions of existing ids — mostly the
// device's own, a quarter anyone's, with some tombstones — so that the
// update and supersede paths of the store are under the knife too.
func (d *device) batch(l *ledger) []record.Envelope {
	n := 1 + d.rng.IntN(40)
	seen := map[string]bool{}
	recs := make([]record.Envelope, 0, n)
	for len(recs) < n {
		var id string
		switch p := d.rng.Float64(); {
		case p < 0.35 || len(d.own) == 0:
			v, _ := uuid.NewV7()
			id = v.String()
			d.own = append(d.own, id)
		case p < 0.8:
			id = d.own[d.rng.IntN(len(d.own))]
		default:
			var held string
			id, held = l.pick(d.rng)
			if id == "" {
				continue
			}
			// A real tablet would have pulled that version first: observing
			// it makes most cross-device edits win rather than be superseded.
			if t, err := hlc.Parse(held); err == nil {
				d.clock.Observe(t)
			}
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		h := d.clock.Now().String()
		d.seq++
		e := record.Envelope{ID: id, Type: "note", HLC: h}
		if d.rng.IntN(20) == 0 {
			e.Deleted = true
		} else {
			// The HLC inside the data lets the check see that a pulled body
			// belongs to the pulled version (no torn or mixed-up record).
			e.Data, _ = json.Marshal(map[string]any{"stamp": h, "n": d.seq, "text": strings.Repeat("x", d.rng.IntN(300))})
		}
		recs = append(recs, e)
	}
	return recs
}

// push sends one batch and records what the server acknowledged. Only a 200
// whose body was read whole counts: a response cut by the kill acknowledged
// nothing the client could know of.
func (d *device) push(ctx context.Context, url string, l *ledger) (ok bool) {
	recs := d.batch(l)
	body, _ := json.Marshal(protocol.PushRequest{Records: recs})
	req, _ := http.NewRequestWithContext(ctx, "POST", url+"/v1/sync/push", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+d.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			// A 4xx means the workload itself is wrong: say so, or the
			// campaign would "pass" with nothing acknowledged.
			l.anomaly("push answered %d", resp.StatusCode)
		}
		return false
	}
	var pr protocol.PushResponse
	if err := json.NewDecoder(resp.Body).Decode(&pr); err != nil {
		return false
	}
	if len(pr.Results) != len(recs) {
		l.anomaly("push of %d records got %d results", len(recs), len(pr.Results))
		return false
	}
	d.clock.ObserveServerTime(pr.ServerTimeMS)
	for i, res := range pr.Results {
		sent := recs[i]
		switch {
		case res.ID != sent.ID:
			l.anomaly("result %d is for %s, not %s", i, res.ID, sent.ID)
		case res.Outcome == protocol.Applied && res.HLC == sent.HLC:
			l.ack(sent.ID, sent.HLC)
		case res.Outcome == protocol.Superseded && res.HLC > sent.HLC:
			// The server holds a newer version; nothing of ours to remember.
		default:
			l.anomaly("%s: outcome %s with hlc %s for pushed %s", sent.ID, res.Outcome, res.HLC, sent.HLC)
		}
	}
	return true
}

// pushers runs one goroutine per device until ctx ends; device i pushes to
// urls[i%len(urls)]. A dead server or database only makes pushes fail, which
// is expected: the pusher retries after a short pause.
// okCount and failCount count pushes answered 200 and not, per instance.
func pushers(ctx context.Context, devs []*device, urls []string, l *ledger, okCount, failCount []atomic.Int64) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inst := i % len(urls)
			for ctx.Err() == nil {
				if d.push(ctx, urls[inst], l) {
					okCount[inst].Add(1)
				} else if ctx.Err() == nil {
					failCount[inst].Add(1)
					select {
					case <-ctx.Done():
					case <-time.After(time.Duration(5+d.rng.IntN(20)) * time.Millisecond):
					}
				}
			}
		}()
	}
	return &wg
}

// checkResult is what a full pull found against the ledger.
type checkResult struct {
	checked int // ids compared
	lost    []string
	held    int // records the server returned
}

// verify pulls everything (following `more`, PROTOCOL §6) and compares it
// with the ledger. Pushers must be stopped: the ledger is read as of now.
func verify(ctx context.Context, url string, d *device, l *ledger) (checkResult, error) {
	held := map[string]string{}
	var after int64
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/v1/sync/pull?after=%d&limit=5000", url, after), nil)
		req.Header.Set("Authorization", "Bearer "+d.token)
		resp, err := client.Do(req)
		if err != nil {
			return checkResult{}, fmt.Errorf("pull: %v", err)
		}
		var p protocol.PullResponse
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return checkResult{}, fmt.Errorf("pull after %d: %d %s", after, resp.StatusCode, b)
		}
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil {
			return checkResult{}, fmt.Errorf("pull after %d: %v", after, err)
		}
		for _, r := range p.Records {
			if r.Seq <= after {
				return checkResult{}, fmt.Errorf("pull after %d returned seq %d", after, r.Seq)
			}
			after = r.Seq
			// A record may come again on a later page if it changed meanwhile
			// (a commit of a killed server's session landing late): keep the
			// greatest version seen.
			if r.HLC > held[r.ID] {
				held[r.ID] = r.HLC
			}
			if !r.Deleted {
				var body struct {
					Stamp string `json:"stamp"`
				}
				if json.Unmarshal(r.Data, &body) != nil || body.Stamp != r.HLC {
					return checkResult{}, fmt.Errorf("record %s: data of version %q held under hlc %s", r.ID, body.Stamp, r.HLC)
				}
			}
		}
		if p.Cursor != after {
			return checkResult{}, fmt.Errorf("cursor %d, last seq %d", p.Cursor, after)
		}
		if !p.More {
			break
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	res := checkResult{checked: len(l.acked), held: len(held)}
	for id, h := range l.acked {
		if held[id] < h {
			res.lost = append(res.lost, fmt.Sprintf("%s acknowledged at %s, held %q", id, h, held[id]))
		}
	}
	return res, nil
}
