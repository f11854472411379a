package httpapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/store"
)

// testPasswords: tests hash many passwords, at bcrypt's lowest cost.
var testPasswords = auth.Passwords{Cost: bcrypt.MinCost}

const pw = "correct horse"

// env is a server on a real bbolt store with two schools.
type env struct {
	t    testing.TB
	st   *boltstore.Store
	api  *Server
	srv  *httptest.Server
	logs *bytes.Buffer
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, Config{})
}

// newEnvWith is newEnv with cfg's settings (the store and logger are set here).
func newEnvWith(t testing.TB, cfg Config) *env {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, logs: &bytes.Buffer{}}
	cfg.Store, cfg.Logger, cfg.MetricsOnMain = st, slog.New(slog.NewJSONHandler(e.logs, nil)), true
	if cfg.Passwords == (auth.Passwords{}) {
		cfg.Passwords = testPasswords
	}
	e.api = New(cfg)
	e.srv = httptest.NewServer(e.api.Handler())
	t.Cleanup(func() { e.srv.Close(); st.Close() })
	seedSchools(t, st)
	return e
}

// seedSchools adds the schools lincoln and washington, each with the users
// admin, ana and ben (password pw).
func seedSchools(t testing.TB, st store.Store) {
	t.Helper()
	for _, slug := range []string{"lincoln", "washington"} {
		sc, err := st.CreateSchool(t.Context(), store.School{Slug: slug, Name: slug})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []struct{ name, role string }{{"admin", "admin"}, {"ana", "interventionist"}, {"ben", "interventionist"}} {
			nu, err := schooladmin.NewUser(testPasswords, sc.ID, protocol.AddUserRequest{Username: u.name, Name: u.name, Role: u.role, Password: pw})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateUser(t.Context(), nu); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// device is an enrolled device.
type device struct {
	id, token string
	clock     *hlc.Clock
}

func (e *env) enrol(school, user string) device {
	e.t.Helper()
	id := uuid.NewString()
	status, body := e.do("POST", "/v1/devices", "", map[string]any{"school": school, "username": user, "password": pw, "device_id": id, "device_name": "tablet"})
	if status != http.StatusCreated {
		e.t.Fatalf("enrol %s/%s: %d %s", school, user, status, body)
	}
	var r protocol.EnrolResponse
	if err := json.Unmarshal(body, &r); err != nil || len(r.Token) < 43 || r.School.Slug != school || r.ServerTimeMS == 0 {
		e.t.Fatalf("enrol response %s: %v", body, err)
	}
	return device{id: id, token: r.Token, clock: hlc.NewClock(uuid.MustParse(id), hlc.State{}, nil)}
}

func (d device) rec(id string, data string) record.Envelope {
	return record.Envelope{ID: id, Type: "note", HLC: d.clock.Now().String(), Data: json.RawMessage(data)}
}

// do sends JSON (or raw bytes when body is []byte) and returns status and body.
func (e *env) do(method, path, token string, body any, hdr ...string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func (e *env) push(d device, recs ...record.Envelope) (int, []byte) {
	return e.do("POST", "/v1/sync/push", d.token, protocol.PushRequest{Records: recs})
}

func (e *env) pullAll(d device) map[string]record.Envelope {
	e.t.Helper()
	out := map[string]record.Envelope{}
	after := int64(0)
	for {
		status, body := e.do("GET", fmt.Sprintf("/v1/sync/pull?after=%d&limit=50", after), d.token, nil)
		if status != 200 {
			e.t.Fatalf("pull: %d %s", status, body)
		}
		var p protocol.PullResponse
		if err := json.Unmarshal(body, &p); err != nil {
			e.t.Fatalf("pull body: %v", err)
		}
		for _, r := range p.Records {
			out[r.ID] = r
		}
		after = p.Cursor
		if !p.More {
			return out
		}
	}
}

// wantError checks status, code and (when index >= 0) the index of an error body.
func wantError(t *testing.T, status int, body []byte, wantStatus int, code protocol.Code, index int) *protocol.Error {
	t.Helper()
	var eb protocol.ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil || eb.Error == nil {
		t.Fatalf("status %d: body is not an error object: %s", status, body)
	}
	if status != wantStatus || eb.Error.Code != code || eb.Error.Message == "" {
		t.Fatalf("got %d %s (%s), want %d %s", status, eb.Error.Code, eb.Error.Message, wantStatus, code)
	}
	if index >= 0 && (eb.Error.Index == nil || *eb.Error.Index != index) {
		t.Fatalf("index = %v, want %d", eb.Error.Index, index)
	}
	return eb.Error
}

// TestErrorTable provokes every row of PROTOCOL §8 through HTTP.
func TestErrorTable(t *testing.T) {
	e := newEnv(t)
	ana := e.enrol("lincoln", "ana")
	admin := e.enrol("lincoln", "admin")
	good := func() record.Envelope { return ana.rec(uuid.NewString(), `{"a":1}`) }

	t.Run("invalid_json", func(t *testing.T) {
		s, b := e.do("POST", "/v1/sync/push", ana.token, []byte(`{"records": [`))
		wantError(t, s, b, 400, protocol.CodeInvalidJSON, -1)
		s, b = e.do("POST", "/v1/sync/push", ana.token, []byte(`[1,2]`))
		wantError(t, s, b, 400, protocol.CodeInvalidJSON, -1)
	})
	t.Run("invalid_record", func(t *testing.T) {
		bad := good()
		bad.ID = strings.ToUpper(bad.ID)
		s, b := e.push(ana, good(), bad)
		wantError(t, s, b, 400, protocol.CodeInvalidRecord, 1)
		forged := good()
		forged.HLC = forged.HLC[:20] + uuid.NewString() // another device's node
		s, b = e.push(ana, forged)
		wantError(t, s, b, 400, protocol.CodeInvalidRecord, 0)
	})
	t.Run("duplicate_id", func(t *testing.T) {
		r := good()
		s, b := e.push(ana, r, r)
		wantError(t, s, b, 400, protocol.CodeDuplicateID, 1)
	})
	t.Run("invalid_request", func(t *testing.T) {
		for _, q := range []string{"after=abc", "after=-1", "limit=0", "limit=x", "after=1e3"} {
			s, b := e.do("GET", "/v1/sync/pull?"+q, ana.token, nil)
			wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
		}
		s, b := e.do("DELETE", "/v1/admin/devices/not-a-uuid", admin.token, nil)
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	})
	t.Run("unauthorized", func(t *testing.T) {
		s, b := e.do("GET", "/v1/sync/pull", "", nil)
		wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
		s, b = e.do("GET", "/v1/sync/pull", "made-up-token", nil)
		wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
		// Same body for a wrong password and an unknown user.
		s1, b1 := e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": "wrong-password", "device_id": uuid.NewString()})
		s2, b2 := e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "nobody", "password": "wrong-password", "device_id": uuid.NewString()})
		wantError(t, s1, b1, 401, protocol.CodeUnauthorized, -1)
		if s1 != s2 || !bytes.Equal(b1, b2) {
			t.Errorf("unknown user answers differently: %s vs %s", b1, b2)
		}
	})
	t.Run("forbidden", func(t *testing.T) {
		s, b := e.do("GET", "/v1/admin/devices", ana.token, nil)
		wantError(t, s, b, 403, protocol.CodeForbidden, -1)
		r := good()
		r.Restricted = true
		if s, b := e.push(ana, r); s != 200 {
			t.Fatalf("restricted push by author: %d %s", s, b)
		}
		ben := e.enrol("lincoln", "ben")
		v := ben.rec(r.ID, `{"b":1}`)
		s, b = e.push(ben, ben.rec(uuid.NewString(), `{}`), v)
		wantError(t, s, b, 403, protocol.CodeForbidden, 1)
	})
	t.Run("not_found", func(t *testing.T) {
		s, b := e.do("GET", "/v1/nothing-here", ana.token, nil)
		wantError(t, s, b, 404, protocol.CodeNotFound, -1)
		s, b = e.do("DELETE", "/v1/admin/devices/"+uuid.NewString(), admin.token, nil)
		wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	})
	t.Run("conflict", func(t *testing.T) {
		s, b := e.do("POST", "/v1/admin/users", admin.token, map[string]any{"username": "ana", "name": "Ana 2", "role": "interventionist", "password": "longenough"})
		wantError(t, s, b, 409, protocol.CodeConflict, -1)
	})
	t.Run("too_large", func(t *testing.T) {
		recs := make([]record.Envelope, protocol.MaxPushRecords+1)
		for i := range recs {
			recs[i] = good()
		}
		s, b := e.push(ana, recs...)
		wantError(t, s, b, 413, protocol.CodeTooLarge, -1)
		big := bytes.Repeat([]byte(" "), protocol.MaxPushBodyBytes+10)
		copy(big, `{"records":[]}`)
		s, b = e.do("POST", "/v1/sync/push", ana.token, big)
		wantError(t, s, b, 413, protocol.CodeTooLarge, -1)
	})
	t.Run("unsupported_media_type", func(t *testing.T) {
		s, b := e.do("POST", "/v1/sync/push", ana.token, []byte(`{"records":[]}`), "Content-Type", "text/plain")
		wantError(t, s, b, 415, protocol.CodeUnsupportedMediaType, -1)
	})
	t.Run("clock_ahead", func(t *testing.T) {
		r := good()
		ahead := hlc.Timestamp{Wall: time.Now().Add(10 * time.Minute).UnixMilli(), Node: uuid.MustParse(ana.id)}
		r.HLC = ahead.String()
		s, b := e.push(ana, good(), r)
		pe := wantError(t, s, b, 422, protocol.CodeClockAhead, 1)
		if pe.ServerTimeMS == nil || *pe.ServerTimeMS < time.Now().Add(-time.Minute).UnixMilli() {
			t.Errorf("server_time_ms = %v", pe.ServerTimeMS)
		}
	})
	t.Run("rate_limited", func(t *testing.T) {
		for i := 0; i < auth.MaxFailures; i++ {
			s, b := e.do("POST", "/v1/devices", "", map[string]any{"school": "washington", "username": "ben", "password": "wrong-password", "device_id": uuid.NewString()})
			wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
		}
		// Even the right password is refused now: the limit protects the account.
		s, b := e.do("POST", "/v1/devices", "", map[string]any{"school": "washington", "username": "ben", "password": pw, "device_id": uuid.NewString()})
		wantError(t, s, b, 429, protocol.CodeRateLimited, -1)
		// Another user of the same school is unaffected.
		e.enrol("washington", "ana")
	})
	t.Run("resync_required", func(t *testing.T) {
		d := e.enrol("washington", "admin")
		a, b2 := d.rec(uuid.NewString(), `{}`), d.rec(uuid.NewString(), `{}`)
		if s, b := e.push(d, a, b2); s != 200 {
			t.Fatalf("%d %s", s, b)
		}
		del := record.Envelope{ID: b2.ID, Type: "note", HLC: d.clock.Now().String(), Deleted: true}
		if s, b := e.push(d, del); s != 200 {
			t.Fatalf("%d %s", s, b)
		}
		if n, err := e.st.PurgeTombstones(t.Context(), time.Now().Add(time.Hour)); err != nil || n == 0 {
			t.Fatalf("purge: %d %v", n, err)
		}
		s, b := e.do("GET", "/v1/sync/pull?after=1", d.token, nil)
		wantError(t, s, b, 410, protocol.CodeResyncRequired, -1)
	})
	t.Run("internal", func(t *testing.T) {
		e2 := newEnv(t)
		d := e2.enrol("lincoln", "ana")
		e2.st.Close()
		s, b := e2.do("GET", "/v1/sync/pull", d.token, nil)
		pe := wantError(t, s, b, 500, protocol.CodeInternal, -1)
		if strings.Contains(pe.Message, "bolt") || strings.Contains(pe.Message, "database") {
			t.Errorf("internal message leaks details: %q", pe.Message)
		}
	})
}

// TestHostileInput: each bad body gets a 4xx and the store is unchanged.
func TestHostileInput(t *testing.T) {
	e := newEnv(t)
	d := e.enrol("lincoln", "ana")
	id := uuid.NewString()
	h := d.clock.Now().String()
	deep := `{"records":[{"id":"` + id + `","type":"note","hlc":"` + h + `","data":` + strings.Repeat(`{"a":`, 70) + `1` + strings.Repeat(`}`, 70) + `}]}`
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(`{"records":[`))
	zw.Write(bytes.Repeat([]byte(" "), 9<<20))
	zw.Write([]byte(`]}`))
	zw.Close()
	cases := []struct {
		name   string
		body   []byte
		hdr    []string
		status int
	}{
		{"truncated", []byte(`{"records":[{"id":"` + id), nil, 400},
		{"garbage", []byte("\x00\x01garbage"), nil, 400},
		{"empty", []byte(``), nil, 400},
		{"records not array", []byte(`{"records":{"id":1}}`), nil, 400},
		{"record scalar", []byte(`{"records":[5]}`), nil, 400},
		{"id number", []byte(`{"records":[{"id":5,"type":"note","hlc":"` + h + `","data":{}}]}`), nil, 400},
		{"deleted string", []byte(`{"records":[{"id":"` + id + `","type":"note","hlc":"` + h + `","deleted":"yes","data":{}}]}`), nil, 400},
		{"data array", []byte(`{"records":[{"id":"` + id + `","type":"note","hlc":"` + h + `","data":[1]}]}`), nil, 400},
		{"bad type", []byte(`{"records":[{"id":"` + id + `","type":"Note!","hlc":"` + h + `","data":{}}]}`), nil, 400},
		{"bad uuid", []byte(`{"records":[{"id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e0z","type":"note","hlc":"` + h + `","data":{}}]}`), nil, 400},
		{"bad hlc", []byte(`{"records":[{"id":"` + id + `","type":"note","hlc":"0000000000001-00000-` + d.id + `","data":{}}]}`), nil, 400},
		{"deep nesting", []byte(deep), nil, 400},
		{"bad utf8", []byte("{\"records\":[{\"id\":\"" + id + "\",\"type\":\"note\",\"hlc\":\"" + h + "\",\"data\":{\"a\":\"\xff\xfe\"}}]}"), nil, 400},
		{"tombstone with data", []byte(`{"records":[{"id":"` + id + `","type":"note","hlc":"` + h + `","deleted":true,"data":{"a":1}}]}`), nil, 400},
		{"data over 256 KiB", []byte(`{"records":[{"id":"` + id + `","type":"note","hlc":"` + h + `","data":{"a":"` + strings.Repeat("x", 300<<10) + `"}}]}`), nil, 400},
		{"gzip bomb", bomb.Bytes(), []string{"Content-Encoding", "gzip"}, 413},
		{"broken gzip", []byte("not gzip"), []string{"Content-Encoding", "gzip"}, 400},
		{"unknown encoding", []byte(`{"records":[]}`), []string{"Content-Encoding", "br"}, 415},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, b := e.do("POST", "/v1/sync/push", d.token, c.body, c.hdr...)
			if s != c.status {
				t.Fatalf("status %d, want %d: %s", s, c.status, b)
			}
			var eb protocol.ErrorBody
			if json.Unmarshal(b, &eb) != nil || eb.Error == nil || eb.Error.Code == "" {
				t.Fatalf("not a JSON error body: %s", b)
			}
		})
	}
	if got := e.pullAll(d); len(got) != 0 {
		t.Fatalf("hostile input changed the store: %d records", len(got))
	}
	// A gzip body within the limits works.
	var ok bytes.Buffer
	zw = gzip.NewWriter(&ok)
	json.NewEncoder(zw).Encode(protocol.PushRequest{Records: []record.Envelope{d.rec(id, `{"fine":true}`)}})
	zw.Close()
	if s, b := e.do("POST", "/v1/sync/push", d.token, ok.Bytes(), "Content-Encoding", "gzip"); s != 200 {
		t.Fatalf("gzip push: %d %s", s, b)
	}
	if got := e.pullAll(d); string(got[id].Data) != `{"fine":true}` {
		t.Fatalf("gzip record: %+v", got[id])
	}
}
