package progress

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"smallwins/shared/record"
)

// sixPoints is the §5.1 goal (start 42, 2 a week) with six weekly points:
// two above the aimline, then the last four above (+1) or below (-1) it as
// signs says.
func sixPoints(t *testing.T, signs [4]int, direction string) Report {
	t.Helper()
	envs := example51(nil)
	if direction == record.DirectionDown {
		envs = []record.Envelope{env(goalID, "goal", record.Goal{StudentID: studentID, Measure: "office_referrals", Direction: direction,
			StartDate: "2025-01-06", BaselineScores: []float64{42}, GoalScore: 30, GoalDate: "2025-05-12"})}
	}
	ds := NewDataset(envs)
	g := ds.Goals[goalID]
	slope := (g.GoalScore - g.StartScore()) / 18
	for i := 0; i < 6; i++ {
		off := 1.0
		if i >= 2 {
			off = float64(signs[i-2])
		}
		if direction == record.DirectionDown {
			off = -off // better is lower
		}
		score := g.StartScore() + slope*float64(i+1) + off
		ds.Probes = append(ds.Probes, record.Probe{StudentID: studentID, Measure: g.Measure, Date: day("2025-01-13", 7*i), Score: score})
	}
	r, err := Progress(ds, goalID, mustDate("2025-02-17"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReasonAndLightNeverDisagree: for every pattern of the last 4 points
// (the four-point rule's window) the reason and the light are one
// explanation: the light speaks of the newest 3 of the reason's 4, counts
// no more on a side than the reason does, and is red (green) when the
// reason says all 4 are below (above). The issue's pair, "neither all above
// nor all below" beside "Last 3 points on both sides", cannot appear.
func TestReasonAndLightNeverDisagree(t *testing.T) {
	count := regexp.MustCompile(`(\d+) (above|below|better|worse)`)
	for _, dir := range []string{record.DirectionUp, record.DirectionDown} {
		for mask := 0; mask < 16; mask++ {
			var signs [4]int
			for i := range signs {
				signs[i] = -1
				if mask&(1<<i) != 0 {
					signs[i] = 1
				}
			}
			r := sixPoints(t, signs, dir)
			reason, light := ReasonWords(r), LightWords(r)
			both := reason + " | " + light
			if r.PointsAfterBaseline != 6 || r.Decision.Rule != RuleFourPoint {
				t.Fatalf("%s %v: %d points, rule %s", dir, signs, r.PointsAfterBaseline, r.Decision.Rule)
			}
			if strings.Contains(both, "neither all above nor all below") || strings.Contains(light, "Last 3") {
				t.Errorf("%s %v: %s", dir, signs, both)
			}
			if !strings.Contains(light, "the newest 3 of the last 4 points") {
				t.Errorf("%s %v: the light is not said of the reason's points: %s", dir, signs, both)
			}
			reasonN, lightN := map[string]int{}, map[string]int{}
			for _, m := range count.FindAllStringSubmatch(reason, -1) {
				reasonN[m[2]], _ = strconv.Atoi(m[1])
			}
			for _, m := range count.FindAllStringSubmatch(light, -1) {
				lightN[m[2]], _ = strconv.Atoi(m[1])
			}
			for side, n := range lightN {
				if n > reasonN[side] {
					t.Errorf("%s %v: the light counts %d %s, the reason %d: %s", dir, signs, n, side, reasonN[side], both)
				}
			}
			better, worse := "above", "below"
			if dir == record.DirectionDown {
				better, worse = "better than", "worse than"
			}
			if strings.Contains(reason, "all "+worse) && !strings.HasPrefix(light, "The light is red") ||
				strings.Contains(reason, "all "+better) && !strings.HasPrefix(light, "The light is green") {
				t.Errorf("%s %v: %s", dir, signs, both)
			}
		}
	}
	r := sixPoints(t, [4]int{-1, 1, -1, 1}, record.DirectionUp)
	if got := ReasonWords(r); !strings.HasPrefix(got, "The last 4 points are not all on one side of the aimline: 2 above and 2 below.") {
		t.Errorf("mixed: %q", got)
	}
	if got := LightWords(r); got != "The light is yellow: the newest 3 of the last 4 points are mixed (2 above and 1 below)." {
		t.Errorf("mixed light: %q", got)
	}
}

// TestReasonWordsInTheRoom: the report's reason (kept to the letter of
// DOMAIN.md) in the room's words: whole percentages never rounded onto the
// limit, a trend as growth a week.
func TestReasonWordsInTheRoom(t *testing.T) {
	below := []Point{{Position: Below}, {Position: Below}, {Position: Below}, {Position: Below}}
	gated := Report{Goal: GoalInfo{Measure: "orf_wcpm", Direction: "up"}, Aimline: &Aimline{SlopePerWeek: 2}, Points: below,
		PointsAfterBaseline: 10, Status: Red,
		Decision: Decision{Code: record.DecisionFixDeliveryFirst, Rule: RuleFourPoint,
			Reason: "The last 4 points are all below the aimline. Fix delivery first: attendance 75%, dose 68.75% below 80%."},
		Delivery: &Delivery{AttendancePct: ptr(75.0), DosePct: ptr(68.75), FidelityPct: ptr(87.27)}}
	if got, want := ReasonWords(gated), "The last 4 points are all below the aimline. Fix delivery first: attendance 75%, dose 69% below 80%."; got != want {
		t.Errorf("gate (§5.3): %q\nwant %q", got, want)
	}
	gated.Delivery.DosePct = ptr(79.6)
	if got := ReasonWords(gated); !strings.Contains(got, "dose 79.6% below 80%") {
		t.Errorf("rounded onto the limit: %q", got)
	}
	trend := Report{Goal: GoalInfo{Measure: "orf_wcpm", Direction: "up"}, Aimline: &Aimline{SlopePerWeek: 2},
		Trend: &Trend{OLS: OLS{Slope: 0.9212}}, PointsAfterBaseline: 10, Status: Yellow,
		Points:   []Point{{Position: Above}, {Position: Below}, {Position: Above}, {Position: Below}},
		Decision: Decision{Code: record.DecisionChangeInstruction, Rule: RuleTrend, Reason: "The trend is 46.06% of the growth the aimline needs (below 90%)."},
		Delivery: &Delivery{AttendancePct: ptr(92.5), DosePct: ptr(92.5), FidelityPct: ptr(91.2)}}
	if got, want := ReasonWords(trend), "Growing 0.92 words correct a week; the goal needs 2: 46% of it (below 90%)."; got != want {
		t.Errorf("trend: %q\nwant %q", got, want)
	}
	if got := LightWords(trend); got != "The light is yellow: the last 3 points are mixed (1 above and 2 below). The decision follows the trend of all 10 points." {
		t.Errorf("trend light: %q", got)
	}
	trend.Trend.OLS.Slope, trend.Decision.Code = 2.205, record.DecisionRaiseGoal
	if got := ReasonWords(trend); !strings.Contains(got, "110.3% of it (above 110%)") {
		t.Errorf("just above the band: %q", got)
	}
	few := Report{Goal: GoalInfo{Measure: "orf_wcpm", Direction: "up"}, Aimline: &Aimline{SlopePerWeek: 2}, Points: below,
		PointsAfterBaseline: 4, WeeksOfData: 4.5714, Status: Red,
		Decision: Decision{Code: record.DecisionNotEnoughData, Rule: RuleNone}}
	if got, want := ReasonWords(few), "Not enough data yet: 4 points over 4.6 weeks; 2 more points and 2 more weeks of data needed (at least 6 points over 6 weeks). Warning: the last 4 points are already all below the aimline."; got != want {
		t.Errorf("too few: %q\nwant %q", got, want)
	}
	if got := LightWords(few); got != "The light is red: the newest 3 of the last 4 points are below the aimline." {
		t.Errorf("too few light: %q", got)
	}
}
