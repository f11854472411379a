package console_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Tests of the pages of ADR 0027: the group page's students, /programs,
// /cico, and the admin, audit and student page fixes.

// attr is the value of data-name in the first tag of body that matches
// sel (a regexp of the tag's start), "" when there is none.
func attr(body, sel, name string) string {
	m := regexp.MustCompile(`<[^>]*` + sel + `[^>]*>`).FindString(body)
	v := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(m)
	if v == nil {
		return ""
	}
	return v[1]
}

// TestGroupPageStudentsAndGrid: a row per student with each goal's
// decision and light as the report API says them and their attendance;
// with one plan (or plans alike) the summary says what was planned once,
// with plans that differ each row says its own; the fidelity grid is a
// labelled region the keyboard reaches, its total column first.
func TestGroupPageStudentsAndGrid(t *testing.T) {
	e := newEnv(t, false)
	admin := e.signedIn("lincoln", "admin")
	path := "/groups/" + e.ids.bluebirds + "?as_of=" + asOf
	p := admin.get(path)
	if p.status != http.StatusOK {
		t.Fatalf("group page: %d", p.status)
	}
	for _, g := range []struct{ goal, student string }{{e.ids.goal1, e.ids.s1}, {e.ids.goal2, e.ids.s2}} {
		r := e.report("lincoln", "admin", g.goal)
		li := regexp.MustCompile(`<tr data-student-id="` + g.student + `"[\s\S]*?<li data-goal-id="` + g.goal + `" data-decision="([^"]+)" data-status="([^"]+)">`).FindStringSubmatch(p.body)
		if li == nil || li[1] != r.Decision.Code || li[2] != r.Status {
			t.Errorf("student %s's goal %s: %v, report %s %s", g.student, g.goal, li, r.Decision.Code, r.Status)
		}
		if !strings.Contains(p.body, htmlEscape(progress.DecisionWords(r.Decision.Code))) {
			t.Errorf("the decision %s is not in words", r.Decision.Code)
		}
	}
	d := e.report("lincoln", "admin", e.ids.goal1).Delivery
	planned := progress.FormatSessions(d.PlannedSessions)
	for _, want := range []string{
		"6 sessions delivered of " + planned + " planned, 0 cancelled",                            // said once
		fmt.Sprintf("%d sessions (%s)", d.SessionsAttended, progress.FormatPct(*d.AttendancePct)), // Maya's row
		"No plan in this group", // Theo's row
		`<div class="scroll" tabindex="0" role="region" aria-labelledby="steps">`,
		`<th scope="col">Step</th><th scope="col" class="total">`,
		`<td class="total" data-attended-total>6 of 6</td>`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("group page lacks %q", want)
		}
	}
	if strings.Contains(p.body, "plans differ") || strings.Contains(p.body, " of "+planned+" planned (") {
		t.Errorf("one plan, yet the rows repeat what was planned")
	}

	// Theo joins with a plan of 2 a week from 3 February: the plans
	// differ, so the summary says delivered only and each row its plan.
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{{ID: uuid.NewString(), Type: "plan", Data: json.RawMessage(fmt.Sprintf(
		`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-02-03","sessions_per_week":2,"minutes_per_session":30}`, e.ids.s2, e.ids.program, e.ids.bluebirds))}})
	p = admin.get(path)
	if !strings.Contains(p.body, "6 sessions delivered, 0 cancelled") || strings.Contains(p.body, " planned, 0 cancelled") ||
		!strings.Contains(p.body, "The students&#39; plans differ") {
		t.Errorf("plans that differ: the summary reads %q", regexp.MustCompile(`data-delivered="6">([^<]*)`).FindStringSubmatch(p.body))
	}
	if !strings.Contains(p.body, " of "+planned+" planned (") || strings.Count(p.body, " planned (") != 2 {
		t.Errorf("plans that differ: the rows do not each say their plan")
	}
	if regexp.MustCompile(`planned [^<]* to [^<]*planned`).MatchString(p.body) || strings.Contains(p.body, "(the students&#39; plans differ) planned") {
		t.Errorf("the summary still gives a range of plans")
	}
}

// TestProgramsPages: per program and per interventionist, the figures are
// progress.SummarizeOutcomes over the same goals' /v1/reports/progress
// reports; an interventionist's pages hold only their groups' goals;
// another school's ids are not found.
func TestProgramsPages(t *testing.T) {
	e := newEnv(t, false)
	admin, ana := e.signedIn("lincoln", "admin"), e.signedIn("lincoln", "ana")
	reps := map[string]progress.Report{}
	for _, g := range []string{e.ids.goal1, e.ids.goal2, e.ids.goal3} {
		reps[g] = e.report("lincoln", "admin", g)
	}
	sum := func(goals ...string) progress.Outcomes {
		var rs []progress.Report
		for _, g := range goals {
			rs = append(rs, reps[g])
		}
		return progress.SummarizeOutcomes(rs)
	}
	check := func(who, body, sel string, want progress.Outcomes) {
		t.Helper()
		if got := attr(body, sel, "data-goals"); got != strconv.Itoa(want.Goals) {
			t.Errorf("%s %s: data-goals %q, want %d", who, sel, got, want.Goals)
		}
		if got := attr(body, sel, "data-students"); got != strconv.Itoa(want.Students) {
			t.Errorf("%s %s: data-students %q, want %d", who, sel, got, want.Students)
		}
		for name, w := range map[string]*float64{"data-responding-pct": want.RespondingPct, "data-growth-pct": want.MedianGrowthPct, "data-at80-pct": want.DeliveredAt80Pct} {
			got := attr(body, sel, name)
			if w == nil {
				if got != "" {
					t.Errorf("%s %s: %s %q, want none", who, sel, name, got)
				}
				continue
			}
			if v, err := strconv.ParseFloat(got, 64); err != nil || math.Abs(v-*w) > 1e-9 {
				t.Errorf("%s %s: %s %q, want %v", who, sel, name, got, *w)
			}
		}
	}
	anaID, benID := e.users["lincoln/ana"].ID, e.users["lincoln/ben"].ID
	p := admin.get("/programs?as_of=" + asOf)
	if p.status != http.StatusOK {
		t.Fatalf("/programs: %d", p.status)
	}
	all := sum(e.ids.goal1, e.ids.goal2, e.ids.goal3)
	if all.Judged == 0 || all.GrowthGoals == 0 || all.DeliveryKnown == 0 {
		t.Fatalf("the fixture judges nothing: %+v", all)
	}
	check("admin", p.body, `class="facts outcomes-all"`, all)
	check("admin", p.body, `data-program-id="`+e.ids.program+`"`, all) // every goal is in Phonics (goal 2 through its group)
	check("admin", p.body, `data-interventionist-id="`+anaID+`"`, sum(e.ids.goal1, e.ids.goal2))
	check("admin", p.body, `data-interventionist-id="`+benID+`"`, sum(e.ids.goal3))
	for _, want := range []string{`href="/programs/` + e.ids.program + `?as_of=` + asOf + `"`, "Phonics for Reading",
		`href="/programs?as_of=` + asOf + `&amp;interventionist=` + anaID + `"`, "of the growth needed (median of"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("/programs lacks %q", want)
		}
	}
	// Ana's page, and Ana's own view: her goals only.
	check("admin, ana's page", admin.get("/programs?as_of="+asOf+"&interventionist="+anaID).body, `class="facts outcomes-all"`, sum(e.ids.goal1, e.ids.goal2))
	pa := ana.get("/programs?as_of=" + asOf)
	check("ana", pa.body, `data-program-id="`+e.ids.program+`"`, sum(e.ids.goal1, e.ids.goal2))
	if strings.Contains(pa.body, `data-interventionist-id="`+benID+`"`) {
		t.Errorf("ana's /programs shows ben")
	}

	// A program's page: its figures, per interventionist, and its
	// students linked, the decision's order first.
	pp := admin.get("/programs/" + e.ids.program + "?as_of=" + asOf)
	check("admin program", pp.body, `class="facts outcomes-all"`, all)
	check("admin program", pp.body, `data-interventionist-id="`+benID+`"`, sum(e.ids.goal3))
	if n := attr(pp.body, `class="plain programstudents`, "x"); n != "" {
		t.Fatal(n)
	}
	if got := regexp.MustCompile(`<tbody data-total="(\d+)"><tr data-goal-id`).FindStringSubmatch(pp.body); got == nil || got[1] != "3" {
		t.Errorf("program students total %v, want 3", got)
	}
	for _, s := range []string{e.ids.s1, e.ids.s2, e.ids.s3} {
		if !strings.Contains(pp.body, `href="/students/`+s+`?as_of=`+asOf+`"`) {
			t.Errorf("the program page does not link student %s", s)
		}
	}
	ap := ana.get("/programs/" + e.ids.program + "?as_of=" + asOf)
	if ap.status != http.StatusOK || strings.Contains(ap.body, e.ids.s3) || strings.Contains(ap.body, "Iris") {
		t.Errorf("ana's program page: %d, shows Iris: %v", ap.status, strings.Contains(ap.body, "Iris"))
	}
	// Not found: unknown, malformed, a student's id, another school's
	// program, another school's user as the interventionist.
	w := e.signedIn("washington", "admin")
	for _, c := range []struct {
		b    *browser
		path string
	}{
		{admin, "/programs/" + uuid.NewString()}, {admin, "/programs/nope"}, {admin, "/programs/" + e.ids.s1},
		{w, "/programs/" + e.ids.program}, {admin, "/programs?interventionist=" + e.users["washington/ana"].ID},
		{admin, "/programs?interventionist=nope"},
	} {
		if p := c.b.get(c.path); p.status != http.StatusNotFound || strings.Contains(p.body, "Phonics") {
			t.Errorf("%s: %d", c.path, p.status)
		}
	}
	if p := w.get("/programs"); p.status != http.StatusOK || strings.Contains(p.body, "Phonics") {
		t.Errorf("washington's /programs: %d, shows lincoln's program", p.status)
	}
	if p := e.browser().get("/programs"); p.status != http.StatusSeeOther {
		t.Errorf("/programs without a session: %d", p.status)
	}
}

// seedCICO gives Maya (Ana's group) a CICO plan, self-managed from 3 March,
// and a card every weekday from 3 February to as_of; Iris (Ben's) cards of
// one week without a plan.
func (e *env) seedCICO() {
	e.t.Helper()
	var recs []record.Envelope
	start, _ := progress.ParseDate("2025-02-03")
	end, _ := progress.ParseDate(asOf)
	recs = append(recs, record.Envelope{ID: record.CICOPlanID(e.ids.s1), Type: record.TypeCICOPlan, Data: json.RawMessage(fmt.Sprintf(
		`{"student_id":%q,"expectations":["Be safe","Be kind"],"periods":["Morning","Afternoon"],"phases":[{"phase":"self_managed","start_date":"2025-03-03"}]}`, e.ids.s1))})
	for d := start; d <= end; d++ {
		if d.Weekday() > 5 {
			continue
		}
		// Most days 7 of 8 points; the week of 17 February 4 of 8.
		r := `[[2,2],[2,1]]`
		if d >= start+14 && d < start+21 {
			r = `[[1,1],[1,1]]`
		}
		recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: record.TypeCICOCard, Data: json.RawMessage(fmt.Sprintf(
			`{"student_id":%q,"date":%q,"expectations":["Be safe","Be kind"],"periods":["Morning","Afternoon"],"ratings":%s}`, e.ids.s1, d, r))})
	}
	for d := end - 7; d < end-2; d++ {
		recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: record.TypeCICOCard, Data: json.RawMessage(fmt.Sprintf(
			`{"student_id":%q,"date":%q,"expectations":["Be safe"],"periods":["Morning"],"ratings":[[1]]}`, e.ids.s3, d))})
	}
	e.push(e.enrol("lincoln", "admin"), recs)
}

// cicoReport is /v1/reports/cico for a student.
func (e *env) cicoReport(student, from, to string) progress.CICOReport {
	e.t.Helper()
	status, body := e.api("GET", "/v1/reports/cico?student="+student+"&from="+from+"&to="+to, e.enrol("lincoln", "admin").token, nil)
	if status != http.StatusOK {
		e.t.Fatalf("cico report: %d %s", status, body)
	}
	var r progress.CICOReport
	if err := json.Unmarshal(body, &r); err != nil {
		e.t.Fatal(err)
	}
	return r
}

var cicoRowRE = regexp.MustCompile(`<tr data-student-id="([^"]+)" data-phase="([^"]*)" data-week-pct="([^"]*)"`)

// TestCICOPages: /cico lists the students on CICO in scope with their
// phase and this week's %, as /v1/reports/cico says; a student's page has
// the chart with the phase line in words and the weeks; the family card
// is the API's PDF; scope and other schools as everywhere.
func TestCICOPages(t *testing.T) {
	e := newEnv(t, false)
	e.seedCICO()
	admin, ana, ben := e.signedIn("lincoln", "admin"), e.signedIn("lincoln", "ana"), e.signedIn("lincoln", "ben")
	week := "2025-03-17" // as_of is a Monday: this week has one day
	api := e.cicoReport(e.ids.s1, week, asOf)
	if len(api.Weeks) != 1 {
		t.Fatalf("the API's week: %+v", api.Weeks)
	}
	p := admin.get("/cico?as_of=" + asOf)
	got := map[string][2]string{}
	for _, m := range cicoRowRE.FindAllStringSubmatch(p.body, -1) {
		got[m[1]] = [2]string{m[2], m[3]}
	}
	if len(got) != 2 || got[e.ids.s1] != [2]string{"self_managed", strconv.FormatFloat(api.Weeks[0].Pct, 'g', -1, 64)} || got[e.ids.s3] != [2]string{"cico", ""} {
		t.Errorf("admin's /cico rows %v (API week %v)", got, api.Weeks[0].Pct)
	}
	for _, want := range []string{`data-total="2"`, "Self-managed", "since 2025-03-03", "Check-in/check-out", "no rated card", "50% (below the weekly goal of 80%)", `href="/cico/` + e.ids.s1 + `?as_of=` + asOf + `"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("/cico lacks %q", want)
		}
	}
	if p := ana.get("/cico?as_of=" + asOf); !strings.Contains(p.body, e.ids.s1) || strings.Contains(p.body, e.ids.s3) {
		t.Errorf("ana's /cico is not her students'")
	}

	// Maya's page: the chart inline (an SVG with presentation attributes
	// only), the phase line in words, the weeks as the API gives them.
	sp := ana.get("/cico/" + e.ids.s1 + "?as_of=" + asOf)
	if sp.status != http.StatusOK {
		t.Fatalf("Maya's CICO page: %d", sp.status)
	}
	from := "2024-11-04" // 20 weeks back from the week of as_of
	weeks := e.cicoReport(e.ids.s1, from, asOf).Weeks
	rows := regexp.MustCompile(`<tr data-week="([^"]+)" data-met="([^"]+)">`).FindAllStringSubmatch(sp.body, -1)
	if len(rows) != len(weeks) || len(weeks) != 7 {
		t.Fatalf("%d week rows, the API has %d weeks", len(rows), len(weeks))
	}
	for i, r := range rows { // newest first
		w := weeks[len(weeks)-1-i]
		if r[1] != w.WeekStart || r[2] != strconv.FormatBool(w.Met) {
			t.Errorf("week row %v, API %s met %v", r[1:], w.WeekStart, w.Met)
		}
	}
	for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg" class="cicochart"`, "Self-managed from 3 Mar", "weekly goal 80%",
		`data-phase="self_managed"`, `href="/cico/` + e.ids.s1 + `/card.pdf?week=2025-03-17"`, "Successful self-managed weeks"} {
		if !strings.Contains(sp.body, want) {
			t.Errorf("Maya's CICO page lacks %q", want)
		}
	}
	if strings.Contains(strings.SplitN(strings.SplitN(sp.body, "<svg", 2)[1], "</svg>", 2)[0], "style=") {
		t.Errorf("the inline chart has a style attribute (the CSP forbids it)")
	}

	// The family card: the API's page for the same week, through the
	// session.
	card := ana.get("/cico/" + e.ids.s1 + "/card.pdf?week=2025-03-10")
	if card.status != http.StatusOK || card.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(card.body, "%PDF") {
		t.Errorf("family card: %d %s", card.status, card.header.Get("Content-Type"))
	}
	for _, q := range []string{"?week=nope", "?date=2025-13-01", "?date=2025-03-10&week=2025-03-10"} {
		if p := ana.get("/cico/" + e.ids.s1 + "/card.pdf" + q); p.status != http.StatusBadRequest {
			t.Errorf("card.pdf%s: %d", q, p.status)
		}
	}
	// Scope: Ben may not open Maya; another school's admin neither; and
	// without a session, the login.
	w := e.signedIn("washington", "admin")
	for _, c := range []struct {
		b    *browser
		path string
	}{{ben, "/cico/" + e.ids.s1}, {ben, "/cico/" + e.ids.s1 + "/card.pdf"}, {w, "/cico/" + e.ids.s1}, {w, "/cico/" + e.ids.s1 + "/card.pdf"},
		{admin, "/cico/" + uuid.NewString()}, {admin, "/cico/nope"}, {admin, "/cico/" + e.ids.program}} {
		if p := c.b.get(c.path); p.status != http.StatusNotFound || strings.Contains(p.body, "Maya") {
			t.Errorf("%s: %d", c.path, p.status)
		}
	}
	if p := w.get("/cico"); strings.Contains(p.body, e.ids.s1) {
		t.Errorf("washington's /cico lists lincoln's student")
	}
	if p := e.browser().get("/cico/" + e.ids.s1 + "/card.pdf"); p.status != http.StatusSeeOther {
		t.Errorf("card without a session: %d", p.status)
	}
}

func formOf(t *testing.T, p page, vals url.Values) url.Values {
	t.Helper()
	vals.Set("csrf", csrf(t, p))
	return vals
}

// TestAdminAddUserAndNoSelfDisable: an admin adds a user from the page
// (schooladmin.AddUser's rules and messages), who can then sign in; the
// admin's own row offers no disable and no change of role, and a forged
// form is refused all the same.
func TestAdminAddUserAndNoSelfDisable(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	p := b.get("/admin")
	for _, want := range []string{`<form method="post" action="/admin/users" class="decide adduser"`, `<label for="new-username">`, `name="password"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("/admin lacks %q", want)
		}
	}
	if strings.Contains(p.body, "PROTOCOL §13") || strings.Contains(p.body, "syncserver user add") {
		t.Errorf("/admin still sends the admin to the command line")
	}
	// The admin's own row: no disable, no role form; others' rows have both.
	row := func(body, id string) string {
		return regexp.MustCompile(`(?s)<tr data-user-id="` + id + `".*?</tr>`).FindString(body)
	}
	me, ana := e.users["lincoln/admin"].ID, e.users["lincoln/ana"].ID
	if r := row(p.body, me); r == "" || strings.Contains(r, "/admin/users/disable") || strings.Contains(r, "/admin/users/role") {
		t.Errorf("the admin's own row offers to disable or demote: %s", r)
	}
	if r := row(p.body, ana); !strings.Contains(r, "/admin/users/disable") || !strings.Contains(r, "/admin/users/role") {
		t.Errorf("another user's row lacks disable or role")
	}
	if p := b.post("/admin/users/disable", formOf(t, p, url.Values{"user_id": {me}})); p.status != http.StatusConflict {
		t.Errorf("a forged self-disable: %d", p.status)
	}

	add := url.Values{"username": {"dana"}, "name": {"Dana Diaz"}, "role": {"interventionist"}, "password": {pw}}
	if p := b.post("/admin/users", add); p.status != http.StatusForbidden {
		t.Errorf("add without a token: %d", p.status)
	}
	if p := b.post("/admin/users", formOf(t, b.get("/admin"), url.Values{"username": {"x"}, "name": {"X"}, "role": {"interventionist"}, "password": {"short"}})); p.status != http.StatusBadRequest ||
		!strings.Contains(p.body, "The password must have at least") {
		t.Errorf("a short password: %d", p.status)
	}
	if p := b.post("/admin/users", formOf(t, b.get("/admin"), add)); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/admin?done=added") {
		t.Fatalf("add: %d %s", p.status, p.body)
	}
	if p := b.get("/admin?done=added"); !strings.Contains(p.body, "Dana Diaz") || !strings.Contains(p.body, "The user is added") {
		t.Errorf("the page does not list the new user")
	}
	if p := e.browser().signIn("lincoln", "dana", pw); p.status != http.StatusSeeOther {
		t.Errorf("the new user cannot sign in: %d", p.status)
	}
	if p := b.post("/admin/users", formOf(t, b.get("/admin"), add)); p.status != http.StatusConflict || !strings.Contains(p.body, "already exists") {
		t.Errorf("the same username again: %d", p.status)
	}
	if p := e.signedIn("lincoln", "ana").post("/admin/users", formOf(t, b.get("/admin"), add)); p.status != http.StatusForbidden {
		t.Errorf("an interventionist adds a user: %d", p.status)
	}
	if strings.Contains(e.logs.String(), pw) {
		t.Errorf("a password in the log")
	}
}

// TestAdminBreakEditAndDelete: a break is changed and deleted from the
// page as records a tablet pulls; a form of a stale page changes nothing;
// another school's break is not found.
func TestAdminBreakEditAndDelete(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	add := formOf(t, b.get("/admin"), url.Values{"name": {"Spring break"}, "start_date": {"2025-03-24"}, "end_date": {"2025-03-28"}})
	if p := b.post("/admin/breaks", add); p.status != http.StatusSeeOther {
		t.Fatalf("add: %d", p.status)
	}
	tablet := e.enrol("lincoln", "ana").token
	held := func() map[string]record.CalendarBreak {
		recs, _ := pulled(t, e, tablet, 0)
		out := map[string]record.CalendarBreak{}
		for _, r := range recs {
			var cb record.CalendarBreak
			if r.Type == record.TypeCalendarBreak && !r.Deleted && record.DecodeData(r.Data, &cb) == nil {
				out[r.ID] = cb
			}
		}
		return out
	}
	p := b.get("/admin")
	m := regexp.MustCompile(`<tr data-break-id="([^"]+)"[\s\S]*?name="hlc" value="([^"]+)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no break row with its version")
	}
	id, hlc := m[1], m[2]
	edit := formOf(t, p, url.Values{"hlc": {hlc}, "name": {"Spring break (moved)"}, "start_date": {"2025-03-31"}, "end_date": {"2025-04-04"}})
	if p := b.post("/admin/breaks/"+id, edit); p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "done=break-changed") {
		t.Fatalf("edit: %d %s", p.status, p.body)
	}
	if got := held(); got[id] != (record.CalendarBreak{Name: "Spring break (moved)", StartDate: "2025-03-31", EndDate: "2025-04-04"}) || len(got) != 1 {
		t.Errorf("after the edit the tablet holds %+v", got)
	}
	// The same form again is of a stale page: 409, nothing changed; a bad
	// date is named; a delete of the stale version neither.
	edit.Set("name", "Stale")
	if p := b.post("/admin/breaks/"+id, edit); p.status != http.StatusConflict {
		t.Errorf("a stale edit: %d", p.status)
	}
	if p := b.post("/admin/breaks/"+id+"/delete", formOf(t, p, url.Values{"hlc": {hlc}})); p.status != http.StatusConflict {
		t.Errorf("a stale delete: %d", p.status)
	}
	p = b.get("/admin")
	hlc = regexp.MustCompile(`<tr data-break-id="` + id + `"[\s\S]*?name="hlc" value="([^"]+)"`).FindStringSubmatch(p.body)[1]
	bad := formOf(t, p, url.Values{"hlc": {hlc}, "name": {"Backwards"}, "start_date": {"2025-04-04"}, "end_date": {"2025-03-31"}})
	if p := b.post("/admin/breaks/"+id, bad); p.status != http.StatusBadRequest || !strings.Contains(p.body, "The break was not changed") {
		t.Errorf("a backwards edit: %d", p.status)
	}
	// Not found: another school's admin, an unknown id, a student's id.
	w := e.signedIn("washington", "admin")
	wp := w.get("/admin")
	for _, c := range []struct {
		b    *browser
		p    page
		path string
	}{{w, wp, "/admin/breaks/" + id}, {w, wp, "/admin/breaks/" + id + "/delete"}, {b, p, "/admin/breaks/" + uuid.NewString()}, {b, p, "/admin/breaks/" + e.ids.s1 + "/delete"}} {
		if r := c.b.post(c.path, formOf(t, c.p, url.Values{"hlc": {hlc}, "name": {"X"}, "start_date": {"2025-01-01"}, "end_date": {"2025-01-02"}})); r.status != http.StatusNotFound {
			t.Errorf("%s: %d", c.path, r.status)
		}
	}
	if p := b.post("/admin/breaks/"+id+"/delete", url.Values{"hlc": {hlc}}); p.status != http.StatusForbidden {
		t.Errorf("delete without a token: %d", p.status)
	}
	if p := b.post("/admin/breaks/"+id+"/delete", formOf(t, p, url.Values{"hlc": {hlc}})); p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "done=break-deleted") {
		t.Fatalf("delete: %d", p.status)
	}
	if got := held(); len(got) != 0 {
		t.Errorf("after the delete the tablet holds %+v", got)
	}
	if p := b.get("/admin"); strings.Contains(p.body, "Spring break") {
		t.Errorf("the deleted break is still listed")
	}
}

// TestAuditInWords: the audit page says which student and kind of record,
// and on which tablet (its name and user) or console session, not ids.
func TestAuditInWords(t *testing.T) {
	e := newEnv(t, false)
	admin := e.signedIn("lincoln", "admin")
	admin.get("/students/" + e.ids.s1) // shows Ana's restricted note: one console entry
	if s, _ := e.api("GET", "/v1/sync/pull?limit=5000", e.enrol("lincoln", "admin").token, nil); s != http.StatusOK {
		t.Fatal("pull")
	}
	p := admin.get("/admin/audit")
	if n := len(auditRows(p.body)); n != 2 {
		t.Fatalf("%d audit rows, want 2", n)
	}
	for _, want := range []string{"Restricted note", `<a href="/students/` + e.ids.s1 + `">Maya Lopez</a>`, "A console session in a browser",
		"Tablet “tablet” of Casey Coach", `data-total="2"`} {
		if !strings.Contains(p.body, htmlEscape(want)) && !strings.Contains(p.body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	// Ids only in the hooks, never as text.
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(p.body, " ")
	if strings.Contains(text, e.ids.noteAnaRestricted) || strings.Contains(text, "console:") {
		t.Errorf("the audit page shows ids as text")
	}
}

// TestStudentPageNotesAndPlans: note authors by name, whether the author
// is a user, a tablet before enrolment ("device:…", ADR 0601), or an id the
// school does not know (then the tablet that wrote it); one delivery block
// per plan however many goals the plan carries.
func TestStudentPageNotesAndPlans(t *testing.T) {
	e := newEnv(t, false)
	tb := e.enrol("lincoln", "ana")
	dev, err := hlcNode(tb)
	if err != nil {
		t.Fatal(err)
	}
	goal4 := uuid.NewString()
	e.push(tb, []record.Envelope{
		{ID: uuid.NewString(), Type: "note", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"author_id":"device:%s","body":"Before enrolment.","category":"academic"}`, e.ids.s1, dev))},
		{ID: uuid.NewString(), Type: "note", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"author_id":"demo-interventionist","body":"From the demo.","category":"academic"}`, e.ids.s1))},
	})
	// A second goal under Maya's plan.
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{{ID: goal4, Type: "goal", Data: json.RawMessage(fmt.Sprintf(
		`{"student_id":%q,"plan_id":%q,"measure":"orf_accuracy","direction":"up","start_date":"2025-01-06","baseline_scores":[80,82,81],"goal_score":95,"goal_date":"2025-05-12"}`, e.ids.s1, e.ids.plan1))}})
	p := e.signedIn("lincoln", "admin").get("/students/" + e.ids.s1 + "?as_of=" + asOf)
	notes := regexp.MustCompile(`<p class="meta">[^·]*· ([^·<]*)`).FindAllStringSubmatch(p.body, -1)
	var authors []string
	for _, n := range notes {
		authors = append(authors, strings.TrimSpace(n[1]))
	}
	joined := strings.Join(authors, "|")
	for _, want := range []string{"Casey Coach", "Ana Rivera", "Ana Rivera (written on their tablet “tablet”)"} {
		if !strings.Contains(joined, htmlEscape(want)) && !strings.Contains(joined, want) {
			t.Errorf("note authors %q lack %q", joined, want)
		}
	}
	if strings.Contains(p.body, "Unknown user") {
		t.Errorf("a note says Unknown user")
	}
	if n := strings.Count(p.body, `data-plan-id="`+e.ids.plan1+`"`); n != 1 {
		t.Errorf("plan 1's delivery is shown %d times, want once", n)
	}
	if n := strings.Count(p.body, "Fidelity, step by step"); n != 1 {
		t.Errorf("%d step-by-step blocks, want 1", n)
	}
	if n := strings.Count(p.body, `href="#plan-`+e.ids.plan1+`"`); n != 2 {
		t.Errorf("%d goals link their plan's delivery, want 2", n)
	}
}

// hlcNode is the tablet's device id (its clock's node).
func hlcNode(tb tablet) (string, error) {
	ts := tb.clock.Now()
	return ts.Node.String(), nil
}

// TestProgramPaging: a program's students come 50 to a page, what needs
// the team first, with the total on the list; past the end is not found.
func TestProgramPaging(t *testing.T) {
	e := newEnv(t, false)
	e.addGoals(t, 60) // 63 goals in Phonics
	b := e.signedIn("lincoln", "admin")
	path := "/programs/" + e.ids.program + "?as_of=" + asOf
	goalRE := regexp.MustCompile(`<tr data-goal-id="([^"]+)" data-student-id="[^"]+" data-decision="([^"]+)"`)
	p1 := b.get(path)
	rows1 := goalRE.FindAllStringSubmatch(p1.body, -1)
	if len(rows1) != 50 || !strings.Contains(p1.body, `data-total="63"`) || !strings.Contains(p1.body, `rel="next"`) || strings.Contains(p1.body, `rel="prev"`) {
		t.Fatalf("page 1: %d rows", len(rows1))
	}
	p2 := b.get(path + "&page=2")
	rows2 := goalRE.FindAllStringSubmatch(p2.body, -1)
	if len(rows2) != 13 || !strings.Contains(p2.body, `rel="prev"`) || strings.Contains(p2.body, `rel="next"`) {
		t.Fatalf("page 2: %d rows", len(rows2))
	}
	seen := map[string]bool{}
	last := -1
	order := []string{record.DecisionReviewGoal, record.DecisionFixDeliveryFirst, record.DecisionChangeInstruction,
		record.DecisionRaiseGoal, record.DecisionNotEnoughData, record.DecisionContinue}
	for _, r := range append(rows1, rows2...) {
		seen[r[1]] = true
		rank := slices.Index(order, r[2])
		if rank < last {
			t.Errorf("goal %s (%s) after a later decision", r[1], r[2])
		}
		last = rank
	}
	if len(seen) != 63 {
		t.Errorf("%d goals over the two pages, want 63", len(seen))
	}
	for _, q := range []string{"&page=3", "&page=0", "&page=x"} {
		if p := b.get(path + q); p.status != http.StatusNotFound {
			t.Errorf("%s: %d", q, p.status)
		}
	}
}
