package progress

import "testing"

// TestDeliveryLine: one line, the one percentage rule, the mid-week
// attendance above the plan in words, and no figure invented.
func TestDeliveryLine(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		d    *Delivery
		want string
	}{
		{&Delivery{AttendancePct: p(61), DosePct: p(50.15), FidelityPct: p(92)}, "attendance 61%, dose 50.15%, fidelity 92%"},
		{&Delivery{AttendancePct: p(121.4), DosePct: p(100), FidelityPct: p(87.5)}, "attendance above plan, dose 100%, fidelity 87.5%"},
		{&Delivery{AttendancePct: p(66.666666), DosePct: nil, FidelityPct: nil}, "attendance 66.67%, dose n/a, fidelity n/a"},
		{&Delivery{}, "attendance n/a, dose n/a, fidelity n/a"},
		{nil, "no plan"},
	} {
		if got := DeliveryLine(c.d); got != c.want {
			t.Errorf("DeliveryLine = %q, want %q", got, c.want)
		}
	}
}
