package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// The students list shows each student's light (ADR 0621): the
// three-point status of DOMAIN.md §3.6 as shared/progress computes it, with
// a shape and a word beside the colour, so it never relies on colour alone.
// The decision itself (which needs the delivery figures) is on the
// student's page.

// studentLight is one student's light on the list.
type studentLight struct {
	Status string // progress.Green, Yellow, Red, Grey; "" without an active goal
}

// lightRank orders statuses by how much they ask for attention: a student
// with several active goals shows the most urgent (ADR 0620).
var lightRank = map[string]int{progress.Red: 4, progress.Grey: 3, progress.Yellow: 2, progress.Green: 1}

// lightOf computes the student's light over their active goals as of today.
// cal is the school's calendar (schoolCalendar: read and decoded once per
// list, not once per goal).
func lightOf(rec Records, studentID string, today record.Date, cal progress.Calendar) studentLight {
	var best studentLight
	statuses, _ := goalStatuses(rec, studentID, today, cal)
	for _, gs := range statuses {
		if lightRank[gs.Report.Status] > lightRank[best.Status] {
			best = studentLight{Status: gs.Report.Status}
		}
	}
	return best
}

// goalStatus is one active goal's report as the lists compute it: its
// status and overdue flag are the full report's (DOMAIN.md §3.6, §3.8);
// the rest of it (trend, decision, delivery) is not, and is not shown from
// here.
type goalStatus struct {
	Goal   repo.Doc[record.Goal]
	Report progress.Report
}

// goalStatuses computes the status of each of the student's active goals
// as of today, reading the goals, their plans and the student's newest
// probes once (statusProbes), each probe decoded once. It also returns the
// probes read. These are the records the three-point status and the
// overdue flag read (DOMAIN.md §3.6, §3.8): the goal, its plan (the probe
// interval) and the probes; the breaks come as the school's calendar
// (schoolCalendar). Sessions only feed delivery and the decision's gate,
// and are by far the most records (two years of a group's sessions per
// goal): leaving them out keeps a 500-student list fast (docs/perf/app.md)
// without changing the status.
func goalStatuses(rec Records, studentID string, today record.Date, cal progress.Calendar) ([]goalStatus, []record.Envelope) {
	goalEnvs, _ := rec.ListByRef(record.TypeGoal, studentID)
	var goals []repo.Doc[record.Goal]
	var goalParts []progress.Decoded
	for _, e := range goalEnvs {
		// Decoded once, as the report decodes it: a goal the report cannot
		// read has no status.
		d := progress.Decode(e)
		if g, ok := d.Value().(record.Goal); ok && g.Active() {
			goals = append(goals, repo.Doc[record.Goal]{ID: e.ID, HLC: e.HLC, Restricted: e.Restricted, Data: g})
			goalParts = append(goalParts, d)
		}
	}
	if len(goals) == 0 {
		return nil, nil
	}
	probes, probeParts := statusProbes(rec, studentID, goals, today)
	var out []goalStatus
	for i, g := range goals {
		parts := append([]progress.Decoded{goalParts[i]}, probeParts...)
		if g.Data.PlanID != "" {
			if pe, err := rec.Get(g.Data.PlanID); err == nil {
				parts = append(parts, progress.Decode(pe))
			}
		}
		ds := progress.NewDatasetOf(parts)
		ds.Calendar = cal
		rep, err := progress.Progress(ds, g.ID, today)
		if err != nil {
			continue
		}
		out = append(out, goalStatus{Goal: g, Report: rep})
	}
	return out, probes
}

// statusProbes are the student's newest probes up to today, and the same
// decoded for the report: back from today until they hold what the status
// and the overdue flag of every goal in goals read
// (progress.StatusProbesSuffice: the last three points of its measure), not
// two years of them (ADR 0652).
func statusProbes(rec Records, studentID string, goals []repo.Doc[record.Goal], today record.Date) ([]record.Envelope, []progress.Decoded) {
	decoded := map[string]progress.Decoded{} // a probe read again when reading further back is not decoded again
	decode := func(es []record.Envelope) []progress.Decoded {
		out := make([]progress.Decoded, len(es))
		for i, e := range es {
			d, ok := decoded[e.ID+e.HLC]
			if !ok {
				d = progress.Decode(e)
				decoded[e.ID+e.HLC] = d
			}
			out[i] = d
		}
		return out
	}
	es := repo.NewestByRef(rec, record.TypeProbe, studentID, today.String(), func(es []record.Envelope) bool {
		parts := decode(es)
		for _, g := range goals {
			if !progress.StatusProbesSuffice(g.Data, parts, today) {
				return false
			}
		}
		return true
	})
	return es, decode(es)
}

// schoolCalendar is the school's calendar breaks, decoded and merged once
// for a whole list of students (none on a store error).
func schoolCalendar(rec Records) progress.Calendar {
	es, _ := rec.List(record.TypeCalendarBreak)
	parts := make([]progress.Decoded, len(es))
	for i, e := range es {
		parts[i] = progress.Decode(e)
	}
	return progress.CalendarOf(parts)
}

// text is the light's shape and words ("▼ Below the aimline").
func (l studentLight) text() string {
	switch l.Status {
	case progress.Green:
		return "▲ " + lang.L("student.light.green")
	case progress.Yellow:
		return "◆ " + lang.L("student.light.yellow")
	case progress.Red:
		return "▼ " + lang.L("student.light.red")
	case progress.Grey:
		return "○ " + lang.L("student.light.grey")
	}
	return lang.L("student.light.none")
}

func (l studentLight) color() color.Color {
	switch l.Status {
	case progress.Green:
		return theme.Color(theme.ColorNameSuccess)
	case progress.Yellow:
		return theme.Color(theme.ColorNameWarning)
	case progress.Red:
		return theme.Color(theme.ColorNameError)
	}
	return theme.Color(theme.ColorNameDisabled)
}

// view is the dot with the shape and words; known false while the light is
// still being worked out (the row keeps its height either way).
func (l studentLight) view(known bool) fyne.CanvasObject {
	dot := canvas.NewCircle(l.color())
	dot.StrokeColor = theme.Color(theme.ColorNameForeground)
	dot.StrokeWidth = 1
	if l.Status == "" {
		dot.FillColor = color.Transparent
	}
	txt := l.text()
	if !known {
		txt, dot.FillColor = "…", color.Transparent
	}
	lbl := widget.NewLabel(txt)
	lbl.SizeName = theme.SizeNameCaptionText
	return container.NewBorder(nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSize(18, 18), dot)), nil, lbl)
}
