package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/record"
)

// visibilityQueries is, for every GET route under /v1, the queries the
// visibility test sends ({goal}, {rgoal}, {student} and {group} are filled
// in). A route registered without a row here fails the test: a new read
// path must show that restricted content does not leak through it.
var visibilityQueries = map[string][]string{
	"/v1/sync/pull":            {"", "?limit=5000"},
	"/v1/reports/progress":     {"?goal={goal}&as_of=2025-03-17", "?goal={rgoal}&as_of=2025-03-17"},
	"/v1/reports/progress.pdf": {"?goal={goal}&as_of=2025-03-17", "?goal={rgoal}&as_of=2025-03-17"},
	"/v1/reports/cico":         {"?student={student}&from=2025-01-01&to=2025-06-30"},
	// The student is restricted: one who may not see it gets 404.
	"/v1/reports/goal-suggestions":  {"?student={student}&measure=orf_wcpm&start_date=2025-01-06&goal_date=2025-05-12&start_score=40"},
	"/v1/reports/cico-card.pdf":     {"?student={student}&week=2025-03-04", "?student={student}&date=2025-03-04"},
	"/v1/reports/family-letter.pdf": {"?goal={goal}&as_of=2025-03-17", "?goal={rgoal}&as_of=2025-03-17"},
	"/v1/exports/sessions.csv":      {"", "?group={group}&from=2025-01-01&to=2025-06-30"},
	"/v1/exports/attendance.csv":    {"", "?group={group}&from=2025-01-01&to=2025-06-30"},
	"/v1/exports/fidelity.csv":      {"", "?group={group}&from=2025-01-01&to=2025-06-30"},
}

// visibilityExempt are GET routes that read no records.
var visibilityExempt = map[string]bool{
	"/v1/admin/devices": true, // devices and users, no record data
	"/v1/admin/users":   true, // users only (PROTOCOL §13), no record data
	// ADR 0021: audit entries name records, never their content; a
	// recovery key is the device's own.
	"/v1/admin/audit":         true,
	"/v1/device/recovery-key": true,
}

// secrets are strings that only restricted records hold.
var secrets = []string{"Zephyrine", "Quillfeather", "SECRET-NOTE-BODY", "SECRET-SESSION-NOTE", "987.25", "4321.5", "33.375"}

// visibleText is what a client can read in a response: the bytes, and for a
// PDF also the text a reader shows, as poppler's pdftotext extracts it (the
// PDF's fonts are embedded UTF-8 fonts, so its content streams hold glyph
// numbers, not letters).
func visibleText(t *testing.T, b []byte) string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF")) {
		return string(b)
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is required in CI (apt-get install poppler-utils): %v", err)
		}
		t.Skip("\n*** SKIPPING: pdftotext is not installed (make deps installs poppler-utils): PDFs cannot be read ***\n")
	}
	cmd := exec.Command(bin, "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	text, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(b) + "\n" + string(text)
}

// TestRestrictedNeverLeaks walks every registered GET route under /v1 as an
// interventionist who is not the author of a restricted student, goal,
// probe, session and note (PROTOCOL §6, §12), and checks that no response
// holds their content; then that the author and an admin do see it.
func TestRestrictedNeverLeaks(t *testing.T) {
	e := newEnv(t)
	admin, ana, ben := e.enrol("lincoln", "admin"), e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben")
	group, program, plan, student, goal, rgoal := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	typed := func(typ string, r record.Envelope) record.Envelope { r.Type = typ; return r }
	open := []record.Envelope{
		typed("group", admin.rec(group, fmt.Sprintf(`{"name":"Bluebirds","program_id":%q,"student_ids":[%q]}`, program, student))),
		typed("program", admin.rec(program, `{"name":"Phonics","area":"reading","steps":[{"id":"a","text":"Review"}]}`)),
		typed("plan", admin.rec(plan, fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-01-06","sessions_per_week":3,"minutes_per_session":30}`, student, program, group))),
		typed("goal", admin.rec(goal, fmt.Sprintf(`{"student_id":%q,"plan_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[40],"goal_score":70,"goal_date":"2025-05-12"}`, student, plan))),
		typed("session", admin.rec(uuid.NewString(), fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":"2025-03-04","status":"delivered","minutes":30,"attendance":[{"student_id":%q,"status":"present"}],"fidelity":[{"step_id":"a","status":"done"}]}`, group, program, student))),
		typed("cico_card", admin.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"date":"2025-03-04","expectations":["safe"],"periods":["am"],"ratings":[[2]]}`, student))),
	}
	for i, score := range []int{41, 44, 47, 49} {
		open = append(open, typed("probe", admin.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":"2025-01-%02d","score":%d}`, student, 13+7*i, score))))
	}
	if s, b := e.push(admin, open...); s != 200 {
		t.Fatal(s, string(b))
	}
	restricted := []record.Envelope{
		typed("student", ben.rec(student, `{"given_name":"Zephyrine","family_name":"Quillfeather","grade":"2"}`)),
		typed("goal", ben.rec(rgoal, fmt.Sprintf(`{"student_id":%q,"plan_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[40],"goal_score":4321.5,"goal_date":"2025-05-12"}`, student, plan))),
		typed("probe", ben.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":"2025-02-11","score":987.25}`, student))),
		typed("session", ben.rec(uuid.NewString(), fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":"2025-03-05","status":"delivered","minutes":30,"note":"SECRET-SESSION-NOTE","attendance":[{"student_id":%q,"status":"present","minutes":33.375}],"fidelity":[{"step_id":"a","status":"done"}]}`, group, program, student))),
		typed("note", ben.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"author_id":"ben","body":"SECRET-NOTE-BODY","category":"health"}`, student))),
	}
	for i := range restricted {
		restricted[i].Restricted = true
	}
	if s, b := e.push(ben, restricted...); s != 200 {
		t.Fatal(s, string(b))
	}
	fill := strings.NewReplacer("{goal}", goal, "{rgoal}", rgoal, "{student}", student, "{group}", group)

	var paths []string
	for _, r := range e.api.Routes() {
		if r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/v1/") && !visibilityExempt[r.Path] {
			paths = append(paths, r.Path)
		}
	}
	sort.Strings(paths)
	if len(paths) < len(visibilityQueries) {
		t.Fatalf("only %d GET routes found: %v", len(paths), paths)
	}
	for _, path := range paths {
		queries, ok := visibilityQueries[path]
		if !ok {
			t.Errorf("GET %s is not in visibilityQueries: add the queries that read restricted records through it", path)
			continue
		}
		for _, q := range queries {
			url := path + fill.Replace(q)
			for _, who := range []struct {
				name  string
				d     device
				leaks bool // may see the content
			}{{"ana", ana, false}, {"ben (author)", ben, true}, {"admin", admin, true}} {
				s, b := e.do("GET", url, who.d.token, nil)
				if s >= 500 {
					t.Fatalf("%s GET %s: %d %s", who.name, url, s, b)
				}
				if who.leaks {
					continue
				}
				text := visibleText(t, b)
				for _, sec := range secrets {
					if strings.Contains(text, sec) {
						t.Errorf("%s GET %s: the response holds restricted %q", who.name, url, sec)
					}
				}
				if (strings.Contains(q, "{rgoal}") || path == "/v1/reports/goal-suggestions") && s != http.StatusNotFound {
					t.Errorf("%s GET %s: a restricted goal answered %d, want 404", who.name, url, s)
				}
			}
		}
	}

	// The author and an admin do see it: the PDF names the student and the
	// pull carries the note.
	for _, who := range []struct {
		name string
		d    device
	}{{"ben (author)", ben}, {"admin", admin}} {
		s, b := e.do("GET", "/v1/reports/progress.pdf?goal="+goal+"&as_of=2025-03-17", who.d.token, nil)
		if s != 200 || !strings.Contains(visibleText(t, b), "Quillfeather") {
			t.Errorf("%s: the PDF does not name the student (%d)", who.name, s)
		}
		s, b = e.do("GET", "/v1/sync/pull?limit=5000", who.d.token, nil)
		if s != 200 || !strings.Contains(string(b), "SECRET-NOTE-BODY") || !strings.Contains(string(b), "Zephyrine") {
			t.Errorf("%s: the pull lacks the restricted records (%d)", who.name, s)
		}
	}
}
