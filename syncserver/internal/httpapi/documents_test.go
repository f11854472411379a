package httpapi

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

func TestDocuments(t *testing.T) {
	e := newEnv(t)
	admin, ana := e.enrol("lincoln", "admin"), e.enrol("lincoln", "ana")
	group, program, student, goal := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	recs := []record.Envelope{
		admin.rec(group, fmt.Sprintf(`{"name":"Bluebirds","program_id":%q,"student_ids":[%q]}`, program, student)),
		admin.rec(program, `{"name":"Phonics","area":"reading","steps":[{"id":"a","text":"Review"}]}`),
		admin.rec(student, `{"given_name":"Ava","family_name":"Martinez","grade":"2"}`),
		admin.rec(uuid.NewString(), fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":"2025-03-04","status":"delivered","minutes":30,"attendance":[{"student_id":%q,"status":"present"}],"fidelity":[{"step_id":"a","status":"done"}]}`, group, program, student)),
		admin.rec(goal, fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[40],"goal_score":70,"goal_date":"2025-05-12"}`, student)),
	}
	types := []string{"group", "program", "student", "session", "goal"}
	for i := range recs {
		recs[i].Type = types[i]
	}
	secret := admin.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"author_id":"x","body":"SECRET"}`, student))
	secret.Restricted = true
	if s, b := e.push(admin, append(recs, secret)...); s != 200 {
		t.Fatal(s, string(b))
	}
	s, b := e.do("GET", "/v1/reports/progress.pdf?goal="+goal+"&as_of=2025-03-17", ana.token, nil)
	if s != 200 || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("pdf: %d %.40q", s, b)
	}
	s, b = e.do("GET", "/v1/reports/progress.pdf?goal="+uuid.NewString(), ana.token, nil)
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	for _, name := range []string{"sessions", "attendance", "fidelity"} {
		s, b = e.do("GET", "/v1/exports/"+name+".csv?from=2025-03-01&to=2025-03-31&group="+group, admin.token, nil)
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if s != 200 || err != nil || len(rows) != 2 || strings.Contains(string(b), "SECRET") {
			t.Fatalf("%s: %d %v %q", name, s, err, b)
		}
		s, b = e.do("GET", "/v1/exports/"+name+".csv", ana.token, nil)
		wantError(t, s, b, 403, protocol.CodeForbidden, -1)
		s, b = e.do("GET", "/v1/exports/"+name+".csv?from=March", admin.token, nil)
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	}
	// Another school's admin exports nothing of this school.
	w := e.enrol("washington", "admin")
	_, b = e.do("GET", "/v1/exports/sessions.csv", w.token, nil)
	if strings.Contains(string(b), "2025-03-04") {
		t.Fatal("an export crossed schools")
	}
}
