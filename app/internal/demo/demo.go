// Package demo is the demo school `make run` loads (SMALLWINS_DEMO=1 on an
// empty tablet): 12 students in 3 groups, two programs with their
// checklists, plans, goals, eight weeks of sessions and weekly probes around
// a one-week break, CICO cards, notes and a team decision. The progress is
// plausible and varied on purpose, so that every decision of DOMAIN.md §3.5
// shows up: on track, below (change instruction), above (raise the goal),
// poorly delivered (fix delivery first) and too new (not enough data).
//
// Generate is pure (a fixed seed, dates relative to `today`); Load writes
// the records through any Putter, one record per write.
package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/record"
)

// Item is one record to write.
type Item struct {
	Type       string
	ID         string
	Data       any // a payload type of package record
	Restricted bool
}

// Putter writes one record (localstore.Store satisfies it).
type Putter interface {
	Put(ctx context.Context, typ, id string, data any, restricted bool) (record.Envelope, error)
}

// Options size the school. The zero value is the demo of `make run`.
type Options struct {
	// Students is the number of students (default 12). Beyond 12, groups of
	// 4 are added to reach it.
	Students int
	// Weeks of instruction before today (default 8), plus one break week.
	Weeks int
	// Seed of the pseudo-random scores (default 1).
	Seed uint64
	// Interventionists are user ids the groups are given to in turn (the
	// group's interventionist_id), so that each sees a caseload on the
	// console and on their tablet; none: groups without one.
	Interventionists []string
}

// Load writes the demo school as of today, one record per write.
func Load(ctx context.Context, p Putter, today time.Time, o Options) (int, error) {
	items := Generate(today, o)
	for i, it := range items {
		if _, err := p.Put(ctx, it.Type, it.ID, it.Data, it.Restricted); err != nil {
			return i, fmt.Errorf("demo: load %s: %w", it.Type, err)
		}
	}
	return len(items), nil
}

type gen struct {
	rnd   *rand.Rand
	items []Item
	seq   uint64
}

// id makes a UUIDv7-shaped id from a counter, so ids are time-ordered and
// the demo is the same every run.
func (g *gen) id() string {
	g.seq++
	var u uuid.UUID
	// 48-bit "time" from the counter (fixed epoch), version 7, variant RFC 4122.
	ms := uint64(1_700_000_000_000) + g.seq
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (8 * (5 - i)))
	}
	r := g.rnd.Uint64()
	for i := 6; i < 16; i++ {
		u[i] = byte(r >> (8 * (i % 8)))
	}
	u[6] = 0x70 | (u[6] & 0x0f)
	u[8] = 0x80 | (u[8] & 0x3f)
	return u.String()
}

func (g *gen) add(typ string, data any) string {
	id := g.id()
	g.items = append(g.items, Item{Type: typ, ID: id, Data: data})
	return id
}

// addID adds a record whose id is given (a student's one CICO plan).
func (g *gen) addID(typ, id string, data any) {
	g.items = append(g.items, Item{Type: typ, ID: id, Data: data})
}

const day = 24 * time.Hour

func ds(t time.Time) string { return t.Format("2006-01-02") }

func monday(t time.Time) time.Time {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	wd := int(t.Weekday())
	if wd == 0 {
		wd = 7
	}
	return t.Add(-time.Duration(wd-1) * day)
}

// seasonBreak names a school break by the month it starts in (northern
// school year).
func seasonBreak(t time.Time) string {
	switch t.Month() {
	case time.December, time.January, time.February:
		return "Winter break"
	case time.March, time.April, time.May:
		return "Spring break"
	case time.June, time.July, time.August:
		return "Summer break"
	}
	return "Autumn break"
}

func wdOf(t time.Time) int {
	if t.Weekday() == time.Sunday {
		return 7
	}
	return int(t.Weekday())
}

var given = []string{"Ava", "Ben", "Chloe", "Dev", "Ella", "Farah", "Gabriel", "Hana", "Isaac", "Jayden", "Kira", "Liam",
	"Maya", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Sami", "Theo"}
var family = []string{"Martinez", "Okafor", "Nguyen", "Patel", "Schmidt", "Haddad", "Silva", "Kim", "Cohen", "Brooks",
	"Ivanova", "O'Brien", "Tanaka", "Mensah", "Rossi", "Sharma", "Dubois", "Garcia", "Yilmaz", "Andersen"}

// profile is how a student responds.
type profile int

const (
	onTrack profile = iota
	below
	above
	poorDelivery
	tooNew
)

// Generate builds the demo school as of today.
func Generate(today time.Time, o Options) []Item {
	if o.Students <= 0 {
		o.Students = 12
	}
	if o.Weeks <= 0 {
		o.Weeks = 8
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	g := &gen{rnd: rand.New(rand.NewPCG(o.Seed, 0x5eed))}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	// Instruction started on the Monday o.Weeks+1 weeks before this week's
	// Monday: o.Weeks weeks of instruction and one break week (the middle one).
	start := monday(today).Add(-time.Duration(7*(o.Weeks+1)) * day)
	breakStart := start.Add(time.Duration(7*((o.Weeks+1)/2)) * day)
	breakEnd := breakStart.Add(6 * day)
	// Named for its season (a "Spring break" in October read wrong).
	g.add(record.TypeCalendarBreak, record.CalendarBreak{Name: seasonBreak(breakStart), StartDate: ds(breakStart), EndDate: ds(breakEnd)})
	inBreak := func(t time.Time) bool { return !t.Before(breakStart) && !t.After(breakEnd) }
	// week is DOMAIN.md §3.2's week(d): instruction days after from, ÷ 7.
	week := func(from, d time.Time) float64 {
		n := 0
		for x := from.Add(day); !x.After(d); x = x.Add(day) {
			if !inBreak(x) {
				n++
			}
		}
		return float64(n) / 7
	}

	phonicsSteps := []record.Step{{ID: "warmup", Text: "Review sight words"}, {ID: "model", Text: "Model the new sound"},
		{ID: "guided", Text: "Guided practice"}, {ID: "build", Text: "Word building"}, {ID: "partner", Text: "Partner reading"},
		{ID: "dictate", Text: "Dictation"}, {ID: "fluency", Text: "Fluency read"}, {ID: "exit", Text: "Exit check"}}
	mathSteps := []record.Step{{ID: "count", Text: "Counting warm-up"}, {ID: "facts", Text: "Fact fluency game"},
		{ID: "model", Text: "Model with number lines"}, {ID: "guided", Text: "Guided problems"},
		{ID: "solo", Text: "Independent practice"}, {ID: "exit", Text: "Exit ticket"}}
	phonics := g.add(record.TypeProgram, record.Program{Name: "Phonics for Reading, level 2", Area: record.AreaReading,
		Steps: phonicsSteps, SessionsPerWeek: 4, MinutesPerSession: 30})
	numsense := g.add(record.TypeProgram, record.Program{Name: "Number Sense Boost", Area: record.AreaMath,
		Steps: mathSteps, SessionsPerWeek: 3, MinutesPerSession: 25})

	type groupSpec struct {
		name     string
		program  string
		steps    []record.Step
		size     int
		days     []int
		at       string
		minutes  float64
		perWeek  float64
		measure  string
		base     float64
		slope    float64 // the aimline slope per week
		profiles []profile
	}
	specs := []groupSpec{
		{"Bluebirds", phonics, phonicsSteps, 5, []int{1, 2, 3, 4}, "09:15", 30, 4, "orf_wcpm", 42, 2,
			[]profile{onTrack, below, above, poorDelivery, tooNew}},
		{"Owls", phonics, phonicsSteps, 4, []int{1, 2, 3, 4}, "10:30", 30, 4, "orf_wcpm", 55, 1.5,
			[]profile{onTrack, onTrack, below, above}},
		{"Foxes", numsense, mathSteps, 3, []int{1, 3, 5}, "13:00", 25, 3, "math_cbm_digits", 12, 1,
			[]profile{onTrack, below, onTrack}},
	}
	for n := 12; n < o.Students; n += 4 {
		k := len(specs)
		specs = append(specs, groupSpec{fmt.Sprintf("Group %d", k+1), phonics, phonicsSteps, min(4, o.Students-n),
			[]int{1 + k%2, 3 + k%2}, fmt.Sprintf("%02d:%02d", 8+k%7, 15*(k%4)), 30, 2, "orf_wcpm", 40 + float64(k%20), 1.5,
			[]profile{onTrack, below, above, onTrack}})
	}

	studentNo := 0
	for gi, sp := range specs {
		var ids []string
		var profs []profile
		for i := 0; i < sp.size; i++ {
			k := studentNo
			studentNo++
			st := record.Student{GivenName: given[k%len(given)], FamilyName: family[(k*7+k/len(given))%len(family)],
				Grade: []string{"1", "2", "2", "3"}[k%4]}
			if k >= len(given) {
				st.GivenName = fmt.Sprintf("%s %d", st.GivenName, k/len(given)+1)
			}
			if k == 2 {
				st.PreferredName = "Coco"
			}
			ids = append(ids, g.add(record.TypeStudent, st))
			profs = append(profs, sp.profiles[i%len(sp.profiles)])
		}
		var sched []record.ScheduleSlot
		for _, d := range sp.days {
			sched = append(sched, record.ScheduleSlot{Weekday: d, Start: sp.at})
		}
		grp := record.Group{Name: sp.name, ProgramID: sp.program, StudentIDs: ids, Schedule: sched}
		if n := len(o.Interventionists); n > 0 {
			grp.InterventionistID = o.Interventionists[gi%n]
		}
		grpID := g.add(record.TypeGroup, grp)

		// Plans and goals.
		goals := make([]string, len(ids))
		plans := make([]string, len(ids))
		starts := make([]time.Time, len(ids))
		for i, sid := range ids {
			st := start
			if profs[i] == tooNew {
				st = monday(today).Add(-14 * day) // joined two weeks ago
			}
			starts[i] = st
			plans[i] = g.add(record.TypePlan, record.Plan{StudentID: sid, ProgramID: sp.program, GroupID: grpID, Tier: 2,
				StartDate: ds(st), SessionsPerWeek: sp.perWeek, MinutesPerSession: sp.minutes})
			base := sp.base + float64(g.rnd.IntN(5)) - 2
			goalDate := st.Add(18 * 7 * day)
			if !breakStart.Before(st) {
				goalDate = goalDate.Add(7 * day) // keep 18 instructional weeks
			}
			goalScore := math.Round(base + sp.slope*18)
			goals[i] = g.add(record.TypeGoal, record.Goal{StudentID: sid, PlanID: plans[i], Measure: sp.measure,
				Direction: record.DirectionUp, StartDate: ds(st), BaselineScores: []float64{base - 1, base, base + 2},
				GoalScore: goalScore, GoalDate: ds(goalDate), TypicalROI: ptr(sp.slope * 0.9), Status: record.GoalActive})
			// Weekly probes on the start's weekday, skipping the break.
			rate := map[profile]float64{onTrack: 1.0, below: 0.4, above: 1.7, poorDelivery: 0.35, tooNew: 1.0}[profs[i]]
			for w := 1; ; w++ {
				d := st.Add(time.Duration(7*w) * day)
				if !d.Before(today) {
					break
				}
				if inBreak(d) {
					continue
				}
				if gi == 1 && i == 0 && today.Sub(d) < 15*day {
					continue // Farah missed her last two probes: Today shows her as due
				}
				x := week(st, d)
				noise := float64(g.rnd.IntN(5)) - 2
				score := math.Round(base + sp.slope*rate*x + noise)
				if profs[i] == above {
					score = math.Round(base + sp.slope*x + 2 + float64(g.rnd.IntN(3)) + sp.slope*0.7*x)
				}
				if profs[i] == below || profs[i] == poorDelivery {
					score = math.Round(base + sp.slope*rate*x - 1 + float64(g.rnd.IntN(2)))
				}
				errs := float64(2 + g.rnd.IntN(5))
				g.add(record.TypeProbe, record.Probe{StudentID: sid, Measure: sp.measure, Date: ds(d), Score: score,
					Errors: &errs, Seconds: 60})
			}
		}

		// Sessions: every scheduled day before today, outside the break.
		on := map[int]bool{}
		for _, d := range sp.days {
			on[d] = true
		}
		for d := start; d.Before(today); d = d.Add(day) {
			if !on[wdOf(d)] || inBreak(d) {
				continue
			}
			if g.rnd.IntN(20) == 0 {
				g.add(record.TypeSession, record.Session{GroupID: grpID, ProgramID: sp.program, Date: ds(d),
					Status: record.SessionCancelled, CancelReason: "assembly",
					Attendance: []record.Attendance{}, Fidelity: []record.StepMark{}})
				continue
			}
			mins := sp.minutes - float64(g.rnd.IntN(3))*2
			s := record.Session{GroupID: grpID, ProgramID: sp.program, Date: ds(d),
				StartedAt: time.Date(d.Year(), d.Month(), d.Day(), 9+gi, 15, 0, 0, time.UTC).Format(time.RFC3339),
				Status:    record.SessionDelivered, Minutes: mins, Attendance: []record.Attendance{}, Fidelity: []record.StepMark{}}
			for i, sid := range ids {
				if d.Before(starts[i]) {
					continue
				}
				a := record.Attendance{StudentID: sid, Status: record.Present}
				switch {
				case profs[i] == poorDelivery && g.rnd.IntN(5) < 2:
					a.Status, a.Minutes = record.Absent, ptr(0.0)
				case g.rnd.IntN(25) == 0:
					a.Status, a.Minutes = record.Absent, ptr(0.0)
				case g.rnd.IntN(30) == 0:
					a.Status, a.Minutes = record.Late, ptr(mins-10)
				case profs[i] == poorDelivery && g.rnd.IntN(4) == 0:
					a.Status, a.Minutes = record.LeftEarly, ptr(mins/2)
				}
				s.Attendance = append(s.Attendance, a)
			}
			for si, st := range sp.steps {
				m := record.StepMark{StepID: st.ID, Status: record.StepDone}
				switch {
				case st.ID == "partner" && g.rnd.IntN(3) == 0:
					m.Status = record.StepSkipped
				case st.ID == "solo" && g.rnd.IntN(4) == 0:
					m.Status = record.StepSkipped
				case si == len(sp.steps)-2 && g.rnd.IntN(8) == 0:
					m.Status = record.StepNA
				case g.rnd.IntN(30) == 0:
					m.Status = record.StepSkipped
				}
				s.Fidelity = append(s.Fidelity, m)
			}
			if g.rnd.IntN(6) == 0 {
				s.Note = []string{"Great energy today.", "Short on time after the fire drill.",
					"Two students needed extra modelling on blends.", "Substitute in the classroom; started late."}[g.rnd.IntN(4)]
			}
			g.add(record.TypeSession, s)
		}

		if gi == 0 {
			// Notes and a team decision for the first group.
			g.add(record.TypeNote, record.Note{StudentID: ids[1], AuthorID: "demo-interventionist",
				Body: "Guessing at -ing words; reads the first sound and guesses the rest.", Category: record.NoteAcademic})
			g.items = append(g.items, Item{Type: record.TypeNote, ID: g.id(), Restricted: true,
				Data: record.Note{StudentID: ids[3], AuthorID: "demo-admin",
					Body: "Family moving between addresses; attendance may suffer this term.", Category: record.NoteFamily}})
			g.add(record.TypeDecision, record.Decision{StudentID: ids[1], GoalID: goals[1],
				Date: ds(start.Add(5 * 7 * day)), Code: record.DecisionNotEnoughData,
				Rationale: "Only four points; review again after six weeks.", NextReviewDate: ds(start.Add(9 * 7 * day))})
		}
	}

	// CICO cards for two students of the first group, every school day.
	exps := []string{"Be safe", "Be respectful", "Be responsible"}
	periods := []string{"Arrival", "Reading", "Math", "Lunch", "Science", "Dismissal"}
	var cicoStudents []string
	for _, it := range g.items {
		if it.Type == record.TypeStudent && len(cicoStudents) < max(2, o.Students/10) {
			cicoStudents = append(cicoStudents, it.ID)
		}
	}
	// Each has a CICO plan (their card setup). The second has met the goal
	// from the start and moved to a self-managed card last Monday (the
	// fading of DOMAIN.md §3.9): from then on the student rates too,
	// mostly as the adult does.
	selfFrom := monday(today).Add(-7 * day)
	for k, sid := range cicoStudents {
		plan := record.CICOPlan{StudentID: sid, Expectations: exps, Periods: periods}
		if k == 1 {
			plan.Phases = []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: ds(selfFrom)}}
		}
		g.addID(record.TypeCICOPlan, record.CICOPlanID(sid), plan)
		for d, n := start, 0; d.Before(today); d = d.Add(day) {
			if wdOf(d) > 5 || inBreak(d) {
				continue
			}
			n++
			p := math.Min(0.95, 0.55+0.006*float64(n)+0.05*float64(k%2))
			if k == 1 {
				p = 0.9
			}
			self := k == 1 && !d.Before(selfFrom)
			card := record.CICOCard{StudentID: sid, Date: ds(d), Expectations: exps, Periods: periods}
			for range periods {
				row := make([]*float64, len(exps))
				var srow []*float64
				for e := range exps {
					if g.rnd.IntN(40) == 0 {
						continue // not rated (out of the room)
					}
					v := 0.0
					if g.rnd.Float64() < p {
						v = 2
					} else if g.rnd.Float64() < 0.6 {
						v = 1
					}
					row[e] = ptr(v)
				}
				if self {
					srow = make([]*float64, len(exps))
					for e, v := range row {
						if v != nil {
							s := *v
							if g.rnd.IntN(8) == 0 {
								s = 2 // a generous self-rating now and then
							}
							srow[e] = ptr(s)
						}
					}
					card.StudentRatings = append(card.StudentRatings, srow)
				}
				card.Ratings = append(card.Ratings, row)
			}
			g.add(record.TypeCICOCard, card)
		}
	}
	return g.items
}

func ptr[T any](v T) *T { return &v }
