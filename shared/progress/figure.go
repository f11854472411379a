package progress

import (
	"math"
	"strconv"
)

// Figure writes a number for people: rounded to at most decimals places,
// no trailing zeros, and never "-0". A tiny negative value (a trend of
// -0.0004 % of the aimline's growth) rounds to zero, and IEEE 754 keeps the
// sign of that zero, which strconv and fmt print as "-0": a sentence saying
// "-0%" reads as a decline that is not there. Every sentence of the report,
// the console and the PDF goes through here.
func Figure(x float64, decimals int) string {
	p := math.Pow(10, float64(decimals))
	r := math.Round(x*p) / p
	if r == 0 {
		r = 0 // -0 == 0, so this turns a negative zero into +0
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
