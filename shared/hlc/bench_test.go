package hlc

import (
	"testing"
	"time"
)

// BenchmarkClockNow: one local write's stamp (the tablet pays it per tap).
func BenchmarkClockNow(b *testing.B) {
	c := NewClock(node, State{}, at(1764000000000).now)
	for b.Loop() {
		c.Now()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "stamps/s")
}

// BenchmarkParse against the baseline of time.Parse of an RFC 3339 string,
// the other timestamp parse a record's handling commonly pays.
func BenchmarkParse(b *testing.B) {
	b.Run("hlc", func(b *testing.B) {
		for b.Loop() {
			if _, err := Parse(goodText); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "parses/s")
	})
	b.Run("baseline-rfc3339", func(b *testing.B) {
		for b.Loop() {
			if _, err := time.Parse(time.RFC3339Nano, "2025-11-24T16:00:00.123Z"); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "parses/s")
	})
}

func BenchmarkString(b *testing.B) {
	ts := Timestamp{Wall: 1764000000000, Logical: 7, Node: node}
	for b.Loop() {
		_ = ts.String()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "strings/s")
}
