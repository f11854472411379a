package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/store"
)

// Issue 15 item 5, ADR 0021: every path that hands out restricted content
// writes its audit entries first; admins read them.

func (e *env) audit(token, query string) (int, auditResponse) {
	e.t.Helper()
	s, b := e.do("GET", "/v1/admin/audit"+query, token, nil)
	var r auditResponse
	if s == 200 {
		if err := json.Unmarshal(b, &r); err != nil {
			e.t.Fatalf("audit body %s: %v", b, err)
		}
	}
	return s, r
}

// auditAll reads every entry of the admin's school, page by page.
func (e *env) auditAll(adminTok string) []auditEntryJSON {
	e.t.Helper()
	var all []auditEntryJSON
	q := "?limit=3"
	for range 1000 {
		s, r := e.audit(adminTok, q)
		if s != 200 {
			e.t.Fatalf("audit: %d", s)
		}
		all = append(all, r.Entries...)
		if !r.More {
			return all
		}
		q = "?limit=3&after=" + url.QueryEscape(r.Next)
	}
	e.t.Fatal("audit pages never end")
	return nil
}

// restrictedNotes pushes, as d, n restricted notes and one open note about
// a new student, and returns the restricted notes' ids.
func (e *env) restrictedNotes(d device, n int, body string) []string {
	e.t.Helper()
	student := uuid.NewString()
	var recs []record.Envelope
	var ids []string
	for i := range n {
		r := d.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"author_id":"x","body":"%s-%d","category":"health"}`, student, body, i))
		r.Restricted = true
		recs, ids = append(recs, r), append(ids, r.ID)
	}
	recs = append(recs, d.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"author_id":"x","body":"open"}`, student)))
	if s, b := e.push(d, recs...); s != 200 {
		e.t.Fatalf("push: %d %s", s, b)
	}
	return ids
}

// onBothStores runs a test on bbolt and on PostgreSQL: every path's entries
// are checked on both stores.
func onBothStores(t *testing.T, test func(t *testing.T, e *env)) {
	t.Run("bbolt", func(t *testing.T) { test(t, newEnv(t)) })
	t.Run("postgres", func(t *testing.T) {
		st, err := pgstore.Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		test(t, newEnvOn(t, st))
	})
}

func TestAuditOfPulls(t *testing.T) { onBothStores(t, testAuditOfPulls) }

func testAuditOfPulls(t *testing.T, e *env) {
	admin, ana, ben := e.enrol("lincoln", "admin"), e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben")
	other := e.enrol("washington", "admin")
	ids := e.restrictedNotes(ben, 3, "SECRET-HEALTH")

	if s, r := e.audit(admin.token, ""); s != 200 || len(r.Entries) != 0 || r.More {
		t.Fatalf("audit before any pull: %d %+v", s, r)
	}
	// Ana gets tombstones: nothing handed out, nothing audited.
	e.pullAll(ana)
	if got := e.auditAll(admin.token); len(got) != 0 {
		t.Fatalf("a pull of tombstones was audited: %+v", got)
	}
	// Ben (the author) gets the content: his own notes, not audited
	// (issue 20). The admin gets it: one entry per note, one batch per
	// response (the same time).
	e.pullAll(ben)
	if got := e.auditAll(admin.token); len(got) != 0 {
		t.Fatalf("the author's pull was audited: %+v", got)
	}
	e.pullAll(admin)
	got := e.auditAll(admin.token)
	if len(got) != 3 {
		t.Fatalf("%d entries, want 3: %+v", len(got), got)
	}
	users := e.users(admin.token)
	for i, en := range got {
		if en.Path != "pull" || en.UserID != users["admin"].ID || en.DeviceID != admin.id || en.RecordID != ids[i] || en.At != got[0].At {
			t.Errorf("entry %d = %+v", i, en)
		}
	}
	// Entries say who, never what: the audit answer holds no note text.
	_, raw := e.do("GET", "/v1/admin/audit", admin.token, nil)
	if bytes.Contains(raw, []byte("SECRET")) || bytes.Contains(raw, []byte("health")) {
		t.Errorf("the audit holds content: %s", raw)
	}

	// Only admins, only their own school.
	for _, d := range []device{ana, ben} {
		s, b := e.do("GET", "/v1/admin/audit", d.token, nil)
		wantError(t, s, b, 403, protocol.CodeForbidden, -1)
	}
	s, b := e.do("GET", "/v1/admin/audit", "", nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	if s, r := e.audit(other.token, ""); s != 200 || len(r.Entries) != 0 {
		t.Errorf("another school's admin sees %d entries", len(r.Entries))
	}

	// A pull page without restricted content writes nothing; paging one
	// record at a time (another of the admin's tablets) writes one entry
	// per page that carries one.
	before := len(e.auditAll(admin.token))
	second := e.enrol("lincoln", "admin")
	for after := int64(0); ; {
		s, b := e.do("GET", fmt.Sprintf("/v1/sync/pull?after=%d&limit=1", after), second.token, nil)
		var p protocol.PullResponse
		if s != 200 || json.Unmarshal(b, &p) != nil {
			t.Fatalf("pull: %d %s", s, b)
		}
		after = p.Cursor
		if !p.More {
			break
		}
	}
	if n := len(e.auditAll(admin.token)) - before; n != 3 {
		t.Errorf("paged pull wrote %d entries, want 3", n)
	}
	// The log of the requests never carries note text either.
	if strings.Contains(e.logs.String(), "SECRET") {
		t.Error("the request log holds note text")
	}
}

// TestAuditOfReportsAndExports: the PDF names a restricted student to its
// author and admins (audited as a report); the JSON reports and the CSV
// exports never hold restricted content, so they write nothing.
func TestAuditOfReportsAndExports(t *testing.T) { onBothStores(t, testAuditOfReportsAndExports) }

func testAuditOfReportsAndExports(t *testing.T, e *env) {
	admin, ben := e.enrol("lincoln", "admin"), e.enrol("lincoln", "ben")
	group, program, student, goal := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	typed := func(typ string, r record.Envelope) record.Envelope { r.Type = typ; return r }
	if s, b := e.push(admin,
		typed("group", admin.rec(group, fmt.Sprintf(`{"name":"Bluebirds","program_id":%q,"student_ids":[%q]}`, program, student))),
		typed("program", admin.rec(program, `{"name":"Phonics","area":"reading","steps":[{"id":"a","text":"Review"}]}`)),
		typed("goal", admin.rec(goal, fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[40],"goal_score":70,"goal_date":"2025-05-12"}`, student))),
		typed("session", admin.rec(uuid.NewString(), fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":"2025-03-04","status":"delivered","minutes":30,"attendance":[{"student_id":%q,"status":"present"}],"fidelity":[{"step_id":"a","status":"done"}]}`, group, program, student))),
	); s != 200 {
		t.Fatal(s, string(b))
	}
	st := typed("student", ben.rec(student, `{"given_name":"Zephyrine","family_name":"Quillfeather","grade":"2"}`))
	st.Restricted = true
	if s, b := e.push(ben, st); s != 200 {
		t.Fatal(s, string(b))
	}
	e.restrictedNotes(ben, 2, "SECRET-NOTE")

	for _, q := range []string{"/v1/reports/progress?goal=" + goal + "&as_of=2025-03-17", "/v1/reports/cico?student=" + student,
		"/v1/exports/sessions.csv", "/v1/exports/attendance.csv", "/v1/exports/fidelity.csv"} {
		s, b := e.do("GET", q, admin.token, nil)
		if s != 200 || strings.Contains(string(b), "Zephyrine") || strings.Contains(string(b), "SECRET") {
			t.Errorf("GET %s: %d, or it holds restricted content: %.200s", q, s, b)
		}
	}
	if got := e.auditAll(admin.token); len(got) != 0 {
		t.Fatalf("reports and exports without restricted content were audited: %+v", got)
	}
	s, b := e.do("GET", "/v1/reports/progress.pdf?goal="+goal+"&as_of=2025-03-17", admin.token, nil)
	if s != 200 || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("pdf: %d", s)
	}
	got := e.auditAll(admin.token)
	if len(got) != 1 || got[0].Path != "report" || got[0].RecordID != student || got[0].DeviceID != admin.id {
		t.Fatalf("after the PDF: %+v", got)
	}
}

func TestAuditQueryParams(t *testing.T) { onBothStores(t, testAuditQueryParams) }

func testAuditQueryParams(t *testing.T, e *env) {
	admin, ben := e.enrol("lincoln", "admin"), e.enrol("lincoln", "ben")
	e.restrictedNotes(ben, 5, "x")
	e.pullAll(admin)
	long := strings.Repeat("9", 65)
	for _, q := range []string{
		"since=abc", "since=2026-13-01", "since=1969-12-31", "since=0001-01-01T00:00:00Z", "since=" + long,
		"since=2026-01-01T00:00:00", // no zone
		"limit=0", "limit=-1", "limit=1001", "limit=abc", "limit=1e3", "limit=99999999999999999999", "limit=" + long,
		"after=abc", "after=1-2", "after=1-2-", "after=-1-2-3", "after=1--2-3", "after=1-2-3-4", "after=%2B1-2-3", "after=1-2-x",
		"after=99999999999999999999-1-1", "after=1-1-9999999999", "after=" + long,
		"after=%00", "since=%00",
	} {
		s, b := e.do("GET", "/v1/admin/audit?"+q, admin.token, nil)
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	}
	// Valid forms.
	for _, q := range []string{"", "?since=2020-01-01", "?since=2020-01-01T00:00:00Z", "?since=2020-01-01T01:00:00.5%2B01:00", "?limit=1000", "?after=0-0-0"} {
		if s, r := e.audit(admin.token, q); s != 200 || len(r.Entries) != 5 {
			t.Errorf("GET audit%s: %d, %d entries", q, s, len(r.Entries))
		}
	}
	if s, r := e.audit(admin.token, "?since=2999-01-01"); s != 200 || len(r.Entries) != 0 || r.Entries == nil {
		t.Errorf("since the future: %d %+v", s, r)
	}
	// limit=2 pages: 2, 2, 1.
	var sizes []int
	for q := "?limit=2"; ; {
		s, r := e.audit(admin.token, q)
		if s != 200 {
			t.Fatal(s)
		}
		sizes = append(sizes, len(r.Entries))
		if !r.More {
			if r.Next != "" {
				t.Errorf("next %q on the last page", r.Next)
			}
			break
		}
		q = "?limit=2&after=" + r.Next
	}
	if fmt.Sprint(sizes) != "[2 2 1]" {
		t.Errorf("page sizes %v, want [2 2 1]", sizes)
	}
}

// TestAuditFailureWithholdsContent: on PostgreSQL, with inserts into the
// audit log refused by the database, a pull that would hand out restricted
// content to an admin fails (500) and carries none of it; pulls without any
// to audit (tombstones, the author's own notes) still work.
func TestAuditFailureWithholdsContent(t *testing.T) {
	url := pgtest.URL(t)
	st, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, st)
	admin, ana, ben := e.enrol("lincoln", "admin"), e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben")
	ids := e.restrictedNotes(ben, 2, "SECRET-FAMILY")

	sql := func(q string) {
		t.Helper()
		c, err := pgx.Connect(context.Background(), url) // the database itself, beside the server
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	sql(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$;
		CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`)
	s, b := e.do("GET", "/v1/sync/pull", admin.token, nil)
	if s != 500 || bytes.Contains(b, []byte("SECRET")) {
		t.Fatalf("pull with the audit refused: %d %s", s, b)
	}
	if got := e.pullAll(ana); len(got) != 3 || !got[ids[0]].Deleted {
		t.Fatalf("a pull without restricted content failed too: %+v", got)
	}
	if got := e.pullAll(ben); !strings.Contains(string(got[ids[1]].Data), "SECRET-FAMILY") {
		t.Fatalf("the author's pull of his own notes failed too: %+v", got[ids[1]])
	}
	sql(`DROP TRIGGER refuse_audit ON audit_log`)
	if got := e.pullAll(admin); !strings.Contains(string(got[ids[1]].Data), "SECRET-FAMILY") {
		t.Fatalf("after the audit works again: %+v", got[ids[1]])
	}
	entries, _, err := st.ListAudit(context.Background(), store.AuditQuery{SchoolID: e.schoolID("lincoln", st), Limit: 10})
	if err != nil || len(entries) != 2 {
		t.Fatalf("entries after the refused pulls: %+v, %v", entries, err)
	}
}

// newEnvOn is newEnv on any store (closed at the end of the test); e.st
// stays nil.
func newEnvOn(t testing.TB, st store.Store) *env {
	t.Helper()
	return newEnvOnWith(t, st, Config{})
}

// newEnvOnWith is newEnvOn with cfg's settings (store, logger and passwords
// are set here).
func newEnvOnWith(t testing.TB, st store.Store, cfg Config) *env {
	t.Helper()
	e := &env{t: t, logs: &bytes.Buffer{}}
	cfg.Store, cfg.Logger, cfg.Passwords = st, slog.New(slog.NewJSONHandler(e.logs, nil)), testPasswords
	e.api = New(cfg)
	e.srv = httptest.NewServer(e.api.Handler())
	t.Cleanup(func() { e.srv.Close(); st.Close() })
	seedSchools(t, st)
	return e
}

func (e *env) schoolID(slug string, st store.Store) string {
	e.t.Helper()
	sc, err := st.SchoolBySlug(context.Background(), slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return sc.ID
}

// TestAuditConcurrentPulls: tablets pulling restricted notes at once (the
// bbolt group commit shares their writes) each get their own entries: an
// admin's tablet each note once (the same day), its author's none.
func TestAuditConcurrentPulls(t *testing.T) { onBothStores(t, testAuditConcurrentPulls) }

func testAuditConcurrentPulls(t *testing.T, e *env) {
	ben := e.enrol("lincoln", "ben")
	ids := e.restrictedNotes(ben, 4, "x")
	tablets := []device{ben, e.enrol("lincoln", "admin"), e.enrol("lincoln", "admin"), e.enrol("lincoln", "ben"), e.enrol("lincoln", "admin")}
	const rounds = 5
	var wg sync.WaitGroup
	errs := make(chan string, len(tablets)*rounds)
	for _, d := range tablets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				req, _ := http.NewRequest("GET", e.srv.URL+"/v1/sync/pull", nil)
				req.Header.Set("Authorization", "Bearer "+d.token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- resp.Status
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	perDevice := map[string]int{}
	for _, en := range e.auditAll(tablets[1].token) {
		perDevice[en.DeviceID]++
	}
	for i, d := range tablets {
		want := len(ids)
		if i == 0 || i == 3 { // Ben's
			want = 0
		}
		if perDevice[d.id] != want {
			t.Errorf("device %s: %d entries, want %d", d.id, perDevice[d.id], want)
		}
	}
}
