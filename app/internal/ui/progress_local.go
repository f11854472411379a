package ui

import (
	"math"
	"smallwins/shared/record"
	"sort"
)

// computeProgress turns the gathered records into the view. Until the
// shared progress package is wired, it draws points and the aimline only.
func computeProgress(g doc[record.Goal], envs []record.Envelope, asOf string) goalProgress {
	gp := goalProgress{Goal: g}
	var probes []doc[record.Probe]
	for _, e := range envs {
		if e.Type == record.TypeProbe {
			if p, ok := decodeEnv[record.Probe](e); ok && p.Data.Measure == g.Data.Measure {
				probes = append(probes, p)
			}
		}
	}
	start := median(g.Data.BaselineScores)
	gw := float64(daysBetween(g.Data.StartDate, g.Data.GoalDate)) / 7
	gp.Chart = chartData{StartScore: start, GoalScore: g.Data.GoalScore, GoalWeek: gw, Down: g.Data.Direction == "down"}
	for _, p := range probes {
		if p.Data.Date <= g.Data.StartDate || p.Data.Date > asOf {
			continue
		}
		gp.Chart.Points = append(gp.Chart.Points, chartPoint{Week: float64(daysBetween(g.Data.StartDate, p.Data.Date)) / 7, Score: p.Data.Score})
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
