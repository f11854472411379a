package httpapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// ADR 0022: every number and date a record of a known
// type carries is within DOMAIN.md §2's bounds, or the push is refused.

// recOf is d's record of type typ with data.
func (d device) recOf(typ, data string) record.Envelope {
	r := d.rec(uuid.NewString(), data)
	r.Type = typ
	return r
}

// TestPushRefusesTheChartAttack: the two probes of the second attack run
// (scores of -1.7e308 and +1.7e308, which made the chart loop forever) are
// refused whole, on both stores.
func TestPushRefusesTheChartAttack(t *testing.T) { onBothStores(t, testPushRefusesTheChartAttack) }

func testPushRefusesTheChartAttack(t *testing.T, e *env) {
	d := e.enrol("lincoln", "ana")
	student := uuid.NewString()
	probe := func(score string) record.Envelope {
		return d.recOf("probe", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":"2025-03-03","score":%s}`, student, score))
	}
	s, b := e.push(d, probe("-1.7e308"), probe("1.7e308"))
	pe := wantError(t, s, b, 400, protocol.CodeInvalidRequest, 0)
	if pe.Message != "probe.score must be between 0 and 10000" {
		t.Errorf("message %q", pe.Message)
	}
	if got := e.pullAll(d); len(got) != 0 {
		t.Fatalf("a refused batch applied %d records", len(got))
	}
}

// TestPushBounds pushes, on both stores, a valid note and then one record
// outside a bound: each batch is 400 invalid_request with the bad record's
// index and a message naming the field, and nothing of any batch is
// applied. Values at the edges of every bound are accepted.
func TestPushBounds(t *testing.T) { onBothStores(t, testPushBounds) }

func testPushBounds(t *testing.T, e *env) {
	d := e.enrol("lincoln", "ana")
	student, group, program := uuid.NewString(), uuid.NewString(), uuid.NewString()
	// probe is a probe with score and date (defaults when ""), and extra
	// members.
	probe := func(score, date, extra string) record.Envelope {
		if score == "" {
			score = "40"
		}
		if date == "" {
			date = "2025-03-03"
		}
		return d.recOf("probe", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":%q,"score":%s%s}`, student, date, score, extra))
	}
	goal := func(baseline, score, roi, start string) record.Envelope {
		return d.recOf("goal", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","direction":"up","start_date":%q,"baseline_scores":[%s],"goal_score":%s,"goal_date":"2025-05-12","typical_roi":%s}`,
			student, start, baseline, score, roi))
	}
	session := func(minutes, attended string) record.Envelope {
		return d.recOf("session", fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":"2025-03-03","status":"delivered","minutes":%s,"attendance":[{"student_id":%q,"status":"late","minutes":%s}],"fidelity":[]}`,
			group, program, minutes, student, attended))
	}
	note := func() record.Envelope {
		return d.recOf("note", fmt.Sprintf(`{"student_id":%q,"author_id":"x","body":"fine"}`, student))
	}
	refused := []struct {
		name  string
		rec   record.Envelope
		field string // what the message must name
	}{
		{"score -1.7e308", probe("-1.7e308", "", ""), "probe.score must be between 0 and 10000"},
		{"score 1.7e308", probe("1.7e308", "", ""), "probe.score must be between 0 and 10000"},
		{"score 1e400 overflows", probe("1e400", "", ""), "probe.score must be a finite number between 0 and 10000"},
		{"score 10000.5", probe("10000.5", "", ""), "probe.score"},
		{"score -0.5", probe("-0.5", "", ""), "probe.score"},
		{"seconds 0", probe("", "", `,"seconds":0`), "probe.seconds must be between 1 and 600"},
		{"seconds 601", probe("", "", `,"seconds":601`), "probe.seconds must be between 1 and 600"},
		{"raw_score", probe("", "", `,"raw_score":10001`), "probe.raw_score"},
		{"errors", probe("", "", `,"errors":-1`), "probe.errors"},
		{"date 1900", probe("", "1900-01-01", ""), "probe.date must be between 2000-01-01 and 2100-12-31"},
		{"date 2101", probe("", "2101-01-01", ""), "probe.date"},
		{"unknown field", probe("", "", `,"weight":1000001`), "probe.weight must be between -1000000 and 1000000"},
		{"unknown nested field", probe("", "", `,"extra":{"deep":[[-2e6]]}`), "probe.extra.deep must be between -1000000 and 1000000"},
		{"unknown field overflows", probe("", "", `,"x":-1e999`), "probe.x must be a finite number"},
		{"baseline", goal("40, 10001", "70", "1", "2025-01-06"), "goal.baseline_scores"},
		{"goal score", goal("40", "-3", "1", "2025-01-06"), "goal.goal_score"},
		{"typical roi", goal("40", "70", "1000.01", "2025-01-06"), "goal.typical_roi must be between -1000 and 1000"},
		{"goal start date", goal("40", "70", "1", "1999-12-31"), "goal.start_date"},
		{"session minutes", session("601", "20"), "session.minutes must be between 0 and 600"},
		{"attendance minutes", session("30", "-1"), "session.attendance.minutes must be between 0 and 600"},
		{"card rating", d.recOf("cico_card", fmt.Sprintf(`{"student_id":%q,"date":"2025-03-03","expectations":["e"],"periods":["p"],"ratings":[[3]]}`, student)), "cico_card.ratings must be between 0 and 2"},
		{"break date", d.recOf("calendar_break", `{"name":"Far","start_date":"2025-03-03","end_date":"2200-01-01"}`), "calendar_break.end_date"},
		{"plan minutes", d.recOf("plan", fmt.Sprintf(`{"student_id":%q,"program_id":%q,"start_date":"2025-03-03","sessions_per_week":3,"minutes_per_session":6000}`, student, program)), "plan.minutes_per_session"},
		{"plan sessions", d.recOf("plan", fmt.Sprintf(`{"student_id":%q,"program_id":%q,"start_date":"2025-03-03","sessions_per_week":1e300,"minutes_per_session":30}`, student, program)), "plan.sessions_per_week must be between -1000000 and 1000000"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			s, b := e.push(d, note(), c.rec)
			pe := wantError(t, s, b, 400, protocol.CodeInvalidRequest, 1)
			if !strings.Contains(pe.Message, c.field) {
				t.Errorf("message %q does not name %q", pe.Message, c.field)
			}
		})
	}
	if got := e.pullAll(d); len(got) != 0 {
		t.Fatalf("refused batches applied %d records", len(got))
	}

	// PROTOCOL §5: every 400 comes before clock_ahead, whichever record
	// comes first.
	ahead := probe("", "", "")
	ahead.HLC = d.clock.Now().String()
	ahead.HLC = fmt.Sprintf("%013d%s", time.Now().Add(time.Hour).UnixMilli(), ahead.HLC[13:])
	s, b := e.push(d, ahead, probe("1e308", "", ""))
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, 1)

	// The edges are in; an unknown type and malformed (unparseable)
	// dates are not the server's to interpret; tombstones carry no data.
	accepted := []record.Envelope{
		probe("0", "2000-01-01", `,"seconds":1,"raw_score":0,"errors":0`),
		probe("10000", "2100-12-31", `,"seconds":600,"raw_score":10000,"errors":10000,"extra":[-1e6,1e6]`),
		probe("", "soon", ""),
		goal("0, 10000", "0", "-1000", "2025-01-06"),
		session("0", "600"),
		d.recOf("future_type", `{"score":1e300,"date":"1900-01-01"}`),
		{ID: uuid.NewString(), Type: "probe", HLC: d.clock.Now().String(), Deleted: true},
	}
	if s, b := e.push(d, accepted...); s != 200 {
		t.Fatalf("edge values: %d %s", s, b)
	}
	if got := e.pullAll(d); len(got) != len(accepted) {
		t.Fatalf("pulled %d records, want %d", len(got), len(accepted))
	}
}

// TestStoredOutOfBoundsProbeSkipped: a probe stored before the bounds
// existed (written straight into the store, as old data would be) is
// skipped by the progress report and named in its warnings; nothing is
// deleted.
func TestStoredOutOfBoundsProbeSkipped(t *testing.T) {
	onBothStores(t, testStoredOutOfBoundsProbeSkipped)
}

func testStoredOutOfBoundsProbeSkipped(t *testing.T, e *env) {
	d := e.enrol("lincoln", "ana")
	goalID, student := uuid.NewString(), uuid.NewString()
	recs := []record.Envelope{d.recOf("goal", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[42,45,40],"goal_score":78,"goal_date":"2025-05-12"}`, student))}
	recs[0].ID = goalID
	for i, score := range []int{45, 43, 47, 46} {
		recs = append(recs, d.recOf("probe", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":"2025-01-%d","score":%d}`, student, 13+7*i/2, score)))
	}
	if s, b := e.push(d, recs...); s != 200 {
		t.Fatal(s, string(b))
	}
	huge, tiny := d.recOf("probe", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":"2025-02-10","score":1.7e308}`, student)),
		d.recOf("probe", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":"2025-02-11","score":-1.7e308}`, student))
	sc, err := e.api.store.SchoolBySlug(t.Context(), "lincoln")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.store.Push(t.Context(), store.PushBatch{SchoolID: sc.ID, Pusher: "old-data", Records: []record.Envelope{huge, tiny}, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s, b := e.do("GET", "/v1/reports/progress?goal="+goalID+"&as_of=2025-03-17", d.token, nil)
	if s != 200 {
		t.Fatalf("%d %s", s, b)
	}
	var r struct {
		Points []struct {
			Date  string
			Score float64
		}
		Warnings []string
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Points) != 4 {
		t.Errorf("points %+v, want the 4 in-bounds probes", r.Points)
	}
	for _, id := range []string{huge.ID, tiny.ID} {
		if !strings.Contains(strings.Join(r.Warnings, "\n"), id) {
			t.Errorf("warnings %q do not name the skipped probe %s", r.Warnings, id)
		}
	}
	// Nothing is deleted: both probes are still pulled.
	got := e.pullAll(d)
	if _, ok := got[huge.ID]; !ok {
		t.Error("the stored probe is gone")
	}
	if _, ok := got[tiny.ID]; !ok {
		t.Error("the stored probe is gone")
	}
}
