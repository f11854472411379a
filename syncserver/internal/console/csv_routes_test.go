package console_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/record"
)

// formulaStarts are the first characters a spreadsheet runs as a formula.
var formulaStarts = []string{"=", "+", "-", "@", "\t", "\r"}

// plainNumber is a cell a spreadsheet reads as a number, never a formula.
func plainNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && strings.Trim(s, "0123456789.eE+-") == ""
}

// TestEveryCSVIsGuarded (issue 20): every CSV route of the server, API
// and console alike (found in the server's route table, so a new one
// cannot be missed), serves records whose text starts with = + - @, a tab
// or a CR with that text guarded: no cell of any answer starts a formula,
// and each hostile start is seen, guarded, in every route.
func TestEveryCSVIsGuarded(t *testing.T) {
	e := newEnv(t, false)
	admin := e.enrol("lincoln", "admin")
	var recs []record.Envelope
	add := func(id, typ string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, record.Envelope{ID: id, Type: typ, Data: b})
	}
	var points []string // points.csv of each hostile goal
	for i, start := range formulaStarts {
		evil := fmt.Sprintf(`%sHYPERLINK("https://evil.example/%d","x")`, start, i)
		prog, grp, st, goal := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
		add(prog, "program", record.Program{Name: evil, Area: record.AreaReading, Steps: []record.Step{{ID: evil, Text: evil}}})
		add(st, "student", record.Student{GivenName: evil, FamilyName: "Doe", Grade: "2"})
		add(grp, "group", record.Group{Name: evil, ProgramID: prog, StudentIDs: []string{st}})
		add(uuid.NewString(), "session", record.Session{GroupID: grp, ProgramID: prog, Date: fmt.Sprintf("2025-02-%02d", 3+i), Status: record.SessionDelivered, Minutes: 30,
			Attendance: []record.Attendance{{StudentID: st, Status: record.Present}}, Fidelity: []record.StepMark{{StepID: evil, Status: record.StepDone}}})
		add(goal, "goal", record.Goal{StudentID: st, Measure: evil, Direction: record.DirectionUp, StartDate: "2025-01-06",
			BaselineScores: []float64{10, 12, 11}, GoalScore: 30, GoalDate: "2025-05-12"})
		for w, score := range []float64{12, 14, 15} {
			add(uuid.NewString(), "probe", record.Probe{StudentID: st, Measure: evil, Date: fmt.Sprintf("2025-01-%02d", 13+7*w), Score: score})
		}
		points = append(points, "/students/"+st+"/goals/"+goal+"/points.csv")
	}
	e.push(admin, recs)

	b := e.signedIn("lincoln", "admin")
	get := func(path string) (int, string, []byte) {
		if strings.HasPrefix(path, "/v1/") {
			req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+admin.token)
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, resp.Header.Get("Content-Type"), body
		}
		p := b.get(path)
		return p.status, p.header.Get("Content-Type"), []byte(p.body)
	}
	// Each CSV route and the URLs that walk it.
	walks := map[string][]string{
		"/v1/exports/sessions.csv":             {"/v1/exports/sessions.csv"},
		"/v1/exports/attendance.csv":           {"/v1/exports/attendance.csv"},
		"/v1/exports/fidelity.csv":             {"/v1/exports/fidelity.csv"},
		"/students/:id/goals/:goal/points.csv": points,
		"/caseload.csv":                        {"/caseload.csv?as_of=" + asOf, "/caseload.csv?sort=student&dir=desc&q=HYPERLINK"},
	}
	n := 0
	for _, r := range e.routes {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.Path, ".csv") {
			continue
		}
		n++
		urls, ok := walks[r.Path]
		if !ok {
			t.Errorf("the CSV route %s is not walked by this test: add it", r.Path)
			continue
		}
		seen := map[string]bool{}
		for _, u := range urls {
			status, ct, body := get(u)
			if status != http.StatusOK || !strings.HasPrefix(ct, "text/csv") {
				t.Fatalf("%s: %d %s", u, status, ct)
			}
			rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("%s is not RFC 4180: %v", u, err)
			}
			for i, row := range rows {
				for j, c := range row {
					if c != "" && strings.ContainsAny(c[:1], "=+-@\t\r") && !plainNumber(c) {
						t.Errorf("%s row %d cell %d starts a formula: %q", u, i, j, c)
					}
					for _, s := range formulaStarts {
						// encoding/csv's CRLF writer drops a bare CR in a
						// cell: the guarded "'\r…" arrives as "'…".
						if strings.HasPrefix(c, "'"+strings.TrimPrefix(s, "\r")+"HYPERLINK") {
							seen[s] = true
						}
					}
				}
			}
		}
		for _, s := range formulaStarts {
			if !seen[s] {
				t.Errorf("%s: no guarded cell starting %q: the walk did not reach the hostile text", r.Path, s)
			}
		}
	}
	if n != len(walks) {
		t.Errorf("%d CSV routes in the server, %d walked", n, len(walks))
	}
}
