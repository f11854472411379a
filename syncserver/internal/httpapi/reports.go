package httpapi

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
)

// defaultCICODays is the range of a CICO report without `from` (half a year).
const defaultCICODays = 182

func (s *Server) reportRoutes(g *echo.Group) {
	g.GET("/reports/progress", s.handleProgressReport)
	g.GET("/reports/cico", s.handleCICOReport)
}

// dateParam reads a YYYY-MM-DD query parameter, or def when absent.
func dateParam(c echo.Context, name string, def progress.Date) (progress.Date, error) {
	v := c.QueryParam(name)
	if v == "" && !c.QueryParams().Has(name) {
		return def, nil
	}
	d, err := progress.ParseDate(v)
	if err != nil {
		return 0, protocol.Problem(protocol.CodeInvalidRequest, "server.param.date", i18n.Args{"Param": name})
	}
	return d, nil
}

func (s *Server) today() progress.Date {
	d, _ := progress.ParseDate(s.now().UTC().Format("2006-01-02"))
	return d
}

// ofType keeps the records of one type (goaldata.OfType).
func ofType(recs []record.Envelope, typ string) []record.Envelope { return goaldata.OfType(recs, typ) }

func (s *Server) handleProgressReport(c echo.Context) error {
	r, err := s.progressReport(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// progressReport reads `goal` and `as_of` and computes the goal's report
// from the school's current records (DOMAIN.md §4.1); the JSON and the PDF
// share it.
func (s *Server) progressReport(c echo.Context) (progress.Report, error) {
	r, _, err := s.progressData(c)
	return r, err
}

// progressData is progressReport with the school's calendar it was
// computed with, whose breaks the PDF's chart shades (ADR 0019).
func (s *Server) progressData(c echo.Context) (progress.Report, progress.Calendar, error) {
	goal := c.QueryParam("goal")
	if !record.IsID(goal) {
		return progress.Report{}, progress.Calendar{}, protocol.Problem(protocol.CodeInvalidRequest, "server.param.uuid", i18n.Args{"Param": "goal"})
	}
	asOf, err := dateParam(c, "as_of", s.today())
	if err != nil {
		return progress.Report{}, progress.Calendar{}, err
	}
	var r progress.Report
	ctx := c.Request().Context()
	ds, err := goaldata.Dataset(ctx, s.store, PrincipalOf(c).School.ID, viewerOf(c), goal)
	if err == nil {
		err = ctx.Err() // the report is CPU work: none for a client that is gone
	}
	if err == nil {
		r, err = progress.Progress(ds, goal, asOf)
	}
	if errors.Is(err, progress.ErrGoalNotFound) {
		return progress.Report{}, progress.Calendar{}, protocol.Problem(protocol.CodeNotFound, "server.not_found.goal")
	}
	if err != nil {
		return progress.Report{}, progress.Calendar{}, err
	}
	return r, ds.Calendar, nil
}

func (s *Server) handleCICOReport(c echo.Context) error {
	student := c.QueryParam("student")
	if !record.IsID(student) {
		return protocol.Problem(protocol.CodeInvalidRequest, "server.param.uuid", i18n.Args{"Param": "student"})
	}
	to, err := dateParam(c, "to", s.today())
	if err != nil {
		return err
	}
	from, err := dateParam(c, "from", to-defaultCICODays)
	if err != nil {
		return err
	}
	if from > to {
		return protocol.Problem(protocol.CodeInvalidRequest, "server.param.from_after_to")
	}
	recs, err := s.store.RecordsByRef(c.Request().Context(), PrincipalOf(c).School.ID, viewerOf(c), student, record.TypeCICOCard, record.TypeCICOPlan)
	if err != nil {
		return err
	}
	ds := progress.NewDataset(ofType(recs, record.TypeCICOCard))
	r := progress.CICO(ds, student, from, to)
	// The student's phase of fading, from their plan.
	if p, ok := record.LatestCICOPlan(recs, student); ok {
		st := progress.PhaseOf(ds, student, p, to)
		r.Phase = &st
	}
	return c.JSON(http.StatusOK, r)
}
