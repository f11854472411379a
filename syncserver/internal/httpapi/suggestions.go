package httpapi

import (
	"errors"
	"net/http"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// maxMeasureChars bounds the measure parameter: a measure code is short.
const maxMeasureChars = 64

// handleGoalSuggestions is GET /v1/reports/goal-suggestions (DOMAIN.md
// §4.4): §3.10 over the school's norm tables for the student's grade.
func (s *Server) handleGoalSuggestions(c echo.Context) error {
	q, student, err := suggestionQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	school, v := PrincipalOf(c).School.ID, viewerOf(c)
	recs, err := s.store.RecordsByID(ctx, school, v, student)
	if err != nil {
		return err
	}
	recs = ofType(recs, record.TypeStudent)
	if len(recs) == 0 {
		return protocol.Problem(protocol.CodeNotFound, "server.not_found.student")
	}
	// A student whose record does not decode has no grade: no table
	// matches, and the answer is §4.4's empty one.
	st, _ := record.DecodeAs[record.Student](recs[0])
	q.Grade = st.Grade
	tables, err := s.store.Records(ctx, school, v, record.TypeNormTable, record.TypeCalendarBreak)
	if err != nil {
		return err
	}
	cal := progress.NewDataset(ofType(append([]record.Envelope(nil), tables...), record.TypeCalendarBreak)).Calendar
	return c.JSON(http.StatusOK, progress.GoalSuggestions(ofType(tables, record.TypeNormTable), q, cal))
}

// suggestionQuery reads §4.4's parameters, every one required: a missing or
// malformed one, or a goal date not after the start date, is 400.
func suggestionQuery(c echo.Context) (progress.SuggestionQuery, string, error) {
	var q progress.SuggestionQuery
	student := c.QueryParam("student")
	if !record.IsID(student) {
		return q, "", protocol.Problem(protocol.CodeInvalidRequest, "server.param.uuid", i18n.Args{"Param": "student"})
	}
	q.Measure = c.QueryParam("measure")
	if !measureCode(q.Measure) {
		return q, "", protocol.Problem(protocol.CodeInvalidRequest, "server.suggest.measure", i18n.Args{"Max": maxMeasureChars})
	}
	var err error
	if q.StartDate, err = requiredDate(c, "start_date"); err != nil {
		return q, "", err
	}
	if q.GoalDate, err = requiredDate(c, "goal_date"); err != nil {
		return q, "", err
	}
	if q.GoalDate <= q.StartDate {
		return q, "", protocol.Problem(protocol.CodeInvalidRequest, "server.suggest.goal_after_start")
	}
	q.StartScore, err = record.ParseNumber(c.QueryParam("start_score"))
	if err != nil || !record.ScoreRange.Contains(q.StartScore) {
		return q, "", protocol.Problem(protocol.CodeInvalidRequest, "server.suggest.start_score", i18n.Args{"Min": record.ScoreRange.MinText(), "Max": record.ScoreRange.MaxText()})
	}
	return q, student, nil
}

// requiredDate reads a date parameter that must be there, within DOMAIN.md
// §2's dates.
func requiredDate(c echo.Context, name string) (progress.Date, error) {
	d, err := progress.ParseDate(c.QueryParam(name))
	if err != nil || d.String() < record.MinDate || d.String() > record.MaxDate {
		return 0, protocol.Problem(protocol.CodeInvalidRequest, "server.param.date_between", i18n.Args{"Param": name, "Min": record.MinDate, "Max": record.MaxDate})
	}
	return d, nil
}

// measureCode reports whether s can be a measure code: 1–64 printable
// characters, no spaces at its ends.
func measureCode(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > maxMeasureChars || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return s[0] != ' ' && s[len(s)-1] != ' '
}

// authenticateOrSession is authenticate for a route that a signed-in
// console browser may read too (DOMAIN.md §4.4: "Bearer token or console
// session"): without a bearer token, the console's session answers
// (Config.SessionPrincipal). A bearer token, when sent, decides alone.
func (s *Server) authenticateOrSession(next echo.HandlerFunc) echo.HandlerFunc {
	withToken := s.authenticate(next)
	return func(c echo.Context) error {
		if bearer(c.Request()) != "" || s.cfg.SessionPrincipal == nil {
			return withToken(c)
		}
		p, err := s.cfg.SessionPrincipal(c.Request())
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		c.Set(principalKey, p)
		return next(c)
	}
}
