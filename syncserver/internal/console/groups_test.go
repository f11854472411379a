package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/record"
)

var stepRowRE = regexp.MustCompile(`<tr data-step-id="([^"]+)" data-done="(\d+)" data-applicable="(\d+)">`)

// TestGroupPage: Bluebirds' six delivered sessions (step b skipped once)
// as the group page shows them: per-step totals in the hooks, the table's
// marks, the skipped step in words, Maya's plan planned vs received; and
// the page's scope (CONSOLE.md §2, §3).
func TestGroupPage(t *testing.T) {
	e := newEnv(t, false)
	path := "/groups/" + e.ids.bluebirds + "?as_of=" + asOf
	p := e.signedIn("lincoln", "admin").get(path)
	if p.status != http.StatusOK {
		t.Fatalf("admin: %d", p.status)
	}
	got := map[string][2]string{}
	for _, m := range stepRowRE.FindAllStringSubmatch(p.body, -1) {
		got[m[1]] = [2]string{m[2], m[3]}
	}
	if got["a"] != [2]string{"6", "6"} || got["b"] != [2]string{"5", "6"} || len(got) != 2 {
		t.Errorf("per-step hooks %v, want a 6 of 6, b 5 of 6", got)
	}
	for _, want := range []string{
		`data-group-id="` + e.ids.bluebirds + `"`,
		`data-delivered="6"`,
		"6 sessions delivered of ", // Maya's plan: 3 a week since 2025-01-06
		"Step 2, Partner reading, was skipped or not marked in 1 of the 6 delivered sessions where it applied",
		`<td class="m-skipped" data-mark="skipped">Skipped</td>`,
		`data-session-date="2025-01-21"`,
		`<a href="/students/` + e.ids.s1 + `">Maya Lopez</a>`,
		"Fidelity over every delivered session: 91.67% (high).",
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("group page lacks %q", want)
		}
	}
	// Ana runs Bluebirds; Ben does not; Ben runs Owls.
	if p := e.signedIn("lincoln", "ana").get(path); p.status != http.StatusOK {
		t.Errorf("ana, her group: %d", p.status)
	}
	ben := e.signedIn("lincoln", "ben")
	if p := ben.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "Maya") {
		t.Errorf("ben, another's group: %d", p.status)
	}
	if p := ben.get("/groups/" + e.ids.owls); p.status != http.StatusOK || !strings.Contains(p.body, "No session has been delivered yet.") {
		t.Errorf("ben, his group: %d", p.status)
	}
	// Unknown, malformed, and a student's id in place of a group's: 404.
	admin := e.signedIn("lincoln", "admin")
	for _, id := range []string{uuid.NewString(), "not-an-id", e.ids.s1, e.ids.program} {
		if p := admin.get("/groups/" + id); p.status != http.StatusNotFound {
			t.Errorf("/groups/%s: %d", id, p.status)
		}
	}
	// Linked from the caseload and the student page, for whom may open it.
	link := `href="/groups/` + e.ids.bluebirds + `"`
	if p := admin.get("/?as_of=" + asOf); !strings.Contains(p.body, link) {
		t.Errorf("the caseload does not link Bluebirds")
	}
	if p := e.signedIn("lincoln", "ana").get("/students/" + e.ids.s1 + "?as_of=" + asOf); !strings.Contains(p.body, link) {
		t.Errorf("Maya's page does not link Bluebirds for Ana")
	}
}

var phaseRE = regexp.MustCompile(`<li data-phase-date="([^"]+)" data-phase-kind="([^"]+)">([^<]*)</li>`)

// TestPhaseLines: a new plan and a team decision after the goal's start
// are phase lines on the chart, labelled there in words (ADR 0019), and
// listed in words under it; a decision after as_of is not one yet.
func TestPhaseLines(t *testing.T) {
	e := newEnv(t, false)
	d := e.ids
	tb := e.enrol("lincoln", "admin")
	e.push(tb, []record.Envelope{
		{ID: uuid.NewString(), Type: "plan", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-02-10","sessions_per_week":4,"minutes_per_session":30}`, d.s1, d.program, d.bluebirds))},
		{ID: uuid.NewString(), Type: "decision", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":"2025-02-24","code":"change_instruction"}`, d.s1, d.goal1))},
		{ID: uuid.NewString(), Type: "decision", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":"2025-04-01","code":"continue"}`, d.s1, d.goal1))},
	})
	b := e.signedIn("lincoln", "admin")
	p := b.get("/students/" + d.s1 + "?as_of=" + asOf)
	var got []string
	for _, m := range phaseRE.FindAllStringSubmatch(p.body, -1) {
		got = append(got, m[1]+" "+m[2]+" "+m[3])
	}
	want := []string{
		"2025-02-10 plan_start 2025-02-10: a plan started (Phonics for Reading).",
		"2025-02-24 decision 2025-02-24: the team decided: Change the instruction.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("phase lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The chart draws them in the phase colour (reportdoc's phaseColour):
	// two lines as of 2025-03-17, none before the first.
	with := b.get("/students/" + d.s1 + "/goals/" + d.goal1 + "/chart.svg?as_of=" + asOf)
	without := b.get("/students/" + d.s1 + "/goals/" + d.goal1 + "/chart.svg?as_of=2025-02-07")
	if n := strings.Count(with.body, "stroke:#6A3D9A"); with.status != http.StatusOK || n < 2 {
		t.Errorf("chart with phases: %d, %d phase strokes", with.status, n)
	}
	if n := strings.Count(without.body, "stroke:#6A3D9A"); without.status != http.StatusOK || n != 0 {
		t.Errorf("chart before any phase: %d, %d phase strokes", without.status, n)
	}
	// Labelled in words (progress.PhaseWords), never numbered.
	for _, words := range []string{">New program</text>", ">Team: change the instruction</text>"} {
		if !strings.Contains(with.body, words) || strings.Contains(without.body, words) {
			t.Errorf("the phase label %q: with phases %v, before them %v", words, strings.Contains(with.body, words), strings.Contains(without.body, words))
		}
	}
	// Goal 3 (Iris) has neither: no list.
	if p := b.get("/students/" + d.s3 + "?as_of=" + asOf); strings.Contains(p.body, "data-phase-date") {
		t.Errorf("phases on a goal without changes")
	}
}
