package console

import (
	"context"
	"errors"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
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
}

func (c *Console) loadScope(ctx context.Context, p store.Principal) (*scope, error) {
	sc := &scope{p: p, v: store.ViewerOf(p.User), students: map[string]record.Student{}, groups: map[string]record.Group{},
		groupOf: map[string]string{}, users: map[string]store.User{}}
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
	return "Unknown user"
}

// goalView is one goal's report with what the pages show beside it.
type goalView struct {
	ID        string
	Goal      record.Goal
	StudentID string
	Student   record.Student
	GroupID   string
	Report    progress.Report
	Dataset   *progress.Dataset
	Decisions []progress.TeamDecision
	ReviewDue bool
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
	return c.viewOf(sc, goalID, ds, decs, asOf)
}

// viewOf computes a goal's report from its dataset with progress.Progress,
// and what the pages show beside it.
func (c *Console) viewOf(sc *scope, goalID string, ds *progress.Dataset, decs []record.Envelope, asOf progress.Date) (goalView, error) {
	r, err := progress.Progress(ds, goalID, asOf)
	if err != nil {
		return goalView{}, err
	}
	gv := goalView{ID: goalID, Goal: ds.Goals[goalID], StudentID: r.Goal.StudentID, Report: r, Dataset: ds,
		Decisions: progress.TeamDecisions(decs, goalID)}
	gv.Student = sc.students[gv.StudentID]
	gv.ReviewDue = progress.ReviewDue(gv.Decisions, r.PointsAfterBaseline, asOf)
	if plan, ok := ds.Plans[gv.Goal.PlanID]; ok && plan.GroupID != "" {
		gv.GroupID = plan.GroupID
	} else {
		gv.GroupID = sc.groupOf[gv.StudentID]
	}
	return gv, nil
}

// caseloadGoals computes every goal in scope whose status is active or
// absent (CONSOLE.md §3). It reads the school once (goaldata.ReadSchool)
// and gives each goal the records the indexed read of /v1/reports/progress
// would give it, so the numbers are the same and 2,000 goals cost one read
// instead of 12,000.
func (c *Console) caseloadGoals(ctx context.Context, sc *scope, asOf progress.Date) ([]goalView, error) {
	school, err := goaldata.ReadSchool(ctx, c.st, sc.p.School.ID, sc.v)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, id := range school.GoalIDs() {
		e, _ := school.Goal(id)
		var g record.Goal
		if record.DecodeData(e.Data, &g) != nil {
			continue
		}
		if _, ok := sc.students[g.StudentID]; ok && (g.Status == "" || g.Status == "active") {
			ids = append(ids, id)
		}
	}
	// Decoding and the report math are CPU work: one worker per core.
	return c.parallel(ids, func(id string) (goalView, error) {
		ds, err := school.Dataset(id)
		if err != nil {
			return goalView{}, err
		}
		return c.viewOf(sc, id, ds, school.Decisions(id), asOf)
	})
}

// parallel runs compute for every id on a few workers and keeps the
// results in order. A goal the report code cannot compute (it fails
// validation) is left out, as the API answers 404 for it.
func (c *Console) parallel(ids []string, compute func(string) (goalView, error)) ([]goalView, error) {
	out := make([]goalView, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < max(2, runtime.GOMAXPROCS(0)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = compute(ids[i])
			}
		}()
	}
	for i := range ids {
		next <- i
	}
	close(next)
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

// goalReports computes goals through the indexed reads (a student page's
// few goals), a few at a time.
func (c *Console) goalReports(ctx context.Context, sc *scope, ids []string, asOf progress.Date) ([]goalView, error) {
	return c.parallel(ids, func(id string) (goalView, error) { return c.goalReport(ctx, sc, id, asOf) })
}

// num is a number as the report JSON writes it (encoding/json's shortest
// form), for the data-* hooks.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
