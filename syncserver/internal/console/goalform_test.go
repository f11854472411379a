package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// exampleNorms pushes DOMAIN.md §4.4's example table (grade 2 ORF) as the
// import writes it.
func (e *env) exampleNorms() {
	e.t.Helper()
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{{ID: uuid.NewString(), Type: record.TypeNormTable, Data: json.RawMessage(
		`{"measure":"orf_wcpm","grade":"2","source":"District local norms 2026 (fictional)","rows":[` +
			`{"percentile":10,"fall":60,"roi":1.2},{"percentile":20,"fall":78,"roi":1.4},{"percentile":30,"fall":98,"roi":1.5},` +
			`{"percentile":40,"fall":105,"roi":1.7},{"percentile":50,"fall":112,"roi":1.9},{"percentile":75,"fall":130,"roi":2.1},` +
			`{"percentile":90,"fall":150,"roi":2.3}],"benchmark":{"fall":95,"winter":102,"spring":110}}`)}})
}

// goalOf reads a goal record as the admin sees it.
func (e *env) goalOf(id string) (record.Envelope, record.Goal) {
	e.t.Helper()
	admin := e.users["lincoln/admin"]
	envs, err := e.st.RecordsByID(e.t.Context(), admin.SchoolID, store.ViewerOf(admin), id)
	if err != nil || len(envs) != 1 {
		e.t.Fatalf("goal %s: %v %d", id, err, len(envs))
	}
	g, _ := record.DecodeAs[record.Goal](envs[0])
	return envs[0], g
}

var suggestionRE = regexp.MustCompile(`data-suggestion-kind="([a-z_]+)" data-goal-score="([^"]*)" data-roi="([^"]*)"`)

// TestGoalFormSuggestions: §3.10's worked example through the console's
// goal form, without script: "Show suggestions" lists the three with the
// start percentile and "below benchmark", each the same number as
// GET /v1/reports/goal-suggestions; "Use" fills the goal score and
// typical_roi; "Save" writes the goal, and the student page and its PDF
// say the growth with the table's source.
func TestGoalFormSuggestions(t *testing.T) {
	e := newEnv(t, false)
	e.exampleNorms()
	ana := e.signedIn("lincoln", "ana") // Maya's interventionist
	page := ana.get("/students/" + e.ids.s1 + "/goals/new")
	if page.status != http.StatusOK {
		t.Fatalf("new goal form: %d", page.status)
	}
	form := url.Values{"csrf": {csrf(t, page)}, "measure": {"orf_wcpm"}, "direction": {"up"}, "start_date": {"2025-09-08"},
		"baseline_scores": {"80, 85, 90"}, "goal_date": {"2026-05-18"}, "status": {"active"}, "do": {"suggest"}}
	p := ana.post("/students/"+e.ids.s1+"/goals/new", form)
	if p.status != http.StatusOK || !strings.Contains(p.body, `data-start-percentile="23.5" data-below-benchmark="true"`) || !strings.Contains(p.body, "Below benchmark") {
		t.Fatalf("suggestions: %d %s", p.status, p.body)
	}
	status, body := e.api("GET", "/v1/reports/goal-suggestions?student="+e.ids.s1+"&measure=orf_wcpm&start_date=2025-09-08&goal_date=2026-05-18&start_score=85",
		e.enrol("lincoln", "ana").token, nil)
	var api progress.Suggestions
	if status != http.StatusOK || json.Unmarshal(body, &api) != nil {
		t.Fatalf("api: %d %s", status, body)
	}
	got := map[string][2]string{}
	for _, m := range suggestionRE.FindAllStringSubmatch(p.body, -1) {
		got[m[1]] = [2]string{m[2], m[3]}
	}
	if len(got) != 3 || len(api.Suggestions) != 3 {
		t.Fatalf("form %v, api %s", got, body)
	}
	for _, s := range api.Suggestions {
		roi := ""
		if s.ROI != nil {
			roi = fmt.Sprint(*s.ROI)
		}
		if got[s.Kind] != [2]string{fmt.Sprint(s.GoalScore), roi} {
			t.Errorf("%s: form %v, api %v %s", s.Kind, got[s.Kind], s.GoalScore, roi)
		}
	}
	if got["typical"] != [2]string{"135.4", "1.4"} {
		t.Errorf("the worked example: %v", got["typical"])
	}
	// Choose the ambitious one: its goal score, and the typical ROI.
	form.Del("do")
	form.Set("use", "ambitious")
	p = ana.post("/students/"+e.ids.s1+"/goals/new", form)
	if !strings.Contains(p.body, `name="goal_score" inputmode="decimal" size="8" value="153.4"`) || !strings.Contains(p.body, `name="typical_roi" inputmode="decimal" size="8" value="1.4"`) {
		t.Fatalf("use: the fields are not filled: %s", p.body)
	}
	form.Del("use")
	form.Set("do", "save")
	form.Set("goal_score", "153.4")
	form.Set("typical_roi", "1.4")
	p = ana.post("/students/"+e.ids.s1+"/goals/new", form)
	if p.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", p.status, p.body)
	}
	gid := strings.TrimPrefix(p.header.Get("Location"), "/students/"+e.ids.s1+"#g-")
	_, g := e.goalOf(gid)
	if g.StudentID != e.ids.s1 || g.GoalScore != 153.4 || g.TypicalROI == nil || *g.TypicalROI != 1.4 || g.GoalDate != "2026-05-18" || g.StartScore() != 85 {
		t.Fatalf("goal %+v", g)
	}
	st := ana.get("/students/" + e.ids.s1 + "?as_of=2025-10-06")
	if !strings.Contains(st.body, "typical for a student starting here 1.4 (District local norms 2026 (fictional)).") ||
		!strings.Contains(st.body, `data-norm-source="District local norms 2026 (fictional)"`) {
		t.Fatalf("the student page lacks the norm sentence")
	}
	// The seeded goals' typical_roi (1.6) was typed: no source named.
	if strings.Count(st.body, "typical for a student starting here") != 1 {
		t.Error("a typed typical_roi named a source")
	}
}

// TestGoalFormRules: the role rule (admin or the student's
// interventionist), tenancy, CSRF, hostile values, a stale edit, and a
// grade without a table.
func TestGoalFormRules(t *testing.T) {
	e := newEnv(t, false)
	e.exampleNorms()
	if p := e.browser().get("/students/" + e.ids.s1 + "/goals/new"); p.status != http.StatusSeeOther {
		t.Errorf("no session: %d", p.status)
	}
	ben := e.signedIn("lincoln", "ben")
	if p := ben.get("/students/" + e.ids.s1 + "/goals/new"); p.status != http.StatusNotFound {
		t.Errorf("another interventionist's student: %d", p.status)
	}
	if p := ben.get("/students/" + e.ids.s1 + "/goals/" + e.ids.goal1 + "/edit"); p.status != http.StatusNotFound {
		t.Errorf("another interventionist's goal: %d", p.status)
	}
	if p := e.signedIn("washington", "admin").get("/students/" + e.ids.s1 + "/goals/" + e.ids.goal1 + "/edit"); p.status != http.StatusNotFound {
		t.Errorf("another school: %d", p.status)
	}
	admin := e.signedIn("lincoln", "admin")
	// The goal of another student under this one's path.
	if p := admin.get("/students/" + e.ids.s1 + "/goals/" + e.ids.goal3 + "/edit"); p.status != http.StatusNotFound {
		t.Errorf("a goal under another student: %d", p.status)
	}
	edit := admin.get("/students/" + e.ids.s1 + "/goals/" + e.ids.goal1 + "/edit")
	if edit.status != http.StatusOK || !strings.Contains(edit.body, `value="42, 45, 40"`) {
		t.Fatalf("edit form: %d", edit.status)
	}
	hlc := regexp.MustCompile(`name="hlc" value="([^"]+)"`).FindStringSubmatch(edit.body)[1]
	base := url.Values{"csrf": {csrf(t, edit)}, "hlc": {hlc}, "measure": {"orf_wcpm"}, "direction": {"up"}, "start_date": {"2025-01-06"},
		"baseline_scores": {"42, 45, 40"}, "goal_date": {"2025-05-12"}, "goal_score": {"80"}, "typical_roi": {"1.6"}, "status": {"active"},
		"plan_id": {e.ids.plan1}, "do": {"save"}}
	path := "/students/" + e.ids.s1 + "/goals/" + e.ids.goal1 + "/edit"
	for _, c := range []struct{ field, value, want string }{
		{"goal_score", "20000", "goal"},
		{"goal_score", "NaN", "must be a number"},
		{"goal_score", "42", "differ"},
		{"typical_roi", "5000", "typical"},
		{"baseline_scores", "1,2,3,4,5,6", "1 to 5 numbers"},
		{"baseline_scores", "", "1 to 5 numbers"},
		{"goal_date", "2024-01-01", "after"},
		{"start_date", "1999-12-31", "date"},
		{"direction", "sideways", "direction"},
		{"status", "<script>", "status"},
		{"plan_id", e.ids.plan3, "plans, or no plan"},
		{"measure", strings.Repeat("m", 100), "Choose a measure"},
	} {
		f := cloneForm(base)
		f.Set(c.field, c.value)
		p := admin.post(path, f)
		if p.status != http.StatusBadRequest || !strings.Contains(strings.ToLower(p.body), strings.ToLower(c.want)) {
			t.Errorf("%s=%q: %d, want 400 and %q", c.field, c.value, p.status, c.want)
		}
	}
	if _, g := e.goalOf(e.ids.goal1); g.GoalScore != 78 {
		t.Fatalf("a refused edit changed the goal: %+v", g)
	}
	f := cloneForm(base)
	f.Set("csrf", "")
	if p := admin.post(path, f); p.status != http.StatusForbidden {
		t.Errorf("without a token: %d", p.status)
	}
	// A saved edit keeps what the form does not show, and a second save
	// from the same (now stale) form changes nothing.
	if p := admin.post(path, base); p.status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", p.status, p.body)
	}
	if _, g := e.goalOf(e.ids.goal1); g.GoalScore != 80 || g.PlanID != e.ids.plan1 {
		t.Fatalf("edited goal %+v", g)
	}
	f = cloneForm(base)
	f.Set("goal_score", "90")
	if p := admin.post(path, f); p.status != http.StatusConflict {
		t.Errorf("a stale form: %d", p.status)
	}
	if _, g := e.goalOf(e.ids.goal1); g.GoalScore != 80 {
		t.Fatalf("a stale form changed the goal to %v", g.GoalScore)
	}
	// Iris is in grade 3: no table, the score is typed.
	p := admin.post("/students/"+e.ids.s3+"/goals/new", url.Values{"csrf": {csrf(t, edit)}, "measure": {"orf_wcpm"}, "direction": {"up"},
		"start_date": {"2025-09-08"}, "baseline_scores": {"85"}, "goal_date": {"2026-05-18"}, "do": {"suggest"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "no norm table for this measure and grade") || strings.Contains(p.body, "data-suggestion-kind") {
		t.Errorf("grade 3: %d", p.status)
	}
}

// TestProbeTableFormTitles: the probe table names a probe's form by its
// title; an unknown form id is shown as itself.
func TestProbeTableFormTitles(t *testing.T) {
	e := newEnv(t, false)
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{
		{ID: uuid.NewString(), Type: record.TypeProbeForm, Data: json.RawMessage(`{"measure":"orf_wcpm","grade":"2","form_id":"G2-01","title":"The kite on the hill (fictional)","order":1}`)},
		{ID: uuid.NewString(), Type: record.TypeProbe, Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":"2025-03-18","score":52,"form_id":"G2-01"}`, e.ids.s1))},
		{ID: uuid.NewString(), Type: record.TypeProbe, Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":"2025-03-19","score":53,"form_id":"X-<b>9"}`, e.ids.s1))},
	})
	p := e.signedIn("lincoln", "admin").get("/students/" + e.ids.s1)
	for _, want := range []string{`<td data-form-id="G2-01">The kite on the hill (fictional)</td>`, `<td data-form-id="X-&lt;b&gt;9">X-&lt;b&gt;9</td>`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the probe table lacks %s", want)
		}
	}
}
