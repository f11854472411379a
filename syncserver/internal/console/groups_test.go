package console_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
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
		"Fidelity over every delivered session: 91.7% (high).",
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
