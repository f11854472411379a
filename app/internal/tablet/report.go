package tablet

import (
	"bytes"

	"smallwins/reportdoc"
	"smallwins/shared/progress"
)

// ReportPDF renders a goal's progress report with reportdoc, the renderer
// the server's /reports/progress.pdf uses: a report shared from the tablet
// is the document the team gets from the console. Generated is the report's
// as-of date, so the same report gives the same bytes.
func ReportPDF(r progress.Report, student, school string) ([]byte, error) {
	var buf bytes.Buffer
	meta := reportdoc.DocMeta{Student: student, School: school, Generated: r.AsOf}
	if err := reportdoc.ProgressPDF(&buf, r, meta); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
