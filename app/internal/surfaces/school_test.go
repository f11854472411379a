package surfaces

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/app/internal/serverproc"
	"smallwins/app/internal/syncclient"
	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// serverBin is the real sync server, built once (STYLE §4).
var serverBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "surfaces-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if bin := os.Getenv("SURFACES_TEST_SERVER_BIN"); bin != "" {
		serverBin = bin // a server built elsewhere (another branch, a debug build)
	} else if serverBin, err = serverproc.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

const (
	schoolSlug = "lincoln"
	schoolName = "Lincoln Elementary"
	password   = "correct horse battery"
	// asOf is the day every surface is read for: the API's and the
	// console's as_of, the tablet's today.
	asOf = "2025-03-17"
	// hiddenScore is the score of the restricted probe: no surface may show
	// it, count it or draw it (DOMAIN.md §2: reports leave restricted
	// records out, whoever reads; PROTOCOL §6: it never reaches Ana).
	hiddenScore = 17.3
)

// goalCase is one goal of the school and the decision its data must give.
type goalCase struct {
	name       string // what the case is, for failures
	given      string // the student's given name (unique)
	family     string
	want       string // the decision code the report must give
	measure    string // orf_wcpm unless set
	goalID     string
	studentID  string
	hiddenID   string // the restricted probe's id (the restricted case only)
	withPlan   bool
	attendance []bool          // per group session: present (with a plan only)
	report     progress.Report // the report JSON, once read (the reference)
}

// school is the fixture on the server: one group of Ana's holding every
// student, one goal per student.
type school struct {
	url      string
	anaID    string
	anaToken string // Ana's API device (JSON and PDF)
	bossTok  string // the admin's (the restricted probe's author)
	cases    []*goalCase
}

// date is asOf moved by days.
func date(days int) string {
	d, _ := time.Parse("2006-01-02", asOf)
	return d.AddDate(0, 0, days).Format("2006-01-02")
}

// startSchool runs the real server with school "lincoln" (an admin, boss;
// an interventionist, ana) and pushes the fixture through the API as the
// admin's tablet would.
func startSchool(t *testing.T) *school {
	t.Helper()
	db := filepath.Join(t.TempDir(), "server.db")
	if err := serverproc.Setup(serverBin, db, schoolSlug, schoolName, password,
		serverproc.User{Username: "ana", Name: "Ana Rivera", Role: "interventionist"},
		serverproc.User{Username: "boss", Name: "Casey Coach", Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	srv, err := serverproc.Start(serverBin, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	sc := &school{url: srv.URL}
	ana := sc.enrol(t, "ana")
	sc.anaID, sc.anaToken = ana.User.ID, ana.Token
	boss := sc.enrol(t, "boss")
	sc.bossTok = boss.Token
	bossClock := hlc.NewClock(uuid.MustParse(boss.deviceID), hlc.State{}, nil)
	sc.push(t, boss.Token, bossClock, sc.records(t))
	return sc
}

type enrolled struct {
	*protocol.EnrolResponse
	deviceID string
}

func (sc *school) enrol(t *testing.T, user string) enrolled {
	t.Helper()
	dev := uuid.NewString()
	r, err := syncclient.NewClient(sc.url, "", nil).Enrol(context.Background(), protocol.EnrolRequest{School: schoolSlug,
		Username: user, Password: password, DeviceID: dev, DeviceName: "surfaces test"})
	if err != nil {
		t.Fatalf("enrol %s: %v", user, err)
	}
	return enrolled{r, dev}
}

// push stamps the records with the device's clock and pushes them; every
// one must be applied.
func (sc *school) push(t *testing.T, token string, clock *hlc.Clock, recs []record.Envelope) {
	t.Helper()
	for i := range recs {
		recs[i].HLC = clock.Now().String()
	}
	r, err := syncclient.NewClient(sc.url, token, nil).Push(context.Background(), recs)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range r.Results {
		if res.Outcome != protocol.Applied {
			t.Fatalf("push: %s %s", res.ID, res.Outcome)
		}
	}
}

func mustData(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The goals' common shape: DOMAIN.md §5.1's goal (start 42, goal 78 on
// 2025-05-12, 2 a week), probes every Monday, as_of in week 10.
const (
	goalStart = "2025-01-06"
	goalDate  = "2025-05-12"
)

// aim is §5.1's aimline at week w.
func aim(w int) float64 { return 42 + 2*float64(w) }

// weekly are probes on Mondays from week 1, one per score.
func weekly(scores ...float64) map[string]float64 {
	out := map[string]float64{}
	for i, s := range scores {
		out[date(7*(i+1)-70)] = s // week 10 is asOf
	}
	return out
}

// records is the whole school: a program, Ana's group with every student,
// one goal per case with its probes, three plans over two weeks of the
// group's sessions.
func (sc *school) records(t *testing.T) []record.Envelope {
	t.Helper()
	var recs []record.Envelope
	add := func(typ string, restricted bool, v any) string {
		id := uuid.NewString()
		recs = append(recs, record.Envelope{ID: id, Type: typ, Restricted: restricted, Data: mustData(t, v)})
		return id
	}
	program := add(record.TypeProgram, false, record.Program{Name: "Phonics for Reading", Area: record.AreaReading,
		Steps: []record.Step{{ID: "a", Text: "Review sounds"}, {ID: "b", Text: "Partner reading"}}})
	typical := 1.6
	goal := func(c *goalCase, start, end string, baseline []float64, score float64, plan string) {
		dir := record.DirectionUp
		if record.MeasureOf(c.measure).Direction == record.DirectionDown {
			dir = record.DirectionDown
		}
		c.goalID = add(record.TypeGoal, false, record.Goal{StudentID: c.studentID, PlanID: plan, Measure: c.measure,
			Direction: dir, StartDate: start, BaselineScores: baseline, GoalScore: score, GoalDate: end,
			TypicalROI: &typical, Status: "active"})
	}
	probes := func(c *goalCase, scores map[string]float64) {
		for d, s := range scores {
			add(record.TypeProbe, false, record.Probe{StudentID: c.studentID, Measure: c.measure, Date: d, Score: s})
		}
	}
	// §5.1's ten probes: the last 4 below the aimline.
	example51 := weekly(45, 43, 47, 46, 49, 48, 50, 51, 50, 53)
	// Scores ending in .25 (exact in binary) are the halves where one
	// rounding rule differs from another: FormatScore's 61.3 (half away
	// from zero) is fmt's 61.2 (half to even).
	var alternating, above []float64
	for w := 1; w <= 10; w++ {
		above = append(above, aim(w)+4.25)
		if w%2 == 1 {
			alternating = append(alternating, aim(w)+1.5)
		} else {
			alternating = append(alternating, aim(w)-0.75)
		}
	}
	present := []bool{true, true, true, true, true, true}
	sc.cases = []*goalCase{
		{name: "too few points (§5.2)", given: "Nora", family: "Few", want: record.DecisionNotEnoughData},
		{name: "on the aimline: the trend rule", given: "Carl", family: "Steady", want: record.DecisionContinue, withPlan: true, attendance: present},
		{name: "the last 4 above", given: "Rita", family: "Ahead", want: record.DecisionRaiseGoal},
		{name: "§5.1, delivered well", given: "Chad", family: "Below", want: record.DecisionChangeInstruction, withPlan: true, attendance: present},
		{name: "§5.1, half the sessions missed", given: "Fay", family: "Absent", want: record.DecisionFixDeliveryFirst, withPlan: true,
			attendance: []bool{true, true, true, false, false, false}},
		{name: "the goal date passed, reached", given: "Greta", family: "Reached", want: record.DecisionReviewGoal},
		{name: "the goal date passed, not reached", given: "Gus", family: "Short", want: record.DecisionReviewGoal},
		{name: "the goal date passed with too few points", given: "Nell", family: "Late", want: record.DecisionReviewGoal},
		{name: "a down goal, worse than its aimline", given: "Dora", family: "Down", want: record.DecisionChangeInstruction, measure: "office_referrals"},
		{name: "a restricted probe", given: "Rex", family: "Hidden", want: record.DecisionRaiseGoal},
	}
	var ids []string
	for _, c := range sc.cases {
		if c.measure == "" {
			c.measure = "orf_wcpm"
		}
		// Every family reads Spanish: the family letter is one of the
		// surfaces the Spanish pass reads.
		c.studentID = add(record.TypeStudent, false, record.Student{GivenName: c.given, FamilyName: c.family, Grade: "2", FamilyLanguage: "es"})
		ids = append(ids, c.studentID)
	}
	group := add(record.TypeGroup, false, record.Group{Name: "Bluebirds", ProgramID: program, StudentIDs: ids, InterventionistID: sc.anaID})
	// Plans from the Tuesday two weeks before asOf: 2 weeks × 3 = 6
	// planned sessions of 30 minutes.
	plans := map[*goalCase]string{}
	for _, c := range sc.cases {
		if c.withPlan {
			plans[c] = add(record.TypePlan, false, record.Plan{StudentID: c.studentID, ProgramID: program, GroupID: group,
				StartDate: date(-13), SessionsPerWeek: 3, MinutesPerSession: 30})
		}
	}
	// Six sessions; one was 25 minutes, one skipped step b.
	for i, day := range []int{-13, -12, -11, -6, -5, -4} {
		minutes := 30.0
		if i == 1 {
			minutes = 25
		}
		fid := []record.StepMark{{StepID: "a", Status: record.StepDone}, {StepID: "b", Status: record.StepDone}}
		if i == 4 {
			fid[1].Status = record.StepSkipped
		}
		var att []record.Attendance
		for _, c := range sc.cases {
			if c.withPlan {
				st := record.Absent
				if c.attendance[i] {
					st = record.Present
				}
				att = append(att, record.Attendance{StudentID: c.studentID, Status: st})
			}
		}
		add(record.TypeSession, false, record.Session{GroupID: group, ProgramID: program, Date: date(day),
			Status: record.SessionDelivered, Minutes: minutes, Attendance: att, Fidelity: fid})
	}
	for _, c := range sc.cases {
		switch c.given {
		case "Nora":
			goal(c, goalStart, goalDate, []float64{42, 45, 40}, 78, "")
			probes(c, weekly(43, 44, 45, 46, 47)) // weeks 1-5 only
		case "Carl":
			goal(c, goalStart, goalDate, []float64{42, 45, 40}, 78, plans[c])
			probes(c, weekly(alternating...))
		case "Rita":
			goal(c, goalStart, goalDate, []float64{42, 45, 40}, 78, "")
			probes(c, weekly(above...))
		case "Chad", "Fay":
			goal(c, goalStart, goalDate, []float64{42, 45, 40}, 78, plans[c])
			probes(c, example51)
		case "Greta", "Gus":
			// Started in September, due on 24 February: past at asOf.
			goal(c, "2024-09-02", "2025-02-24", []float64{40}, 60, "")
			scores := []float64{42, 45, 48, 51, 54, 57, 61, 63.5, 62.25}
			if c.given == "Gus" {
				scores = []float64{41, 42, 44, 43, 45, 46, 45, 47.5, 46}
			}
			pts := map[string]float64{}
			for i, s := range scores {
				pts[date(-7-21*(len(scores)-1-i))] = s // every third Monday, the last a week before asOf
			}
			probes(c, pts)
		case "Nell":
			goal(c, "2024-09-02", "2025-02-24", []float64{40}, 60, "")
			probes(c, map[string]float64{date(-140): 44, date(-98): 47.25, date(-56): 49, date(-14): 52.25})
		case "Dora":
			// Referrals a week, to go down from 9 to 3: every point a
			// quarter above (worse than) the aimline.
			goal(c, goalStart, goalDate, []float64{8, 9, 10}, 3, "")
			var worse []float64
			for w := 1; w <= 10; w++ {
				worse = append(worse, 9-float64(w)/3+0.25)
			}
			probes(c, weekly(worse...))
		case "Rex":
			goal(c, goalStart, goalDate, []float64{42, 45, 40}, 78, "")
			probes(c, weekly(above[:9]...))
			// Week 10, by the admin, restricted: were it counted, the
			// last 4 would not all be above and it would be the last score.
			c.hiddenID = add(record.TypeProbe, true, record.Probe{StudentID: c.studentID, Measure: "orf_wcpm", Date: asOf, Score: hiddenScore})
		}
	}
	return recs
}
