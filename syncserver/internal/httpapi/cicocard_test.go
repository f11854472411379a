package httpapi

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// TestCICOCardPDF: a tablet pushes a student, a CICO plan (at its one id)
// and cards; GET /v1/reports/cico-card.pdf gives the daily and the weekly
// family card, read back with pdftotext; bad parameters are 400, another
// school's user and an unknown student 404, no token 401. On bbolt and on
// PostgreSQL: each store indexes the new record type under its student.
func TestCICOCardPDF(t *testing.T) { onBothStores(t, testCICOCardPDF) }

func testCICOCardPDF(t *testing.T, e *env) {
	ana := e.enrol("lincoln", "ana")
	student := uuid.NewString()
	typed := func(typ string, r record.Envelope) record.Envelope { r.Type = typ; return r }
	card := func(date, ratings string) record.Envelope {
		return typed("cico_card", ana.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"date":%q,"expectations":["Be kind","Be ready"],"periods":["Morning","Lunch"],"ratings":%s}`, student, date, ratings)))
	}
	recs := []record.Envelope{
		typed("student", ana.rec(student, `{"given_name":"Ava","family_name":"Martinez","grade":"2"}`)),
		typed("cico_plan", ana.rec(record.CICOPlanID(student), fmt.Sprintf(`{"student_id":%q,"expectations":["Be kind","Be ready"],"periods":["Morning","Lunch"],"phases":[{"phase":"faded","start_date":"2025-03-03"}]}`, student))),
		card("2025-03-03", `[[2,2],[2,1]]`),
		card("2025-03-04", `[[1,0],[null,1]]`),
	}
	if s, b := e.push(ana, recs...); s != 200 {
		t.Fatal(s, string(b))
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (make deps installs poppler-utils)")
	}
	read := func(url string) string {
		t.Helper()
		s, b := e.do("GET", url, ana.token, nil)
		if s != 200 || !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Fatalf("GET %s: %d %.80q", url, s, b)
		}
		return strings.Join(strings.Fields(visibleText(t, b)), " ")
	}
	day := read("/v1/reports/cico-card.pdf?student=" + student + "&date=2025-03-04")
	for _, want := range []string{"Daily behaviour card: Ava Martinez", "Tuesday 4 March 2025", "Morning Partly (1) Not yet (0)",
		"Lunch - Partly (1)", "Today Ava earned 2 of 6 points (33.33%).", "needs fewer check-ins"} {
		if !strings.Contains(day, want) {
			t.Errorf("daily card lacks %q\n%s", want, day)
		}
	}
	week := read("/v1/reports/cico-card.pdf?student=" + student + "&week=2025-03-09")
	for _, want := range []string{"Weekly behaviour card: Ava Martinez", "Week of Monday 3 March 2025",
		"Mon 3 Mar 4 of 4 3 of 4 7 of 8 reached", "This week Ava earned 9 of 14 points (64.29%)."} {
		if !strings.Contains(week, want) {
			t.Errorf("weekly card lacks %q\n%s", want, week)
		}
	}
	base := "/v1/reports/cico-card.pdf?student=" + student
	for _, q := range []string{"&date=2025-02-30", "&week=soon", "&date=2025-03-04&week=2025-03-04"} {
		s, b := e.do("GET", base+q, ana.token, nil)
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	}
	s, b := e.do("GET", "/v1/reports/cico-card.pdf?student=ava", ana.token, nil)
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	s, b = e.do("GET", "/v1/reports/cico-card.pdf?student="+uuid.NewString(), ana.token, nil)
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	w := e.enrol("washington", "admin")
	s, b = e.do("GET", base, w.token, nil)
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	s, b = e.do("GET", base, "", nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
}
