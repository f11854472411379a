package console

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"sync"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
	"smallwins/syncserver/internal/reportcache"
	"smallwins/syncserver/internal/store"
)

// scope is what one signed-in user may see (CONSOLE.md §2): admins the whole
// school, an interventionist the students of groups whose
// interventionist_id is them. Every read goes through the store with the
// user's Viewer, so restricted records follow PROTOCOL §6 as in the app.
type scope struct {
	p        store.Principal
	v        store.Viewer
	students map[string]record.Student // the students in scope
	groups   map[string]record.Group   // every group the viewer may see
	groupOf  map[string]string         // student → the first of their groups (by name)
	users    map[string]store.User
	l        i18n.Lang // the request's language (lang.go), for the words built here
}

func (c *Console) loadScope(ctx context.Context, p store.Principal) (*scope, error) {
	sc := &scope{p: p, v: store.ViewerOf(p.User), students: map[string]record.Student{}, groups: map[string]record.Group{},
		groupOf: map[string]string{}, users: map[string]store.User{}, l: langFromContext(ctx)}
	envs, err := c.st.Records(ctx, p.School.ID, sc.v, record.TypeStudent, record.TypeGroup)
	if err != nil {
		return nil, err
	}
	all := map[string]record.Student{}
	var groupIDs []string
	for _, e := range envs {
		switch e.Type {
		case record.TypeStudent:
			var s record.Student
			if record.DecodeData(e.Data, &s) == nil {
				all[e.ID] = s
			}
		case record.TypeGroup:
			var g record.Group
			if record.DecodeData(e.Data, &g) == nil {
				sc.groups[e.ID] = g
				groupIDs = append(groupIDs, e.ID)
			}
		}
	}
	sort.Slice(groupIDs, func(i, j int) bool {
		a, b := sc.groups[groupIDs[i]].Name, sc.groups[groupIDs[j]].Name
		return a < b || a == b && groupIDs[i] < groupIDs[j]
	})
	admin := p.User.IsAdmin()
	for _, gid := range groupIDs {
		g := sc.groups[gid]
		for _, sid := range g.StudentIDs {
			if _, seen := sc.groupOf[sid]; !seen {
				sc.groupOf[sid] = gid
			}
			if !admin && g.InterventionistID == p.User.ID {
				if s, ok := all[sid]; ok {
					sc.students[sid] = s
				}
			}
		}
	}
	if admin {
		sc.students = all
	}
	users, err := c.st.ListUsers(ctx, p.School.ID)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		sc.users[u.ID] = u
	}
	return sc, nil
}

func (sc *scope) userName(id string) string {
	if u, ok := sc.users[id]; ok {
		return u.Name
	}
	if id == "" {
		return "—"
	}
	return tr(sc.l, "user.unknown")
}

// goalView is one goal's report with what the pages show beside it.
type goalView struct {
	reportcache.View
	StudentID string
	Student   record.Student
	GroupID   string
	// Phases are the chart's phase lines and PhaseNotes each in words
	// (the student page, its chart and PDF; not the caseload).
	Phases     []progress.Phase
	PhaseNotes []string
	// Calendar is the school's, with its breaks: the chart shades them
	// and dates its axis by them (ADR 0019).
	Calendar progress.Calendar
}

// goalReport computes one goal exactly as /v1/reports/progress does:
// goaldata.Dataset (the same indexed reads) and progress.Progress.
func (c *Console) goalReport(ctx context.Context, sc *scope, goalID string, asOf progress.Date) (goalView, error) {
	ds, err := goaldata.Dataset(ctx, c.st, sc.p.School.ID, sc.v, goalID)
	if err != nil {
		return goalView{}, err
	}
	decs, err := c.st.RecordsByRef(ctx, sc.p.School.ID, sc.v, goalID, record.TypeDecision)
	if err != nil {
		return goalView{}, err
	}
	// The report is CPU work: none for a client that is gone (ADR 0024).
	if err := ctx.Err(); err != nil {
		return goalView{}, err
	}
	g, err := reportcache.Of(ds, goalID, decs, asOf)
	if err != nil {
		return goalView{}, err
	}
	if err := ctx.Err(); err != nil {
		return goalView{}, err
	}
	gv := c.viewOf(sc, g)
	gv.Calendar = ds.Calendar
	gv.Phases, gv.PhaseNotes, err = c.phases(ctx, sc, ds, g, asOf)
	return gv, err
}

// phases are a goal's phase lines (progress.Phases) over the student's
// plans and the goal's decisions, with what each was in words.
func (c *Console) phases(ctx context.Context, sc *scope, ds *progress.Dataset, g reportcache.View, asOf progress.Date) ([]progress.Phase, []string, error) {
	school := sc.p.School.ID
	envs, err := c.st.RecordsByRef(ctx, school, sc.v, g.Goal.StudentID, record.TypePlan)
	if err != nil {
		return nil, nil, err
	}
	var plans []record.Plan
	for _, e := range envs {
		if p, ok := progress.Decode(e).Value().(record.Plan); ok {
			plans = append(plans, p)
		}
	}
	phases := progress.Phases(ds, g.ID, plans, g.Decisions, asOf)
	var progIDs []string
	for _, ph := range phases {
		if ph.ProgramID != "" {
			progIDs = append(progIDs, ph.ProgramID)
		}
	}
	names := map[string]string{}
	if len(progIDs) > 0 {
		progs, err := c.st.RecordsByID(ctx, school, sc.v, progIDs...)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range goaldata.OfType(progs, record.TypeProgram) {
			if p, ok := progress.Decode(e).Value().(record.Program); ok {
				names[e.ID] = p.Name
			}
		}
	}
	notes := make([]string, len(phases))
	for i, ph := range phases {
		prog := names[ph.ProgramID]
		if prog == "" {
			prog = tr(sc.l, "program.not_synced")
		}
		a := i18n.Args{"Date": showDate(sc.l, ph.Date), "Program": prog}
		switch ph.Kind {
		case progress.PhasePlanStart:
			notes[i] = tr(sc.l, "phase.plan_started", a)
		case progress.PhasePlanEnd:
			notes[i] = tr(sc.l, "phase.plan_ended", a)
		default:
			a["Decision"] = decisionText(sc.l, ph.Code)
			notes[i] = tr(sc.l, "phase.decided", a)
		}
	}
	return phases, notes, nil
}

// viewOf adds to a goal's report what depends on who looks: the student
// as the viewer's scope has them, and the goal's group (its plan's, else
// the student's first group by name).
func (c *Console) viewOf(sc *scope, g reportcache.View) goalView {
	gv := goalView{View: g, StudentID: g.Report.Goal.StudentID}
	gv.Student = sc.students[gv.StudentID]
	gv.GroupID = g.PlanGroup
	if gv.GroupID == "" {
		gv.GroupID = sc.groupOf[gv.StudentID]
	}
	return gv
}

// caseloadGoals computes every goal in scope whose status is active or
// absent (CONSOLE.md §3). The reports come from the per-school cache
// (reportcache: one bulk read of the school per change of its records, each
// goal computed once per as_of), which gives each goal the records the
// indexed read of /v1/reports/progress would give it, so the numbers are
// the same.
func (c *Console) caseloadGoals(ctx context.Context, sc *scope, asOf progress.Date) ([]goalView, error) {
	gs, err := c.reports.Reports(ctx, sc.p.School.ID, asOf, func(_ string, g record.Goal) bool {
		_, ok := sc.students[g.StudentID]
		return ok && onCaseload(g)
	})
	if err != nil {
		return nil, err
	}
	out := make([]goalView, len(gs))
	for i, g := range gs {
		out[i] = c.viewOf(sc, g)
	}
	return out, nil
}

// onCaseload: a goal whose status is active or absent (CONSOLE.md §3).
func onCaseload(g record.Goal) bool { return g.Active() }

// Warm reads every school into the report cache and computes today's
// caseload goals, so the first caseload after a start is served from the
// cache (a cold one reads and computes the whole school: about 0.3 s of
// CPU for 2,000 goals, ADR 0012) — unless someone asks first, who then
// shares the same read. It stops at ctx's end; errors only cost the warmth.
// It returns the number of goals computed.
func (c *Console) Warm(ctx context.Context) int {
	schools, err := c.st.Schools(ctx)
	if err != nil {
		c.log.Warn("console warm-up: cannot list the schools", "err", err.Error())
		return 0
	}
	n := 0
	asOf, _ := progress.ParseDate(c.now().UTC().Format("2006-01-02"))
	for i, sc := range schools {
		// The cache keeps MaxSchools schools: warming more would only
		// evict the first ones again (a district's other schools are read
		// when first asked for).
		if ctx.Err() != nil || i == reportcache.MaxSchools {
			return n
		}
		gs, err := c.reports.Reports(ctx, sc.ID, asOf, func(_ string, g record.Goal) bool { return onCaseload(g) })
		if err != nil {
			c.log.Warn("console warm-up failed", "school_id", sc.ID, "err", err.Error())
		}
		n += len(gs)
	}
	return n
}

// goalReports computes goals through the indexed reads (a student page's
// few goals), a few at a time. A goal the report code cannot compute (it
// fails validation) is left out, as the API answers 404 for it.
func (c *Console) goalReports(ctx context.Context, sc *scope, ids []string, asOf progress.Date) ([]goalView, error) {
	out := make([]goalView, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = c.goalReport(ctx, sc, id, asOf)
		}()
	}
	wg.Wait()
	kept := out[:0]
	for i, gv := range out {
		switch {
		case errors.Is(errs[i], progress.ErrGoalNotFound):
		case errs[i] != nil:
			return nil, errs[i]
		default:
			kept = append(kept, gv)
		}
	}
	return kept, nil
}

// exactNum is a number for machines, as the report JSON writes it
// (encoding/json's shortest form): the data-* hooks outside tests read, and
// points.csv, which a spreadsheet computes with. What people read goes
// through progress.Format*.
func exactNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
