package httpapi

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"smallwins/reportdoc"
)

// handleFamilyLetterPDF is GET /v1/reports/family-letter.pdf?goal=&as_of=:
// the family progress letter of one goal (DOMAIN.md §4.3), in the student's
// family_language. It is the progress report's path (progressData): the
// same parameters and errors (400 invalid_request, 404 not_found for an
// unknown, deleted or unseen goal), own school only, only the records this
// user may read, and the cost of one goal's records (goaldata). A bearer
// token or the console's session (its student page links here).
func (s *Server) handleFamilyLetterPDF(c echo.Context) error {
	r, cal, err := s.progressData(c)
	if err != nil {
		return err
	}
	st, err := s.documentStudent(c, r.Goal.StudentID)
	if err != nil {
		return err
	}
	doc := reportdoc.FamilyLetterDoc{Report: r, Calendar: cal, Student: st.name, FamilyLanguage: st.familyLanguage,
		School: PrincipalOf(c).School.Name, Generated: s.today().String()}
	var buf bytes.Buffer
	if err := reportdoc.FamilyLetterPDF(&buf, doc); err != nil {
		return err
	}
	// The file name holds the date only: a name in a downloads folder is
	// seen by whoever uses the computer next.
	c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="family-letter-`+r.AsOf+`.pdf"`)
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
