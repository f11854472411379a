package console

import (
	"context"
	"fmt"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
)

// maxTableSessions bounds the steps × sessions table to the latest
// delivered sessions: a year of a group is 150 columns, which no one
// reads; the per-step totals beside it count every session.
const maxTableSessions = 12

// canSeeGroup: admins see every group of the school; an interventionist
// the groups whose interventionist_id is them (CONSOLE.md §2, the scope
// of the caseload).
func canSeeGroup(sc *scope, g record.Group) bool {
	return sc.p.User.IsAdmin() || g.InterventionistID == sc.p.User.ID
}

// markWords say a step's mark in a delivered session: the catalog's
// group.mark.<id>.
var markWords = map[string]string{
	record.StepDone:    "group.mark.done",
	record.StepSkipped: "group.mark.skipped",
	record.StepNA:      "group.mark.na",
	"":                 "group.mark.none",
}

// groupStudent is one student's row on the group page: their goals'
// decisions (DOMAIN.md §3.5) with the light (§3.6), and what their plan in
// this group planned and delivered (§3.7).
type groupStudent struct {
	ID, Name, Href string
	Goals          []groupGoal
	HasPlan        bool
	Start          string
	// Attendance says sessions attended and, when the students' plans
	// differ, of how many planned: the group's summary says it once when
	// they do not (ADR 0027).
	Attendance, Minutes, Dose string
	plannedAttendance         string // with "of N planned"
}

// groupGoal is one of a student's goals on the group page.
type groupGoal struct {
	ID, Decision, Status              string
	Measure, DecisionText, StatusText string
}

type groupCell struct{ Mark, Class, Words string }

type groupStep struct {
	ID, Name         string
	N                int
	Done, Applicable int
	Pct              string
	Cells            []groupCell
}

type groupColumn struct {
	Date, Attendance string
	Minutes          string
}

// handleGroup is a group's delivery (CONSOLE.md §3 /groups/{id}): sessions
// delivered vs planned, minutes and attendance; per-step fidelity as a
// table of steps × sessions; the steps skipped most. Every figure is
// shared/progress's: GroupDelivery for the sessions (the same fidelity
// count as a plan's delivery) and ComputeDelivery for each student's plan.
func (c *Console) handleGroup(ec echo.Context) error {
	ctx := ec.Request().Context()
	asOf, err := c.asOf(ec)
	if err != nil {
		return err
	}
	sc, err := c.loadScope(ctx, sessionOf(ec).p)
	if err != nil {
		return err
	}
	id := ec.Param("id")
	g, ok := sc.groups[id]
	if !record.IsID(id) || !ok || !canSeeGroup(sc, g) {
		return errNotFound
	}
	school := sc.p.School.ID
	// The group's sessions and plans (both reference it), its program and
	// the calendar breaks: what §3.7 reads for a plan of this group.
	envs, err := c.st.RecordsByRef(ctx, school, sc.v, id, record.TypeSession, record.TypePlan)
	if err != nil {
		return err
	}
	var progs []record.Envelope
	if g.ProgramID != "" {
		if progs, err = c.st.RecordsByID(ctx, school, sc.v, g.ProgramID); err != nil {
			return err
		}
	}
	breaks, err := c.st.Records(ctx, school, sc.v, record.TypeCalendarBreak)
	if err != nil {
		return err
	}
	// The observations of its sessions (DOMAIN.md §3.7a), in one read.
	obs, err := c.sessionObservations(ctx, sc, envs)
	if err != nil {
		return err
	}
	sessionEnvs := envs
	envs = append(append(append(envs, goaldata.OfType(progs, record.TypeProgram)...), breaks...), obs...)
	ds := progress.NewDataset(envs)
	gd := progress.GroupDelivery(ds, id, g.ProgramID, asOf)
	prog := ds.Programs[g.ProgramID]

	students, planned, err := c.groupStudents(ctx, sc, id, g, ds, asOf)
	if err != nil {
		return err
	}

	// The table: the latest delivered sessions as columns.
	var cols []groupColumn
	var colIdx []int
	var cancelled []progress.GroupSession
	for i, s := range gd.Sessions {
		if s.Status == record.SessionCancelled {
			cancelled = append(cancelled, s)
			continue
		}
		colIdx = append(colIdx, i)
	}
	if len(colIdx) > maxTableSessions {
		colIdx = colIdx[len(colIdx)-maxTableSessions:]
	}
	l := sc.l
	sp := progress.In(l)
	for _, i := range colIdx {
		s := gd.Sessions[i]
		cols = append(cols, groupColumn{Date: s.Date, Attendance: tr(l, "count.of", i18n.Args{"N": s.Attended, "Of": s.Marked}), Minutes: sp.Number(progress.FormatMinutes(s.Minutes))})
	}
	var steps []groupStep
	for n, sf := range gd.PerStep {
		st := groupStep{ID: sf.StepID, Name: stepName(l, prog, sf.StepID), N: n + 1, Done: sf.Done, Applicable: sf.Applicable, Pct: pctIn(l, sf.Pct)}
		for _, i := range colIdx {
			m := gd.Sessions[i].Marks[n]
			class := m
			if class == "" {
				class = "unmarked"
			}
			st.Cells = append(st.Cells, groupCell{Mark: m, Class: class, Words: tr(l, markWords[m])})
		}
		steps = append(steps, st)
	}
	var skipped []string
	for _, sf := range gd.MostSkipped() {
		n := 0
		for i, s := range gd.PerStep {
			if s.StepID == sf.StepID {
				n = i + 1
			}
		}
		skipped = append(skipped, tr(l, "group.skipped_step", i18n.Args{"N": n, "Name": stepName(l, prog, sf.StepID),
			"Skipped": sf.Applicable - sf.Done, "Applicable": sf.Applicable, "Pct": pctIn(l, sf.Pct)}))
	}
	summary, same := groupSummary(l, gd, planned, asOf)
	if !same {
		for i := range students {
			if students[i].HasPlan {
				students[i].Attendance = students[i].plannedAttendance
			}
		}
	}
	attended, marked := 0, 0
	for _, s := range gd.Sessions {
		attended, marked = attended+s.Attended, marked+s.Marked
	}
	fid := tr(l, "group.no_step_due")
	if gd.FidelityPct != nil {
		fid = tr(l, "group.fidelity", i18n.Args{"Pct": pctIn(l, gd.FidelityPct), "Band": tr(l, "band."+*gd.FidelityBand)})
	}
	return c.render(ec, http.StatusOK, "group", map[string]any{"Title": g.Name, "Nav": "", "GroupID": id, "Group": g,
		"Program": prog.Name, "Interventionist": sc.userName(g.InterventionistID), "AsOf": showDate(l, asOf.String()),
		"Summary": summary, "Fidelity": fid, "Students": students, "Columns": cols, "Steps": steps, "Skipped": skipped,
		"Cancelled": cancelled, "Shown": len(cols), "Delivered": gd.Delivered, "SamePlans": same,
		"AttendedTotal": tr(l, "count.of", i18n.Args{"N": attended, "Of": marked}), "MinutesTotal": sp.Number(progress.FormatMinutes(gd.Minutes)),
		"Observed": observedHooks(l, gd.FidelityPct, gd.Observations), "Observations": observationRows(sc, obs, sessionEnvs, ds.Programs, g.ProgramID),
		"ToObserve": todayToObserve(sc, g, sessionEnvs, c.today()), "JustObserved": ec.QueryParam("observed") != ""})
}

func stepName(l i18n.Lang, prog record.Program, id string) string {
	for _, st := range prog.Steps {
		if st.ID == id {
			return st.Text
		}
	}
	return tr(l, "group.step_gone", i18n.Args{"ID": id})
}

func studentName(sc *scope, id string) string {
	if s, ok := sc.students[id]; ok {
		return s.DisplayName()
	}
	return tr(sc.l, "group.student_hidden")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// groupStudents are the group's students (its roster, and anyone with a
// plan in the group), each with their goals on the caseload that belong to
// this group (the goal's plan's group, else the student's first group, as
// on the caseload) and their plan's delivery. planned are the plans'
// planned sessions, for the summary.
func (c *Console) groupStudents(ctx context.Context, sc *scope, id string, g record.Group, ds *progress.Dataset, asOf progress.Date) ([]groupStudent, []float64, error) {
	// The goals come from the report cache: the caseload's read, not one
	// read per student.
	gvs, err := c.caseloadGoals(ctx, sc, asOf)
	if err != nil {
		return nil, nil, err
	}
	goalsOf := map[string][]groupGoal{}
	for _, gv := range gvs {
		if gv.GroupID != id {
			continue
		}
		r := &gv.Report
		goalsOf[gv.StudentID] = append(goalsOf[gv.StudentID], groupGoal{ID: gv.ID, Decision: r.Decision.Code, Status: r.Status,
			Measure: measureName(sc.l, r.Goal.Measure), DecisionText: decisionText(sc.l, r.Decision.Code), StatusText: progress.In(sc.l).StatusWords(r.Status)})
	}
	rows := map[string]*groupStudent{}
	var order []string
	add := func(sid string) *groupStudent {
		if gs, ok := rows[sid]; ok {
			return gs
		}
		gs := &groupStudent{ID: sid, Name: studentName(sc, sid), Attendance: tr(sc.l, "group.no_plan"), Minutes: "—", Dose: "—", Start: "—"}
		if _, ok := sc.students[sid]; ok {
			gs.Href = "/students/" + sid
		}
		gs.Goals = goalsOf[sid]
		sort.Slice(gs.Goals, func(i, j int) bool { return gs.Goals[i].Measure < gs.Goals[j].Measure })
		rows[sid] = gs
		order = append(order, sid)
		return gs
	}
	for _, sid := range g.StudentIDs {
		add(sid)
	}
	inGroup := map[string]bool{}
	for _, sid := range g.StudentIDs {
		inGroup[sid] = true
	}
	// A student's latest plan in this group (by start date) speaks for
	// them: an earlier one has ended or been replaced.
	latest := map[string]string{}
	for pid, p := range ds.Plans {
		if p.GroupID != id || !inGroup[p.StudentID] {
			continue
		}
		if cur, ok := latest[p.StudentID]; !ok || p.StartDate > ds.Plans[cur].StartDate || p.StartDate == ds.Plans[cur].StartDate && pid > cur {
			latest[p.StudentID] = pid
		}
	}
	cal := ds.Calendar
	var planned []float64
	for _, sid := range order {
		pid, ok := latest[sid]
		if !ok {
			continue
		}
		p := ds.Plans[pid]
		d := progress.ComputeDelivery(ds, p, sid, asOf, cal)
		gs := rows[sid]
		l, sp := sc.l, progress.In(sc.l)
		gs.HasPlan, gs.Start = true, showDate(l, p.StartDate)
		gs.Attendance = trn(l, "group.sessions_pct", d.SessionsAttended, i18n.Args{"Pct": pctIn(l, d.AttendancePct)})
		gs.plannedAttendance = tr(l, "group.of_planned", i18n.Args{"N": d.SessionsAttended, "Planned": sp.Number(progress.FormatSessions(d.PlannedSessions)), "Pct": pctIn(l, d.AttendancePct)})
		gs.Minutes = tr(l, "count.of", i18n.Args{"N": sp.Number(progress.FormatMinutes(d.MinutesReceived)), "Of": sp.Number(progress.FormatMinutes(d.PlannedMinutes))})
		gs.Dose = pctIn(l, d.DosePct)
		planned = append(planned, d.PlannedSessions)
	}
	out := make([]groupStudent, 0, len(order))
	for _, sid := range order {
		out = append(out, *rows[sid])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, planned, nil
}

// groupSummary says the group's delivery once: sessions delivered and
// cancelled, minutes, and the sessions planned when every student's plan
// plans the same number (same); when they differ, each student's row says
// theirs instead (ADR 0027).
func groupSummary(l i18n.Lang, gd progress.Group, planned []float64, asOf progress.Date) (string, bool) {
	sp := progress.In(l)
	a := i18n.Args{"Cancelled": gd.Cancelled, "Date": showDate(l, asOf.String()), "Minutes": sp.Number(progress.FormatMinutes(gd.Minutes))}
	if len(planned) == 0 {
		return trn(l, "group.summary_no_plan", gd.Delivered, a), true
	}
	same := true
	for _, p := range planned {
		same = same && progress.FormatSessions(p) == progress.FormatSessions(planned[0])
	}
	if same {
		a["Planned"] = sp.Number(progress.FormatSessions(planned[0]))
		return trn(l, "group.summary_planned", gd.Delivered, a), true
	}
	return trn(l, "group.summary_differ", gd.Delivered, a), false
}
