package record

import "testing"

func TestCheckProbe(t *testing.T) {
	probe := func(date string, score float64) Probe {
		return Probe{Measure: "orf_wcpm", Date: date, Score: score}
	}
	early := func(date string, count, secs float64) Probe {
		p := Probe{Measure: "orf_wcpm", Date: date}
		p.SetCount(count, secs)
		return p
	}
	history := []Probe{probe("2025-03-03", 30), probe("2025-03-10", 41), probe("2025-03-12", 38), probe("2025-03-14", 44),
		{Measure: "maze", Date: "2025-03-14", Score: 1}, probe("2025-03-20", 5)}
	for _, tc := range []struct {
		name   string
		p      Probe
		others []Probe
		want   ProbeCheck
	}{
		// The probe: 57 words in 5 s, prorated to 684.
		{"five seconds is refused", early("2025-03-17", 57, 5), history, ProbeCheck{TooShort: true}},
		{"fourteen seconds is refused", early("2025-03-17", 10, 14), nil, ProbeCheck{TooShort: true}},
		// The last 3 of the measure up to the date: 41, 38, 44 (median 41);
		// the maze probe and the later one are not compared.
		{"fifteen seconds at twice the median is kept", early("2025-03-17", 20.5, 15), history, ProbeCheck{Median: 41, Recent: 3}},
		{"prorated above twice the median asks", early("2025-03-17", 21, 15), history, ProbeCheck{Confirm: true, Median: 41, Recent: 3}},
		{"a full minute is never asked about", probe("2025-03-17", 500), history, ProbeCheck{Median: 41, Recent: 3}},
		{"nothing to compare with", early("2025-03-17", 57, 20), nil, ProbeCheck{}},
		{"one earlier probe is its own median", early("2025-03-17", 57, 20), history[:1], ProbeCheck{Confirm: true, Median: 30, Recent: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckProbe(tc.p, tc.others); got != tc.want {
				t.Fatalf("CheckProbe(%+v) = %+v, want %+v", tc.p, got, tc.want)
			}
		})
	}
}
