package protocol

import (
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// BenchmarkProblem is the cost of an error answer's message from the catalog (per refused
// request), beside the fmt.Sprintf it replaced.
func BenchmarkProblem(b *testing.B) {
	b.Run("catalog/no-args", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = Problem(CodeInvalidJSON, "server.body.not_utf8")
		}
	})
	b.Run("catalog/args", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = Problem(CodeTooLarge, "server.body.over_bytes", i18n.Args{"Max": 65536})
		}
	})
	b.Run("sprintf", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = Errorf(CodeTooLarge, "the body is over %d bytes", 65536)
		}
	})
	b.Run("record-refusal", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = record.Student{Grade: "K"}.Validate()
		}
	})
}
