package console

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// The console's goal form (DOMAIN.md §3.10, ADR 0031): a new goal or an
// edit of one, for an admin or the student's interventionist (the viewer's
// scope holds the student). When the school has a norm table for the
// measure and the student's grade, "Show suggestions" re-renders the form
// with the start percentile, "below benchmark" and §3.10's suggestions
// (progress.GoalSuggestions, the function behind §4.4), each a button that
// fills the goal score and typical_roi; the goal date is the form's. No
// script is needed: every step is a submit. The goal is one record written
// through serverwriter; an edit is written only over the version the form
// showed (IfHLC) and keeps the fields the form does not know.

// The goal form's words are messages of catalog/goalform.*.json.
var errGoalChanged = newErr(http.StatusConflict, "goalform.err.changed")

// suggestionWords are the message ids of §3.10's suggestions' names.
var suggestionWords = map[string]string{
	progress.SuggestTypical:     "goalform.suggest.typical",
	progress.SuggestAmbitious:   "goalform.suggest.ambitious",
	progress.SuggestCloseTheGap: "goalform.suggest.close_gap",
}

// goalFormView is what the form shows.
type goalFormView struct {
	Action, HLC                                string
	Measure, Direction, StartDate, Baseline    string
	GoalScore, GoalDate, TypicalROI, Status    string
	PlanID                                     string
	Measures                                   []option
	Plans                                      []option
	Problem, SuggestNote                       string
	Suggested                                  bool // suggestions were asked for
	Source, Season, StartPercentile, Benchmark string
	SeasonWords, PercentileWords               string // the season and percentile as the page says them
	BelowBenchmark                             *bool
	Suggestions                                []suggestionView
	Used                                       string // the suggestion just chosen
}

type suggestionView struct {
	Kind, Words, GoalScore, ROI string
	GoalScoreExact, ROIExact    string // data-* hooks, as the JSON writes them
}

func (c *Console) mountGoalForm(e *echo.Echo) {
	e.GET("/students/:id/goals/new", c.signedIn(c.handleGoalNew))
	e.POST("/students/:id/goals/new", c.signedIn(c.handleGoalPost))
	e.GET("/students/:id/goals/:goal/edit", c.signedIn(c.handleGoalEdit))
	e.POST("/students/:id/goals/:goal/edit", c.signedIn(c.handleGoalPost))
}

// goalOfStudent reads the route's goal, which must be the route's
// student's: otherwise 404.
func (c *Console) goalOfStudent(ctx context.Context, sc *scope, sid, gid string) (record.Envelope, record.Goal, error) {
	if !record.IsID(gid) {
		return record.Envelope{}, record.Goal{}, errNotFound
	}
	envs, err := c.st.RecordsByID(ctx, sc.p.School.ID, sc.v, gid)
	if err != nil {
		return record.Envelope{}, record.Goal{}, err
	}
	var g record.Goal
	if len(envs) != 1 || envs[0].Type != record.TypeGoal || record.DecodeData(envs[0].Data, &g) != nil || g.StudentID != sid {
		return record.Envelope{}, record.Goal{}, errNotFound
	}
	return envs[0], g, nil
}

func (c *Console) handleGoalNew(ec echo.Context) error {
	sc, err := c.loadScope(ec.Request().Context(), sessionOf(ec).p)
	if err != nil {
		return err
	}
	sid, st, err := studentInScope(ec, sc)
	if err != nil {
		return err
	}
	v := goalFormView{Action: "/students/" + sid + "/goals/new", Measure: "orf_wcpm", Direction: record.DirectionUp,
		StartDate: c.today().String(), Status: record.GoalActive}
	return c.renderGoalForm(ec, sc, sid, st, v, http.StatusOK)
}

func (c *Console) handleGoalEdit(ec echo.Context) error {
	sc, err := c.loadScope(ec.Request().Context(), sessionOf(ec).p)
	if err != nil {
		return err
	}
	sid, st, err := studentInScope(ec, sc)
	if err != nil {
		return err
	}
	env, g, err := c.goalOfStudent(ec.Request().Context(), sc, sid, ec.Param("goal"))
	if err != nil {
		return err
	}
	v := goalFormView{Action: "/students/" + sid + "/goals/" + env.ID + "/edit", HLC: env.HLC, Measure: g.Measure, Direction: g.Direction,
		StartDate: g.StartDate, GoalScore: record.FormatInput(g.GoalScore), GoalDate: g.GoalDate, Status: g.Status, PlanID: g.PlanID}
	if v.Status == "" {
		v.Status = record.GoalActive
	}
	var nums []string
	for _, b := range g.BaselineScores {
		nums = append(nums, record.FormatInput(b))
	}
	v.Baseline = strings.Join(nums, ", ")
	if g.TypicalROI != nil {
		v.TypicalROI = record.FormatInput(*g.TypicalROI)
	}
	return c.renderGoalForm(ec, sc, sid, st, v, http.StatusOK)
}

// handleGoalPost takes the form's three submits: "suggest" shows the
// suggestions, "use" one of them fills the goal score and typical_roi, and
// "save" writes the goal.
func (c *Console) handleGoalPost(ec echo.Context) error {
	if err := parseForm(ec); err != nil {
		return err
	}
	s := sessionOf(ec)
	if !checkCSRF(ec, s.csrf) {
		return errBadCSRF
	}
	ctx := ec.Request().Context()
	sc, err := c.loadScope(ctx, s.p)
	if err != nil {
		return err
	}
	sid, st, err := studentInScope(ec, sc)
	if err != nil {
		return err
	}
	var env record.Envelope
	var old record.Goal
	action := "/students/" + sid + "/goals/new"
	if gid := ec.Param("goal"); gid != "" {
		if env, old, err = c.goalOfStudent(ctx, sc, sid, gid); err != nil {
			return err
		}
		action = "/students/" + sid + "/goals/" + env.ID + "/edit"
	}
	f := ec.Request().PostForm
	v := goalFormView{Action: action, HLC: env.HLC, Measure: strings.TrimSpace(f.Get("measure")), Direction: f.Get("direction"),
		StartDate: strings.TrimSpace(f.Get("start_date")), Baseline: strings.TrimSpace(f.Get("baseline_scores")),
		GoalScore: strings.TrimSpace(f.Get("goal_score")), GoalDate: strings.TrimSpace(f.Get("goal_date")),
		TypicalROI: strings.TrimSpace(f.Get("typical_roi")), Status: f.Get("status"), PlanID: f.Get("plan_id")}
	if env.ID != "" && f.Get("hlc") != env.HLC {
		return errGoalChanged
	}
	switch {
	case f.Get("use") != "":
		v.Suggested = true
		v.Used = f.Get("use")
	case f.Get("do") == "suggest":
		v.Suggested = true
	case f.Get("do") == "save":
		g, problem := goalFromForm(sc.l, v, sid, old)
		if !offeredMeasure(v.Measure, old.Measure) {
			problem = tr(sc.l, "goalform.problem.measure")
		}
		if problem != "" {
			v.Problem = problem
			return c.renderGoalForm(ec, sc, sid, st, v, http.StatusBadRequest)
		}
		if g.PlanID != "" && !c.planOfStudent(ctx, sc, sid, g.PlanID) {
			v.Problem = tr(sc.l, "goalform.problem.plan")
			return c.renderGoalForm(ec, sc, sid, st, v, http.StatusBadRequest)
		}
		data, err := record.EncodeData(g, env.Data) // the fields the form does not know survive
		if err != nil {
			return err
		}
		written, err := c.w.Write(ctx, s.p.School.ID, s.p.User, serverwriter.Draft{ID: env.ID, Type: record.TypeGoal, Data: data,
			IfHLC: env.HLC, Restricted: env.Restricted})
		if errors.Is(err, store.ErrChanged) {
			return errGoalChanged
		}
		if err != nil {
			return err
		}
		c.log.Info("console goal saved", "school_id", s.p.School.ID, "user_id", s.p.User.ID, "record_id", written[0].ID)
		return ec.Redirect(http.StatusSeeOther, "/students/"+sid+"#g-"+written[0].ID)
	default:
		return errBadMethod
	}
	return c.renderGoalForm(ec, sc, sid, st, v, http.StatusOK)
}

// goalFromForm builds the goal the form describes over old (an edit keeps
// what the form does not show), or says what is wrong in words of l.
func goalFromForm(l i18n.Lang, v goalFormView, sid string, old record.Goal) (record.Goal, string) {
	g := old
	g.StudentID, g.Measure, g.Direction, g.StartDate, g.GoalDate, g.Status, g.PlanID = sid, v.Measure, v.Direction, v.StartDate, v.GoalDate, v.Status, v.PlanID
	base, ok := parseScores(v.Baseline)
	if !ok {
		return g, tr(l, "goalform.problem.baseline")
	}
	g.BaselineScores = base
	score, err := record.ParseNumber(v.GoalScore)
	if err != nil {
		return g, tr(l, "goalform.problem.goal_score")
	}
	g.GoalScore = score
	g.TypicalROI = nil
	if v.TypicalROI != "" {
		roi, err := record.ParseNumber(v.TypicalROI)
		if err != nil {
			return g, tr(l, "goalform.problem.roi")
		}
		g.TypicalROI = &roi
	}
	if err := g.Validate(); err != nil {
		return g, tr(l, "goalform.problem.invalid", i18n.Args{"Reason": fieldReason(err)})
	}
	return g, ""
}

// offeredMeasure: code is one the form offers (the built-in measures and
// the goal's own), so a posted code is never an unbounded text.
func offeredMeasure(code, own string) bool {
	for _, m := range record.MeasureChoices([]string{own}) {
		if m.Code == code {
			return true
		}
	}
	return false
}

// parseScores reads 1–5 comma-separated numbers.
func parseScores(s string) ([]float64, bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
	if len(parts) < 1 || len(parts) > 5 {
		return nil, false
	}
	out := make([]float64, 0, len(parts))
	for _, p := range parts {
		x, err := record.ParseNumber(p)
		if err != nil {
			return nil, false
		}
		out = append(out, x)
	}
	return out, true
}

// planOfStudent: id is one of the student's plans.
func (c *Console) planOfStudent(ctx context.Context, sc *scope, sid, id string) bool {
	if !record.IsID(id) {
		return false
	}
	envs, err := c.st.RecordsByID(ctx, sc.p.School.ID, sc.v, id)
	if err != nil || len(envs) != 1 || envs[0].Type != record.TypePlan {
		return false
	}
	p, ok := record.DecodeAs[record.Plan](envs[0])
	return ok && p.StudentID == sid
}

// renderGoalForm fills the form's choices and, when they were asked for,
// the suggestions (and a chosen one's numbers), then renders it.
func (c *Console) renderGoalForm(ec echo.Context, sc *scope, sid string, st record.Student, v goalFormView, status int) error {
	ctx := ec.Request().Context()
	if err := c.goalChoices(ctx, sc, sid, &v); err != nil {
		return err
	}
	if v.Suggested {
		if err := c.suggest(ctx, sc, st, &v); err != nil {
			return err
		}
	}
	l := sc.l
	title := tr(l, "goalform.title_new", i18n.Args{"Name": st.DisplayName()})
	if v.HLC != "" {
		title = tr(l, "goalform.title_edit", i18n.Args{"Name": st.DisplayName()})
	}
	return c.render(ec, status, "goalform", map[string]any{"Title": title, "Nav": "", "StudentID": sid, "Student": st, "Form": v,
		"Directions": []option{{record.DirectionUp, tr(l, "goalform.direction.up")}, {record.DirectionDown, tr(l, "goalform.direction.down")}},
		"Statuses": []option{{record.GoalActive, tr(l, "goalform.status.active")}, {record.GoalMet, tr(l, "goalform.status.met")},
			{record.GoalDiscontinued, tr(l, "goalform.status.discontinued")}}})
}

// goalChoices lists the measures (the built-in ones and the goal's own)
// and the student's plans.
func (c *Console) goalChoices(ctx context.Context, sc *scope, sid string, v *goalFormView) error {
	for _, m := range progress.In(sc.l).MeasureChoices([]string{v.Measure}) {
		v.Measures = append(v.Measures, option{m.Code, m.Name})
	}
	envs, err := c.st.RecordsByRef(ctx, sc.p.School.ID, sc.v, sid, record.TypePlan)
	if err != nil {
		return err
	}
	names := map[string]string{}
	var progIDs []string
	var plans []record.Envelope
	for _, e := range envs {
		if p, ok := record.DecodeAs[record.Plan](e); ok && p.StudentID == sid {
			plans = append(plans, e)
			if p.ProgramID != "" {
				progIDs = append(progIDs, p.ProgramID)
			}
		}
	}
	if len(progIDs) > 0 {
		progs, err := c.st.RecordsByID(ctx, sc.p.School.ID, sc.v, progIDs...)
		if err != nil {
			return err
		}
		for _, e := range goaldata.OfType(progs, record.TypeProgram) {
			if p, ok := record.DecodeAs[record.Program](e); ok {
				names[e.ID] = p.Name
			}
		}
	}
	for _, e := range plans {
		p, _ := record.DecodeAs[record.Plan](e)
		name := names[p.ProgramID]
		if name == "" {
			name = tr(sc.l, "goalform.plan_unsynced")
		}
		v.Plans = append(v.Plans, option{e.ID, tr(sc.l, "goalform.plan_from", i18n.Args{"Program": name, "Date": showDate(sc.l, p.StartDate)})})
	}
	return nil
}

// suggest fills §3.10's suggestions for the form's measure, dates and
// baseline and the student's grade; with v.Used, the chosen one's goal
// score and the typical ROI go into the form's fields.
func (c *Console) suggest(ctx context.Context, sc *scope, st record.Student, v *goalFormView) error {
	start, err1 := progress.ParseDate(v.StartDate)
	end, err2 := progress.ParseDate(v.GoalDate)
	base, ok := parseScores(v.Baseline)
	if err1 != nil || err2 != nil || !ok || end <= start || v.Measure == "" {
		v.SuggestNote = tr(sc.l, "goalform.note.need")
		return nil
	}
	if record.MeasureOf(v.Measure).Direction == record.DirectionDown {
		v.SuggestNote = tr(sc.l, "goalform.note.down")
		return nil
	}
	envs, err := c.st.Records(ctx, sc.p.School.ID, sc.v, record.TypeNormTable, record.TypeCalendarBreak)
	if err != nil {
		return err
	}
	cal := progress.NewDataset(goaldata.OfType(envs, record.TypeCalendarBreak)).Calendar
	sg := progress.GoalSuggestions(goaldata.OfType(envs, record.TypeNormTable), progress.SuggestionQuery{Grade: st.Grade, Measure: v.Measure,
		StartDate: start, GoalDate: end, StartScore: record.Median(base)}, cal)
	if sg.NormTableID == nil {
		v.SuggestNote = tr(sc.l, "goalform.note.no_table")
		return nil
	}
	sp := progress.In(sc.l)
	v.Source, v.Season = *sg.Source, *sg.Season
	v.SeasonWords = seasonWords(sc.l, v.Season)
	v.BelowBenchmark = sg.BelowBenchmark
	if sg.StartPercentile != nil {
		v.StartPercentile = progress.FormatScore(*sg.StartPercentile)
		v.PercentileWords = sp.FormatScore(*sg.StartPercentile)
	}
	for _, s := range sg.Suggestions {
		sv := suggestionView{Kind: s.Kind, Words: tr(sc.l, suggestionWords[s.Kind]), GoalScore: sp.FormatScore(s.GoalScore), GoalScoreExact: exactNum(s.GoalScore)}
		if s.ROI != nil {
			sv.ROI, sv.ROIExact = sp.FormatSlope(*s.ROI), exactNum(*s.ROI)
		}
		v.Suggestions = append(v.Suggestions, sv)
		if s.Kind == v.Used {
			v.GoalScore = record.FormatInput(s.GoalScore)
			v.TypicalROI = ""
			if sg.TypicalROI != nil {
				v.TypicalROI = record.FormatInput(*sg.TypicalROI)
			}
		}
	}
	if len(v.Suggestions) == 0 {
		v.SuggestNote = tr(sc.l, "goalform.note.none")
	}
	return nil
}

// normTables are the school's norm tables when one of gvs has a typical
// growth to name a source for (progress.NormSourceOf); none otherwise, so
// a page of typed goals reads nothing more.
func (c *Console) normTables(ctx context.Context, sc *scope, gvs []goalView) ([]record.Envelope, error) {
	for _, gv := range gvs {
		if gv.Report.ROI.Typical != nil {
			return c.st.Records(ctx, sc.p.School.ID, sc.v, record.TypeNormTable)
		}
	}
	return nil, nil
}

// seasonWords is a norm season (fall, winter, spring) in language l; a
// season the catalog does not know is shown as it is.
func seasonWords(l i18n.Lang, season string) string {
	if cat.Has("goalform.season." + season) {
		return tr(l, "goalform.season."+season)
	}
	return season
}
