package httpapi

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// TestProgressReportWorkedExample pushes DOMAIN.md §5.1 through the API and
// reads the report back.
func TestProgressReportWorkedExample(t *testing.T) {
	e := newEnv(t)
	d := e.enrol("lincoln", "ana")
	goalID, student := uuid.NewString(), uuid.NewString()
	gd, _ := record.EncodeData(record.Goal{StudentID: student, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06",
		BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"}, nil)
	recs := []record.Envelope{{ID: goalID, Type: "goal", HLC: d.clock.Now().String(), Data: gd}}
	for i, s := range []float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53} {
		date, _ := progress.ParseDate("2025-01-13")
		pd, _ := record.EncodeData(record.Probe{StudentID: student, Measure: "orf_wcpm", Date: (date + progress.Date(7*i)).String(), Score: s}, nil)
		recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: "probe", HLC: d.clock.Now().String(), Data: pd})
	}
	secret := d.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"author_id":"x","body":"SECRET"}`, student))
	secret.Restricted = true
	recs = append(recs, secret)
	if s, b := e.push(d, recs...); s != 200 {
		t.Fatal(s, string(b))
	}
	s, b := e.do("GET", "/v1/reports/progress?goal="+goalID+"&as_of=2025-03-17", d.token, nil)
	if s != 200 {
		t.Fatalf("%d %s", s, b)
	}
	if strings.Contains(string(b), "SECRET") {
		t.Fatal("a restricted note reached a report")
	}
	var r struct {
		Trend struct {
			OLS struct{ Slope, Intercept float64 }
		}
		Decision     struct{ Code, Rule string }
		Status       string
		PresentLevel float64 `json:"present_level"`
		Delivery     *json.RawMessage
		Warnings     []string
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Trend.OLS.Slope-152.0/165) > 1e-6 || r.Decision.Code != "change_instruction" || r.Status != "red" || r.PresentLevel != 51 || r.Delivery != nil || r.Warnings == nil {
		t.Fatalf("report %s", b)
	}
	// Another school's token cannot see the goal; bad parameters are 400.
	w := e.enrol("washington", "admin")
	s, b = e.do("GET", "/v1/reports/progress?goal="+goalID, w.token, nil)
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	s, b = e.do("GET", "/v1/reports/progress?goal=nope", d.token, nil)
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	s, b = e.do("GET", "/v1/reports/progress?goal="+goalID+"&as_of=2025-13-01", d.token, nil)
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	s, b = e.do("GET", "/v1/reports/progress?goal="+goalID, "", nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	// A deleted goal is gone.
	if s, b := e.push(d, record.Envelope{ID: goalID, Type: "goal", HLC: d.clock.Now().String(), Deleted: true}); s != 200 {
		t.Fatal(s, string(b))
	}
	s, b = e.do("GET", "/v1/reports/progress?goal="+goalID, d.token, nil)
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
}

func TestCICOReport(t *testing.T) {
	e := newEnv(t)
	d := e.enrol("lincoln", "ana")
	student := uuid.NewString()
	two, one := 2.0, 1.0
	cd, _ := record.EncodeData(record.CICOCard{StudentID: student, Date: "2025-01-07", Expectations: []string{"safe"}, Periods: []string{"am", "pm"},
		Ratings: [][]*float64{{&two}, {&one}}}, nil)
	if s, b := e.push(d, record.Envelope{ID: uuid.NewString(), Type: "cico_card", HLC: d.clock.Now().String(), Data: cd}); s != 200 {
		t.Fatal(s, string(b))
	}
	s, b := e.do("GET", "/v1/reports/cico?student="+student+"&from=2025-01-01&to=2025-01-31", d.token, nil)
	var r progress.CICOReport
	if s != 200 || json.Unmarshal(b, &r) != nil || len(r.Days) != 1 || r.Days[0].Earned != 3 || r.Days[0].Possible != 4 || r.Weeks[0].WeekStart != "2025-01-06" {
		t.Fatalf("%d %s", s, b)
	}
	if r.Phase != nil {
		t.Fatalf("a student without a plan has a phase: %s", b)
	}
	// With a CICO plan the report says the phase of fading (ADR 0640).
	pd, _ := record.EncodeData(record.CICOPlan{StudentID: student, Expectations: []string{"safe"}, Periods: []string{"am", "pm"},
		Phases: []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: "2025-01-06"}}}, nil)
	if s, b := e.push(d, record.Envelope{ID: record.CICOPlanID(student), Type: record.TypeCICOPlan, HLC: d.clock.Now().String(), Data: pd}); s != 200 {
		t.Fatal(s, string(b))
	}
	s, b = e.do("GET", "/v1/reports/cico?student="+student+"&from=2025-01-01&to=2025-01-31", d.token, nil)
	r = progress.CICOReport{}
	if s != 200 || json.Unmarshal(b, &r) != nil || r.Phase == nil || r.Phase.Phase != record.PhaseSelfManaged || r.Phase.Since != "2025-01-06" ||
		len(r.Phase.Weeks) != 1 || r.Phase.Needed != 2 {
		t.Fatalf("%d %s", s, b)
	}
	s, b = e.do("GET", "/v1/reports/cico?student="+student+"&from=2025-02-01&to=2025-01-01", d.token, nil)
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
}
