package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/record"
)

// TestChartReadsAtAGlance: the student's chart.svg, through HTTP, reads at
// a glance (ADR 0019): dates on its axis, the goal marked, the phase lines
// in words, a break shaded and named, one sans-serif type; and the student
// page shows it wide on a desktop and drawn narrow for a phone.
func TestChartReadsAtAGlance(t *testing.T) {
	e := newEnv(t, false)
	d := e.ids
	tb := e.enrol("lincoln", "admin")
	e.push(tb, []record.Envelope{
		{ID: uuid.NewString(), Type: "calendar_break", Data: json.RawMessage(`{"name":"Winter break","start_date":"2025-02-17","end_date":"2025-02-28"}`)},
		{ID: uuid.NewString(), Type: "plan", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-03-03","sessions_per_week":4,"minutes_per_session":30}`, d.s1, d.program, d.bluebirds))},
		{ID: uuid.NewString(), Type: "decision", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":"2025-02-10","code":"change_instruction"}`, d.s1, d.goal1))},
	})
	b := e.signedIn("lincoln", "admin")
	chart := "/students/" + d.s1 + "/goals/" + d.goal1 + "/chart.svg?as_of=" + asOf
	svg := b.get(chart)
	if svg.status != http.StatusOK {
		t.Fatalf("chart.svg: %d", svg.status)
	}
	for _, want := range []string{
		">Feb 2025</text>", ">Mar</text>", ">May</text>", // dates, not weeks
		">Goal 78 by 12 May</text>",                                   // the goal marker's label
		">Team: change the instruction</text>", ">New program</text>", // phases in words
		">Winter break</text>", "fill:#E6E6E6", // a break, named and shaded
		"font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;", // the page's kind of type
		`viewBox="0 0 570 300"`, // 760×400 CSS px
	} {
		if !strings.Contains(svg.body, want) {
			t.Errorf("chart.svg has no %q", want)
		}
	}
	for _, not := range []string{"weeks since the start", "Serif", ">1</text>"} {
		if strings.Contains(svg.body, not) {
			t.Errorf("chart.svg has %q", not)
		}
	}
	if narrow := b.get(chart + "&size=narrow"); narrow.status != http.StatusOK || !strings.Contains(narrow.body, `viewBox="0 0 270 240"`) {
		t.Errorf("the narrow chart: %d %.300s", narrow.status, narrow.body)
	}
	if bad := b.get(chart + "&size=huge"); bad.status != http.StatusBadRequest {
		t.Errorf("size=huge: %d", bad.status)
	}
	page := b.get("/students/" + d.s1 + "?as_of=" + asOf)
	for _, want := range []string{
		`<source media="(max-width: 700px)" srcset="/students/` + d.s1 + "/goals/" + d.goal1 + `/chart.svg?as_of=` + asOf + `&amp;size=narrow" width="360" height="320">`,
		`/chart.svg?as_of=` + asOf + `" width="760" height="400"`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the student page has no %q", want)
		}
	}
}
