package console

import (
	"math"
	"strings"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
)

// A tiny negative figure rounds to zero; the console must not say "-0"
// (DOMAIN.md, ADR 0011): not in a slope, a percentage or a share of the
// aimline's growth.
func TestNoNegativeZeroInSentences(t *testing.T) {
	aim := &progress.Aimline{SlopePerWeek: 2}
	tiny := -1e-6
	for name, got := range map[string]string{
		"round1":       round1(i18n.English, -0.04),
		"negative 0":   round1(i18n.English, math.Copysign(0, -1)),
		"pct":          pctIn(i18n.English, &tiny),
		"slope":        slopeText(i18n.English, -0.004, "orf_wcpm"),
		"share of aim": vsAim(i18n.English, -0.00004, aim),
	} {
		if strings.Contains(got, "-0") {
			t.Errorf("%s: %q says -0", name, got)
		}
	}
	if got := vsAim(i18n.English, -0.00004, aim); got != " (0% of the aimline's)" {
		t.Errorf("vsAim = %q", got)
	}
	if got := round1(i18n.English, -0.05); got != "-0.1" {
		t.Errorf("round1(i18n.English, -0.05) = %q: a real negative stays negative", got)
	}
}
