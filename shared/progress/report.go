package progress

import (
	"errors"
	"sort"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// ErrGoalNotFound: the dataset holds no (valid, current) goal with that id.
var ErrGoalNotFound = errors.New("progress: goal not found")

// Positions of a point relative to the aimline (§3.3, geometric: score
// greater than the aimline is "above", whatever the goal's direction).
const (
	Above = "above"
	Below = "below"
	On    = "on"
)

// Report is the JSON of DOMAIN.md §4.1.
type Report struct {
	Goal                GoalInfo  `json:"goal"`
	AsOf                string    `json:"as_of"`
	Baseline            Baseline  `json:"baseline"`
	Aimline             *Aimline  `json:"aimline"`
	ExpectedLevel       *float64  `json:"expected_level"` // the aimline at as_of
	Points              []Point   `json:"points"`
	PointsAfterBaseline int       `json:"points_after_baseline"`
	WeeksOfData         float64   `json:"weeks_of_data"`
	Trend               *Trend    `json:"trend"`
	Status              string    `json:"status"`
	PresentLevel        *float64  `json:"present_level"`
	Sufficiency         string    `json:"sufficiency"`
	Decision            Decision  `json:"decision"`
	Delivery            *Delivery `json:"delivery"`
	ROI                 ROI       `json:"roi"`
	OverdueProbe        bool      `json:"overdue_probe"`
	Warnings            []string  `json:"warnings"`
}

// GoalInfo repeats the goal's defining fields.
type GoalInfo struct {
	ID        string  `json:"id"`
	StudentID string  `json:"student_id"`
	Measure   string  `json:"measure"`
	Direction string  `json:"direction"`
	StartDate string  `json:"start_date"`
	GoalDate  string  `json:"goal_date"`
	GoalScore float64 `json:"goal_score"`
}

// Baseline is the goal's baseline scores and their median.
type Baseline struct {
	Scores []float64 `json:"scores"`
	Score  float64   `json:"score"`
}

// Aimline runs from the start score at the start date to the goal.
type Aimline struct {
	StartDate    string  `json:"start_date"`
	StartScore   float64 `json:"start_score"`
	GoalDate     string  `json:"goal_date"`
	GoalScore    float64 `json:"goal_score"`
	SlopePerWeek float64 `json:"slope_per_week"`
}

// Point is one date's (median) score after the start.
type Point struct {
	Date     string   `json:"date"`
	Score    float64  `json:"score"`
	Week     float64  `json:"week"`
	Aimline  *float64 `json:"aimline"`
	Position string   `json:"position"`
}

// Trend holds the OLS fit and the Tukey slope (§3.4).
type Trend struct {
	OLS   OLS    `json:"ols"`
	Tukey *Slope `json:"tukey"`
}

// OLS is the least-squares line and its value at the goal date.
type OLS struct {
	Slope                float64 `json:"slope"`
	Intercept            float64 `json:"intercept"`
	ProjectionAtGoalDate float64 `json:"projection_at_goal_date"`
}

// Slope is a bare slope.
type Slope struct {
	Slope float64 `json:"slope"`
}

// Decision is the rule's outcome (§3.5).
type Decision struct {
	Code   string `json:"code"`
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// ROI compares the needed growth with the typical one (§3.8).
type ROI struct {
	Needed  *float64 `json:"needed"`
	Typical *float64 `json:"typical"`
	Ratio   *float64 `json:"ratio"`
	Flag    *string  `json:"flag"`
}

// Rules.
const (
	RuleNone      = "none"
	RuleFourPoint = "four_point"
	RuleTrend     = "trend"
)

// Status colours (§3.6).
const (
	Green  = "green"
	Yellow = "yellow"
	Red    = "red"
	Grey   = "grey"
)

// Sufficiency values (§3.8).
const (
	GoalMet       = "goal_met"
	Adequate      = "adequate"
	Insufficient  = "insufficient"
	NotEnoughData = "not_enough_data"
)

// Minimums and limits of §3.5, read by the rules and by the words that
// explain them (ReasonWords): one place for each number.
const (
	minPoints = 6
	minWeeks  = 6
	// trendLow and trendHigh bound the trend rule's "continue" band, as a
	// ratio of the aimline's slope.
	trendLow  = 0.9
	trendHigh = 1.1
	// deliveryMin is the delivery gate's limit, in percent.
	deliveryMin = 80.0
)

func ptr[T any](v T) *T { return &v }

// Progress computes the report of one goal as of a date.
func Progress(ds *Dataset, goalID string, asOf Date) (Report, error) {
	g, ok := ds.Goals[goalID]
	if !ok {
		return Report{}, ErrGoalNotFound
	}
	r := Report{
		Goal: GoalInfo{ID: goalID, StudentID: g.StudentID, Measure: g.Measure, Direction: g.Direction,
			StartDate: g.StartDate, GoalDate: g.GoalDate, GoalScore: g.GoalScore},
		AsOf:   asOf.String(),
		Points: []Point{},
	}
	// Every warning goes through one bounded list (MaxWarnings), the
	// dataset's and its calendar's first.
	warnings := ds.warnings()
	warn := warnings.Add
	cal := ds.Calendar
	start, _ := ParseDate(g.StartDate)
	goalDate, _ := ParseDate(g.GoalDate)
	down := g.Direction == record.DirectionDown

	// Baseline and aimline (§3.3).
	r.Baseline = Baseline{Scores: append([]float64{}, g.BaselineScores...), Score: g.StartScore()}
	goalWeek := cal.Week(start, goalDate)
	var slope float64
	haveAim := false
	switch {
	case goalWeek <= 0:
		warn(In(i18n.English).t("warning.no_aimline_dates"))
	case g.GoalScore == r.Baseline.Score:
		warn(In(i18n.English).t("warning.no_aimline_scores"))
	default:
		slope = (g.GoalScore - r.Baseline.Score) / goalWeek
		haveAim = finite(slope)
	}
	// The aimline ends at the goal (§3.5 rule 0): past the goal date it is
	// the goal itself, never extended, or a student who reached the goal
	// would be called "below" it.
	aim := func(w float64) float64 {
		if w >= goalWeek {
			return g.GoalScore
		}
		return r.Baseline.Score + slope*w
	}
	if haveAim {
		r.Aimline = &Aimline{StartDate: g.StartDate, StartScore: r.Baseline.Score, GoalDate: g.GoalDate, GoalScore: g.GoalScore, SlopePerWeek: slope}
		r.ExpectedLevel = ptr(aim(cal.Week(start, asOf)))
		r.ROI.Needed = ptr(slope)
	}

	// Points: probes after the start, up to as_of, one per date (median).
	byDate := map[Date][]float64{}
	for _, p := range ds.Probes {
		if p.StudentID != g.StudentID || p.Measure != g.Measure {
			continue
		}
		d, _ := ParseDate(p.Date)
		if d > asOf {
			continue
		}
		if d > start {
			byDate[d] = append(byDate[d], p.Score)
		}
	}
	dates := make([]Date, 0, len(byDate))
	for d := range byDate {
		dates = append(dates, d)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i] < dates[j] })
	xs, ys := make([]float64, len(dates)), make([]float64, len(dates))
	better := make([]int, len(dates)) // +1 better than the aimline, -1 worse, 0 on (rules' sense)
	for i, d := range dates {
		pt := Point{Date: d.String(), Score: median(byDate[d]), Week: cal.Week(start, d)}
		xs[i], ys[i] = pt.Week, pt.Score
		if haveAim {
			a := aim(pt.Week)
			pt.Aimline = &a
			s, av := round9(pt.Score), round9(a)
			switch {
			case s > av:
				pt.Position, better[i] = Above, 1
			case s < av:
				pt.Position, better[i] = Below, -1
			default:
				pt.Position = On
			}
			if down {
				better[i] = -better[i]
			}
		}
		r.Points = append(r.Points, pt)
	}
	n := len(r.Points)
	r.PointsAfterBaseline = n
	if n > 0 {
		r.WeeksOfData = xs[n-1]
	}

	// Trend (§3.4).
	var olsSlope, projection float64
	haveTrend := false
	if n >= 3 {
		if s, icpt, ok := ols(xs, ys); ok {
			olsSlope, projection, haveTrend = s, icpt+s*goalWeek, true
			r.Trend = &Trend{OLS: OLS{Slope: s, Intercept: icpt, ProjectionAtGoalDate: projection}}
			if ts, ok := tukey(xs, ys); ok {
				r.Trend.Tukey = &Slope{Slope: ts}
			}
		} else {
			warn(In(i18n.English).t("warning.no_trend"))
		}
	}

	// Overdue probe (§3.8), with the plan's interval.
	plan, havePlan := r.plan(ds, g, warn)
	interval := 7.0
	if havePlan {
		interval = plan.ProbeInterval()
	}
	r.OverdueProbe = ProbeOverdue(asOf, goalDate, ProbeClockStart(g, ds.Probes, asOf), interval)

	// Three-point status (§3.6).
	allSame := func(k, want int) bool {
		if n < k {
			return false
		}
		for _, b := range better[n-k:] {
			if b != want {
				return false
			}
		}
		return true
	}
	switch {
	case n < 3 || r.OverdueProbe || !haveAim:
		r.Status = Grey
	case allSame(3, 1):
		r.Status = Green
	case allSame(3, -1):
		r.Status = Red
	default:
		r.Status = Yellow
	}

	// Present level and sufficiency (§3.8).
	if n >= 3 {
		r.PresentLevel = ptr(median(ys[n-3:]))
	}
	reaches := func(v float64) bool {
		if down {
			return v <= g.GoalScore
		}
		return v >= g.GoalScore
	}
	switch {
	case n < minPoints:
		r.Sufficiency = NotEnoughData
	case r.PresentLevel != nil && reaches(*r.PresentLevel):
		r.Sufficiency = GoalMet
	case haveTrend && reaches(projection):
		r.Sufficiency = Adequate
	default:
		r.Sufficiency = Insufficient
	}

	// ROI (§3.8).
	if g.TypicalROI != nil && finite(*g.TypicalROI) {
		r.ROI.Typical = ptr(*g.TypicalROI)
		if haveAim && *g.TypicalROI != 0 {
			ratio := slope / *g.TypicalROI
			r.ROI.Ratio = &ratio
			switch {
			case ratio > 1.5:
				r.ROI.Flag = ptr("ambitious")
			case ratio < 0.5:
				r.ROI.Flag = ptr("modest")
			}
		}
	}

	// Delivery (§3.7) and the decision (§3.5).
	if havePlan {
		r.Delivery = ComputeDelivery(ds, plan, g.StudentID, asOf, cal)
	}
	r.Warnings = warnings.Lines()
	switch {
	case GoalDatePassed(asOf, goalDate):
		// Rule 0: the team reviews the goal, whatever the points say; no
		// delivery gate.
		r.Decision = Decision{Code: record.DecisionReviewGoal, Rule: RuleGoalDate}
	default:
		r.Decision = decide(n, r.WeeksOfData, better, haveAim, haveTrend, olsSlope, slope)
		if r.Decision.Code == record.DecisionChangeInstruction {
			r.Decision = gate(r.Decision, r.Delivery)
		}
	}
	// The reason is said from the report's own fields, as every language
	// says it (Speaker.Reason); the report keeps the English (DOMAIN.md §4.1).
	r.Decision.Reason = In(i18n.English).Reason(r)
	return r, nil
}

// plan finds the goal's plan, warning when the reference does not resolve.
func (r *Report) plan(ds *Dataset, g record.Goal, warn func(string)) (record.Plan, bool) {
	if g.PlanID == "" {
		return record.Plan{}, false
	}
	p, ok := ds.Plans[g.PlanID]
	if !ok {
		warn(In(i18n.English).t("warning.plan_missing", i18n.Args{"Plan": g.PlanID}))
	}
	return p, ok
}

// decide applies rules 1–4 of §3.5 (rule 0, the goal date, comes first)
// and gives the decision's code and rule; its reason is Speaker.Reason's.
func decide(n int, weeks float64, better []int, haveAim, haveTrend bool, olsSlope, aimSlope float64) Decision {
	lastFour := func(want int) bool {
		if n < 4 {
			return false
		}
		for _, b := range better[n-4:] {
			if b != want {
				return false
			}
		}
		return true
	}
	switch {
	case !haveAim, n < minPoints || weeks < minWeeks:
		return Decision{Code: record.DecisionNotEnoughData, Rule: RuleNone}
	case lastFour(-1):
		return Decision{Code: record.DecisionChangeInstruction, Rule: RuleFourPoint}
	case lastFour(1):
		return Decision{Code: record.DecisionRaiseGoal, Rule: RuleFourPoint}
	case n >= 8 && haveTrend:
		ratio := olsSlope / aimSlope
		switch {
		case ratio < trendLow:
			return Decision{Code: record.DecisionChangeInstruction, Rule: RuleTrend}
		case ratio > trendHigh:
			return Decision{Code: record.DecisionRaiseGoal, Rule: RuleTrend}
		}
		return Decision{Code: record.DecisionContinue, Rule: RuleTrend}
	}
	return Decision{Code: record.DecisionContinue, Rule: RuleFourPoint}
}

// gate is rule 5 of §3.5: a change of instruction is not judged on an
// intervention that was barely delivered. Its words are Speaker.gateWords'.
func gate(d Decision, del *Delivery) Decision {
	if deliveryUnknown(del) || len(lowDelivery(del)) == 0 {
		return d
	}
	return Decision{Code: record.DecisionFixDeliveryFirst, Rule: d.Rule}
}

// deliveryUnknown reports whether the gate could not check delivery (no
// plan, or nothing planned yet).
func deliveryUnknown(del *Delivery) bool {
	return del == nil || del.AttendancePct == nil || del.DosePct == nil
}

// lowDelivery lists the delivery figures below the gate's limit, as the
// catalog's ids (reason.low.*) with their percentages: the report's reason
// and the room's words name the same figures.
func lowDelivery(del *Delivery) []lowFigure {
	var low []lowFigure
	if *del.AttendancePct < deliveryMin {
		low = append(low, lowFigure{"reason.low.attendance", *del.AttendancePct})
	}
	if *del.DosePct < deliveryMin {
		low = append(low, lowFigure{"reason.low.dose", *del.DosePct})
	}
	if del.FidelityPct != nil && *del.FidelityPct < deliveryMin {
		low = append(low, lowFigure{"reason.low.fidelity", *del.FidelityPct})
	}
	return low
}

type lowFigure struct {
	id  string
	pct float64
}

// fmtNum renders a number for people: at most two decimals, no trailing
// zeros, no negative zero.
func fmtNum(x float64) string { return Figure(x, 2) }
