package httpapi

import (
	"bytes"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"smallwins/reportdoc"
	"smallwins/shared/i18n"
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
	// The name only when this user may see the student (PROTOCOL §6, §12);
	// otherwise the document says "The student".
	envs, err := s.store.RecordsByID(c.Request().Context(), PrincipalOf(c).School.ID, viewerOf(c), r.Goal.StudentID)
	if err != nil {
		return err
	}
	var named []record.Envelope
	for _, e := range ofType(envs, record.TypeStudent) {
		var st record.Student
		if record.DecodeData(e.Data, &st) == nil {
			meta.Student = st.DisplayName()
			named = append(named, e)
		}
	}
	// The report itself never holds a restricted record (progress leaves
	// them out); the student's name may come from one (ADR 0021).
	if err := s.auditOut(c, store.AuditReport, named); err != nil {
		return err
	}
	if err := c.Request().Context().Err(); err != nil { // no PDF for a client that is gone
		return err
	}
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
			return protocol.Problem(protocol.CodeInvalidRequest, "server.param.uuid", i18n.Args{"Param": "group"})
		}
		for _, p := range []struct {
			name string
			dst  *string
		}{{"from", &f.From}, {"to", &f.To}} {
			if v := c.QueryParam(p.name); v != "" {
				if _, err := progress.ParseDate(v); err != nil {
					return protocol.Problem(protocol.CodeInvalidRequest, "server.param.date", i18n.Args{"Param": p.name})
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
