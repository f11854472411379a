package progress

import "smallwins/shared/record"

// StatusPoints is how many of a goal's newest points the three-point
// status reads (DOMAIN.md §3.6): the last three, and whether there are
// three.
const StatusPoints = 3

// StatusProbesSuffice reports whether probes give Progress the same Status
// and OverdueProbe for goal g as of asOf as all of the student's probes do,
// when probes are every probe of the student dated from some day through
// asOf (a suffix of their history by date). It holds when they hold the
// goal's measure on at least StatusPoints dates after the goal's start: the
// last StatusPoints points are then among them, whole (every probe of
// their dates), and so is the latest probe of the measure, which the
// overdue clock counts from (ProbeClockStart). A list of statuses (the
// tablet's lights, Probes due) reads a student's newest probes back from
// asOf until this holds or none are left, instead of two years of them
// (ADR 0652). The rest of the report (trend, decision, delivery) needs
// every probe and the sessions.
func StatusProbesSuffice(g record.Goal, probes []Decoded, asOf Date) bool {
	start, err := ParseDate(g.StartDate)
	if err != nil {
		return false
	}
	dates := map[Date]bool{}
	for _, d := range probes {
		p, ok := d.Value().(record.Probe) // decoded as the report decodes: a probe it skips does not count
		if !ok || p.StudentID != g.StudentID || p.Measure != g.Measure {
			continue
		}
		if d, err := ParseDate(p.Date); err == nil && d > start && d <= asOf {
			dates[d] = true
		}
	}
	return len(dates) >= StatusPoints
}
