package protocol

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"smallwins/shared/record"
)

// kibBody is a push body of n records of about 1 KiB each, the shape of the
// issue's workloads.
func kibBody(n int) []byte {
	recs := make([]string, n)
	pad := strings.Repeat("x", 900)
	for i := range recs {
		recs[i] = fmt.Sprintf(`{"id":"0193a5c4-7e2b-7c1d-9a41-%012x","type":"session","hlc":"%s","data":{"group_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00","date":"2025-11-24","minutes":30,"note":"%s","steps":[{"step_id":"a","status":"done"},{"step_id":"b","status":"skipped"}]}}`,
			i, hlcAt(now.UnixMilli()), pad)
	}
	return body(recs...)
}

// BenchmarkDecodeValidatePush: what the server does with a push body before
// the store sees it, beside the baseline of encoding/json decoding the same
// body into envelopes with no validation.
func BenchmarkDecodeValidatePush(b *testing.B) {
	for _, n := range []int{100, 1000} {
		in := kibBody(n)
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				req, err := DecodePush(in)
				if err != nil {
					b.Fatal(err)
				}
				if err := ValidatePush(req, dev, now, skew); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
		b.Run(fmt.Sprintf("baseline-encoding-json/batch=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				var req struct {
					Records []record.Envelope `json:"records"`
				}
				if err := json.Unmarshal(in, &req); err != nil || len(req.Records) != n {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
