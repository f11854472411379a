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
	}{{"Validate", Validate}, {"Validate+DataBounds", validateAndBound}} {
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

// validateAndBound is what the push path runs on each record: the
// envelope's check, then DOMAIN.md §2's bounds (ADR 0022).
func validateAndBound(e *Envelope) error {
	if err := Validate(e); err != nil {
		return err
	}
	return DataBounds(e.Type, e.Data)
}

// BenchmarkDataBounds: the bounds check alone, on a delivered session of a
// full group (many numbers) and on a record of 256 KiB of numbers, the
// largest data a push may carry.
func BenchmarkDataBounds(b *testing.B) {
	var att []string
	for i := 0; i < 12; i++ {
		att = append(att, `{"student_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00","status":"late","minutes":25}`)
	}
	session := `{"group_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00","program_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","date":"2025-03-03","status":"delivered","minutes":30,"attendance":[` +
		strings.Join(att, ",") + `],"fidelity":[{"step_id":"a","status":"done"}]}`
	numbers := `{"x":[` + strings.TrimSuffix(strings.Repeat("123456.5,", (MaxDataBytes-16)/9), ",") + `]}`
	for _, c := range []struct{ name, typ, data string }{{"session", TypeSession, session}, {"256KiB-of-numbers", TypeProbe, numbers}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				if err := DataBounds(c.typ, json.RawMessage(c.data)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
