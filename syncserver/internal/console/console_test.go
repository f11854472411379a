package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/console"
	"smallwins/syncserver/internal/serverwriter"
)

// TestCaseloadMatchesReportAPI: an admin's caseload has one row per active
// (or status-less) goal, and each row's hooks are what /v1/reports/progress
// says for that goal (CONSOLE.md §3, §4).
func TestCaseloadMatchesReportAPI(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	p := b.get("/?as_of=" + asOf)
	if p.status != http.StatusOK {
		t.Fatalf("caseload: %d", p.status)
	}
	got := rows(p.body)
	want := []string{e.ids.goal1, e.ids.goal2, e.ids.goal3}
	if len(got) != len(want) {
		t.Fatalf("caseload rows = %d, want %d (the met goal is not on it)", len(got), len(want))
	}
	for _, g := range want {
		r := e.report("lincoln", "admin", g)
		h, ok := got[g]
		if !ok {
			t.Fatalf("goal %s has no row", g)
		}
		if h.student != r.Goal.StudentID || h.decision != r.Decision.Code || h.status != r.Status {
			t.Errorf("row %+v, report says student %s decision %s status %s", h, r.Goal.StudentID, r.Decision.Code, r.Status)
		}
	}
	// The worked example (DOMAIN §5.1) and the too-few-points one (§5.2).
	if got[e.ids.goal1].decision != "change_instruction" && got[e.ids.goal1].decision != "fix_delivery_first" || got[e.ids.goal1].status != "red" {
		t.Errorf("goal 1 row = %+v", got[e.ids.goal1])
	}
	if got[e.ids.goal2].decision != "not_enough_data" {
		t.Errorf("goal 2 row = %+v", got[e.ids.goal2])
	}
	// Measures and decisions in words, never codes, in the cells.
	for _, w := range []string{"Oral reading fluency", "Maya Lopez", "Bluebirds", "Ana Rivera", "Not enough data yet"} {
		if !strings.Contains(p.body, w) {
			t.Errorf("caseload lacks %q", w)
		}
	}
	if strings.Contains(p.body, ">orf_wcpm<") {
		t.Errorf("a measure code is shown as text")
	}
}

// TestCaseloadFilters: GET filters by decision, group, interventionist and
// grade, without JavaScript; the counts at the top follow the other filters.
func TestCaseloadFilters(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	ana, ben := e.users["lincoln/ana"].ID, e.users["lincoln/ben"].ID
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"decision=not_enough_data", []string{e.ids.goal2}},
		{"group=" + e.ids.owls, []string{e.ids.goal3}},
		{"interventionist=" + ana, []string{e.ids.goal1, e.ids.goal2}}, // goal 2 has no plan: its group comes from the roster
		{"interventionist=" + ben, []string{e.ids.goal3}},
		{"grade=2", []string{e.ids.goal1, e.ids.goal2}},
		{"grade=2&decision=not_enough_data", []string{e.ids.goal2}},
		{"sort=student", []string{e.ids.goal1, e.ids.goal2, e.ids.goal3}},
	} {
		p := b.get("/?as_of=" + asOf + "&" + c.query)
		got := rows(p.body)
		if len(got) != len(c.want) {
			t.Errorf("%s: %d rows, want %d", c.query, len(got), len(c.want))
		}
		for _, g := range c.want {
			if _, ok := got[g]; !ok {
				t.Errorf("%s: goal %s missing", c.query, g)
			}
		}
	}
	// Sorted by student name: Iris, Maya, Theo.
	p := b.get("/?as_of=" + asOf + "&sort=student")
	order := regexp.MustCompile(`data-goal-id="([^"]+)" data-student-id`).FindAllStringSubmatch(p.body, -1)
	if len(order) != 3 || order[0][1] != e.ids.goal3 || order[1][1] != e.ids.goal1 || order[2][1] != e.ids.goal2 {
		t.Errorf("sort=student order wrong")
	}
	if !strings.Contains(p.body, `data-count-decision="not_enough_data"><strong>1</strong>`) {
		t.Errorf("no count of 1 for not_enough_data")
	}
}

// TestStudentPageHooks: each goal section's hooks carry the report's
// numbers (CONSOLE.md §4), and the chart, PDF and CSV are served.
func TestStudentPageHooks(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	p := b.get("/students/" + e.ids.s1 + "?as_of=" + asOf)
	if p.status != http.StatusOK {
		t.Fatalf("student page: %d", p.status)
	}
	r := e.report("lincoln", "admin", e.ids.goal1)
	m := regexp.MustCompile(`data-goal-id="` + e.ids.goal1 + `" data-decision="([^"]*)" data-points="([^"]*)"\s+data-tukey-slope="([^"]*)" data-ols-slope="([^"]*)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no goal section with hooks")
	}
	if m[1] != r.Decision.Code || m[2] != strconv.Itoa(r.PointsAfterBaseline) {
		t.Errorf("hooks decision %s points %s, report %s %d", m[1], m[2], r.Decision.Code, r.PointsAfterBaseline)
	}
	tukey, _ := strconv.ParseFloat(m[3], 64)
	ols, _ := strconv.ParseFloat(m[4], 64)
	if math.Abs(tukey-r.Trend.Tukey.Slope) > 1e-9 || math.Abs(ols-r.Trend.OLS.Slope) > 1e-9 || math.Abs(ols-152.0/165) > 1e-9 {
		t.Errorf("slopes %v %v, report %v %v", tukey, ols, r.Trend.Tukey.Slope, r.Trend.OLS.Slope)
	}
	for _, w := range []string{r.Decision.Reason, "Partner reading", "was done in 5 of 6 sessions", "Maya read the whole passage"} {
		if !strings.Contains(p.body, htmlEscape(w)) {
			t.Errorf("student page lacks %q", w)
		}
	}
	base := "/students/" + e.ids.s1 + "/goals/" + e.ids.goal1
	for path, ctype := range map[string]string{"/chart.svg": "image/svg+xml", "/report.pdf": "application/pdf", "/points.csv": "text/csv; charset=utf-8"} {
		d := b.get(base + path + "?as_of=" + asOf)
		if d.status != http.StatusOK || d.header.Get("Content-Type") != ctype {
			t.Errorf("%s: %d %s", path, d.status, d.header.Get("Content-Type"))
		}
		if d.header.Get("Content-Security-Policy") == "" || d.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers missing", path)
		}
	}
	if d := b.get(base + "/chart.svg?as_of=" + asOf); !strings.Contains(d.body, "<svg") || !strings.Contains(d.body, "words correct per minute") {
		t.Errorf("the chart is not an SVG with the measure's unit")
	}
	// A goal of another student under this student's path is not found.
	if d := b.get("/students/" + e.ids.s1 + "/goals/" + e.ids.goal3 + "/chart.svg"); d.status != http.StatusNotFound {
		t.Errorf("another student's goal: %d", d.status)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// consolePaths are every console page that shows data.
func consolePaths(e *env) []string {
	g := "/students/" + e.ids.s1 + "/goals/" + e.ids.goal1
	return []string{"/", "/meeting", "/students/" + e.ids.s1, g + "/chart.svg", g + "/report.pdf", g + "/points.csv", "/groups/" + e.ids.bluebirds}
}

// TestNoSessionGetsLogin: without a valid session every page redirects to
// /login and holds no data (CONSOLE.md §5); a made-up cookie is no session.
func TestNoSessionGetsLogin(t *testing.T) {
	e := newEnv(t, false)
	for _, cookie := range []string{"", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not base64 at all"} {
		b := e.browser()
		if cookie != "" {
			u, _ := url.Parse(e.srv.URL)
			b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "sw_session", Value: cookie}})
		}
		for _, path := range consolePaths(e) {
			p := b.get(path)
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
				t.Errorf("%s with cookie %q: %d %s", path, cookie, p.status, p.header.Get("Location"))
			}
			if strings.Contains(p.body, "Maya") || strings.Contains(p.body, "Bluebirds") {
				t.Errorf("%s leaks data without a session", path)
			}
		}
		p := b.post("/meeting/decisions", url.Values{"goal_id": {e.ids.goal1}, "code": {"continue"}})
		if p.status != http.StatusSeeOther {
			t.Errorf("decision without a session: %d", p.status)
		}
	}
	if n := decisionsPulled(t, e); n != 0 {
		t.Errorf("%d decisions written without a session", n)
	}
	// The JSON API is unchanged: no token is 401 JSON, not a redirect.
	if status, body := e.api("GET", "/v1/sync/pull", "", nil); status != http.StatusUnauthorized || !strings.Contains(string(body), `"unauthorized"`) {
		t.Errorf("API without token: %d %s", status, body)
	}
}

// TestOtherSchoolIs404: ids of another school are not found, like unknown
// ones, and never show data.
func TestOtherSchoolIs404(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("washington", "admin")
	for _, path := range consolePaths(e)[2:] {
		if p := b.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "Maya") {
			t.Errorf("%s from another school: %d", path, p.status)
		}
	}
	if p := b.get("/?as_of=" + asOf); len(rows(p.body)) != 0 {
		t.Errorf("another school's caseload shows lincoln's goals")
	}
	p := b.get("/meeting")
	if p := b.post("/meeting/decisions", url.Values{"csrf": {csrf(t, p)}, "goal_id": {e.ids.goal1}, "code": {"continue"}}); p.status != http.StatusNotFound {
		t.Errorf("a decision on another school's goal: %d", p.status)
	}
	if n := decisionsPulled(t, e); n != 0 {
		t.Errorf("%d decisions written on another school's goal", n)
	}
}

// TestCSRF: a form without the session's token, or with another's, changes
// nothing (403); the sign-in form has its own token too.
func TestCSRF(t *testing.T) {
	e := newEnv(t, false)
	b, other := e.signedIn("lincoln", "admin"), e.signedIn("lincoln", "ana")
	otherToken := csrf(t, other.get("/meeting"))
	good := csrf(t, b.get("/meeting"))
	if good == otherToken {
		t.Fatalf("two sessions share a CSRF token")
	}
	for _, tok := range []string{"", "x", otherToken, good[:len(good)-1]} {
		form := url.Values{"goal_id": {e.ids.goal1}, "code": {"continue"}}
		if tok != "" {
			form.Set("csrf", tok)
		}
		if p := b.post("/meeting/decisions", form); p.status != http.StatusForbidden {
			t.Errorf("decision with token %q: %d", tok, p.status)
		}
		if p := b.post("/logout", url.Values{"csrf": {tok}}); p.status != http.StatusForbidden {
			t.Errorf("logout with token %q: %d", tok, p.status)
		}
	}
	if n := decisionsPulled(t, e); n != 0 {
		t.Errorf("%d decisions written without a valid token", n)
	}
	if p := b.get("/"); p.status != http.StatusOK {
		t.Errorf("a logout without a valid token ended the session: %d", p.status)
	}
	// Sign-in without the form's token (a cross-site login) starts nothing.
	fresh := e.browser()
	p := fresh.post("/login", url.Values{"school": {"lincoln"}, "username": {"admin"}, "password": {pw}})
	if p.status != http.StatusForbidden || fresh.get("/").status != http.StatusSeeOther {
		t.Errorf("sign-in without a token: %d", p.status)
	}
	// Logout with the token ends the session.
	if p := b.post("/logout", url.Values{"csrf": {good}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
		t.Errorf("logout: %d", p.status)
	}
	if p := b.get("/"); p.status != http.StatusSeeOther {
		t.Errorf("after logout: %d", p.status)
	}
}

// TestRestrictedNotes: a restricted note shows only to its author and
// admins (PROTOCOL §6, CONSOLE.md §2).
func TestRestrictedNotes(t *testing.T) {
	e := newEnv(t, false)
	admin := e.signedIn("lincoln", "admin").get("/students/" + e.ids.s1).body
	ana := e.signedIn("lincoln", "ana").get("/students/" + e.ids.s1).body
	if !strings.Contains(admin, adminSecret) || !strings.Contains(admin, anaSecret) {
		t.Errorf("the admin does not see both restricted notes")
	}
	if strings.Contains(ana, adminSecret) {
		t.Errorf("ana sees the admin's restricted note")
	}
	if !strings.Contains(ana, anaSecret) || !strings.Contains(ana, "Maya read the whole passage") {
		t.Errorf("ana does not see her own restricted note or the open one")
	}
	// And no download holds one.
	b := e.signedIn("lincoln", "ana")
	for _, path := range consolePaths(e) {
		if p := b.get(path); strings.Contains(p.body, adminSecret) {
			t.Errorf("%s holds the admin's restricted note for ana", path)
		}
	}
}

// TestInterventionistScope: an interventionist sees the students of groups
// whose interventionist_id is them, and nothing else (CONSOLE.md §2).
func TestInterventionistScope(t *testing.T) {
	e := newEnv(t, false)
	ana, ben := e.signedIn("lincoln", "ana"), e.signedIn("lincoln", "ben")
	if got := rows(ana.get("/?as_of=" + asOf).body); len(got) != 2 || got[e.ids.goal1].goal == "" || got[e.ids.goal2].goal == "" {
		t.Errorf("ana's caseload = %v", got)
	}
	if got := rows(ben.get("/?as_of=" + asOf).body); len(got) != 1 || got[e.ids.goal3].goal == "" {
		t.Errorf("ben's caseload = %v", got)
	}
	for _, path := range []string{"/students/" + e.ids.s3, "/students/" + e.ids.s3 + "/goals/" + e.ids.goal3 + "/report.pdf"} {
		if p := ana.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "Iris") {
			t.Errorf("ana gets %s: %d", path, p.status)
		}
	}
	if p := ben.get("/students/" + e.ids.s1); p.status != http.StatusNotFound {
		t.Errorf("ben gets Maya: %d", p.status)
	}
	if p := ana.get("/meeting?as_of=" + asOf); strings.Contains(p.body, "Iris") {
		t.Errorf("ana's agenda shows Owls")
	}
}

// TestDisabledUserSessionEnds: an admin disabling a user ends their console
// sessions at once (PROTOCOL §13), and they cannot sign in again.
func TestDisabledUserSessionEnds(t *testing.T) {
	e := newEnv(t, false)
	ana := e.signedIn("lincoln", "ana")
	if p := ana.get("/"); p.status != http.StatusOK {
		t.Fatalf("ana's caseload: %d", p.status)
	}
	status, body := e.api("PATCH", "/v1/admin/users/"+e.users["lincoln/ana"].ID, e.enrol("lincoln", "admin").token, map[string]any{"disabled": true})
	if status != http.StatusOK {
		t.Fatalf("disable: %d %s", status, body)
	}
	if p := ana.get("/"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
		t.Errorf("a disabled user's session still works: %d", p.status)
	}
	if p := e.browser().signIn("lincoln", "ana", pw); p.status != http.StatusUnauthorized || !strings.Contains(p.body, "Wrong school, username or password.") {
		t.Errorf("a disabled user signs in: %d", p.status)
	}
}

// TestSignInLimitSharedWithEnrolment: wrong passwords get 401 with one
// wording; failures on the console and on enrolment count under the same
// key, and the 11th in the window gets 429 with Retry-After (PROTOCOL §4).
func TestSignInLimitSharedWithEnrolment(t *testing.T) {
	e := newEnv(t, false)
	b := e.browser()
	for i := 0; i < 5; i++ {
		status, _ := e.api("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ben", "password": "wrong password",
			"device_id": "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00", "device_name": "t"})
		if status != http.StatusUnauthorized {
			t.Fatalf("enrolment %d: %d", i, status)
		}
		p := b.signIn("lincoln", "ben", "wrong password")
		if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "Wrong school, username or password.") {
			t.Fatalf("sign-in %d: %d", i, p.status)
		}
	}
	p := b.signIn("lincoln", "ben", pw)
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" || !strings.Contains(p.body, "Too many failed logins") {
		t.Errorf("11th attempt: %d %q", p.status, p.header.Get("Retry-After"))
	}
	// An unknown user answers like a wrong password; over-long fields are
	// refused before any lookup.
	if p := b.signIn("lincoln", "nobody", pw); p.status != http.StatusUnauthorized {
		t.Errorf("unknown user: %d", p.status)
	}
	if p := b.signIn(strings.Repeat("s", 65), "ben", pw); p.status != http.StatusBadRequest {
		t.Errorf("long school: %d", p.status)
	}
}

// TestSecurityHeadersAndCookie: every console response carries the
// headers of CONSOLE.md §2; the session cookie is HttpOnly, SameSite=Lax,
// Path=/, and Secure under TLS.
func TestSecurityHeadersAndCookie(t *testing.T) {
	for _, tls := range []bool{false, true} {
		e := newEnv(t, tls)
		b := e.browser()
		form := b.get("/login")
		resp, err := b.c.PostForm(e.srv.URL+"/login", url.Values{"csrf": {csrf(t, form)}, "school": {"lincoln"}, "username": {"admin"}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var ck *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "sw_session" {
				ck = c
			}
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure != tls || len(ck.Value) < 43 {
			t.Fatalf("tls=%v: session cookie %+v", tls, ck)
		}
		pages := []page{form, b.get("/"), b.get("/meeting"), b.get("/students/" + e.ids.s1), b.get("/students/nope"), e.browser().get("/")}
		for i, p := range pages {
			csp := p.header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") ||
				p.header.Get("X-Content-Type-Options") != "nosniff" || p.header.Get("Referrer-Policy") == "" {
				t.Errorf("tls=%v page %d (%d): headers %v", tls, i, p.status, p.header)
			}
			if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") || strings.Contains(p.body, "<style") {
				t.Errorf("page %d has inline script or style", i)
			}
		}
	}
}

// pulled is every record a tablet of the admin pulls from 0.
func pulled(t *testing.T, e *env, token string, after int64) ([]record.Envelope, int64) {
	t.Helper()
	var out []record.Envelope
	for {
		status, body := e.api("GET", fmt.Sprintf("/v1/sync/pull?after=%d", after), token, nil)
		if status != http.StatusOK {
			t.Fatalf("pull: %d %s", status, body)
		}
		var r protocol.PullResponse
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Records...)
		after = r.Cursor
		if !r.More {
			return out, after
		}
	}
}

func decisionsPulled(t *testing.T, e *env) int {
	recs, _ := pulled(t, e, e.enrol("lincoln", "admin").token, 0)
	n := 0
	for _, r := range recs {
		if r.Type == record.TypeDecision {
			n++
		}
	}
	return n
}

// TestMeetingDecisionReachesTablet: a decision recorded in the meeting is
// an ordinary record, stamped under the school's server device id, that an
// interventionist's tablet pulls on its next sync; the student page lists it.
func TestMeetingDecisionReachesTablet(t *testing.T) {
	e := newEnv(t, false)
	tab := e.enrol("lincoln", "ana")
	_, cursor := pulled(t, e, tab.token, 0)

	b := e.signedIn("lincoln", "admin")
	agenda := b.get("/meeting?as_of=" + asOf)
	if !strings.Contains(agenda.body, `data-goal-id="`+e.ids.goal1+`"`) {
		t.Fatalf("goal 1 (change instruction) is not on the agenda")
	}
	owner := e.users["lincoln/ana"].ID
	p := b.post("/meeting/decisions", url.Values{"csrf": {csrf(t, agenda)}, "goal_id": {e.ids.goal1}, "code": {"change_instruction"},
		"rationale": {"Add a second daily session of partner reading."}, "next_review_date": {"2025-04-14"}, "owner_id": {owner}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("record decision: %d %s", p.status, p.body)
	}
	recs, _ := pulled(t, e, tab.token, cursor)
	var got []record.Envelope
	for _, r := range recs {
		if r.Type == record.TypeDecision {
			got = append(got, r)
		}
	}
	if len(got) != 1 {
		t.Fatalf("the tablet pulled %d decisions, want 1", len(got))
	}
	var d record.Decision
	if err := record.DecodeData(got[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	if d.GoalID != e.ids.goal1 || d.StudentID != e.ids.s1 || d.Code != "change_instruction" || d.NextReviewDate != "2025-04-14" || d.OwnerID != owner || d.Rationale == "" {
		t.Errorf("decision pulled = %+v", d)
	}
	school, _ := e.st.SchoolBySlug(t.Context(), "lincoln")
	if !strings.HasSuffix(got[0].HLC, serverwriter.DeviceID(school.ID)) {
		t.Errorf("decision HLC %s is not the server's device", got[0].HLC)
	}
	if s := b.get("/students/" + e.ids.s1 + "?as_of=" + asOf).body; !strings.Contains(s, "Add a second daily session of partner reading.") || !strings.Contains(s, "2025-04-14") {
		t.Errorf("the student page does not list the decision")
	}
	// An invalid decision is refused and writes nothing.
	agenda = b.get("/meeting?as_of=" + asOf)
	if p := b.post("/meeting/decisions", url.Values{"csrf": {csrf(t, agenda)}, "goal_id": {e.ids.goal1}, "code": {"shrug"}}); p.status != http.StatusBadRequest {
		t.Errorf("unknown code: %d", p.status)
	}
	if n := decisionsPulled(t, e); n != 1 {
		t.Errorf("%d decisions after a refused one, want 1", n)
	}
}

// TestWarmComputesEveryCaseloadGoal: the warm-up at serve start reads every
// school and computes the goals the caseload shows (active or without a
// status: goal1–3 of Lincoln, not the met one), and stops when told.
func TestWarmComputesEveryCaseloadGoal(t *testing.T) {
	e := newEnv(t, false)
	con := console.New(console.Config{Store: e.st, Passwords: testPasswords, Now: func() time.Time { return time.Date(2025, 3, 17, 12, 0, 0, 0, time.UTC) }})
	if n := con.Warm(t.Context()); n != 3 {
		t.Fatalf("warm-up computed %d goals, want 3", n)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if n := con.Warm(ctx); n != 0 {
		t.Fatalf("a cancelled warm-up computed %d goals", n)
	}
}
