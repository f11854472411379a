package reportdoc

import (
	"io"
	"testing"

	"smallwins/shared/record"
)

// BenchmarkFamilyCardPDF: the weekly family card at its largest (5 days of
// 10 periods × 5 expectations, self-rated), beside the baseline of the
// progress report PDF of DOMAIN.md §5.1 (chart and table) in the same run.
func BenchmarkFamilyCardPDF(b *testing.B) {
	exp := []string{"Be safe", "Be respectful", "Be responsible", "Be ready", "Be kind"}
	per := []string{"Arrival", "Reading", "Writing", "Math", "Recess", "Lunch", "Science", "Art", "Social studies", "Dismissal"}
	var cards []record.CICOCard
	for d := 0; d < 5; d++ {
		c := record.CICOCard{StudentID: cardStudent, Date: []string{"2025-03-17", "2025-03-18", "2025-03-19", "2025-03-20", "2025-03-21"}[d],
			Expectations: exp, Periods: per}
		for p := range per {
			row := make([]*float64, len(exp))
			for e := range exp {
				row[e] = rp(float64((p + e + d) % 3))
			}
			c.Ratings = append(c.Ratings, row)
			c.StudentRatings = append(c.StudentRatings, row)
		}
		cards = append(cards, c)
	}
	doc := CICOCardDoc{Student: "Ava Martinez", School: "Lincoln Elementary", Generated: "2025-03-21", Date: "2025-03-19", Weekly: true, Cards: cards}
	b.Run("family-week", func(b *testing.B) {
		for b.Loop() {
			if err := CICOCardPDF(io.Discard, doc); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/doc")
	})
	b.Run("baseline-progress-report", func(b *testing.B) {
		r := example51(b)
		for b.Loop() {
			if err := ProgressPDF(io.Discard, r, DocMeta{Student: "Ava Martinez", School: "Lincoln Elementary", Generated: "2025-03-18"}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/doc")
	})
}
