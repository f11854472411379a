package reportdoc

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgressPDFNamesTheNormSourceByPoppler: a goal whose typical_roi came
// from a norm table says the growth needed beside the typical growth and
// the table's source (progress.GrowthVsTypicalSentence); without a source
// the PDF keeps ROISentence's words.
func TestProgressPDFNamesTheNormSourceByPoppler(t *testing.T) {
	r := example51(t)
	typical := 1.4
	r.ROI.Typical = &typical
	for _, c := range []struct{ source, want, not string }{
		{"District local norms 2026", "Growth needed 2.0 a week; typical for a student starting here 1.4 (District local norms 2026).", "Typical growth is"},
		{"", "Typical growth is 1.4 words correct a week", "typical for a student starting here"},
	} {
		var buf bytes.Buffer
		if err := ProgressPDF(&buf, r, DocMeta{Student: "Maya", School: "Lincoln Elementary", Generated: "2025-03-18", NormSource: c.source}); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(pdfText(t, buf.Bytes(), "-layout")), " ")
		if !strings.Contains(text, c.want) || strings.Contains(text, c.not) {
			t.Errorf("source %q: the PDF lacks %q or holds %q\n%s", c.source, c.want, c.not, text)
		}
	}
}
