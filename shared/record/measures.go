package record

import "slices"

// Measure is one measure of DOMAIN.md §2 "Measures": a short code on the
// wire, words on every screen, chart axis, PDF and CSV header.
type Measure struct {
	Code      string
	Name      string // "Oral reading fluency"
	Unit      string // "words correct per minute", the chart's axis
	Direction string // DirectionUp or DirectionDown, the usual one
	// Counts is what one point of the score counts, for a growth a week:
	// "growing 1.4 words correct a week" (the unit without its per-minute).
	Counts string
}

// builtInMeasures are DOMAIN.md's table, in its order.
var builtInMeasures = []Measure{
	{"orf_wcpm", "Oral reading fluency", "words correct per minute", DirectionUp, "words correct"},
	{"maze", "Maze comprehension", "correct replacements (3 min)", DirectionUp, "correct replacements"},
	{"lsf", "Letter sound fluency", "correct letter sounds per minute", DirectionUp, "letter sounds"},
	{"nwf_cls", "Nonsense word fluency", "correct letter sounds per minute", DirectionUp, "letter sounds"},
	{"math_cbm_digits", "Math computation", "digits correct (2 min)", DirectionUp, "digits correct"},
	{"math_facts", "Math facts fluency", "correct facts per minute", DirectionUp, "facts"},
	{"spelling_cls", "Spelling", "correct letter sequences", DirectionUp, "letter sequences"},
	{"behavior_pct", "Daily behaviour rating", "% of points earned", DirectionUp, "percentage points"},
	{"office_referrals", "Office referrals", "referrals per week", DirectionDown, "referrals"},
}

// Measures lists the built-in measures (a district may add its own codes).
func Measures() []Measure { return append([]Measure(nil), builtInMeasures...) }

// MeasureChoices is what a form offers when a measure is chosen: every
// built-in measure in DOMAIN.md's order, then each other code already used
// in the school (its goals and probes: a district's own), sorted, once. An
// empty code is not a measure.
func MeasureChoices(used []string) []Measure {
	out := Measures()
	seen := make(map[string]bool, len(out)+len(used))
	for _, m := range out {
		seen[m.Code] = true
	}
	var own []string
	for _, c := range used {
		if c != "" && !seen[c] {
			seen[c] = true
			own = append(own, c)
		}
	}
	slices.Sort(own)
	for _, c := range own {
		out = append(out, MeasureOf(c))
	}
	return out
}

// MeasureOf returns the measure of a code; an unknown code (a district's
// own) is shown as itself, with no unit.
func MeasureOf(code string) Measure {
	for _, m := range builtInMeasures {
		if m.Code == code {
			return m
		}
	}
	return Measure{Code: code, Name: code}
}

// Words is the measure as a heading shows it: "Oral reading fluency (words
// correct per minute)", or the name alone when there is no unit.
func (m Measure) Words() string {
	if m.Unit == "" {
		return m.Name
	}
	return m.Name + " (" + m.Unit + ")"
}

// Axis is the chart's axis label: the unit, or the name when there is none.
func (m Measure) Axis() string {
	if m.Unit == "" {
		return m.Name
	}
	return m.Unit
}

// Growth is what a growth a week counts ("words correct"), or "points" for
// a measure with no unit (a district's own code).
func (m Measure) Growth() string {
	if m.Counts == "" {
		return "points"
	}
	return m.Counts
}
