package record

import (
	"math"
	"strconv"
)

// ProbeSeconds is the length of a timed probe: DOMAIN.md §2's default for a
// probe's `seconds` (a stored 0 or absent value means it).
const ProbeSeconds = 60

// SetCount is the one rule that turns what was read — count items in
// seconds — into a probe's stored figures (DOMAIN.md §2, §3.1). A passage
// finished early (0 < seconds < 60) is prorated to a minute: score = count
// × 60 ÷ seconds, rounded to two decimals, with the count kept in raw_score
// and the seconds stored. A full minute (seconds ≤ 0 or ≥ 60) stores the
// count as the score, with no raw_score and the default seconds. The
// tablet's probe screen, its edit form and the console's edit all call it,
// so one probe edited in two places is stored the same way.
func (p *Probe) SetCount(count, seconds float64) {
	if seconds > 0 && seconds < ProbeSeconds {
		p.Score = math.Round(count*ProbeSeconds/seconds*100) / 100
		p.RawScore = &count
		p.Seconds = seconds
		return
	}
	p.Score, p.RawScore, p.Seconds = count, nil, 0
}

// Count is SetCount read back: the count read and the seconds it took, from
// the stored values (never from a rounded display). A probe without
// raw_score was read for the full minute.
func (p Probe) Count() (count, seconds float64) {
	if p.RawScore != nil && p.Seconds > 0 && p.Seconds < ProbeSeconds {
		return *p.RawScore, p.Seconds
	}
	return p.Score, ProbeSeconds
}

// FormatInput writes a stored number for an edit form's field exactly, with
// no rounding and no grouping (46.25 stays 46.25), so that saving a form
// whose field was not touched stores the same number again.
func FormatInput(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
