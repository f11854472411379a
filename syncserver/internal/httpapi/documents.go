package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"smallwins/reportdoc"
	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// exportTypes are what the CSV exports read; never notes.
var exportTypes = []string{record.TypeGroup, record.TypeProgram, record.TypeStudent, record.TypeSession}

func (s *Server) documentRoutes(g *echo.Group) {
	g.GET("/reports/progress.pdf", s.handleProgressPDF)
	g.GET("/reports/cico-card.pdf", s.handleCICOCardPDF)
	// The family letter is linked from the console's student page: a
	// console session may read it too (registered in New, beside
	// goal-suggestions).
	exports := g.Group("/exports", requireAdmin)
	exports.GET("/sessions.csv", s.csvHandler(reportdoc.SessionsCSV))
	exports.GET("/attendance.csv", s.csvHandler(reportdoc.AttendanceCSV))
	exports.GET("/fidelity.csv", s.csvHandler(reportdoc.StepFidelityCSV))
}

// handleProgressPDF: the progress report of DOMAIN.md §4.3 as a PDF, with the
// JSON report's parameters, authentication, tenancy and errors.
func (s *Server) handleProgressPDF(c echo.Context) error {
	r, cal, err := s.progressData(c)
	if err != nil {
		return err
	}
	meta := reportdoc.DocMeta{School: PrincipalOf(c).School.Name, Generated: s.today().String(), Calendar: cal}
	st, err := s.documentStudent(c, r.Goal.StudentID)
	if err != nil {
		return err
	}
	meta.Student = st.name
	var buf bytes.Buffer
	if err := reportdoc.ProgressPDF(&buf, r, meta); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}

// csvHandler serves one export for admins: `group` (optional uuid), `from`
// and `to` (optional dates).
func (s *Server) csvHandler(write func(io.Writer, []record.Envelope, reportdoc.Filter) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		f := reportdoc.Filter{GroupID: c.QueryParam("group")}
		if f.GroupID != "" && !record.IsID(f.GroupID) {
			return protocol.Errorf(protocol.CodeInvalidRequest, "group must be a canonical lowercase uuid")
		}
		for _, p := range []struct {
			name string
			dst  *string
		}{{"from", &f.From}, {"to", &f.To}} {
			if v := c.QueryParam(p.name); v != "" {
				if _, err := progress.ParseDate(v); err != nil {
					return protocol.Errorf(protocol.CodeInvalidRequest, "%s must be a date YYYY-MM-DD", p.name)
				}
				*p.dst = v
			}
		}
		envs, err := s.store.Records(c.Request().Context(), PrincipalOf(c).School.ID, viewerOf(c), exportTypes...)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := write(&buf, envs, f); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	}
}

// docStudent is what a document says of its student: the name and the
// family's language, both empty when this user may not see the student.
type docStudent struct{ name, familyLanguage string }

// documentStudent reads the student a document is about, only when this
// user may see them (PROTOCOL §6, §12; otherwise the document says "The
// student" or "Your child"), records in the audit log that a restricted
// student's name went out (ADR 0021: the report itself never holds a
// restricted record, progress leaves them out), and ends there for a
// client that is gone: the PDF is CPU work.
func (s *Server) documentStudent(c echo.Context, studentID string) (docStudent, error) {
	envs, err := s.store.RecordsByID(c.Request().Context(), PrincipalOf(c).School.ID, viewerOf(c), studentID)
	if err != nil {
		return docStudent{}, err
	}
	var out docStudent
	var named []record.Envelope
	for _, e := range ofType(envs, record.TypeStudent) {
		var st record.Student
		if record.DecodeData(e.Data, &st) == nil {
			out = docStudent{name: st.DisplayName(), familyLanguage: familyLanguageOf(e)}
			named = append(named, e)
		}
	}
	if err := s.auditOut(c, store.AuditReport, named); err != nil {
		return docStudent{}, err
	}
	return out, c.Request().Context().Err()
}

// familyLanguageOf is a student record's family_language (DOMAIN.md §2), a
// BCP 47 tag that reportdoc.FamilyLanguage reads; "" when unset.
func familyLanguageOf(e record.Envelope) string {
	var v struct {
		FamilyLanguage string `json:"family_language"`
	}
	if json.Unmarshal(e.Data, &v) != nil {
		return ""
	}
	return v.FamilyLanguage
}
