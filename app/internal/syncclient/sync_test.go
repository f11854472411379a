package syncclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

var bg = context.Background()

func student(name string) record.Student {
	return record.Student{GivenName: name, FamilyName: "Lopez", Grade: "2"}
}

func TestEnrolPushPullConverges(t *testing.T) {
	srv := newServer(t)
	a := newTablet(t, nil, Config{})
	b := newTablet(t, nil, Config{})
	// The device works before enrolment.
	d, err := repo.Put(bg, a.store, "", student("Maya"), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.syncer.SyncOnce(bg); !errors.Is(err, ErrNotEnrolled) {
		t.Fatalf("sync before enrolment: %v", err)
	}
	a.enrol(srv, "ana")
	b.enrol(srv, "ben")
	e, _ := a.store.Enrolment()
	if e.UserName != "Ana" || e.Role != protocol.RoleInterventionist || e.SchoolSlug != school || e.Token == "" {
		t.Fatalf("enrolment = %+v", e)
	}
	a.sync()
	if n, _ := a.store.PendingCount(); n != 0 {
		t.Fatalf("outbox after sync = %d", n)
	}
	b.sync()
	got, ok := repo.Get[record.Student](b.store, d.ID)
	if !ok || got.Data.GivenName != "Maya" || got.HLC != d.HLC {
		t.Fatalf("b got %+v, %v", got, ok)
	}
	// B edits with a field from a newer app; A edits the known fields; the
	// unknown one survives both hops.
	raw := json.RawMessage(`{"given_name":"Maya","family_name":"Lopez","grade":"2","future_field":{"x":1}}`)
	if _, err := b.store.Put(bg, record.TypeStudent, d.ID, raw, false); err != nil {
		t.Fatal(err)
	}
	b.sync()
	a.sync()
	s, _ := repo.Get[record.Student](a.store, d.ID)
	s.Data.Grade = "3"
	if _, err := repo.Put(bg, a.store, d.ID, s.Data, false); err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	v, _ := b.store.Get(d.ID)
	if !strings.Contains(string(v.Data), `"future_field":{"x":1}`) || !strings.Contains(string(v.Data), `"grade":"3"`) {
		t.Fatalf("after round trip: %s", v.Data)
	}
	st := b.syncer.State()
	if !st.Enrolled || st.LastSuccess.IsZero() || st.Pending != 0 || st.Err != "" {
		t.Fatalf("state = %+v", st)
	}
}

func TestSupersededPushKeptAsLoserAndRestorable(t *testing.T) {
	srv := newServer(t)
	var mu sync.Mutex
	var aSkew time.Duration
	aNow := func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(aSkew) }
	a := newTablet(t, aNow, Config{})
	b := newTablet(t, nil, Config{})
	a.enrol(srv, "ana")
	b.enrol(srv, "ben")
	d, _ := repo.Put(bg, a.store, "", student("Original"), false)
	a.sync()
	b.sync()
	// Both edit offline. A's clock then runs two minutes fast (still
	// within the server's bound), so A's version wins whatever the load.
	if _, err := repo.Put(bg, b.store, d.ID, student("FromB"), false); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	aSkew = 2 * time.Minute
	mu.Unlock()
	wa, _ := repo.Put(bg, a.store, d.ID, student("FromA"), false)
	bv, _ := b.store.Get(d.ID)
	if bv.HLC >= wa.HLC {
		t.Fatalf("setup: B's edit %s is not older than A's %s", bv.HLC, wa.HLC)
	}
	a.sync()
	b.sync()
	got, _ := repo.Get[record.Student](b.store, d.ID)
	if got.Data.GivenName != "FromA" {
		t.Fatalf("b holds %q, want the winner FromA", got.Data.GivenName)
	}
	cs, _ := b.store.Conflicts()
	if len(cs) != 1 || cs[0].Reason != localstore.ReasonSuperseded || cs[0].WinnerHLC != wa.HLC || !strings.Contains(string(cs[0].Loser.Data), "FromB") {
		t.Fatalf("conflicts = %+v", cs)
	}
	if st := b.syncer.State(); st.Conflicts != 1 {
		t.Fatalf("state conflicts = %d", st.Conflicts)
	}
	if !strings.HasPrefix(cs[0].Summary(nil), "another tablet saved a newer version") {
		t.Fatalf("summary %q", cs[0].Summary(nil))
	}
	// The person restores the losing version: it becomes a new write and wins.
	if _, err := b.store.RestoreConflict(bg, cs[0].ID); err != nil {
		t.Fatal(err)
	}
	b.sync()
	a.sync()
	if got, _ := repo.Get[record.Student](a.store, d.ID); got.Data.GivenName != "FromB" {
		t.Fatalf("restored version did not reach A: %q", got.Data.GivenName)
	}
}

// bigData is a data object of about n bytes that gzip cannot shrink much.
func bigData(n int, r *rand.Rand) json.RawMessage {
	buf := make([]byte, n*3/4)
	for i := range buf {
		buf[i] = byte(r.UintN(256))
	}
	return mustJSON(map[string]string{"given_name": "Big", "family_name": "Record", "grade": "1", "blob": base64.StdEncoding.EncodeToString(buf)[:n-80]})
}

func TestTooLargeBatchIsHalved(t *testing.T) {
	srv := newServer(t)
	// BatchBytes far above the limit, so the client sends a batch the server
	// refuses with 413 and must halve (PROTOCOL §9).
	var mu sync.Mutex
	var sizes []int
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/push") {
			mu.Lock()
			sizes = append(sizes, int(r.ContentLength))
			mu.Unlock()
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	a := newTablet(t, nil, Config{BatchBytes: 1 << 30, HTTP: hc})
	a.enrol(srv, "ana")
	r := rand.New(rand.NewPCG(1, 2))
	const n = 40 // 40 × 250 KiB = 10 MB > 8 MiB
	for i := 0; i < n; i++ {
		if _, err := a.store.Put(bg, record.TypeStudent, "", bigData(250<<10, r), false); err != nil {
			t.Fatal(err)
		}
	}
	a.sync()
	if n, _ := a.store.PendingCount(); n != 0 {
		t.Fatalf("pending after sync = %d", n)
	}
	if q, _ := a.store.QuarantineCount(); q != 0 {
		t.Fatalf("quarantined %d records that fit after halving", q)
	}
	mu.Lock()
	if len(sizes) < 3 {
		t.Fatalf("pushes = %d, want the refused one and its halves", len(sizes))
	}
	mu.Unlock()
	b := newTablet(t, nil, Config{})
	b.enrol(srv, "ben")
	b.sync()
	if l, _ := b.store.List(record.TypeStudent); len(l) != n {
		t.Fatalf("server holds %d of %d records", len(l), n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// refusingProxy forwards to the server but answers 413 to any push whose
// decompressed body is over limit bytes: a stand-in for a server with a
// lower limit, to prove a lone refused record is set aside.
func refusingProxy(t *testing.T, target string, limit int) string {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/sync/push") {
			body, _ := io.ReadAll(r.Body)
			plain := body
			if r.Header.Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err == nil {
					plain, _ = io.ReadAll(zr)
				}
			}
			if len(plain) > limit {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				_, _ = w.Write([]byte(`{"error":{"code":"too_large","message":"body over the limit"}}`))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	return ps.URL
}

func TestLoneRecordStillTooLargeIsQuarantined(t *testing.T) {
	srv := newServer(t)
	a := newTablet(t, nil, Config{})
	a.enrol(srv, "ana")
	proxy := refusingProxy(t, srv.URL, 100<<10)
	e, _ := a.store.Enrolment()
	e.ServerURL = proxy
	_ = a.store.SetEnrolment(bg, e)
	r := rand.New(rand.NewPCG(3, 4))
	var small []string
	for i := 0; i < 5; i++ {
		d, _ := repo.Put(bg, a.store, "", student("Small"), false)
		small = append(small, d.ID)
	}
	big, err := a.store.Put(bg, record.TypeStudent, "", bigData(200<<10, r), false)
	if err != nil {
		t.Fatal(err)
	}
	a.sync() // the big record must not block the rest of the queue
	q, _ := a.store.ListQuarantined()
	if len(q) != 1 || q[0].Record.ID != big.ID || q[0].Code != string(protocol.CodeTooLarge) {
		t.Fatalf("quarantine = %+v", q)
	}
	if st := a.syncer.State(); st.Quarantined != 1 || st.Pending != 0 {
		t.Fatalf("state = %+v", st)
	}
	if _, err := a.store.Get(big.ID); err != nil {
		t.Fatal("quarantined record no longer visible on the tablet")
	}
	b := newTablet(t, nil, Config{})
	b.enrol(srv, "ben")
	b.sync()
	for _, id := range small {
		if _, err := b.store.Get(id); err != nil {
			t.Fatalf("small record %s did not reach the server: %v", id, err)
		}
	}
}

func TestForbiddenRecordQuarantinedRestContinues(t *testing.T) {
	srv := newServer(t)
	a := newTablet(t, nil, Config{})
	b := newTablet(t, nil, Config{})
	a.enrol(srv, "ana")
	b.enrol(srv, "ben")
	stu, _ := repo.Put(bg, a.store, "", student("Kim"), false)
	note, _ := repo.PutNote(bg, a.store, "", record.Note{StudentID: stu.ID, AuthorID: "ana", Body: "reads well", Category: record.NoteAcademic}, false)
	a.sync()
	b.sync()
	// Ben marks Ana's note as health: making someone else's record
	// restricted is refused with 403 and an index (PROTOCOL §6).
	n, ok := repo.Get[record.Note](b.store, note.ID)
	if !ok {
		t.Fatal("the note did not reach ben")
	}
	n.Data.Category = record.NoteHealth
	if _, err := repo.PutNote(bg, b.store, note.ID, n.Data, false); err != nil {
		t.Fatal(err)
	}
	other, _ := repo.Put(bg, b.store, "", student("Lee"), false)
	b.sync()
	q, _ := b.store.ListQuarantined()
	if len(q) != 1 || q[0].Record.ID != note.ID || q[0].Code != string(protocol.CodeForbidden) {
		t.Fatalf("quarantine = %+v", q)
	}
	a.sync()
	if _, err := a.store.Get(other.ID); err != nil {
		t.Fatal("the rest of the batch did not reach the server")
	}
	if got, _ := repo.Get[record.Note](a.store, note.ID); got.Data.Category != record.NoteAcademic {
		t.Fatalf("refused write applied: %+v", got)
	}
}

// TestOutOfBoundsRecordQuarantinedRestContinues: a version the server
// refuses as outside DOMAIN.md §2's bounds (400 invalid_request with its
// index, ADR 0022), such as one an older app wrote, waits in quarantine on
// the tablet, and the rest of the queue reaches the server.
func TestOutOfBoundsRecordQuarantinedRestContinues(t *testing.T) {
	srv := newServer(t)
	a := newTablet(t, nil, Config{})
	a.enrol(srv, "ana")
	stu, _ := repo.Put(bg, a.store, "", student("Kim"), false)
	// Raw data is written as it came (a restored version): no Validate.
	bad, err := a.store.Put(bg, record.TypeProbe, "", json.RawMessage(`{"student_id":"`+stu.ID+`","measure":"orf_wcpm","date":"2025-03-03","score":1.7e308}`), false)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := repo.Put(bg, a.store, "", student("Lee"), false)
	a.sync()
	q, _ := a.store.ListQuarantined()
	if len(q) != 1 || q[0].Record.ID != bad.ID || q[0].Code != string(protocol.CodeInvalidRequest) || !strings.Contains(q[0].Message, "probe.score") {
		t.Fatalf("quarantine = %+v", q)
	}
	b := newTablet(t, nil, Config{})
	b.enrol(srv, "ben")
	b.sync()
	for _, id := range []string{stu.ID, other.ID} {
		if _, err := b.store.Get(id); err != nil {
			t.Fatalf("record %s of the batch did not reach the server: %v", id, err)
		}
	}
	if _, err := b.store.Get(bad.ID); err == nil {
		t.Fatal("the out-of-bounds probe reached the server")
	}
}

func TestRestrictedNoteReachesOnlyItsAuthor(t *testing.T) {
	srv := newServer(t)
	a := newTablet(t, nil, Config{})
	a2 := newTablet(t, nil, Config{}) // Ana's second tablet
	b := newTablet(t, nil, Config{})
	a.enrol(srv, "ana")
	a2.enrol(srv, "ana")
	b.enrol(srv, "ben")
	stu, _ := repo.Put(bg, a.store, "", student("Kim"), false)
	note, _ := repo.PutNote(bg, a.store, "", record.Note{StudentID: stu.ID, AuthorID: "ana", Body: "family matter", Category: record.NoteOther}, false)
	a.sync()
	b.sync()
	if _, ok := repo.Get[record.Note](b.store, note.ID); !ok {
		t.Fatal("unrestricted note did not reach ben")
	}
	n, _ := repo.Get[record.Note](a.store, note.ID)
	n.Data.Category = record.NoteFamily
	if d, err := repo.PutNote(bg, a.store, note.ID, n.Data, false); err != nil || !d.Restricted {
		t.Fatalf("family note not restricted: %+v %v", d, err)
	}
	a.sync()
	b.sync()
	a2.sync()
	v, _ := b.store.Version(note.ID)
	if !v.Deleted || len(v.Data) != 0 {
		t.Fatalf("restricted content on ben's tablet: %+v", v)
	}
	if got, ok := repo.Get[record.Note](a2.store, note.ID); !ok || got.Data.Body != "family matter" {
		t.Fatalf("author's other tablet: %+v %v", got, ok)
	}
}

func TestUnauthorizedStopsAndKeepsData(t *testing.T) {
	srv := newServer(t)
	a := newTablet(t, nil, Config{})
	a.enrol(srv, "ana")
	d, _ := repo.Put(bg, a.store, "", student("Kept"), false)
	a.sync()
	srv.revoke(a.store.DeviceID())
	p, _ := repo.Put(bg, a.store, "", student("Pending"), false)
	err := a.syncer.SyncOnce(bg)
	if !errors.Is(err, ErrEnrolmentNeeded) {
		t.Fatalf("sync after revocation: %v", err)
	}
	e, _ := a.store.Enrolment()
	if e.Enrolled() || !e.Needed || e.Token != "" {
		t.Fatalf("enrolment = %+v", e)
	}
	st := a.syncer.State()
	if st.Enrolled || !strings.Contains(st.Err, "Enrol it again") || st.Pending != 1 {
		t.Fatalf("state = %+v", st)
	}
	if _, err := a.store.Get(d.ID); err != nil {
		t.Fatal("synced data lost on 401")
	}
	// It stops, also after an app restart: no request goes out until
	// enrolment, and everything is still on the tablet.
	a.restart()
	if err := a.syncer.SyncOnce(bg); !errors.Is(err, ErrEnrolmentNeeded) {
		t.Fatalf("sync after restart: %v", err)
	}
	if n, _ := a.store.PendingCount(); n != 1 {
		t.Fatalf("pending after restart = %d", n)
	}
	a.enrol(srv, "ana")
	a.sync()
	b := newTablet(t, nil, Config{})
	b.enrol(srv, "ben")
	b.sync()
	if _, err := b.store.Get(p.ID); err != nil {
		t.Fatal("write made while revoked did not sync after re-enrolment")
	}
}

func TestClockAheadIsRestamped(t *testing.T) {
	srv := newServer(t)
	yearAhead := func() time.Time { return time.Now().Add(365 * 24 * time.Hour) }
	a := newTablet(t, yearAhead, Config{})
	// Written offline before enrolment with a clock a year ahead.
	d, _ := repo.Put(bg, a.store, "", student("Future"), false)
	if ts, _ := hlc.Parse(d.HLC); ts.Wall < time.Now().Add(300*24*time.Hour).UnixMilli() {
		t.Fatalf("setup: hlc %s not ahead", d.HLC)
	}
	// Enrol through a raw client so the enrolment's server time does not
	// correct the clock first: the push must meet 422 and recover.
	resp, err := NewClient(srv.URL, "", nil).Enrol(bg, protocol.EnrolRequest{School: school, Username: "ana", Password: password,
		DeviceID: a.store.DeviceID(), DeviceName: "t"})
	if err != nil {
		t.Fatal(err)
	}
	_ = a.store.SetEnrolment(bg, localstore.Enrolment{ServerURL: srv.URL, SchoolID: resp.School.ID, Token: resp.Token})
	a.sync()
	got, _ := a.store.Get(d.ID)
	ts, _ := hlc.Parse(got.HLC)
	if d := time.Since(time.UnixMilli(ts.Wall)); d < -time.Minute || d > time.Minute {
		t.Fatalf("re-stamped hlc %s is %v from now", got.HLC, d)
	}
	b := newTablet(t, nil, Config{})
	b.enrol(srv, "ben")
	b.sync()
	if v, ok := repo.Get[record.Student](b.store, d.ID); !ok || v.HLC != got.HLC || v.Data.GivenName != "Future" {
		t.Fatalf("server copy %+v, %v", v, ok)
	}
	// Later writes stay in step with the server.
	w, _ := repo.Put(bg, a.store, "", student("Next"), false)
	a.sync()
	if tw, _ := hlc.Parse(w.HLC); time.UnixMilli(tw.Wall).After(time.Now().Add(time.Minute)) {
		t.Fatalf("clock still ahead after correction: %s", w.HLC)
	}
}

func TestEpochChangeRepushesOwnVersions(t *testing.T) {
	srv := newServer(t)
	a := newTablet(t, nil, Config{})
	a.enrol(srv, "ana")
	early, _ := repo.Put(bg, a.store, "", student("BeforeBackup"), false)
	a.sync()
	// Back up the server's store, let it accept more, then restore the
	// backup with a new epoch (PROTOCOL §7).
	srv.stop()
	backup, err := os.ReadFile(srv.db)
	if err != nil {
		t.Fatal(err)
	}
	srv.start()
	a.pointAt(srv)
	late, _ := repo.Put(bg, a.store, "", student("AfterBackup"), false)
	a.sync()
	srv.stop()
	if err := os.WriteFile(srv.db, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	srv.cli("", "epoch", "new", "--db", srv.db)
	srv.start()
	a.pointAt(srv)
	before, _ := a.store.SyncMeta()
	a.sync()
	after, _ := a.store.SyncMeta()
	if after.Epoch == before.Epoch || after.Epoch == "" {
		t.Fatalf("epoch not updated: %q → %q", before.Epoch, after.Epoch)
	}
	b := newTablet(t, nil, Config{})
	b.enrol(srv, "ben")
	b.sync()
	for _, id := range []string{early.ID, late.ID} {
		if _, err := b.store.Get(id); err != nil {
			t.Fatalf("record %s lost in the restore did not come back: %v", id, err)
		}
	}
}

func TestNetworkErrorsBackOffWithFullJitter(t *testing.T) {
	srv := newServer(t)
	var mu sync.Mutex
	var waits []time.Duration
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	after := func(d time.Duration) <-chan time.Time {
		if d >= 12*time.Hour {
			return make(chan time.Time) // the reachability probe: never here
		}
		mu.Lock()
		waits = append(waits, d)
		if len(waits) >= 12 {
			cancel()
		}
		mu.Unlock()
		c := make(chan time.Time, 1)
		c <- time.Now()
		return c
	}
	a := newTablet(t, nil, Config{After: after, ProbeEvery: 24 * time.Hour, Rand: func(n int64) int64 { return n - 1 }})
	a.enrol(srv, "ana")
	e, _ := a.store.Enrolment()
	e.ServerURL = "http://127.0.0.1:1" // nothing listens there
	_ = a.store.SetEnrolment(bg, e)
	var states []State
	a.syncer.cfg.OnState = func(s State) { mu.Lock(); states = append(states, s); mu.Unlock() }
	if err := a.syncer.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v", err)
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300}
	mu.Lock()
	defer mu.Unlock()
	for i, w := range want {
		if waits[i] != w*time.Second {
			t.Fatalf("wait %d = %v, want %v (all: %v)", i, waits[i], w*time.Second, waits)
		}
	}
	last := states[len(states)-1]
	if !strings.Contains(last.Err, "Cannot reach the server") {
		t.Fatalf("state error %q", last.Err)
	}
	// Full jitter: the delay is drawn from [0, ceiling].
	s := New(Config{Store: a.store, Rand: func(n int64) int64 { return 0 }})
	if d := s.Backoff(5); d != 0 {
		t.Fatalf("jitter floor = %v", d)
	}
}

func TestServerErrorsAndRateLimitRetried(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusInternalServerError} {
		pe := DecodeError(status, []byte("<html>oops</html>"))
		if !Retryable(pe) {
			t.Errorf("status %d not retryable", status)
		}
	}
	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusGone} {
		if Retryable(DecodeError(status, nil)) {
			t.Errorf("status %d retryable", status)
		}
	}
	pe := DecodeError(422, []byte(`{"error":{"code":"clock_ahead","message":"m","index":2,"server_time_ms":1764000000000}}`))
	if pe.Code != protocol.CodeClockAhead || *pe.Index != 2 || *pe.ServerTimeMS != 1764000000000 {
		t.Fatalf("decoded %+v", pe)
	}
}

// TestRetryAfterIsHonoured: a 429 or 503 with Retry-After is not retried
// sooner than it says, however small the jittered backoff; the header is
// capped at the longest backoff, and a bad one is ignored.
func TestRetryAfterIsHonoured(t *testing.T) {
	a := newTablet(t, nil, Config{})
	s := New(Config{Store: a.store, Rand: func(n int64) int64 { return 0 }}) // backoff 0: only Retry-After counts
	var header atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", header.Load().(string))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":{"code":"unavailable","message":"busy"}}`))
	}))
	defer srv.Close()
	c := NewClient(srv.URL, "tok", srv.Client())
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{{"7", 7 * time.Second}, {"", 0}, {"soon", 0}, {"-3", 0}, {"99999", BackoffMax}} {
		header.Store(tc.header)
		_, err := c.Pull(bg, 0, 10)
		if pe := AsProtocolError(err); pe == nil || pe.Code != protocol.CodeUnavailable || !Retryable(err) {
			t.Fatalf("Retry-After %q: error %v", tc.header, err)
		}
		if d := s.retryDelay(err, 1); d != tc.want {
			t.Errorf("Retry-After %q: waits %v, want %v", tc.header, d, tc.want)
		}
	}
	if PlainError(&protocol.Error{Code: protocol.CodeUnavailable}) == PlainError(&protocol.Error{Code: protocol.CodeInternal}) {
		t.Error("a busy server reads like a broken one")
	}
	if !strings.Contains(PlainError(&protocol.Error{Code: protocol.CodeConflict}), "another person") {
		t.Error("a device owned by someone else is not explained")
	}
}

func TestRunSyncsOnDemand(t *testing.T) {
	srv := newServer(t)
	var mu sync.Mutex
	var got []State
	a := newTablet(t, nil, Config{Interval: time.Hour, OnState: func(s State) { mu.Lock(); got = append(got, s); mu.Unlock() }})
	a.enrol(srv, "ana")
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- a.syncer.Run(ctx) }()
	waitFor := func(cond func(State) bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if st := a.syncer.State(); cond(st) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("state never matched: %+v", a.syncer.State())
	}
	waitFor(func(s State) bool { return !s.LastSuccess.IsZero() && !s.Syncing })
	_, _ = repo.Put(bg, a.store, "", student("Tap"), false)
	a.syncer.Refresh()
	if st := a.syncer.State(); st.Pending != 1 {
		t.Fatalf("pending after a tap = %d", st.Pending)
	}
	a.syncer.SyncNow()
	waitFor(func(s State) bool {
		n, _ := a.store.PendingCount()
		return n == 0 && s.Pending == 0 && !s.Syncing && s.Err == ""
	})
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) == 0 {
		t.Fatal("OnState never called")
	}
}

func TestResyncAfterPurgeKeepsUnsyncedWrites(t *testing.T) {
	srv := newServer(t, "--tombstone-retention", "1ms")
	a := newTablet(t, nil, Config{})
	b := newTablet(t, nil, Config{})
	a.enrol(srv, "ana")
	b.enrol(srv, "ben")
	x, _ := repo.Put(bg, a.store, "", student("Doomed"), false)
	y, _ := repo.Put(bg, a.store, "", student("Stays"), false)
	a.sync()
	b.sync()
	if _, err := a.store.Delete(bg, x.ID); err != nil {
		t.Fatal(err)
	}
	a.sync()
	// The server purges at start and then hourly: restart it so that the
	// 1 ms retention purges the tombstone now. Then wait until a pull from
	// 0 no longer returns it.
	time.Sleep(5 * time.Millisecond)
	srv.restart()
	a.pointAt(srv)
	b.pointAt(srv)
	c := NewClient(srv.URL, srv.token("boss"), nil)
	deadline := time.Now().Add(30 * time.Second)
	for {
		page, err := c.Pull(bg, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range page.Records {
			found = found || e.ID == x.ID
		}
		if !found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server never purged the tombstone")
		}
		time.Sleep(50 * time.Millisecond)
	}
	z, _ := repo.Put(bg, b.store, "", student("Unsynced"), false)
	if _, err := b.store.Get(x.ID); err != nil {
		t.Fatal("setup: b should still hold the doomed record")
	}
	b.sync() // push z, then pull → 410 → pull from 0
	if _, err := b.store.Version(x.ID); !errors.Is(err, localstore.ErrNotFound) {
		t.Fatalf("record the server no longer has is still on b: %v", err)
	}
	for _, id := range []string{y.ID, z.ID} {
		if _, err := b.store.Get(id); err != nil {
			t.Fatalf("record %s (y=%s z=%s) lost in the resync: %v", id, y.ID, z.ID, err)
		}
	}
	if m, _ := b.store.SyncMeta(); m.Resyncing || m.Cursor == 0 {
		t.Fatalf("resync did not finish: %+v", m)
	}
	a.sync()
	if _, err := a.store.Get(z.ID); err != nil {
		t.Fatal("b's unsynced write did not reach the server")
	}
}

func TestNetworkUpSyncsSoon(t *testing.T) {
	srv := newServer(t)
	// Backoff and interval waits never end here: only NetworkUp can start
	// the next sync.
	after := func(d time.Duration) <-chan time.Time {
		if d >= time.Second {
			return make(chan time.Time)
		}
		return time.After(d)
	}
	a := newTablet(t, nil, Config{After: after, NetworkDelay: 10 * time.Millisecond})
	a.enrol(srv, "ana")
	e, _ := a.store.Enrolment()
	good := e.ServerURL
	e.ServerURL = "http://127.0.0.1:1"
	_ = a.store.SetEnrolment(bg, e)
	_, _ = repo.Put(bg, a.store, "", student("Offline"), false)
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.syncer.Run(ctx) }()
	waitState := func(cond func(State) bool) State {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if st := a.syncer.State(); cond(st) {
				return st
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("state never matched: %+v", a.syncer.State())
		return State{}
	}
	st := waitState(func(s State) bool { return s.Err != "" && !s.Syncing })
	if !strings.Contains(st.Err, "Cannot reach") || st.Pending != 1 || st.NextRetry.IsZero() {
		t.Fatalf("offline state = %+v", st)
	}
	e.ServerURL = good // the network is back
	_ = a.store.SetEnrolment(bg, e)
	a.syncer.NetworkUp()
	waitState(func(s State) bool { return s.Err == "" && s.Pending == 0 && !s.LastSuccess.IsZero() && !s.Syncing })
	cancel()
	<-done
}

// flakyProxy answers the first n requests with the given statuses in turn,
// then forwards to the server: a failing network stand-in.
func flakyProxy(t *testing.T, target string, statuses ...int) string {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	var mu sync.Mutex
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		var st int
		if len(statuses) > 0 {
			st, statuses = statuses[0], statuses[1:]
		}
		mu.Unlock()
		if st != 0 {
			w.WriteHeader(st)
			_, _ = w.Write([]byte("<html>busy</html>"))
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	return ps.URL
}

func TestRateLimitAndServerErrorsBackOffThenSucceed(t *testing.T) {
	srv := newServer(t)
	var mu sync.Mutex
	var waits []time.Duration
	after := func(d time.Duration) <-chan time.Time {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		c := make(chan time.Time, 1)
		if d < time.Hour { // backoff waits end at once; the interval never does
			c <- time.Now()
		}
		return c
	}
	a := newTablet(t, nil, Config{After: after, Interval: 2 * time.Hour, Rand: func(n int64) int64 { return n - 1 }})
	a.enrol(srv, "ana")
	e, _ := a.store.Enrolment()
	e.ServerURL = flakyProxy(t, srv.URL, http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadGateway)
	_ = a.store.SetEnrolment(bg, e)
	d, _ := repo.Put(bg, a.store, "", student("Patient"), false)
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- a.syncer.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if n, _ := a.store.PendingCount(); n == 0 && a.syncer.State().Err == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never synced: %+v", a.syncer.State())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	if len(waits) < 3 || waits[0] != want[0] || waits[1] != want[1] || waits[2] != want[2] {
		t.Fatalf("waits = %v, want %v then the interval", waits, want)
	}
	b := newTablet(t, nil, Config{})
	b.enrol(srv, "ben")
	b.sync()
	if _, err := b.store.Get(d.ID); err != nil {
		t.Fatal("record did not reach the server after the retries")
	}
}

// switchableNet is a failing-network fake: while down, every request fails
// as if the Wi-Fi were off.
type switchableNet struct {
	mu    sync.Mutex
	down  bool
	calls map[string]int
}

func (n *switchableNet) RoundTrip(r *http.Request) (*http.Response, error) {
	n.mu.Lock()
	down := n.down
	n.calls[r.URL.Path]++
	n.mu.Unlock()
	if down {
		return nil, errors.New("network is unreachable")
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestProbeNoticesTheNetworkIsBack(t *testing.T) {
	srv := newServer(t)
	nw := &switchableNet{calls: map[string]int{}}
	// Backoff and interval waits never end: only the probe can start the
	// next sync once the network is back.
	after := func(d time.Duration) <-chan time.Time {
		if d >= time.Second {
			return make(chan time.Time)
		}
		return time.After(d)
	}
	a := newTablet(t, nil, Config{After: after, HTTP: &http.Client{Transport: nw}, ProbeEvery: 20 * time.Millisecond})
	a.enrol(srv, "ana")
	nw.mu.Lock()
	nw.down = true
	nw.mu.Unlock()
	_, _ = repo.Put(bg, a.store, "", student("Hallway"), false)
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- a.syncer.Run(ctx) }()
	wait := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: state %+v", what, a.syncer.State())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	wait("probes while offline", func() bool {
		nw.mu.Lock()
		defer nw.mu.Unlock()
		return nw.calls["/healthz"] >= 3
	})
	if n, _ := a.store.PendingCount(); n != 1 {
		t.Fatalf("pending while offline = %d", n)
	}
	nw.mu.Lock()
	nw.down = false
	nw.mu.Unlock()
	wait("sync after the network came back", func() bool {
		n, _ := a.store.PendingCount()
		st := a.syncer.State()
		return n == 0 && st.Err == "" && !st.Syncing
	})
	cancel()
	<-done
}
