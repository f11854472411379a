package record

import (
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkValidate: the per-record check of PROTOCOL §2 on a 1 KiB record,
// beside the baseline of json.Valid alone on the same data.
func BenchmarkValidate(b *testing.B) {
	data := json.RawMessage(`{"group_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00","note":"` + strings.Repeat("x", 900) + `","steps":[{"s":"done"},{"s":"skipped"}]}`)
	e := Envelope{ID: goodID, Type: "session", HLC: goodHLC, Data: data}
	for _, v := range []struct {
		name string
		fn   func(*Envelope) error
	}{{"Validate", Validate}} {
		b.Run(v.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				c := e
				if err := v.fn(&c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
	b.Run("baseline-json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if !json.Valid(data) {
				b.Fatal("invalid")
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
}
