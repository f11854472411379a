package record

import "sort"

// The plausibility rule for a probe about to be saved (issue 22, ADR 0650).
// A passage "finished early" is prorated to a minute (SetCount); the
// shorter the reading, the more each word and each miscount is multiplied:
// 57 words in 5 s became 684 words a minute for a grade-1 reader, and the
// trend, its percentage and its projection followed that one point. Every
// surface that saves a probe's count and seconds calls CheckProbe before
// writing, so the rule is the same on the probe screen and in the edit form.

// MinProbeSeconds is the shortest reading a probe may be scored from: under
// 15 s, prorating multiplies every word read by more than 4.
const MinProbeSeconds = 15

// ImplausibleFactor and RecentProbes: a prorated score more than
// ImplausibleFactor times the median of the student's last RecentProbes
// scores of the same measure is asked about before it is saved.
const (
	ImplausibleFactor = 2
	RecentProbes      = 3
)

// ProbeCheck is what the rule says of one probe.
type ProbeCheck struct {
	// TooShort: read in under MinProbeSeconds (and not a full minute):
	// refused, whatever the count.
	TooShort bool
	// Confirm: prorated, and more than ImplausibleFactor times Median, the
	// median of the student's last Recent scores of the measure (Recent
	// ≤ RecentProbes, at least 1): save it only once the person confirms.
	Confirm bool
	Median  float64
	Recent  int
}

// CheckProbe applies the rule to p, given the student's other probes
// (any measure and order; the one being edited left out). The last
// RecentProbes of p's measure dated on or before p's date are compared,
// by date, then in the order given (a record's id order for probes of one
// day). A probe without earlier ones of its measure is never asked about:
// there is nothing to compare it with.
func CheckProbe(p Probe, others []Probe) ProbeCheck {
	_, secs := p.Count()
	if secs < MinProbeSeconds {
		return ProbeCheck{TooShort: true}
	}
	var same []Probe
	for _, o := range others {
		if o.Measure == p.Measure && o.Date <= p.Date {
			same = append(same, o)
		}
	}
	sort.SliceStable(same, func(i, j int) bool { return same[i].Date < same[j].Date })
	if len(same) > RecentProbes {
		same = same[len(same)-RecentProbes:]
	}
	var c ProbeCheck
	if len(same) == 0 {
		return c
	}
	scores := make([]float64, len(same))
	for i, o := range same {
		scores[i] = o.Score
	}
	c.Median, c.Recent = Median(scores), len(scores)
	prorated := secs < ProbeSeconds
	c.Confirm = prorated && p.Score > ImplausibleFactor*c.Median
	return c
}
