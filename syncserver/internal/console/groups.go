package console

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

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

// markWords say a step's mark in a delivered session.
var markWords = map[string]string{
	record.StepDone:    "Done",
	record.StepSkipped: "Skipped",
	record.StepNA:      "Not applicable",
	"":                 "Not marked",
}

type groupStudent struct {
	ID, Name, Href                       string
	Start, Planned, Attended, Attendance string
	Minutes, Dose                        string
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
	envs = append(append(envs, goaldata.OfType(progs, record.TypeProgram)...), breaks...)
	ds := progress.NewDataset(envs)
	gd := progress.GroupDelivery(ds, id, g.ProgramID, asOf)
	prog := ds.Programs[g.ProgramID]
	cal := ds.Calendar

	// Each student's plan in this group: planned vs received (§3.7).
	var students []groupStudent
	var planned []float64
	inGroup := map[string]bool{}
	for _, sid := range g.StudentIDs {
		inGroup[sid] = true
	}
	var planIDs []string
	for pid, p := range ds.Plans {
		if p.GroupID == id && inGroup[p.StudentID] {
			planIDs = append(planIDs, pid)
		}
	}
	sort.Strings(planIDs)
	for _, pid := range planIDs {
		p := ds.Plans[pid]
		d := progress.ComputeDelivery(ds, p, p.StudentID, asOf, cal)
		gs := groupStudent{ID: p.StudentID, Name: studentName(sc, p.StudentID), Start: p.StartDate,
			Planned: progress.FormatSessions(d.PlannedSessions), Attended: fmt.Sprint(d.SessionsAttended), Attendance: pct(d.AttendancePct),
			Minutes: progress.FormatMinutes(d.MinutesReceived) + " of " + progress.FormatMinutes(d.PlannedMinutes), Dose: pct(d.DosePct)}
		if _, ok := sc.students[p.StudentID]; ok {
			gs.Href = "/students/" + p.StudentID
		}
		students = append(students, gs)
		planned = append(planned, d.PlannedSessions)
	}
	sort.SliceStable(students, func(i, j int) bool { return students[i].Name < students[j].Name })

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
	for _, i := range colIdx {
		s := gd.Sessions[i]
		cols = append(cols, groupColumn{Date: s.Date, Attendance: fmt.Sprintf("%d of %d", s.Attended, s.Marked), Minutes: progress.FormatMinutes(s.Minutes)})
	}
	var steps []groupStep
	for n, sf := range gd.PerStep {
		st := groupStep{ID: sf.StepID, Name: stepName(prog, sf.StepID), N: n + 1, Done: sf.Done, Applicable: sf.Applicable, Pct: pct(sf.Pct)}
		for _, i := range colIdx {
			m := gd.Sessions[i].Marks[n]
			class := m
			if class == "" {
				class = "unmarked"
			}
			st.Cells = append(st.Cells, groupCell{Mark: m, Class: class, Words: markWords[m]})
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
		skipped = append(skipped, fmt.Sprintf("Step %d, %s, was skipped or not marked in %d of the %d delivered sessions where it applied (done in %s).",
			n, stepName(prog, sf.StepID), sf.Applicable-sf.Done, sf.Applicable, pct(sf.Pct)))
	}
	summary := fmt.Sprintf("%s delivered and %d cancelled up to %s, %s minutes in all.", plural(gd.Delivered, "session", "sessions"),
		gd.Cancelled, asOf, progress.FormatMinutes(gd.Minutes))
	if len(planned) > 0 {
		lo, hi := planned[0], planned[0]
		for _, p := range planned {
			lo, hi = min(lo, p), max(hi, p)
		}
		plan := progress.FormatSessions(lo)
		if progress.FormatSessions(lo) != progress.FormatSessions(hi) {
			plan = progress.FormatSessions(lo) + " to " + progress.FormatSessions(hi) + " (the students' plans differ)"
		}
		summary = fmt.Sprintf("%s delivered of %s planned, %d cancelled, up to %s; %s minutes in all.",
			plural(gd.Delivered, "session", "sessions"), plan, gd.Cancelled, asOf, progress.FormatMinutes(gd.Minutes))
	}
	fid := "No step has been due in a delivered session yet."
	if gd.FidelityPct != nil {
		fid = fmt.Sprintf("Fidelity over every delivered session: %s (%s).", pct(gd.FidelityPct), *gd.FidelityBand)
	}
	return c.render(ec, http.StatusOK, "group", map[string]any{"Title": g.Name, "Nav": "", "GroupID": id, "Group": g,
		"Program": prog.Name, "Interventionist": sc.userName(g.InterventionistID), "AsOf": asOf.String(),
		"Summary": summary, "Fidelity": fid, "Students": students, "Columns": cols, "Steps": steps, "Skipped": skipped,
		"Cancelled": cancelled, "Shown": len(cols), "Delivered": gd.Delivered})
}

func stepName(prog record.Program, id string) string {
	for _, st := range prog.Steps {
		if st.ID == id {
			return st.Text
		}
	}
	return id + " (no longer in the program)"
}

func studentName(sc *scope, id string) string {
	if s, ok := sc.students[id]; ok {
		return s.DisplayName()
	}
	return "A student not in your groups"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
