package main

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/pgtest"
)

// pgSetup creates a database with one school and user, via the CLI.
func pgSetup(t *testing.T) string {
	t.Helper()
	url := pgtest.URL(t)
	if out, err := cli(t, "", []string{"SYNCSERVER_POSTGRES=" + url}, "school", "add", "--slug", "lincoln-elem", "--name", "Lincoln"); err != nil {
		t.Fatalf("school add: %v %s", err, out)
	}
	if out, err := cli(t, "password-123\n", nil, "user", "add", "--postgres", url, "--school", "lincoln-elem", "--username", "rivera", "--name", "Ana", "--role", "admin"); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	return url
}

// TestTwoInstancesOneDatabase: 8 pushers and 4 pullers spread over two
// server processes; every puller ends with every applied id, and the final
// state is the LWW maximum per id.
func TestTwoInstancesOneDatabase(t *testing.T) {
	url := pgSetup(t)
	a := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	b := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	urls := []string{a.url, b.url}
	ids := make([]string, 40) // shared ids: pushers race on the same records
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	var mu sync.Mutex
	maxHLC := map[string]string{}
	var wg sync.WaitGroup
	for p := 0; p < 8; p++ {
		tok, dev := enrol(t, urls[p%2])
		clock := hlc.NewClock(dev, hlc.State{}, nil)
		wg.Add(1)
		go func(p int, tok string) {
			defer wg.Done()
			for round := 0; round < 10; round++ {
				var recs []record.Envelope
				for i := 0; i < 10; i++ {
					id := ids[(p*7+round*3+i)%len(ids)]
					recs = append(recs, record.Envelope{ID: id, Type: "note", HLC: clock.Now().String(), Data: []byte(`{"p":1}`)})
				}
				resp, err := request("POST", urls[(p+round)%2]+"/v1/sync/push", tok, protocol.PushRequest{Records: dedupe(recs)})
				if err != nil {
					t.Error(err)
					return
				}
				var pr protocol.PushResponse
				json.NewDecoder(resp.Body).Decode(&pr)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("push %d", resp.StatusCode)
					return
				}
				mu.Lock()
				for _, r := range dedupe(recs) {
					if r.HLC > maxHLC[r.ID] {
						maxHLC[r.ID] = r.HLC
					}
				}
				mu.Unlock()
			}
		}(p, tok)
	}
	stop := make(chan struct{})
	finals := make([]map[string]string, 4)
	var pw sync.WaitGroup
	for q := 0; q < 4; q++ {
		tok, _ := enrol(t, urls[q%2])
		pw.Add(1)
		go func(q int, tok string) {
			defer pw.Done()
			got := map[string]string{}
			after, last := int64(0), false
			for {
				resp, err := request("GET", urls[q%2]+"/v1/sync/pull?limit=7&after="+itoa(after), tok, nil)
				if err != nil {
					t.Error(err)
					return
				}
				var p protocol.PullResponse
				json.NewDecoder(resp.Body).Decode(&p)
				resp.Body.Close()
				for _, r := range p.Records {
					got[r.ID] = r.HLC
				}
				after = p.Cursor
				if !p.More {
					if last {
						finals[q] = got
						return
					}
					select {
					case <-stop:
						last = true
					default:
						time.Sleep(time.Millisecond)
					}
				}
			}
		}(q, tok)
	}
	wg.Wait()
	close(stop)
	pw.Wait()
	for q, got := range finals {
		for id, h := range maxHLC {
			if got[id] != h {
				t.Fatalf("puller %d holds %q for %s, want the maximum %q", q, got[id], id, h)
			}
		}
	}
}

func dedupe(recs []record.Envelope) []record.Envelope {
	seen := map[string]bool{}
	var out []record.Envelope
	for _, r := range recs {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestPostgresKillOneInstance: kill -9 of one instance during pushes; every
// acknowledged record survives, read through the other.
func TestPostgresKillOneInstance(t *testing.T) {
	url := pgSetup(t)
	a := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	b := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	tok, dev := enrol(t, a.url)
	clock := hlc.NewClock(dev, hlc.State{}, nil)
	acked := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var recs []record.Envelope
				for i := 0; i < 50; i++ {
					recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: "note", HLC: clock.Now().String(), Data: []byte(`{}`)})
				}
				resp, err := request("POST", a.url+"/v1/sync/push", tok, protocol.PushRequest{Records: recs})
				if err != nil {
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					mu.Lock()
					for _, r := range recs {
						acked[r.ID] = r.HLC
					}
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(400 * time.Millisecond)
	a.cmd.Process.Kill()
	a.cmd.Wait()
	wg.Wait()
	got, _ := pullIDs(t, b.url, tok)
	if len(acked) == 0 {
		t.Fatal("nothing acknowledged")
	}
	for id, h := range acked {
		if got[id] != h {
			t.Fatalf("acknowledged %s lost", id)
		}
	}
}

// TestRevocationAcrossInstances: revoked on A, refused on B at once.
func TestRevocationAcrossInstances(t *testing.T) {
	url := pgSetup(t)
	a := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	b := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	admin, _ := enrol(t, a.url)
	tok, dev := enrol(t, b.url)
	if resp, _ := request("GET", b.url+"/v1/sync/pull", tok, nil); resp.StatusCode != 200 {
		t.Fatalf("before: %d", resp.StatusCode)
	}
	resp, err := request("DELETE", a.url+"/v1/admin/devices/"+dev.String(), admin, nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %v %d", err, resp.StatusCode)
	}
	if resp, _ := request("GET", b.url+"/v1/sync/pull", tok, nil); resp.StatusCode != 401 {
		t.Fatalf("after revocation on A, B answers %d", resp.StatusCode)
	}
}

// TestParallelGuessesTwoInstances: ADR 0004's login limit across instances. 400
// wrong passwords at once, spread over two server processes on one
// database: at most 10 are checked; the right password afterwards is 429.
// Hostile fields are 400 on PostgreSQL too (a NUL byte once gave 500).
func TestParallelGuessesTwoInstances(t *testing.T) {
	url := pgSetup(t)
	a := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	b := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	enrolBody := func(school, user, pw string) map[string]any {
		return map[string]any{"school": school, "username": user, "password": pw, "device_id": uuid.NewString(), "device_name": "t"}
	}
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 400; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			u := []string{a.url, b.url}[i%2]
			resp, err := request("POST", u+"/v1/devices", "", enrolBody("lincoln-elem", "rivera", "wrong-"+itoa(int64(i))))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			counts[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if counts[401] > 10 || counts[401]+counts[429] != 400 {
		t.Fatalf("400 guesses over two instances answered %v: want at most 10 × 401, the rest 429", counts)
	}
	t.Logf("400 parallel guesses over two instances: %v", counts)
	for _, u := range []string{a.url, b.url} {
		resp, err := request("POST", u+"/v1/devices", "", enrolBody("lincoln-elem", "rivera", "password-123"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
			t.Errorf("right password after the guesses: %d (Retry-After %q), want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	for name, body := range map[string]map[string]any{
		"NUL in slug":     enrolBody("lincoln\x00elem", "rivera", "password-123"),
		"NUL in username": enrolBody("lincoln-elem", "riv\x00era", "password-123"),
		"40 KB slug":      enrolBody(string(bytesOf('s', 40<<10)), "rivera", "password-123"),
		"long username":   enrolBody("lincoln-elem", string(bytesOf('u', 5000)), "password-123"),
	} {
		resp, err := request("POST", a.url+"/v1/devices", "", body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%s on PostgreSQL: %d, want 400", name, resp.StatusCode)
		}
	}
}

func bytesOf(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}
