package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// pastGoalDate is three weeks after the fixture's goal date (2025-05-12).
const pastGoalDate = "2025-06-02"

// reportOn is /v1/reports/progress for a goal as of a date, as a tablet
// gets it.
func (e *env) reportOn(goal, asOf string) progress.Report {
	e.t.Helper()
	status, body := e.api("GET", "/v1/reports/progress?goal="+goal+"&as_of="+asOf, e.enrol("lincoln", "admin").token, nil)
	if status != http.StatusOK {
		e.t.Fatalf("report %s: %d %s", goal, status, body)
	}
	var r progress.Report
	if err := json.Unmarshal(body, &r); err != nil {
		e.t.Fatal(err)
	}
	return r
}

var agendaRE = regexp.MustCompile(`<section class="agenda" data-goal-id="([^"]*)" data-decision="([^"]*)" data-reason="([^"]*)"`)

// TestReviewGoalOnEveryConsolePage: once the goal date has passed, the
// caseload, the student page, the meeting page and its agenda PDF all say
// "Review the goal" with the report's reason (DOMAIN.md §3.5 rule 0); none
// says "Change the instruction" beside "reached the goal", and none flags
// the probe of a goal whose time is up as overdue (ADR 0604, ADR 0014).
func TestReviewGoalOnEveryConsolePage(t *testing.T) {
	e := newEnv(t, false)
	// Iris (goal 3) goes on to reach the goal: weekly probes to week 20,
	// ending 80, 81, 81 (present level 81 against 78). Maya (goal 1) stops
	// at week 10 (present level 51); Theo (goal 2) has 5 points.
	var recs []record.Envelope
	start, _ := progress.ParseDate("2025-01-06")
	for w := 11; w <= 20; w++ {
		score := 44 + 2.5*float64(w)
		if w >= 18 {
			score = []float64{80, 81, 81}[w-18]
		}
		recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: "probe", Data: json.RawMessage(fmt.Sprintf(
			`{"student_id":%q,"measure":"orf_wcpm","date":%q,"score":%v}`, e.ids.s3, (start + progress.Date(7*w)).String(), score))})
	}
	e.push(e.enrol("lincoln", "admin"), recs)
	reached := "The goal date, 12 May, has passed and the present level, 81, reached the goal of 78: set a new goal or end the intervention."
	missed := "The goal date, 12 May, has passed and the present level, 51, did not reach the goal of 78: set a new goal or end the intervention."
	b := e.signedIn("lincoln", "admin")

	// The caseload: every row is review_goal, as the report API says, in
	// words, and no "probe overdue" (Maya's last probe is 11 weeks old).
	p := b.get("/?as_of=" + pastGoalDate)
	got := rows(p.body)
	for _, g := range []string{e.ids.goal1, e.ids.goal2, e.ids.goal3} {
		r := e.reportOn(g, pastGoalDate)
		if r.Decision.Code != record.DecisionReviewGoal || r.OverdueProbe {
			t.Errorf("report of %s: %+v overdue %v", g, r.Decision, r.OverdueProbe)
		}
		if h := got[g]; h.decision != r.Decision.Code || h.status != r.Status {
			t.Errorf("row %+v, report says %s %s", h, r.Decision.Code, r.Status)
		}
	}
	if iris := got[e.ids.goal3]; iris.status != progress.Green {
		t.Errorf("Iris's light is %s: the last 3 points are above the goal", iris.status)
	}
	if n := strings.Count(p.body, `aria-hidden="true"></span>Review the goal<span class="lightword">`); n != 3 {
		t.Errorf("%d rows say \"Review the goal\", want 3", n)
	}
	if strings.Contains(p.body, "probe overdue</span>") || strings.Count(p.body, `<td data-label="Probe">none due</td>`) != 3 {
		t.Error("the caseload flags a probe overdue on a goal whose date has passed")
	}

	// The student pages: the decision, its reason, the sufficiency beside
	// it, and the probe line, none contradicting another.
	iris := b.get("/students/" + e.ids.s3 + "?as_of=" + pastGoalDate).body
	for _, w := range []string{`data-decision="review_goal"`, "<strong>Review the goal.</strong> " + reached,
		"<dd>The present level has reached the goal.</dd>", "<dd>none due: the goal date has passed</dd>"} {
		if !strings.Contains(iris, w) {
			t.Errorf("Iris's page lacks %q", w)
		}
	}
	maya := b.get("/students/" + e.ids.s1 + "?as_of=" + pastGoalDate).body
	for _, w := range []string{"<strong>Review the goal.</strong> " + missed,
		"<dd>The goal date has passed and the present level has not reached the goal.</dd>"} {
		if !strings.Contains(maya, w) {
			t.Errorf("Maya's page lacks %q", w)
		}
	}
	for name, page := range map[string]string{"Iris": iris, "Maya": maya} {
		if strings.Contains(page, "Change the instruction") || strings.Contains(page, "Fix delivery first") || strings.Contains(page, "will be reached by its date") {
			t.Errorf("%s's page contradicts the review of the goal", name)
		}
	}

	// The meeting: review_goal cards first (CONSOLE.md §3), in words.
	m := b.get("/meeting?as_of=" + pastGoalDate)
	cards := agendaRE.FindAllStringSubmatch(m.body, -1)
	if len(cards) != 3 {
		t.Fatalf("%d agenda cards, want the 3 goals", len(cards))
	}
	for _, c := range cards {
		if c[2] != record.DecisionReviewGoal || c[3] != record.DecisionReviewGoal {
			t.Errorf("card %s: decision %s reason %s", c[1], c[2], c[3])
		}
	}
	if !strings.Contains(m.body, "<strong>Review the goal.</strong> "+reached) || strings.Contains(m.body, "Its probe is overdue.") {
		t.Error("the meeting page does not word the review, or flags an overdue probe")
	}
	agenda := pdfWords(t, b.get("/meeting/agenda.pdf?as_of="+pastGoalDate).body)
	for _, w := range []string{"Review the goal. " + reached, "Review the goal. " + missed, "The data say: Review the goal."} {
		if !strings.Contains(agenda, w) {
			t.Errorf("the agenda PDF lacks %q\n%s", w, agenda)
		}
	}
	if strings.Contains(agenda, "Its probe is overdue.") || strings.Contains(agenda, "Change the instruction") {
		t.Errorf("the agenda PDF flags an overdue probe or a change:\n%s", agenda)
	}
}

// TestAgendaOrderAndReasons: before the goal date the agenda keeps
// CONSOLE.md §3's order and names each card's most urgent reason.
func TestAgendaOrderAndReasons(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	cards := agendaRE.FindAllStringSubmatch(b.get("/meeting?as_of="+asOf).body, -1)
	var order []string
	for _, c := range cards {
		order = append(order, c[1]+" "+c[3])
	}
	// Maya: a change (gated or not); Iris: a raise; Theo: too few points,
	// and his last probe is five weeks old.
	goal1 := e.reportOn(e.ids.goal1, asOf).Decision.Code
	want := []string{e.ids.goal1 + " " + goal1, e.ids.goal3 + " raise_goal", e.ids.goal2 + " overdue_probe"}
	if strings.Join(order, "\n") != strings.Join(want, "\n") {
		t.Errorf("agenda\n%s\nwant\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
}
