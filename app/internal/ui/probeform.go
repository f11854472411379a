package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// probeFormPicker is the probe screen's choice of the district's form
// (DOMAIN.md §2 `probe_form`): it suggests the next form of the rotation
// (progress.NextProbeForm) and the person may choose another. It is hidden
// when the district has no form for the measure and the student's grade.
type probeFormPicker struct {
	a         *App
	studentID string
	grade     string
	forms     []progress.FormChoice
	// suggested is the form id the rotation suggests, "" for none.
	suggested string
	// label, sel and hint are laid out by the probe screen (the form's
	// row aligned with the goal's); all three hide together.
	label *widget.Label
	sel   *widget.Select
	hint  *widget.Label
}

func newProbeFormPicker(a *App, studentID string) *probeFormPicker {
	p := &probeFormPicker{a: a, studentID: studentID}
	if st, ok := repo.Get[record.Student](a.cfg.Records, studentID); ok {
		p.grade = st.Data.Grade
	}
	p.sel = widget.NewSelect(nil, nil)
	p.hint = wrapLabel("")
	p.hint.SizeName = "helperText"
	p.label = widget.NewLabel(lang.L("probe.form.label"))
	p.show(false)
	return p
}

// formLabel is a form as the choice lists it: "A2 · The big dog".
func formLabel(f record.ProbeForm) string {
	return lang.L("probe.form.option", map[string]any{"Form": f.FormID, "Title": f.FormTitle})
}

// update lists the forms of measure and chooses the suggested one (after
// a probe is saved the suggestion moves on to the next form).
func (p *probeFormPicker) update(measure string) {
	es, _ := p.a.cfg.Records.List(record.TypeProbeForm)
	today := record.DateOf(p.a.cfg.Now())
	p.forms = progress.ProbeForms(es, measure, p.grade)
	p.suggested = ""
	if len(p.forms) == 0 {
		p.sel.Options = nil
		p.sel.ClearSelected()
		p.show(false)
		return
	}
	next, _ := progress.NextProbeForm(es, otherProbes(p.a.cfg.Records, p.studentID, ""), measure, p.grade, today)
	p.suggested = next.Form.FormID
	opts := make([]string, len(p.forms))
	for i, f := range p.forms {
		opts[i] = formLabel(f.Form)
	}
	p.sel.Options = opts
	p.sel.SetSelected(formLabel(next.Form))
	p.hint.SetText(lang.L("probe.form.suggested", map[string]any{"Form": next.Form.FormID}))
	p.show(true)
}

// show shows or hides the form's choice.
func (p *probeFormPicker) show(on bool) {
	for _, o := range []fyne.CanvasObject{p.label, p.sel, p.hint} {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
}

// shown: the district has forms for the measure and grade.
func (p *probeFormPicker) shown() bool { return p.sel.Visible() }

// formID is the chosen form's id, "" when none is chosen or offered.
func (p *probeFormPicker) formID() string {
	if i := p.sel.SelectedIndex(); i >= 0 && i < len(p.forms) && p.shown() {
		return p.forms[i].Form.FormID
	}
	return ""
}
