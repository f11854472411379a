package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// today is the console's day (its clock is the real one in these tests).
func today() string { return time.Now().UTC().Format("2006-01-02") }

// addSession pushes a session of group on date from the admin's tablet.
func (e *env) addSession(group, date, status, fid string) string {
	e.t.Helper()
	id := uuid.NewString()
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{{ID: id, Type: record.TypeSession, Data: json.RawMessage(fmt.Sprintf(
		`{"group_id":%q,"program_id":%q,"date":%q,"status":%q,"minutes":30,"attendance":[{"student_id":%q,"status":"present"}],"fidelity":%s}`,
		group, e.ids.program, date, status, e.ids.s1, fid))}})
	return id
}

const allDone = `[{"step_id":"a","status":"done"},{"step_id":"b","status":"done"}]`

// observations are the school's observation records as the admin sees
// them.
func (e *env) observations() []record.Observation {
	e.t.Helper()
	admin := e.users["lincoln/admin"]
	envs, err := e.st.Records(e.t.Context(), admin.SchoolID, store.ViewerOf(admin), record.TypeObservation)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []record.Observation
	for _, env := range envs {
		o, ok := record.DecodeAs[record.Observation](env)
		if !ok {
			e.t.Fatalf("an observation that does not decode: %s", env.Data)
		}
		out = append(out, o)
	}
	return out
}

var nonceRE = regexp.MustCompile(`name="nonce" value="([^"]+)"`)

// observeForm opens a session's form and returns its fields, filled with
// marks for the two steps.
func (b *browser) observeForm(session, a, bMark string) url.Values {
	b.e.t.Helper()
	p := b.get("/sessions/" + session + "/observe")
	if p.status != http.StatusOK {
		b.e.t.Fatalf("observation form: %d %s", p.status, p.body)
	}
	m := nonceRE.FindStringSubmatch(p.body)
	if m == nil {
		b.e.t.Fatal("no nonce on the form")
	}
	return url.Values{"csrf": {csrf(b.e.t, p)}, "nonce": {m[1]}, "step1": {a}, "step2": {bMark}, "quality": {"3"}, "engagement": {"4"}, "note": {"Good pacing; partner reading was cut short."}}
}

// TestObservationRecorded: an admin observes today's delivered session of
// a group; the observation is one record written through the server's
// writer (a tablet pulls it), the report's delivery.observations counts
// it, and the group and student pages show observed fidelity beside the
// reported one with agreement, with the same figures as the report.
func TestObservationRecorded(t *testing.T) {
	e := newEnv(t, false)
	sid := e.addSession(e.ids.bluebirds, today(), record.SessionDelivered, allDone)
	admin := e.signedIn("lincoln", "admin")
	cal := admin.get("/observations")
	if !strings.Contains(cal.body, `data-group-id="`+e.ids.bluebirds+`" data-last-observed=""`) || !strings.Contains(cal.body, `data-group-id="`+e.ids.owls+`"`) {
		t.Fatalf("the calendar lacks the unobserved groups: %s", cal.body)
	}
	if g := admin.get("/groups/" + e.ids.bluebirds); !strings.Contains(g.body, `data-observe-session="`+sid+`"`) {
		t.Fatal("the group page offers no observation of today's session")
	}
	form := admin.observeForm(sid, record.StepDone, record.StepSkipped)
	p := admin.post("/sessions/"+sid+"/observe", form)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/groups/"+e.ids.bluebirds+"?observed=") {
		t.Fatalf("save: %d %s %s", p.status, p.header.Get("Location"), p.body)
	}
	obs := e.observations()
	if len(obs) != 1 {
		t.Fatalf("%d observations", len(obs))
	}
	o := obs[0]
	if o.SessionID != sid || o.ObserverID != e.users["lincoln/admin"].ID || o.Date != today() || len(o.Fidelity) != 2 ||
		o.Fidelity[1] != (record.StepMark{StepID: "b", Status: record.StepSkipped}) || *o.Quality != 3 || *o.Engagement != 4 || !strings.Contains(o.Note, "pacing") {
		t.Fatalf("observation %+v", o)
	}
	if n := pulledOf(t, e, record.TypeObservation); n != 1 {
		t.Fatalf("a tablet pulls %d observations", n)
	}
	// The report of goal1 (Bluebirds' plan) counts it.
	status, body := e.api("GET", "/v1/reports/progress?goal="+e.ids.goal1+"&as_of="+today(), e.enrol("lincoln", "admin").token, nil)
	var r progress.Report
	if status != http.StatusOK || json.Unmarshal(body, &r) != nil || r.Delivery == nil || r.Delivery.Observations == nil {
		t.Fatalf("report: %d %s", status, body)
	}
	ro := r.Delivery.Observations
	if ro.Count != 1 || *ro.ObservedFidelityPct != 50 || *ro.MeanAgreementPct != 50 {
		t.Fatalf("report observations %+v", ro)
	}
	// The student page: the report's figures, as its JSON writes them.
	st := admin.get("/students/" + e.ids.s1 + "?as_of=" + today())
	want := fmt.Sprintf(`data-observations="1" data-self-fidelity="%s" data-observed-fidelity="50" data-agreement="50"`, num(*r.Delivery.FidelityPct))
	if !strings.Contains(st.body, want) {
		t.Fatalf("the student page lacks %s", want)
	}
	// The group page: the group's figure, its observation listed with its
	// own agreement and note.
	g := admin.get("/groups/" + e.ids.bluebirds + "?observed=" + sid)
	for _, w := range []string{`data-observed-fidelity="50" data-agreement="50"`, `data-session-id="` + sid + `" data-agreement="50"`,
		"partner reading was cut short", "The observation was recorded", "3 of 4"} {
		if !strings.Contains(g.body, w) {
			t.Errorf("the group page lacks %q", w)
		}
	}
	// Observed today: off the calendar.
	if cal := admin.get("/observations"); strings.Contains(cal.body, `data-group-id="`+e.ids.bluebirds+`"`) {
		t.Error("an observed group is still on the calendar")
	}
}

func num(x float64) string { return fmt.Sprint(json.Number(strings.TrimSpace(string(mustJSON(x))))) }

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

// TestObservationRules: the role rule, tenancy, CSRF, the day and the
// status, each refused server-side with nothing written.
func TestObservationRules(t *testing.T) {
	e := newEnv(t, false)
	sid := e.addSession(e.ids.bluebirds, today(), record.SessionDelivered, allDone)
	yesterday := e.addSession(e.ids.bluebirds, time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02"), record.SessionDelivered, allDone)
	running := e.addSession(e.ids.bluebirds, today(), record.SessionInProgress, allDone)
	cancelled := e.addSession(e.ids.bluebirds, today(), record.SessionCancelled, `[]`)
	admin := e.signedIn("lincoln", "admin")
	good := admin.observeForm(sid, record.StepDone, record.StepDone)

	// No session: the login page, nothing written.
	anon := e.browser()
	if p := anon.get("/sessions/" + sid + "/observe"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
		t.Errorf("no session, GET: %d", p.status)
	}
	if p := anon.post("/sessions/"+sid+"/observe", good); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
		t.Errorf("no session, POST: %d", p.status)
	}
	// The group's own interventionist may not observe it, GET or POST.
	ana := e.signedIn("lincoln", "ana")
	if p := ana.get("/sessions/" + sid + "/observe"); p.status != http.StatusForbidden || !strings.Contains(p.body, "You deliver this group") {
		t.Errorf("ana's own session: %d", p.status)
	}
	anaTok := csrf(t, ana.get("/"))
	bad := cloneForm(good)
	bad.Set("csrf", anaTok)
	if p := ana.post("/sessions/"+sid+"/observe", bad); p.status != http.StatusForbidden {
		t.Errorf("ana posting on her own session: %d", p.status)
	}
	if p := ana.get("/groups/" + e.ids.bluebirds + "/observe"); p.status != http.StatusForbidden {
		t.Errorf("ana's group's observe page: %d", p.status)
	}
	// Another school's admin: not found.
	wash := e.signedIn("washington", "admin")
	if p := wash.get("/sessions/" + sid + "/observe"); p.status != http.StatusNotFound {
		t.Errorf("another school's GET: %d", p.status)
	}
	if p := wash.get("/groups/" + e.ids.bluebirds + "/observe"); p.status != http.StatusNotFound {
		t.Errorf("another school's group: %d", p.status)
	}
	if p := wash.get("/observations"); strings.Contains(p.body, e.ids.bluebirds) || strings.Contains(p.body, "Bluebirds") {
		t.Error("another school's calendar lists this school's group")
	}
	bad = cloneForm(good)
	bad.Set("csrf", csrf(t, wash.get("/")))
	if p := wash.post("/sessions/"+sid+"/observe", bad); p.status != http.StatusNotFound {
		t.Errorf("another school's POST: %d", p.status)
	}
	// Without the token, or with another session's: nothing.
	for _, tok := range []string{"", anaTok} {
		bad = cloneForm(good)
		bad.Set("csrf", tok)
		if p := admin.post("/sessions/"+sid+"/observe", bad); p.status != http.StatusForbidden {
			t.Errorf("csrf %q: %d", tok, p.status)
		}
	}
	// Unknown, malformed and other records' ids.
	for _, id := range []string{uuid.NewString(), "not-a-uuid", e.ids.goal1, "..%2F..%2Fadmin"} {
		if p := admin.get("/sessions/" + id + "/observe"); p.status != http.StatusNotFound {
			t.Errorf("session %q: %d", id, p.status)
		}
		if p := admin.post("/sessions/"+id+"/observe", good); p.status != http.StatusNotFound {
			t.Errorf("POST session %q: %d", id, p.status)
		}
	}
	// Another day's session, an in-progress and a cancelled one.
	for id, want := range map[string]string{yesterday: "delivered today", running: "Only a delivered session", cancelled: "Only a delivered session"} {
		if p := admin.get("/sessions/" + id + "/observe"); p.status != http.StatusConflict || !strings.Contains(p.body, want) {
			t.Errorf("session %s: %d, want %q", id, p.status, want)
		}
		if p := admin.post("/sessions/"+id+"/observe", good); p.status != http.StatusConflict {
			t.Errorf("POST session %s: %d", id, p.status)
		}
	}
	if n := len(e.observations()); n != 0 {
		t.Fatalf("refused posts wrote %d observations", n)
	}
	// Ben (an interventionist, not Bluebirds') may observe it; he cannot
	// open the group's page, so he comes back to the calendar.
	ben := e.signedIn("lincoln", "ben")
	if p := ben.get("/observations"); strings.Contains(p.body, `data-group-id="`+e.ids.owls+`"`) || !strings.Contains(p.body, `data-group-id="`+e.ids.bluebirds+`"`) {
		t.Errorf("ben's calendar: his own group listed, or Bluebirds missing")
	}
	bf := ben.observeForm(sid, record.StepDone, record.StepNA)
	if p := ben.post("/sessions/"+sid+"/observe", bf); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/observations?observed=") {
		t.Fatalf("ben's observation: %d %s", p.status, p.header.Get("Location"))
	}
	if obs := e.observations(); len(obs) != 1 || obs[0].ObserverID != e.users["lincoln/ben"].ID {
		t.Fatalf("observations %+v", obs)
	}
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestObservationHostileValues: out-of-range ratings, marks that are no
// mark, a 60 kB note, a forged nonce: clear words, nothing written, and a
// form sent twice at once writes one observation.
func TestObservationHostileValues(t *testing.T) {
	e := newEnv(t, false)
	sid := e.addSession(e.ids.bluebirds, today(), record.SessionDelivered, allDone)
	admin := e.signedIn("lincoln", "admin")
	good := admin.observeForm(sid, record.StepDone, record.StepDone)
	for _, c := range []struct {
		field, value, want string
		status             int
	}{
		{"quality", "5", "must be 1, 2, 3 or 4", http.StatusBadRequest},
		{"quality", "0", "must be 1, 2, 3 or 4", http.StatusBadRequest},
		{"engagement", "-1", "must be 1, 2, 3 or 4", http.StatusBadRequest},
		{"engagement", "1e308", "must be 1, 2, 3 or 4", http.StatusBadRequest},
		{"quality", "2.5", "must be 1, 2, 3 or 4", http.StatusBadRequest},
		{"quality", "NaN", "must be 1, 2, 3 or 4", http.StatusBadRequest},
		{"step1", "maybe", "must be done, skipped or not applicable", http.StatusBadRequest},
		{"step2", "", "Mark every step", http.StatusBadRequest},
		{"note", strings.Repeat("a", 60_000), "at most 20,000", http.StatusBadRequest},
		{"note", strings.Repeat("é", 30_000), "too large", http.StatusRequestEntityTooLarge},
		{"nonce", "x", "not one the console made", http.StatusBadRequest},
		{"nonce", strings.Repeat("A", 5000), "not one the console made", http.StatusBadRequest},
	} {
		f := cloneForm(good)
		f.Set(c.field, c.value)
		p := admin.post("/sessions/"+sid+"/observe", f)
		if p.status != c.status || !strings.Contains(p.body, c.want) {
			t.Errorf("%s=%.20q: %d, want %d and %q", c.field, c.value, p.status, c.status, c.want)
		}
		if c.field == "note" && strings.Contains(p.body, strings.Repeat("a", 1000)) {
			t.Error("the refused 60 kB note is echoed back")
		}
	}
	if n := len(e.observations()); n != 0 {
		t.Fatalf("hostile posts wrote %d observations", n)
	}
	// A double submit: the same form, twice at once.
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = admin.post("/sessions/"+sid+"/observe", good).status
		}()
	}
	wg.Wait()
	if codes[0] != http.StatusSeeOther || codes[1] != http.StatusSeeOther {
		t.Fatalf("double submit: %v", codes)
	}
	if n := len(e.observations()); n != 1 {
		t.Fatalf("a form sent twice wrote %d observations", n)
	}
	// A second form (a new nonce) is a second observation.
	if p := admin.post("/sessions/"+sid+"/observe", admin.observeForm(sid, record.StepNA, record.StepDone)); p.status != http.StatusSeeOther {
		t.Fatalf("a second observation: %d", p.status)
	}
	if n := len(e.observations()); n != 2 {
		t.Fatalf("%d observations after a second form", n)
	}
}

// TestMeetingListsFidelityGap: an observation far below the reported
// fidelity flags the goal in words on the student page and lists it, with
// its gap, on the meeting page.
func TestMeetingListsFidelityGap(t *testing.T) {
	e := newEnv(t, false)
	sid := e.addSession(e.ids.bluebirds, today(), record.SessionDelivered, allDone)
	admin := e.signedIn("lincoln", "admin")
	if m := admin.get("/meeting"); !strings.Contains(m.body, "Fidelity gaps (0)") {
		t.Fatal("a gap before any observation")
	}
	if p := admin.post("/sessions/"+sid+"/observe", admin.observeForm(sid, record.StepSkipped, record.StepSkipped)); p.status != http.StatusSeeOther {
		t.Fatalf("observe: %d %s", p.status, p.body)
	}
	m := admin.get("/meeting")
	if !strings.Contains(m.body, "Fidelity gaps (1)") || !regexp.MustCompile(`<li data-goal-id="`+e.ids.goal1+`" data-gap="[0-9.]+" data-gap-flag="true">`).MatchString(m.body) {
		t.Fatalf("the meeting lacks the gap: %s", m.body)
	}
	st := admin.get("/students/" + e.ids.s1)
	if !strings.Contains(st.body, `data-observed-fidelity="0"`) || !strings.Contains(st.body, `data-gap-flag="true"`) || !strings.Contains(st.body, "points above what observers saw") {
		t.Fatal("the student page does not flag the gap in words")
	}
}
