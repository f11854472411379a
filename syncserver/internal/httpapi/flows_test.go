package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

func TestEnrolPushPullRoundTrip(t *testing.T) {
	e := newEnv(t)
	d := e.enrol("lincoln", "ana")
	id := uuid.NewString()
	r := d.rec(id, `{"body":"guessing at -ing words","future_field":{"x":1}}`)
	s, b := e.push(d, r)
	if s != 200 {
		t.Fatalf("%d %s", s, b)
	}
	var pr protocol.PushResponse
	if err := json.Unmarshal(b, &pr); err != nil || len(pr.Results) != 1 || pr.Results[0].Outcome != protocol.Applied || pr.Results[0].HLC != r.HLC || pr.Epoch == "" || pr.ServerTimeMS == 0 {
		t.Fatalf("push response %s", b)
	}
	s, b = e.push(d, r)
	json.Unmarshal(b, &pr)
	if s != 200 || pr.Results[0].Outcome != protocol.Unchanged {
		t.Fatalf("retry: %s", b)
	}
	_, b = e.do("GET", "/v1/sync/pull", d.token, nil)
	var pl protocol.PullResponse
	if err := json.Unmarshal(b, &pl); err != nil || len(pl.Records) != 1 || pl.Cursor != 1 || pl.More || pl.Epoch != pr.Epoch {
		t.Fatalf("pull %s", b)
	}
	if got := pl.Records[0]; got.Seq != 1 || got.HLC != r.HLC || !strings.Contains(string(got.Data), "future_field") {
		t.Fatalf("pulled %+v", got)
	}
}

func TestTenantIsolationHTTP(t *testing.T) {
	e := newEnv(t)
	x, y := e.enrol("lincoln", "admin"), e.enrol("washington", "admin")
	id := uuid.NewString()
	if s, b := e.push(x, x.rec(id, `{"school":"lincoln"}`)); s != 200 {
		t.Fatal(s, string(b))
	}
	older := y.rec(id, `{"school":"washington"}`)
	s, b := e.push(y, older)
	var pr protocol.PushResponse
	json.Unmarshal(b, &pr)
	if s != 200 || pr.Results[0].Outcome != protocol.Applied || pr.Results[0].HLC != older.HLC {
		t.Fatalf("washington's push learned of lincoln's record: %s", b)
	}
	if got := e.pullAll(y); len(got) != 1 || !strings.Contains(string(got[id].Data), "washington") {
		t.Fatalf("washington pulls %+v", got)
	}
	if got := e.pullAll(x); !strings.Contains(string(got[id].Data), "lincoln") {
		t.Fatalf("lincoln pulls %+v", got)
	}
	// An admin of one school cannot list or revoke the other's devices.
	_, b = e.do("GET", "/v1/admin/devices", y.token, nil)
	if strings.Contains(string(b), x.id) {
		t.Fatalf("device list crosses schools: %s", b)
	}
	s, _ = e.do("DELETE", "/v1/admin/devices/"+x.id, y.token, nil)
	if s != 404 {
		t.Fatalf("revoking another school's device: %d", s)
	}
}

func TestRestrictedNeverReachesOthers(t *testing.T) {
	e := newEnv(t)
	ana, ben, admin := e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben"), e.enrol("lincoln", "admin")
	id := uuid.NewString()
	r := ana.rec(id, `{"body":"SECRET-HEALTH-MATTER"}`)
	r.Restricted = true
	if s, b := e.push(ana, r); s != 200 {
		t.Fatal(s, string(b))
	}
	_, raw := e.do("GET", "/v1/sync/pull?limit=5000", ben.token, nil)
	if strings.Contains(string(raw), "SECRET") {
		t.Fatalf("ben's pull carries the content: %s", raw)
	}
	got := e.pullAll(ben)[id]
	if !got.Deleted || got.Data != nil || got.Restricted || got.HLC != r.HLC || got.Type != "note" {
		t.Fatalf("ben gets %+v, want a tombstone", got)
	}
	if got := e.pullAll(admin)[id]; got.Deleted || !strings.Contains(string(got.Data), "SECRET") {
		t.Fatalf("admin gets %+v", got)
	}
	if got := e.pullAll(ana)[id]; !got.Restricted || !strings.Contains(string(got.Data), "SECRET") {
		t.Fatalf("author gets %+v", got)
	}
	// Ben's push to it is refused without revealing its HLC or content.
	s, b := e.push(ben, ben.rec(id, `{"body":"overwrite"}`))
	if s != 403 || strings.Contains(string(b), "SECRET") || strings.Contains(string(b), r.HLC) {
		t.Fatalf("ben's overwrite: %d %s", s, b)
	}
	if !strings.Contains(e.pullAll(ana)[id].HLC, r.HLC) {
		t.Fatal("the note changed")
	}
	if strings.Contains(e.logs.String(), "SECRET") {
		t.Fatal("record data in the logs")
	}
}

func TestRevocationAtNextRequest(t *testing.T) {
	e := newEnv(t)
	admin, ana := e.enrol("lincoln", "admin"), e.enrol("lincoln", "ana")
	if s, _ := e.do("GET", "/v1/sync/pull", ana.token, nil); s != 200 {
		t.Fatal(s)
	}
	_, b := e.do("GET", "/v1/admin/devices", admin.token, nil)
	var dl protocol.DevicesResponse
	if err := json.Unmarshal(b, &dl); err != nil || len(dl.Devices) != 2 {
		t.Fatalf("devices: %s", b)
	}
	for _, d := range dl.Devices {
		if d.DeviceID == ana.id && (d.User.Name != "ana" || d.Revoked || d.EnrolledAt == "" || d.DeviceName != "tablet") {
			t.Fatalf("ana's device: %+v", d)
		}
	}
	if s, b := e.do("DELETE", "/v1/admin/devices/"+ana.id, admin.token, nil); s != http.StatusNoContent {
		t.Fatal(s, string(b))
	}
	s, b := e.do("GET", "/v1/sync/pull", ana.token, nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	s, b = e.push(ana, ana.rec(uuid.NewString(), `{}`))
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	_, b = e.do("GET", "/v1/admin/devices", admin.token, nil)
	if !strings.Contains(string(b), `"revoked":true`) {
		t.Fatalf("not shown revoked: %s", b)
	}
}

func TestAdminAddsUser(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	s, b := e.do("POST", "/v1/admin/users", admin.token, map[string]any{"username": "cruz", "name": "Dana Cruz", "role": "interventionist", "password": "a-long-password"})
	var r protocol.AddUserResponse
	if s != 201 || json.Unmarshal(b, &r) != nil || r.User.Username != "cruz" || r.User.ID == "" || strings.Contains(string(b), "password") {
		t.Fatalf("%d %s", s, b)
	}
	e.enrol("lincoln", "ana") // unaffected
	s, b = e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "cruz", "password": "a-long-password", "device_id": uuid.NewString()})
	if s != 201 {
		t.Fatalf("new user cannot enrol: %d %s", s, b)
	}
	s, b = e.do("POST", "/v1/admin/users", admin.token, map[string]any{"username": "short", "name": "S", "role": "interventionist", "password": "short"})
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	s, b = e.do("POST", "/v1/admin/users", admin.token, map[string]any{"username": "x", "name": "X", "role": "superuser", "password": "long-enough"})
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	if strings.Contains(e.logs.String(), "a-long-password") || strings.Contains(e.logs.String(), admin.token) {
		t.Fatal("a password or token in the logs")
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if s, b := e.do("GET", p, "", nil); s != 200 {
			t.Fatalf("%s: %d %s", p, s, b)
		}
	}
	d := e.enrol("lincoln", "ana")
	e.push(d, d.rec(uuid.NewString(), `{}`))
	_, b := e.do("GET", "/metrics", "", nil)
	for _, want := range []string{`syncserver_push_records_total{outcome="applied"} 1`, `syncserver_http_requests_total{method="POST",route="/v1/sync/push",status="2xx"} 1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	e.st.Close()
	if s, _ := e.do("GET", "/readyz", "", nil); s != 503 {
		t.Fatalf("readyz with a closed store: %d", s)
	}
	if s, _ := e.do("GET", "/healthz", "", nil); s != 200 {
		t.Fatalf("healthz with a closed store: %d", s)
	}
}

// TestConcurrentPushPullNoSkip: over HTTP, pullers beside pushers end with
// every applied id.
func TestConcurrentPushPullNoSkip(t *testing.T) {
	e := newEnv(t)
	const pushers, pullers, rounds = 4, 3, 10
	devs := make([]device, pushers)
	for i := range devs {
		devs[i] = e.enrol("lincoln", "ana")
	}
	reader := e.enrol("lincoln", "ben")
	var mu sync.Mutex
	applied := map[string]bool{}
	var wg sync.WaitGroup
	for _, d := range devs {
		wg.Add(1)
		go func(d device) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				var recs []record.Envelope
				for i := 0; i < 20; i++ {
					recs = append(recs, d.rec(uuid.NewString(), fmt.Sprintf(`{"r":%d}`, r)))
				}
				s, b := e.push(d, recs...)
				if s != 200 {
					t.Errorf("push %d %s", s, b)
					return
				}
				mu.Lock()
				for _, x := range recs {
					applied[x.ID] = true
				}
				mu.Unlock()
			}
		}(d)
	}
	stop := make(chan struct{})
	seen := make([]map[string]bool, pullers)
	var pw sync.WaitGroup
	for q := 0; q < pullers; q++ {
		pw.Add(1)
		go func(q int) {
			defer pw.Done()
			got := map[string]bool{}
			after, last := int64(0), false
			for {
				s, b := e.do("GET", fmt.Sprintf("/v1/sync/pull?after=%d&limit=17", after), reader.token, nil)
				var p protocol.PullResponse
				if s != 200 || json.Unmarshal(b, &p) != nil {
					t.Errorf("pull %d", s)
					return
				}
				for _, r := range p.Records {
					got[r.ID] = true
				}
				after = p.Cursor
				if !p.More {
					if last {
						seen[q] = got
						return
					}
					select {
					case <-stop:
						last = true
					default:
					}
				}
			}
		}(q)
	}
	wg.Wait()
	close(stop)
	pw.Wait()
	for q, got := range seen {
		for id := range applied {
			if !got[id] {
				t.Fatalf("puller %d never saw %s", q, id)
			}
		}
	}
	if len(applied) != pushers*rounds*20 {
		t.Fatalf("applied %d", len(applied))
	}
}
