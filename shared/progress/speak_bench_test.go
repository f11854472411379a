package progress

import (
	"testing"

	"smallwins/shared/i18n"
)

// BenchmarkProgress51 is one report of DOMAIN.md §5.1 (its reason now said
// from the catalog): the cost the catalogs add to every report.
func BenchmarkProgress51(b *testing.B) {
	ds := NewDataset(example51([]float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53}))
	asOf := mustDate("2025-03-17")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Progress(ds, goalID, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSpeakerStudentPage is every sentence a student page shows for
// one goal (§5.3's gated report), in Spanish.
func BenchmarkSpeakerStudentPage(b *testing.B) {
	r := example53Gate(&testing.T{})
	s := In(i18n.Spanish)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.DecisionWords(r.Decision.Code) + s.ReasonWords(r) + s.LightWords(r) + s.SufficiencyWords(r) + s.GrowthSentence(r) +
			s.ProjectionSentence(r) + s.ROISentence(r) + s.AttendanceWords(r.Delivery) + s.DeliveryShort(r.Delivery)
	}
}
