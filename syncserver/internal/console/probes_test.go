package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

var (
	probeFormRE = regexp.MustCompile(`<tr data-probe-id="([^"]+)"><td>2025-03-17</td>[\s\S]*?name="hlc" value="([^"]+)"`)
	undoRE      = regexp.MustCompile(`name="hlc" value="([^"]+)">\s*<input type="hidden" name="prev" value="([^"]+)">`)
)

// probeNow is the probe as the store holds it.
func probeNow(t *testing.T, e *env, id string) (record.Envelope, record.Probe) {
	t.Helper()
	sc, _ := e.st.SchoolBySlug(context.Background(), "lincoln")
	envs, err := e.st.RecordsByID(context.Background(), sc.ID, store.Viewer{IsAdmin: true}, id)
	if err != nil || len(envs) != 1 {
		t.Fatalf("probe %s: %v %d", id, err, len(envs))
	}
	var p record.Probe
	if err := json.Unmarshal(envs[0].Data, &p); err != nil {
		t.Fatal(err)
	}
	return envs[0], p
}

// TestProbeEditAndUndo: an admin changes Maya's last probe from the student
// page; the change is a new version of the probe record under the school's
// server device id (a tablet pulls it), the report follows, and Undo writes
// the old data back as a newer version.
func TestProbeEditAndUndo(t *testing.T) {
	e := newEnv(t, false)
	admin := e.signedIn("lincoln", "admin")
	page := admin.get("/students/" + e.ids.s1 + "?as_of=" + asOf)
	m := probeFormRE.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no edit form for the probe of 2025-03-17")
	}
	pid, hlc0 := m[1], m[2]
	before := e.report("lincoln", "admin", e.ids.goal1)
	p := admin.post("/students/"+e.ids.s1+"/probes/"+pid+"?as_of="+asOf, url.Values{"csrf": {csrf(t, page)}, "hlc": {hlc0}, "date": {"2025-03-17"}, "score": {"80"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "now reads 80 (it read 53 on 2025-03-17)") {
		t.Fatalf("edit: %d %s", p.status, p.body)
	}
	env1, pr := probeNow(t, e, pid)
	ts, _ := hlc.Parse(env1.HLC)
	if pr.Score != 80 || ts.Node.String() != serverwriter.DeviceID(e.users["lincoln/admin"].SchoolID) || env1.HLC <= hlc0 {
		t.Errorf("after the edit the store holds %+v at %s", pr, env1.HLC)
	}
	if after := e.report("lincoln", "admin", e.ids.goal1); after.Points[len(after.Points)-1].Score != 80 || after.Decision == before.Decision && after.Status == before.Status {
		t.Errorf("the report did not follow: %+v", after.Points[len(after.Points)-1])
	}
	// A tablet pulls the new version.
	recs, _ := pulled(t, e, e.enrol("lincoln", "ana").token, 0)
	found := false
	for _, r := range recs {
		found = found || r.ID == pid && r.HLC == env1.HLC
	}
	if !found {
		t.Errorf("a tablet did not pull the edit")
	}
	// Undo, from the form the edit's page holds.
	u := undoRE.FindStringSubmatch(p.body)
	if u == nil || u[1] != env1.HLC {
		t.Fatalf("no undo form for the edit: %v", u)
	}
	r := admin.post("/students/"+e.ids.s1+"/probes/"+pid+"/undo?as_of="+asOf, url.Values{"csrf": {csrf(t, p)}, "hlc": {u[1]}, "prev": {u[2]}})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "undone=1") {
		t.Fatalf("undo: %d %s", r.status, r.header.Get("Location"))
	}
	env2, pr2 := probeNow(t, e, pid)
	if pr2.Score != 53 || pr2.Date != "2025-03-17" || env2.HLC <= env1.HLC {
		t.Errorf("after the undo the store holds %+v at %s (the edit was %s)", pr2, env2.HLC, env1.HLC)
	}
	if after := e.report("lincoln", "admin", e.ids.goal1); after.Decision != before.Decision || after.Status != before.Status {
		t.Errorf("the report after the undo: %+v, before the edit %+v", after.Decision, before.Decision)
	}
	// The same undo again: the probe is no longer at the edit's version.
	if again := admin.post("/students/"+e.ids.s1+"/probes/"+pid+"/undo", url.Values{"csrf": {csrf(t, p)}, "hlc": {u[1]}, "prev": {u[2]}}); again.status != http.StatusConflict {
		t.Errorf("a second undo: %d", again.status)
	}
}

// TestProbeEditRules: only admins, only with the form's token, only over
// the version the form showed, only valid values, only the route's
// student's probe; a refused request changes nothing.
func TestProbeEditRules(t *testing.T) {
	e := newEnv(t, false)
	admin := e.signedIn("lincoln", "admin")
	page := admin.get("/students/" + e.ids.s1 + "?as_of=" + asOf)
	m := probeFormRE.FindStringSubmatch(page.body)
	pid, hlc0 := m[1], m[2]
	tok := csrf(t, page)
	path := "/students/" + e.ids.s1 + "/probes/" + pid
	ok := url.Values{"csrf": {tok}, "hlc": {hlc0}, "date": {"2025-03-17"}, "score": {"60"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range ok {
			f[kk] = vv
		}
		f.Set(k, v)
		return f
	}
	// An interventionist's page has no edit form, and her post is refused.
	ana := e.signedIn("lincoln", "ana")
	ap := ana.get("/students/" + e.ids.s1 + "?as_of=" + asOf)
	if strings.Contains(ap.body, `name="score"`) {
		t.Errorf("an interventionist sees the edit form")
	}
	cases := []struct {
		name   string
		b      *browser
		path   string
		form   url.Values
		status int
	}{
		{"interventionist", ana, path, with("csrf", csrf(t, ap)), http.StatusForbidden},
		{"no csrf", admin, path, with("csrf", ""), http.StatusForbidden},
		{"stale page", admin, path, with("hlc", "0000000001764000000000-0000-0000-0000-000000000000"), http.StatusConflict},
		{"score not a number", admin, path, with("score", "lots"), http.StatusBadRequest},
		{"score not finite", admin, path, with("score", "NaN"), http.StatusBadRequest},
		{"score overflows", admin, path, with("score", "1e400"), http.StatusBadRequest},
		{"score out of bounds", admin, path, with("score", "10001"), http.StatusBadRequest},
		{"score far out of bounds", admin, path, with("score", "1.7e308"), http.StatusBadRequest},
		{"negative score", admin, path, with("score", "-1"), http.StatusBadRequest},
		{"date out of bounds", admin, path, with("date", "1900-03-17"), http.StatusBadRequest},
		{"bad date", admin, path, with("date", "2025-02-30"), http.StatusBadRequest},
		{"hostile date", admin, path, with("date", `<script>alert(1)</script>`), http.StatusBadRequest},
		{"another student's route", admin, "/students/" + e.ids.s2 + "/probes/" + pid, ok, http.StatusNotFound},
		{"unknown probe", admin, "/students/" + e.ids.s1 + "/probes/" + uuid.NewString(), ok, http.StatusNotFound},
		{"a goal, not a probe", admin, "/students/" + e.ids.s1 + "/probes/" + e.ids.goal1, ok, http.StatusNotFound},
		{"another school", e.signedIn("washington", "admin"), path, ok, http.StatusNotFound},
		{"undo not made by the console", admin, path + "/undo", with("prev", "eyJzdHVkZW50X2lkIjoieCJ9"), http.StatusBadRequest},
	}
	for _, c := range cases {
		if c.b != admin && c.name == "another school" {
			c.form = with("csrf", csrf(t, c.b.get("/")))
		}
		if p := c.b.post(c.path, c.form); p.status != c.status {
			t.Errorf("%s: %d, want %d", c.name, p.status, c.status)
		}
	}
	// DOMAIN.md §2's bounds are refused in words that name the field.
	if p := admin.post(path, with("score", "20000")); !strings.Contains(p.body, "score must be between 0 and 10000") {
		t.Errorf("a score out of bounds: %d %s", p.status, p.body)
	}
	if env, pr := probeNow(t, e, pid); env.HLC != hlc0 || pr.Score != 53 {
		t.Errorf("a refused request changed the probe: %+v at %s", pr, env.HLC)
	}
	// Two admins save the same form at once: one change, the other told
	// the probe changed (the check and the write are one step in the store).
	other := e.signedIn("lincoln", "admin")
	otok := csrf(t, other.get("/students/"+e.ids.s1))
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, b := range []*browser{admin, other} {
		f := with("score", []string{"61", "62"}[i])
		f.Set("csrf", []string{tok, otok}[i])
		wg.Add(1)
		go func() { defer wg.Done(); statuses[i] = b.post(path, f).status }()
	}
	wg.Wait()
	if !(statuses[0] == http.StatusOK && statuses[1] == http.StatusConflict || statuses[0] == http.StatusConflict && statuses[1] == http.StatusOK) {
		t.Errorf("two saves of one version: %v, want one 200 and one 409", statuses)
	}
}

// TestRestrictedProbeShownIsAudited: a restricted probe Ben wrote is in the
// admin's probe table, and that showing is audited like a restricted note
// (ADR 0021); Ana, not its author, sees neither it nor an audit entry of
// hers.
func TestRestrictedProbeShownIsAudited(t *testing.T) {
	e := newEnv(t, false)
	id := uuid.NewString()
	e.push(e.enrol("lincoln", "ben"), []record.Envelope{{ID: id, Type: "probe", Restricted: true,
		Data: json.RawMessage(`{"student_id":"` + e.ids.s1 + `","measure":"maze","date":"2025-03-12","score":17}`)}})
	admin := e.signedIn("lincoln", "admin")
	if p := admin.get("/students/" + e.ids.s1); !strings.Contains(p.body, `data-probe-id="`+id+`"`) {
		t.Fatalf("the admin's page lacks the restricted probe")
	}
	if p := e.signedIn("lincoln", "ana").get("/students/" + e.ids.s1); strings.Contains(p.body, id) {
		t.Errorf("Ana sees another's restricted probe")
	}
	n := 0
	for _, r := range auditRows(admin.get("/admin/audit").body) {
		if r.record == id {
			n++
			if r.path != "console" || r.user != e.users["lincoln/admin"].ID {
				t.Errorf("audit row %+v", r)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d audit rows for the restricted probe, want 1", n)
	}
	// An admin's edit and its undo keep the probe restricted: Ana's
	// tablet never gets its content.
	page := admin.get("/students/" + e.ids.s1)
	m := regexp.MustCompile(`<tr data-probe-id="` + id + `">[\s\S]*?name="hlc" value="([^"]+)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("no edit form for the restricted probe")
	}
	p := admin.post("/students/"+e.ids.s1+"/probes/"+id, url.Values{"csrf": {csrf(t, page)}, "hlc": {m[1]}, "date": {"2025-03-12"}, "score": {"18"}})
	if p.status != http.StatusOK {
		t.Fatalf("edit: %d", p.status)
	}
	if env, _ := probeNow(t, e, id); !env.Restricted {
		t.Errorf("the edit lifted the restriction")
	}
	u := undoRE.FindStringSubmatch(p.body)
	if r := admin.post("/students/"+e.ids.s1+"/probes/"+id+"/undo", url.Values{"csrf": {csrf(t, p)}, "hlc": {u[1]}, "prev": {u[2]}}); r.status != http.StatusSeeOther {
		t.Fatalf("undo: %d", r.status)
	}
	if env, _ := probeNow(t, e, id); !env.Restricted {
		t.Errorf("the undo lifted the restriction")
	}
	recs, _ := pulled(t, e, e.enrol("lincoln", "ana").token, 0)
	for _, r := range recs {
		if r.ID == id && (len(r.Data) > 0 || !r.Deleted) {
			t.Errorf("Ana's tablet got the restricted probe: %+v", r)
		}
	}
}

// TestProbeEditUsesTheOneProbeRule: a passage finished early, edited in the
// console, is stored exactly as the tablet stores it (record.Probe.SetCount):
// the form shows the stored count and seconds; a date-only change keeps
// 46.25 from 37 in 48 s; new seconds prorate the count again.
func TestProbeEditUsesTheOneProbeRule(t *testing.T) {
	e := newEnv(t, false)
	id := uuid.NewString()
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{{ID: id, Type: "probe",
		Data: json.RawMessage(`{"student_id":"` + e.ids.s1 + `","measure":"maze","date":"2025-03-12","score":46.25,"raw_score":37,"seconds":48}`)}})
	admin := e.signedIn("lincoln", "admin")
	path := "/students/" + e.ids.s1 + "/probes/" + id
	edit := func(vals url.Values) record.Probe {
		t.Helper()
		page := admin.get("/students/" + e.ids.s1)
		env0, _ := probeNow(t, e, id)
		for _, want := range []string{`name="score" inputmode="decimal" size="6" value="`, `name="seconds"`} {
			if !strings.Contains(page.body, want) {
				t.Fatalf("the probe form lacks %s", want)
			}
		}
		vals.Set("csrf", csrf(t, page))
		vals.Set("hlc", env0.HLC)
		if r := admin.post(path, vals); r.status != http.StatusOK {
			t.Fatalf("edit %v: %d", vals, r.status)
		}
		_, p := probeNow(t, e, id)
		return p
	}
	if page := admin.get("/students/" + e.ids.s1); !strings.Contains(page.body, `value="37" required>`) || !strings.Contains(page.body, `value="48" required>`) {
		t.Fatal("the form is not filled with the stored count 37 and seconds 48")
	}
	p := edit(url.Values{"date": {"2025-03-13"}, "score": {"37"}, "seconds": {"48"}})
	if p.Score != 46.25 || p.RawScore == nil || *p.RawScore != 37 || p.Seconds != 48 || p.Date != "2025-03-13" {
		t.Fatalf("date-only edit stored %+v", p)
	}
	p = edit(url.Values{"date": {"2025-03-13"}, "score": {"40"}, "seconds": {"30"}})
	want := record.Probe{}
	want.SetCount(40, 30)
	if p.Score != want.Score || p.RawScore == nil || *p.RawScore != 40 || p.Seconds != 30 {
		t.Fatalf("40 in 30 s stored %+v, want score %v as the tablet stores it", p, want.Score)
	}
	p = edit(url.Values{"date": {"2025-03-13"}, "score": {"40"}, "seconds": {"60"}})
	if p.Score != 40 || p.RawScore != nil || p.Seconds != 0 {
		t.Fatalf("a full minute stored %+v", p)
	}
	page := admin.get("/students/" + e.ids.s1)
	env0, _ := probeNow(t, e, id)
	for _, bad := range []string{"0", "61", "NaN", "x"} {
		r := admin.post(path, url.Values{"csrf": {csrf(t, page)}, "hlc": {env0.HLC}, "date": {"2025-03-13"}, "score": {"40"}, "seconds": {bad}})
		if r.status != http.StatusBadRequest {
			t.Errorf("seconds %q: %d, want 400", bad, r.status)
		}
	}
	if env1, _ := probeNow(t, e, id); env1.HLC != env0.HLC {
		t.Error("a refused edit was written")
	}
}

// TestProbeEditPlausibility: the console's edit applies the tablet's rule
// (record.CheckProbe): under 15 s is refused; a prorated score more than
// twice the student's recent median is saved only when confirmed.
func TestProbeEditPlausibility(t *testing.T) {
	e := newEnv(t, false)
	id := uuid.NewString()
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{{ID: id, Type: "probe",
		Data: json.RawMessage(`{"student_id":"` + e.ids.s1 + `","measure":"orf_wcpm","date":"2025-03-18","score":50}`)}})
	admin := e.signedIn("lincoln", "admin")
	path := "/students/" + e.ids.s1 + "/probes/" + id
	post := func(vals url.Values) int {
		t.Helper()
		page := admin.get("/students/" + e.ids.s1)
		env0, _ := probeNow(t, e, id)
		vals.Set("csrf", csrf(t, page))
		vals.Set("hlc", env0.HLC)
		vals.Set("date", "2025-03-18")
		return admin.post(path, vals).status
	}
	if s := post(url.Values{"score": {"20"}, "seconds": {"10"}}); s != http.StatusBadRequest {
		t.Fatalf("10 s reading: %d, want 400", s)
	}
	// 57 in 20 s is 171 a minute, far above Maya's recent scores.
	if s := post(url.Values{"score": {"57"}, "seconds": {"20"}}); s != http.StatusBadRequest {
		t.Fatalf("implausible without confirmation: %d, want 400", s)
	}
	if _, p := probeNow(t, e, id); p.Score != 50 {
		t.Fatalf("a refused edit was written: %+v", p)
	}
	if s := post(url.Values{"score": {"57"}, "seconds": {"20"}, "confirm": {"yes"}}); s != http.StatusOK {
		t.Fatalf("confirmed: %d, want 200", s)
	}
	if _, p := probeNow(t, e, id); p.Score != 171 || p.RawScore == nil || *p.RawScore != 57 {
		t.Fatalf("confirmed edit stored %+v", p)
	}
}
