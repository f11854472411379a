package ui

import (
	"math"
	"sort"
)

// computeProgress turns the gathered records into the view. Until the
// shared progress package is wired, it draws points and the aimline only.
func computeProgress(in progressInput, asOf string) goalProgress {
	g := in.Goal.Data
	gp := goalProgress{Goal: in.Goal}
	start := median(g.BaselineScores)
	gw := float64(daysBetween(g.StartDate, g.GoalDate)) / 7
	gp.Chart = chartData{StartScore: start, GoalScore: g.GoalScore, GoalWeek: gw, Down: g.Direction == "down"}
	for _, p := range in.Probes {
		if p.Data.Date <= g.StartDate || p.Data.Date > asOf {
			continue
		}
		gp.Chart.Points = append(gp.Chart.Points, chartPoint{Week: float64(daysBetween(g.StartDate, p.Data.Date)) / 7, Score: p.Data.Score})
	}
	gp.Points = len(gp.Chart.Points)
	return gp
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
