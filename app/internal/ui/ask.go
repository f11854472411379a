package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// question is a question asked over the screen before a step that needs a
// second look (a whole session deleted, a probe score that is hard to
// believe): its words say what the step does, No only closes it, Yes
// closes it and takes the step. Tests tap its buttons.
type question struct {
	pop     *widget.PopUp
	text    *widget.Label
	no, yes *Button
}

// ask shows a question; it replaces any question still open, and goes with
// the screen (App.show closes it).
func (a *App) ask(title, text, noLabel, yesLabel string, yesImp widget.Importance, yes func()) *question {
	a.closeQuestion()
	q := &question{text: wrapLabel(text)}
	q.no = NewButton(noLabel, a.closeQuestion)
	q.yes = newImportant(yesLabel, yesImp, func() {
		a.closeQuestion()
		yes()
	})
	body := container.NewVBox(heading(title), q.text, container.NewGridWithColumns(2, q.no, q.yes))
	q.pop = widget.NewModalPopUp(container.NewPadded(body), a.win.Canvas())
	w := min(float32(560), a.win.Canvas().Size().Width-40)
	q.pop.Resize(fyne.NewSize(w, body.MinSize().Height+20))
	q.pop.Show()
	a.question = q
	return q
}

// closeQuestion closes the open question, if any.
func (a *App) closeQuestion() {
	if a.question != nil {
		a.question.pop.Hide()
		a.question = nil
	}
}

// Question is the open question's words ("" when none; tests).
func (a *App) Question() string {
	if a.question == nil {
		return ""
	}
	return a.question.text.Text
}
