package console_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/console"
	"smallwins/syncserver/internal/httpapi"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/store"
)

const (
	pw   = "correct horse battery"
	asOf = "2025-03-17"
)

var testPasswords = auth.Passwords{Cost: 4} // bcrypt's minimum: tests sign in often

// env is the real server (API and console on one Echo) over a real bbolt
// store, with two schools and a school's worth of records pushed through
// the API by tablets.
type env struct {
	t    testing.TB
	st   store.Store
	srv  *httptest.Server
	logs *bytes.Buffer
	ids  ids
	// users by school/username
	users map[string]store.User
	// enrolled tablets by school/username
	tablets map[string]tablet
	// routes of the server, API and console
	routes []*echo.Route
}

// ids of the fixture's records in school "lincoln".
type ids struct {
	program, bluebirds, owls                         string
	s1, s2, s3                                       string // s1, s2 in Bluebirds (ana); s3 in Owls (ben)
	plan1, plan3                                     string
	goal1, goal2, goal3, goalMet                     string
	noteOpen, noteAdminRestricted, noteAnaRestricted string
}

// Secrets only restricted notes hold.
const (
	adminSecret = "ADMIN-RESTRICTED-NOTE-Quillfeather"
	anaSecret   = "ANA-RESTRICTED-NOTE-Zephyrine"
)

func newEnv(t testing.TB, tls bool) *env {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	return newEnvOn(t, tls, st)
}

// newEnvOn is newEnv on any store, closed at the end of the test.
func newEnvOn(t testing.TB, tls bool, st store.Store) *env {
	t.Helper()
	e := &env{t: t, st: st, logs: &bytes.Buffer{}, users: map[string]store.User{}, tablets: map[string]tablet{}}
	log := slog.New(slog.NewJSONHandler(e.logs, nil))
	con := console.New(console.Config{Store: st, Passwords: testPasswords, Logger: log})
	api := httpapi.New(httpapi.Config{Store: st, Logger: log, Passwords: testPasswords, Mount: con.Mount})
	e.routes = api.Routes()
	if tls {
		e.srv = httptest.NewTLSServer(api.Handler())
	} else {
		e.srv = httptest.NewServer(api.Handler())
	}
	t.Cleanup(func() { e.srv.Close(); st.Close() })
	for _, slug := range []string{"lincoln", "washington"} {
		sc, err := st.CreateSchool(t.Context(), store.School{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:] + " Elementary"})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []struct{ name, full, role string }{{"admin", "Casey Coach", "admin"}, {"ana", "Ana Rivera", "interventionist"}, {"ben", "Ben Okafor", "interventionist"}} {
			nu, err := schooladmin.NewUser(testPasswords, sc.ID, protocol.AddUserRequest{Username: u.name, Name: u.full, Role: u.role, Password: pw})
			if err != nil {
				t.Fatal(err)
			}
			if nu, err = st.CreateUser(t.Context(), nu); err != nil {
				t.Fatal(err)
			}
			e.users[slug+"/"+u.name] = nu
		}
	}
	e.seed()
	return e
}

// tablet is an enrolled device: its token and its clock.
type tablet struct {
	token string
	clock *hlc.Clock
}

// enrol enrols a tablet over the API (once per user).
func (e *env) enrol(school, user string) tablet {
	e.t.Helper()
	if tb, ok := e.tablets[school+"/"+user]; ok {
		return tb
	}
	dev := uuid.New()
	status, body := e.api("POST", "/v1/devices", "", map[string]any{"school": school, "username": user, "password": pw,
		"device_id": dev.String(), "device_name": "tablet"})
	if status != http.StatusCreated {
		e.t.Fatalf("enrol %s/%s: %d %s", school, user, status, body)
	}
	var r protocol.EnrolResponse
	if err := json.Unmarshal(body, &r); err != nil {
		e.t.Fatal(err)
	}
	tb := tablet{token: r.Token, clock: hlc.NewClock(dev, hlc.State{}, nil)}
	e.tablets[school+"/"+user] = tb
	return tb
}

// api calls the JSON API (no cookies).
func (e *env) api(method, path, token string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// seed pushes the fixture through the API as tablets would: the admin's
// tablet writes the roster, goals and probes; notes come from their authors.
func (e *env) seed() {
	e.t.Helper()
	n := func() string { return uuid.NewString() }
	e.ids = ids{program: n(), bluebirds: n(), owls: n(), s1: n(), s2: n(), s3: n(), plan1: n(), plan3: n(),
		goal1: n(), goal2: n(), goal3: n(), goalMet: n(), noteOpen: n(), noteAdminRestricted: n(), noteAnaRestricted: n()}
	d := e.ids
	ana, ben := e.users["lincoln/ana"], e.users["lincoln/ben"]
	var recs []record.Envelope
	add := func(id, typ string, restricted bool, data string) {
		recs = append(recs, record.Envelope{ID: id, Type: typ, Restricted: restricted, Data: json.RawMessage(data)})
	}
	add(d.program, "program", false, `{"name":"Phonics for Reading","area":"reading","steps":[{"id":"a","text":"Review sounds"},{"id":"b","text":"Partner reading"}]}`)
	add(d.s1, "student", false, `{"given_name":"Maya","family_name":"Lopez","grade":"2"}`)
	add(d.s2, "student", false, `{"given_name":"Theo","family_name":"Brown","grade":"2"}`)
	add(d.s3, "student", false, `{"given_name":"Iris","family_name":"Chen","grade":"3"}`)
	add(d.bluebirds, "group", false, fmt.Sprintf(`{"name":"Bluebirds","program_id":%q,"student_ids":[%q,%q],"interventionist_id":%q}`, d.program, d.s1, d.s2, ana.ID))
	add(d.owls, "group", false, fmt.Sprintf(`{"name":"Owls","program_id":%q,"student_ids":[%q],"interventionist_id":%q}`, d.program, d.s3, ben.ID))
	add(d.plan1, "plan", false, fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-01-06","sessions_per_week":3,"minutes_per_session":30}`, d.s1, d.program, d.bluebirds))
	add(d.plan3, "plan", false, fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-01-06","sessions_per_week":3,"minutes_per_session":30}`, d.s3, d.program, d.owls))
	goal := func(id, student, plan, status string) {
		planField, statusField := "", ""
		if plan != "" {
			planField = fmt.Sprintf(`"plan_id":%q,`, plan)
		}
		if status != "" {
			statusField = fmt.Sprintf(`,"status":%q`, status)
		}
		add(id, "goal", false, fmt.Sprintf(`{"student_id":%q,%s"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[42,45,40],"goal_score":78,"goal_date":"2025-05-12","typical_roi":1.6%s}`, student, planField, statusField))
	}
	goal(d.goal1, d.s1, d.plan1, "active") // DOMAIN §5.1: change_instruction (or its delivery gate)
	goal(d.goal2, d.s2, "", "")            // §5.2: too few points
	goal(d.goal3, d.s3, d.plan3, "active")
	goal(d.goalMet, d.s3, "", "met") // not on the caseload
	probe := func(student, date string, score float64) {
		add(n(), "probe", false, fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":%q,"score":%v}`, student, date, score))
	}
	start, _ := progress.ParseDate("2025-01-06")
	for i, sc := range []float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53} {
		probe(d.s1, (start + progress.Date(7*(i+1))).String(), sc)
		probe(d.s3, (start + progress.Date(7*(i+1))).String(), 44+2.5*float64(i+1)) // above the aimline
	}
	for i, sc := range []float64{43, 44, 45, 46, 47} {
		probe(d.s2, (start + progress.Date(7*(i+1))).String(), sc)
	}
	// Sessions of Bluebirds: delivered, s1 present, step b skipped once.
	for i := 0; i < 6; i++ {
		date := (start + progress.Date(7*i+1)).String()
		fid := `[{"step_id":"a","status":"done"},{"step_id":"b","status":"done"}]`
		if i == 2 {
			fid = `[{"step_id":"a","status":"done"},{"step_id":"b","status":"skipped"}]`
		}
		add(n(), "session", false, fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":%q,"status":"delivered","minutes":30,"attendance":[{"student_id":%q,"status":"present"}],"fidelity":%s}`, d.bluebirds, d.program, date, d.s1, fid))
	}
	add(d.noteOpen, "note", false, fmt.Sprintf(`{"student_id":%q,"author_id":%q,"body":"Maya read the whole passage aloud today.","category":"academic"}`, d.s1, e.users["lincoln/admin"].ID))
	add(d.noteAdminRestricted, "note", true, fmt.Sprintf(`{"student_id":%q,"author_id":%q,"body":%q,"category":"health"}`, d.s1, e.users["lincoln/admin"].ID, adminSecret))
	e.push(e.enrol("lincoln", "admin"), recs)
	// Ana's own restricted note, from her tablet.
	e.push(e.enrol("lincoln", "ana"), []record.Envelope{{ID: d.noteAnaRestricted, Type: "note", Restricted: true,
		Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"author_id":%q,"body":%q,"category":"family"}`, d.s1, ana.ID, anaSecret))}})
}

// push stamps records with the tablet's clock (the server checks that an
// HLC's node is the pushing device) and pushes them.
func (e *env) push(tb tablet, recs []record.Envelope) {
	e.t.Helper()
	for i := range recs {
		recs[i].HLC = tb.clock.Now().String()
	}
	status, body := e.api("POST", "/v1/sync/push", tb.token, protocol.PushRequest{Records: recs})
	if status != http.StatusOK || bytes.Contains(body, []byte(`"rejected"`)) {
		e.t.Fatalf("push: %d %s", status, body)
	}
}

// browser is a cookie-keeping HTTP client that does not follow redirects,
// so a test sees each 303.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := *e.srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{e: e, c: &c}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(path string) page {
	b.e.t.Helper()
	resp, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(body)}
}

func (b *browser) post(path string, form url.Values) page {
	b.e.t.Helper()
	resp, err := b.c.PostForm(b.e.srv.URL+path, form)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(body)}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the first form token on a page.
func csrf(t testing.TB, p page) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no csrf field on the page (status %d)", p.status)
	}
	return m[1]
}

// signIn fills the sign-in form as a person would: GET /login, then POST
// the form with its token.
func (b *browser) signIn(school, user, password string) page {
	b.e.t.Helper()
	form := b.get("/login")
	return b.post("/login", url.Values{"csrf": {csrf(b.e.t, form)}, "school": {school}, "username": {user}, "password": {password}})
}

func (e *env) signedIn(school, user string) *browser {
	e.t.Helper()
	b := e.browser()
	if p := b.signIn(school, user, pw); p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
		e.t.Fatalf("sign-in %s/%s: %d %s", school, user, p.status, p.body)
	}
	return b
}

// report is /v1/reports/progress for a goal as the user's tablet gets it.
func (e *env) report(school, user, goal string) progress.Report {
	e.t.Helper()
	status, body := e.api("GET", "/v1/reports/progress?goal="+goal+"&as_of="+asOf, e.enrol(school, user).token, nil)
	if status != http.StatusOK {
		e.t.Fatalf("report %s: %d %s", goal, status, body)
	}
	var r progress.Report
	if err := json.Unmarshal(body, &r); err != nil {
		e.t.Fatal(err)
	}
	return r
}

var rowRE = regexp.MustCompile(`<tr data-goal-id="([^"]*)" data-student-id="([^"]*)" data-decision="([^"]*)" data-status="([^"]*)">`)

type rowHook struct{ goal, student, decision, status string }

func rows(body string) map[string]rowHook {
	out := map[string]rowHook{}
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = rowHook{m[1], m[2], m[3], m[4]}
	}
	return out
}
