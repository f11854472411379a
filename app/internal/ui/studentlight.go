package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// The students list shows each student's light (issue 16): the
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
	goals := repo.ListByRef[record.Goal](rec, studentID)
	probes := statusProbes(rec, studentID, goals, today)
	for _, g := range goals {
		if !g.Data.Active() {
			continue
		}
		rep, err := progress.Progress(statusDataset(goalStatusInputs(rec, g, probes), cal), g.ID, today)
		if err != nil {
			continue
		}
		if lightRank[rep.Status] > lightRank[best.Status] {
			best = studentLight{Status: rep.Status}
		}
	}
	return best
}

// statusProbes are the student's newest probes up to today: back from today
// until they hold what the status and the overdue flag of every active goal
// in goals read (progress.StatusProbesSuffice: the last three points of its
// measure), not two years of them (ADR 0652). Read once for all of the
// student's goals.
func statusProbes(rec Records, studentID string, goals []repo.Doc[record.Goal], today record.Date) []record.Envelope {
	return repo.NewestByRef(rec, record.TypeProbe, studentID, today.String(), func(es []record.Envelope) bool {
		for _, g := range goals {
			if g.Data.Active() && !progress.StatusProbesSuffice(g.Data, es, today) {
				return false
			}
		}
		return true
	})
}

// goalStatusInputs are the records the three-point status and the overdue
// flag read (DOMAIN.md §3.6, §3.8): the goal, its plan (the probe interval)
// and the student's probes (statusProbes); the breaks come as the school's
// calendar (statusDataset). Sessions only feed delivery and the decision's
// gate, and are by far the most records (two years of a group's sessions
// per goal): leaving them out keeps a 500-student list fast
// (docs/perf/app.md) without changing the status.
func goalStatusInputs(rec Records, g repo.Doc[record.Goal], probes []record.Envelope) []record.Envelope {
	ge, err := rec.Get(g.ID)
	if err != nil {
		return nil
	}
	out := []record.Envelope{ge}
	if g.Data.PlanID != "" {
		if pe, err := rec.Get(g.Data.PlanID); err == nil {
			out = append(out, pe)
		}
	}
	return append(out, probes...)
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

// statusDataset is a goal's dataset of its status inputs with the school's
// calendar.
func statusDataset(envs []record.Envelope, cal progress.Calendar) *progress.Dataset {
	ds := progress.NewDataset(envs)
	ds.Calendar = cal
	return ds
}

// text is the light's shape and words ("▼ Below the aimline").
func (l studentLight) text() string {
	switch l.Status {
	case progress.Green:
		return "▲ Above the aimline"
	case progress.Yellow:
		return "◆ Mixed"
	case progress.Red:
		return "▼ Below the aimline"
	case progress.Grey:
		return "○ Too few recent points"
	}
	return "No active goal"
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
