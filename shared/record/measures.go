package record

import (
	"slices"

	"smallwins/shared/i18n"
)

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

// builtInCodes are DOMAIN.md's table, in its order: the codes and their
// usual direction. Their words are catalog messages (measure.<code>.name,
// .unit, .counts in shared/i18n/catalog), the English ones DOMAIN.md's.
var builtInCodes = []struct{ code, direction string }{
	{"orf_wcpm", DirectionUp},
	{"maze", DirectionUp},
	{"lsf", DirectionUp},
	{"nwf_cls", DirectionUp},
	{"math_cbm_digits", DirectionUp},
	{"math_facts", DirectionUp},
	{"spelling_cls", DirectionUp},
	{"behavior_pct", DirectionUp},
	{"office_referrals", DirectionDown},
}

// measuresIn holds the built-in measures in each language, read from the
// catalog once: a report names its measure many times.
var measuresIn = func() map[i18n.Lang][]Measure {
	out := map[i18n.Lang][]Measure{}
	for _, l := range i18n.Supported {
		for _, b := range builtInCodes {
			key := "measure." + b.code
			out[l] = append(out[l], Measure{Code: b.code, Name: i18n.Shared.T(l, key+".name"), Unit: i18n.Shared.T(l, key+".unit"),
				Direction: b.direction, Counts: i18n.Shared.T(l, key+".counts")})
		}
	}
	return out
}()

// builtInMeasures are the built-in measures in English, the words of the
// API's and the CSV's headers.
var builtInMeasures = measuresIn[i18n.English]

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
func MeasureOf(code string) Measure { return MeasureIn(i18n.English, code) }

// MeasureIn is MeasureOf in language l: a built-in measure's name, unit
// and counting words in l; a district's own code as itself, counting
// "points" in l.
func MeasureIn(l i18n.Lang, code string) Measure {
	l = i18n.Lang(l.String())
	for _, m := range measuresIn[l] {
		if m.Code == code {
			return m
		}
	}
	m := Measure{Code: code, Name: code}
	if l != i18n.English {
		m.Counts = i18n.Shared.T(l, "measure.points")
	}
	return m
}

// MeasureChoicesIn is MeasureChoices in language l.
func MeasureChoicesIn(l i18n.Lang, used []string) []Measure {
	out := MeasureChoices(used)
	for i := range out {
		out[i] = MeasureIn(l, out[i].Code)
	}
	return out
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
		return i18n.Shared.T(i18n.English, "measure.points")
	}
	return m.Counts
}
