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
// a shape and a word beside the colour, so it never relies on colour alone,
// and the decision the data supports.

// studentLight is one student's light on the list.
type studentLight struct {
	Status   string // progress.Green, Yellow, Red, Grey; "" without an active goal
	Decision string // the decision code of the goal shown
}

// lightRank orders statuses by how much they ask for attention: a student
// with several active goals shows the most urgent (ADR 0620).
var lightRank = map[string]int{progress.Red: 4, progress.Grey: 3, progress.Yellow: 2, progress.Green: 1}

// lightOf computes the student's light over their active goals as of today.
func lightOf(rec Records, studentID string, today record.Date) studentLight {
	var best studentLight
	for _, g := range repo.ListByRef[record.Goal](rec, studentID) {
		if g.Data.Status != "" && g.Data.Status != "active" {
			continue
		}
		rep, err := progress.Progress(progress.NewDataset(gatherProgress(rec, g.ID)), g.ID, today)
		if err != nil {
			continue
		}
		if lightRank[rep.Status] > lightRank[best.Status] {
			best = studentLight{Status: rep.Status, Decision: rep.Decision.Code}
		}
	}
	return best
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

// view is the dot, the shape and words, and the decision in words.
func (l studentLight) view() fyne.CanvasObject {
	dot := canvas.NewCircle(l.color())
	dot.StrokeColor = theme.Color(theme.ColorNameForeground)
	dot.StrokeWidth = 1
	if l.Status == "" {
		dot.FillColor = color.Transparent
	}
	txt := l.text()
	if l.Status != "" && l.Decision != "" {
		txt += " · " + decisionWords(l.Decision)
	}
	lbl := widget.NewLabel(txt)
	lbl.SizeName = theme.SizeNameCaptionText
	return container.NewBorder(nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSize(18, 18), dot)), nil, lbl)
}
