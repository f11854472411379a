package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
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
		return 0, protocol.Errorf(protocol.CodeInvalidRequest, "%s must be a date YYYY-MM-DD", name)
	}
	return d, nil
}

func (s *Server) today() progress.Date {
	d, _ := progress.ParseDate(s.now().UTC().Format("2006-01-02"))
	return d
}

// goalDataset reads what progress.Progress needs for one goal, and nothing
// else (DOMAIN.md §4.1): the goal, its plan, the plan's program, the
// sessions of the plan's group, the student's probes and the school's
// calendar breaks, each through an index. ErrGoalNotFound when viewer v
// cannot see a current goal with that id, after one point lookup. Reading the
// whole school instead cost seconds and hundreds of MiB per report.
//
// Reads that do not depend on each other run at once, so a report waits for
// three round trips to PostgreSQL instead of six.
func goalDataset(ctx context.Context, st store.Store, schoolID string, v store.Viewer, goalID string) (*progress.Dataset, error) {
	goals, err := st.RecordsByID(ctx, schoolID, v, goalID)
	if err != nil {
		return nil, err
	}
	goals = ofType(goals, record.TypeGoal)
	if len(goals) == 0 {
		return nil, progress.ErrGoalNotFound
	}
	// Only the references are decoded here; NewDataset checks the rest.
	var goal struct {
		StudentID string `json:"student_id"`
		PlanID    string `json:"plan_id"`
	}
	_ = json.Unmarshal(goals[0].Data, &goal)

	// Each read fills its own slot; the dataset is put together after all
	// of them are done.
	type part struct {
		recs []record.Envelope
		err  error
	}
	var plan, program, sessions, probes, breaks part
	var wg sync.WaitGroup
	run := func(p *part, typ string, read func() ([]record.Envelope, error)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			recs, err := read()
			p.recs, p.err = ofType(recs, typ), err
		}()
	}
	if goal.StudentID != "" {
		run(&probes, record.TypeProbe, func() ([]record.Envelope, error) {
			return st.RecordsByRef(ctx, schoolID, v, goal.StudentID, record.TypeProbe)
		})
	}
	run(&breaks, record.TypeCalendarBreak, func() ([]record.Envelope, error) {
		return st.Records(ctx, schoolID, v, record.TypeCalendarBreak)
	})
	if goal.PlanID != "" {
		recs, err := st.RecordsByID(ctx, schoolID, v, goal.PlanID)
		plan = part{ofType(recs, record.TypePlan), err}
	}
	var p struct {
		ProgramID string `json:"program_id"`
		GroupID   string `json:"group_id"`
	}
	if len(plan.recs) > 0 {
		_ = json.Unmarshal(plan.recs[0].Data, &p)
	}
	// ComputeDelivery counts only sessions of the plan's group whose program
	// is the plan's (or unnamed), so the plan's program is the only one read;
	// and it checks the group itself, so the index's answer needs no filter
	// here (a session naming the group id as its program_id is dropped there).
	if p.ProgramID != "" {
		run(&program, record.TypeProgram, func() ([]record.Envelope, error) {
			return st.RecordsByID(ctx, schoolID, v, p.ProgramID)
		})
	}
	if p.GroupID != "" {
		run(&sessions, record.TypeSession, func() ([]record.Envelope, error) {
			return st.RecordsByRef(ctx, schoolID, v, p.GroupID, record.TypeSession)
		})
	}
	wg.Wait()
	envs := goals
	for _, part := range []part{plan, program, sessions, probes, breaks} {
		if part.err != nil {
			return nil, part.err
		}
		envs = append(envs, part.recs...)
	}
	return progress.NewDataset(envs), nil
}

// ofType keeps the records of one type: an id read as a program that names
// a probe must not become a second copy of that probe in the dataset.
func ofType(recs []record.Envelope, typ string) []record.Envelope {
	out := recs[:0]
	for _, e := range recs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

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
	goal := c.QueryParam("goal")
	if !record.IsID(goal) {
		return progress.Report{}, protocol.Errorf(protocol.CodeInvalidRequest, "goal must be a canonical lowercase uuid")
	}
	asOf, err := dateParam(c, "as_of", s.today())
	if err != nil {
		return progress.Report{}, err
	}
	var r progress.Report
	ds, err := goalDataset(c.Request().Context(), s.store, PrincipalOf(c).School.ID, viewerOf(c), goal)
	if err == nil {
		r, err = progress.Progress(ds, goal, asOf)
	}
	if errors.Is(err, progress.ErrGoalNotFound) {
		return progress.Report{}, protocol.Errorf(protocol.CodeNotFound, "no such goal in this school")
	}
	return r, err
}

func (s *Server) handleCICOReport(c echo.Context) error {
	student := c.QueryParam("student")
	if !record.IsID(student) {
		return protocol.Errorf(protocol.CodeInvalidRequest, "student must be a canonical lowercase uuid")
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
		return protocol.Errorf(protocol.CodeInvalidRequest, "from must not be after to")
	}
	cards, err := s.store.RecordsByRef(c.Request().Context(), PrincipalOf(c).School.ID, viewerOf(c), student, record.TypeCICOCard)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, progress.CICO(progress.NewDataset(ofType(cards, record.TypeCICOCard)), student, from, to))
}
