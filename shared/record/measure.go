package record

// MeasureWords is how a screen names a measure code (DOMAIN.md §2
// "Measures: codes on the wire, words on the screen"): the words and the unit
// on the axis. A code not in the table (a district's own) is shown as itself
// with no unit.
func MeasureWords(code string) (name, unit string) {
	if m, ok := measures[code]; ok {
		return m[0], m[1]
	}
	return code, ""
}

var measures = map[string][2]string{
	"orf_wcpm":         {"Oral reading fluency", "words correct per minute"},
	"maze":             {"Maze comprehension", "correct replacements (3 min)"},
	"lsf":              {"Letter sound fluency", "correct letter sounds per minute"},
	"nwf_cls":          {"Nonsense word fluency", "correct letter sounds per minute"},
	"math_cbm_digits":  {"Math computation", "digits correct (2 min)"},
	"math_facts":       {"Math facts fluency", "correct facts per minute"},
	"spelling_cls":     {"Spelling", "correct letter sequences"},
	"behavior_pct":     {"Daily behaviour rating", "% of points earned"},
	"office_referrals": {"Office referrals", "referrals per week"},
}
