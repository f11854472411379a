package ui

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/repo"
	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Editing and deleting what was saved (ADR 0620, "Mistakes cannot be
// fixed"): a probe, a note or a team decision opens in a form from its row
// on the student screen; Save writes a new version and Delete a tombstone,
// each with the undo bar (undo.go). A record is never changed in place: the
// edit is one more version, so every tablet converges on it (ADR 0620).

// A version written more than editedAfter after the record was made is
// shown as "edited": the seconds a save takes, and the few minutes an HLC
// may run ahead of the id's clock (PROTOCOL §3 allows 5), are not an edit.
// Beyond editedWithin the id's time is not believed: ids made by another
// program (the demo numbers its own) need not carry the real creation time.
const (
	editedAfter  = 10 * time.Minute
	editedWithin = 366 * 24 * time.Hour
)

// editedAt reports when a record was last changed, if that was after it
// was created: the creation time is in its UUIDv7 id, the last change's in
// its HLC (PROTOCOL §2, §3), so this works for records made on any tablet.
func editedAt(id, version string) (time.Time, bool) {
	created, ok := uuidV7Time(id)
	if !ok {
		return time.Time{}, false
	}
	ts, err := hlc.Parse(version)
	if err != nil {
		return time.Time{}, false
	}
	changed := time.UnixMilli(ts.Wall)
	if d := changed.Sub(created); d < editedAfter || d > editedWithin {
		return time.Time{}, false
	}
	return changed, true
}

// uuidV7Time is the creation time a UUIDv7 carries in its first 48 bits.
func uuidV7Time(id string) (time.Time, bool) {
	if !record.IsID(id) || id[14] != '7' {
		return time.Time{}, false
	}
	ms, err := strconv.ParseInt(id[0:8]+id[9:13], 16, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// editedNote is " · edited Tue 4 Mar" for an edited record, else "".
func editedNote(id, version string) string {
	if t, ok := editedAt(id, version); ok {
		return lang.L("forms.edit.edited", map[string]any{"Date": dayOf(t)})
	}
	return ""
}

// dayOf is the local day of an instant as the screens write a date.
func dayOf(t time.Time) string { return prettyDate(record.DateOf(t.Local()).String()) }

// historyLabel lists the earlier versions of id kept on this tablet
// ("Saved Mon 17 Mar 10:42: 25 correct"), or says there are none.
func historyLabel(a *App, id string, line func(record.Envelope) string) *widget.Label {
	h, err := a.cfg.Records.History(id)
	if err != nil || len(h) == 0 {
		l := wrapLabel(lang.L("forms.edit.no_history"))
		l.SizeName = "helperText"
		return l
	}
	lines := []string{lang.L("forms.edit.history")}
	for _, e := range h {
		when := ""
		if ts, err := hlc.Parse(e.HLC); err == nil {
			t := time.UnixMilli(ts.Wall)
			when = dayOf(t) + " " + t.Local().Format("15:04")
		}
		lines = append(lines, lang.L("forms.edit.history_line", map[string]any{"When": when, "Text": line(e)}))
	}
	l := wrapLabel(strings.Join(lines, "\n"))
	l.SizeName = "helperText"
	return l
}

// tapRow is one saved record in a list: its text, wrapped (a note or a
// rationale can be long; a button would not wrap and would widen the page),
// with a "›" that says it opens, and at least MinTarget tall. Tapping it
// opens the record to correct or delete it.
type tapRow struct {
	widget.Label
	OnTapped func()
}

// rowButton makes a tapRow.
func rowButton(text string, tapped func()) *tapRow {
	r := &tapRow{OnTapped: tapped}
	r.Text = text + "  ›"
	r.Wrapping = fyne.TextWrapWord
	r.ExtendBaseWidget(r)
	return r
}

// Tapped implements fyne.Tappable.
func (r *tapRow) Tapped(*fyne.PointEvent) {
	if r.OnTapped != nil {
		r.OnTapped()
	}
}

// FocusGained, FocusLost, TypedRune and TypedKey make a row reachable with
// Tab and opened with Enter or Space, like a button (keyboard users, ADR
// 0620); the focused row is underlined.
func (r *tapRow) FocusGained() { r.TextStyle.Underline = true; r.Refresh() }

// FocusLost implements fyne.Focusable.
func (r *tapRow) FocusLost() { r.TextStyle.Underline = false; r.Refresh() }

// TypedRune implements fyne.Focusable: Space opens the row.
func (r *tapRow) TypedRune(c rune) {
	if c == ' ' {
		r.Tapped(nil)
	}
}

// TypedKey implements fyne.Focusable: Enter opens the row.
func (r *tapRow) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		r.Tapped(nil)
	}
}

// Cursor is the pointing hand on a desktop.
func (r *tapRow) Cursor() desktop.Cursor { return desktop.PointerCursor }

// MinSize is at least MinTarget tall (a touch target).
func (r *tapRow) MinSize() fyne.Size {
	return r.Label.MinSize().Max(fyne.NewSize(0, MinTarget))
}

// withDelete adds a Delete button beside the form's Save.
func withDelete(f *formScreen, label string, del func()) *Button {
	d := newImportant(label, widget.DangerImportance, del)
	objs := append(append([]fyne.CanvasObject{}, f.extra...), f.form, container.NewGridWithColumns(2, d, f.Save))
	f.root = vscroll(container.NewPadded(container.NewVBox(objs...)))
	return d
}

// --- probe -------------------------------------------------------------------

// probeText is a probe's line on the student screen.
func probeText(p repo.Doc[record.Probe]) string {
	t := lang.L("forms.probe.row", map[string]any{"Date": prettyDate(p.Data.Date),
		"Measure": progress.In(applang.Current()).Measure(p.Data.Measure).Name, "Score": sayNum(p.Data.Score)})
	if p.Data.Errors != nil {
		n := *p.Data.Errors
		t += lang.N("forms.probe.row_errors", int(n), map[string]any{"Count": sayNum(n)})
	}
	if p.Data.RawScore != nil {
		t += lang.L("forms.probe.row_prorated", map[string]any{"Raw": sayNum(*p.Data.RawScore), "Seconds": sayNum(p.Data.Seconds)})
	}
	if p.Data.FormID != "" {
		t += lang.L("forms.probe.row_form", map[string]any{"Form": p.Data.FormID})
	}
	return t + editedNote(p.ID, p.HLC)
}

// probeEdit corrects or deletes a saved probe: its date, the count read
// and the seconds it took (record.Probe.SetCount turns them into the stored
// score, prorating a passage finished early), and errors. The fields are
// filled from the stored values, never from the rounded display.
type probeEdit struct {
	*formScreen
	date, score, secs, errs *widget.Entry
	del                     *Button
	// confirmed is the reading the person said was right when asked
	// (record.CheckProbe); saving it again asks no more.
	confirmed *record.Probe
}

func newProbeEdit(a *App, id string) screen {
	d, ok := repo.Get[record.Probe](a.cfg.Records, id)
	if !ok {
		f := newFormScreen(a, lang.L("forms.probe.title_gone"), nil, func() bool { return false }, wrapLabel(lang.L("forms.probe.gone")))
		f.Save.Hide()
		return f
	}
	p := d.Data
	e := &probeEdit{}
	e.date = entryWith(p.Date, lang.L("forms.date_hint"))
	count, secs := p.Count()
	e.score = entryWith(record.FormatInput(count), lang.L("forms.eg", map[string]any{"Example": "47"}))
	e.secs = entryWith(record.FormatInput(secs), "60")
	e.errs = entryWith("", lang.L("forms.probe.errors_hint"))
	if p.Errors != nil {
		e.errs.SetText(record.FormatInput(*p.Errors))
	}
	name := studentName(a.cfg.Records, p.StudentID)
	intro := lang.L("forms.probe.intro", map[string]any{"Measure": progress.In(applang.Current()).Measure(p.Measure).Name,
		"Date": prettyDate(p.Date), "Edited": editedNote(d.ID, d.HLC), "Min": record.MinProbeSeconds})
	if p.FormID != "" {
		intro += " " + lang.L("forms.probe.intro_form", map[string]any{"Form": p.FormID})
	}
	e.formScreen = newFormScreen(a, lang.L("probe.title", map[string]any{"Name": name}), []*widget.FormItem{
		widget.NewFormItem(lang.L("forms.probe.date"), e.date), widget.NewFormItem(lang.L("forms.probe.count"), e.score),
		widget.NewFormItem(lang.L("forms.probe.seconds"), e.secs), widget.NewFormItem(lang.L("forms.probe.errors"), e.errs),
	}, func() bool {
		next, ok := e.read(a, p)
		if !ok || !e.plausible(a, id, p, next, name) {
			return false
		}
		return a.putUndoable(lang.L("forms.probe.changed", map[string]any{"Score": sayNum(next.Score), "Date": prettyDate(next.Date)}),
			record.TypeProbe, id, next, false)
	}, wrapLabel(intro), historyLabel(a, id, func(e record.Envelope) string {
		if d, ok := repo.Decode[record.Probe](e); ok {
			return stripEdited(probeText(d))
		}
		return lang.L("forms.edit.unreadable")
	}))
	e.del = withDelete(e.formScreen, lang.L("forms.probe.delete"), func() {
		if a.deleteUndoable(lang.L("forms.probe.deleted", map[string]any{"Date": prettyDate(p.Date)}), id) {
			a.Back()
		}
	})
	return e
}

// read checks the form and returns the corrected probe; other fields
// (form_id, unknown ones) stay as they were.
func (e *probeEdit) read(a *App, p record.Probe) (record.Probe, bool) {
	date := strings.TrimSpace(e.date.Text)
	day, err := record.ParseDate(date)
	if err != nil {
		a.warn(lang.L("forms.probe.date_bad", map[string]any{"Today": record.DateOf(a.cfg.Now()).String()}))
		return p, false
	}
	if day > record.DateOf(a.cfg.Now()) {
		a.warn(lang.L("forms.probe.date_future"))
		return p, false
	}
	v, err := parseFigure(e.score.Text)
	if err != nil || v < 0 || v > 10000 || math.IsNaN(v) {
		a.warn(lang.L("forms.probe.count_bad"))
		return p, false
	}
	secs, err := parseFigure(e.secs.Text)
	if err != nil || secs < record.MinProbeSeconds || secs > ProbeSeconds || math.IsNaN(secs) {
		a.warn(lang.L("forms.probe.seconds_bad", map[string]any{"Min": record.MinProbeSeconds, "Max": ProbeSeconds}))
		return p, false
	}
	p.Date = date
	p.SetCount(v, secs)
	p.Errors = nil
	if t := strings.TrimSpace(e.errs.Text); t != "" {
		n, err := parseFigure(t)
		if err != nil || n < 0 || n > 1000 || n != math.Trunc(n) {
			a.warn(lang.L("forms.probe.errors_bad"))
			return p, false
		}
		p.Errors = ptr(n)
	}
	return p, true
}

// plausible is the probe rule (record.CheckProbe) on a correction, as on
// the probe screen: a reading under 15 s is refused (read says so first),
// and a changed count or time whose score is more than twice the student's
// recent median is saved only once the person confirms it.
func (e *probeEdit) plausible(a *App, id string, stored, next record.Probe, name string) bool {
	c := record.CheckProbe(next, otherProbes(a.cfg.Records, next.StudentID, id))
	if c.TooShort {
		_, secs := next.Count()
		a.warn(tooShortText(secs))
		return false
	}
	if !c.Confirm || sameReading(&stored, next) || sameReading(e.confirmed, next) {
		return true
	}
	a.ask(lang.L("probe.check_title"), implausibleText(name, next, c), lang.L("probe.check_again"),
		lang.L("probe.check_save", map[string]any{"Score": sayNum(next.Score)}), widget.WarningImportance, func() {
			e.confirmed = &next
			e.Save.OnTapped()
		})
	return false
}

// --- note --------------------------------------------------------------------

// canEditNote: a note is corrected by its author (or an admin); the others
// read it. A restricted note is only ever listed for those two (ADR 0601).
func (a *App) canEditNote(n repo.Doc[record.Note]) bool {
	_, admin := a.me()
	return admin || a.isMe(n.Data.AuthorID)
}

// noteEdit corrects or deletes a note. A restricted note stays restricted
// (repo.PutNote never lifts it), and so does its undo.
type noteEdit struct {
	*formScreen
	body     *widget.Entry
	category *widget.Select
	private  *widget.Check
	del      *Button
}

func newNoteEdit(a *App, id string) screen {
	d, ok := repo.Get[record.Note](a.cfg.Records, id)
	if !ok || !a.canEditNote(d) {
		f := newFormScreen(a, lang.L("forms.note.title_gone"), nil, func() bool { return false }, wrapLabel(lang.L("forms.note.gone")))
		f.Save.Hide()
		return f
	}
	n := d.Data
	e := &noteEdit{}
	e.body = widget.NewMultiLineEntry()
	e.body.Wrapping = fyne.TextWrapWord
	e.body.SetMinRowsVisible(4)
	e.body.SetText(n.Body)
	e.category = newCategorySelect(n.Category)
	e.private = widget.NewCheck(lang.L("forms.note.restricted"), nil)
	if d.Restricted {
		e.private.SetChecked(true)
		e.private.Disable() // PROTOCOL §6: an edit never lifts the restriction
	}
	e.formScreen = newFormScreen(a, lang.L("forms.note.title", map[string]any{"Name": studentName(a.cfg.Records, n.StudentID)}), []*widget.FormItem{
		widget.NewFormItem(lang.L("forms.note.body"), e.body), widget.NewFormItem(lang.L("forms.note.category"), e.category), widget.NewFormItem("", e.private),
	}, func() bool {
		next := n
		next.Body = strings.TrimSpace(e.body.Text)
		if next.Body == "" {
			a.warn(lang.L("forms.note.empty"))
			return false
		}
		next.Category = chosenCategory(e.category)
		prev, err := a.cfg.Records.Get(id)
		if err != nil {
			a.warn(lang.L("forms.note.gone_save"))
			return false
		}
		doc, err := repo.PutNote(context.Background(), a.cfg.Records, id, next, e.private.Checked)
		if err != nil {
			a.warn(lang.L("forms.not_saved", map[string]any{"Reason": PlainError(err)}))
			return false
		}
		a.offerUndo(lang.L("forms.note.changed"), id, doc.HLC, &prev)
		return true
	}, wrapLabel(lang.L("forms.note.written", map[string]any{"Date": prettyDate(createdDate(d.ID)), "Edited": editedNote(d.ID, d.HLC)})),
		historyLabel(a, id, func(e record.Envelope) string {
			if d, ok := repo.Decode[record.Note](e); ok {
				return stripEdited(noteText(d))
			}
			return lang.L("forms.edit.unreadable")
		}))
	e.del = withDelete(e.formScreen, lang.L("forms.note.delete"), func() {
		if a.deleteUndoable(lang.L("forms.note.deleted"), id) {
			a.Back()
		}
	})
	return e
}

// createdDate is the day a record was created (from its UUIDv7 id).
func createdDate(id string) string {
	if t, ok := uuidV7Time(id); ok {
		return record.DateOf(t.Local()).String()
	}
	return lang.L("forms.note.earlier_day")
}

// noteText is a note's line on the student screen.
func noteText(n repo.Doc[record.Note]) string {
	t := n.Data.Body
	tag := progress.In(applang.Current()).NoteCategoryWords(n.Data.Category)
	if n.Restricted {
		tag = lang.L("forms.note.tag_restricted", map[string]any{"Tag": tag})
	}
	if tag != "" {
		t = lang.L("forms.note.row", map[string]any{"Tag": tag, "Body": t})
	}
	return t + editedNote(n.ID, n.HLC)
}

// --- team decision --------------------------------------------------------

// decisionText is a team decision's line on the student screen.
func decisionText(d repo.Doc[record.Decision]) string {
	t := lang.L("forms.decision.row", map[string]any{"Date": prettyDate(d.Data.Date),
		"Decision": progress.In(applang.Current()).DecisionWords(d.Data.Code)})
	if d.Data.Rationale != "" {
		t += lang.L("forms.decision.row_rationale", map[string]any{"Rationale": d.Data.Rationale})
	}
	if d.Data.NextReviewDate != "" {
		t += lang.L("forms.decision.row_review", map[string]any{"Date": prettyDate(d.Data.NextReviewDate)})
	}
	return t + editedNote(d.ID, d.HLC)
}

// newDecisionEdit reopens a recorded team decision: the same form as a new
// one, filled in, saving over it; Delete removes it (both with undo).
func newDecisionEdit(a *App, id string) screen {
	doc, ok := repo.Get[record.Decision](a.cfg.Records, id)
	if !ok {
		f := newFormScreen(a, lang.L("forms.decision.title_gone"), nil, func() bool { return false }, wrapLabel(lang.L("forms.decision.gone")))
		f.Save.Hide()
		return f
	}
	old := doc.Data
	d := newDecisionForm(a, old.StudentID, old.GoalID, "", "")
	d.pick(old.Code)
	d.rationale.SetText(old.Rationale)
	d.review.SetText(old.NextReviewDate)
	d.formScreen.save = func() bool {
		if d.chosen == "" {
			a.warn(lang.L("forms.decision.choose"))
			return false
		}
		next := old
		next.Code, next.Rationale = d.chosen, strings.TrimSpace(d.rationale.Text)
		next.NextReviewDate = strings.TrimSpace(d.review.Text)
		return a.putUndoable(lang.L("forms.decision.changed"), record.TypeDecision, id, next, false)
	}
	e := &decisionEdit{decisionForm: d}
	e.history = historyLabel(a, id, func(v record.Envelope) string {
		if d, ok := repo.Decode[record.Decision](v); ok {
			return stripEdited(decisionText(d))
		}
		return lang.L("forms.edit.unreadable")
	})
	d.formScreen.extra = append(d.formScreen.extra, e.history)
	e.del = withDelete(d.formScreen, lang.L("forms.decision.delete"), func() {
		if a.deleteUndoable(lang.L("forms.decision.deleted", map[string]any{"Date": prettyDate(old.Date)}), id) {
			a.Back()
		}
	})
	return e
}

// decisionEdit is the team decision form over a recorded decision.
type decisionEdit struct {
	*decisionForm
	del     *Button
	history *widget.Label
}

// stripEdited drops the " · edited …" of a row's text (a history line says
// when it was saved already).
func stripEdited(s string) string {
	mark, _, _ := strings.Cut(lang.L("forms.edit.edited", map[string]any{"Date": "\x00"}), "\x00")
	if i := strings.Index(s, mark); mark != "" && i >= 0 {
		return s[:i]
	}
	return s
}
