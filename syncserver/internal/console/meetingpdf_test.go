package console_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/record"
)

// pdfWords is the PDF's text by poppler's pdftotext, words joined by
// single spaces; the test skips loudly without it, as reportdoc's do.
func pdfWords(t *testing.T, pdf string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("\n*** SKIPPING: pdftotext is not installed (make deps installs poppler-utils) ***\n")
	}
	cmd := exec.Command(bin, "-", "-")
	cmd.Stdin = strings.NewReader(pdf)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestMeetingAgendaAndMinutesPDF: the agenda PDF holds the agenda page's
// goals in its words and scope; the minutes PDF the decisions recorded
// that day, never a restricted one.
func TestMeetingAgendaAndMinutesPDF(t *testing.T) {
	e := newEnv(t, false)
	admin := e.signedIn("lincoln", "admin")
	p := admin.get("/meeting/agenda.pdf?as_of=" + asOf)
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" || !strings.Contains(p.header.Get("Content-Disposition"), "meeting-agenda-2025-03-17.pdf") {
		t.Fatalf("agenda: %d %s %s", p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
	}
	text := pdfWords(t, p.body)
	for _, want := range []string{"Team meeting agenda", "Lincoln Elementary - 2025-03-17", "Maya Lopez - Oral reading fluency", "Theo Brown - Oral reading fluency",
		"Iris Chen - Oral reading fluency", "Group: Bluebirds. Interventionist: Ana Rivera."} {
		if !strings.Contains(text, want) {
			t.Errorf("agenda lacks %q:\n%s", want, text)
		}
	}
	// Ben's agenda is his scope: Iris, not Maya.
	if text := pdfWords(t, e.signedIn("lincoln", "ben").get("/meeting/agenda.pdf?as_of="+asOf).body); strings.Contains(text, "Maya") || !strings.Contains(text, "Iris Chen") {
		t.Errorf("ben's agenda: %s", text)
	}

	// Minutes: a decision recorded today in the console, and a restricted
	// one from a tablet the same day.
	page := admin.get("/meeting?as_of=" + asOf)
	if r := admin.post("/meeting/decisions", url.Values{"csrf": {csrf(t, page)}, "goal_id": {e.ids.goal1}, "code": {"change_instruction"},
		"rationale": {"Add a second daily session of partner reading."}, "next_review_date": {"2025-04-14"}, "owner_id": {e.users["lincoln/ana"].ID}}); r.status != http.StatusSeeOther {
		t.Fatalf("decision: %d", r.status)
	}
	today := time.Now().UTC().Format("2006-01-02")
	const secret = "RESTRICTED-DECISION-Marrowbone"
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{{ID: uuid.NewString(), Type: "decision", Restricted: true,
		Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":%q,"code":"continue","rationale":%q}`, e.ids.s3, e.ids.goal3, today, secret))}})
	m := admin.get("/meeting/minutes.pdf")
	if m.status != http.StatusOK || !bytes.HasPrefix([]byte(m.body), []byte("%PDF")) {
		t.Fatalf("minutes: %d", m.status)
	}
	text = pdfWords(t, m.body)
	for _, want := range []string{"Team meeting minutes", "1. Maya Lopez - Oral reading fluency Decision: Change the instruction. Why: Add a second daily session of partner reading. Next review: 2025-04-14. Owner: Ana Rivera."} {
		if !strings.Contains(text, want) {
			t.Errorf("minutes lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, secret) || strings.Contains(text, "Iris") {
		t.Errorf("a restricted decision is in the minutes: %s", text)
	}
	// Without a session: the login page, no PDF.
	for _, path := range []string{"/meeting/agenda.pdf", "/meeting/minutes.pdf"} {
		if p := e.browser().get(path); p.status != http.StatusSeeOther || strings.HasPrefix(p.body, "%PDF") {
			t.Errorf("%s without a session: %d", path, p.status)
		}
	}
	// Another day: none.
	if text := pdfWords(t, admin.get("/meeting/minutes.pdf?as_of=2025-01-01").body); !strings.Contains(text, "No decision was recorded on 2025-01-01.") {
		t.Errorf("minutes of a day without decisions: %s", text)
	}
}
