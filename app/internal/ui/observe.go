package ui

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/repo"
	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// A coach's observations on the tablet (DOMAIN.md §2 `observation`,
// §3.7a): anyone who is not the session's interventionist (a coach, an
// admin) opens a session delivered today and marks its checklist independently,
// with quality, engagement and a note. The observation is saved on the
// tablet first, as any record, and syncs; the interventionist's tablet
// shows it on the session (observedBlock). Who may observe is
// progress.CheckObserve's rule.

// observeRefusal is progress.CheckObserve for the person using this
// tablet and the stored session s: ObserveAllowed or the reason of the
// refusal. A group that names no interventionist counts the person whose
// tablet last wrote the session as having run it (ADR 0030).
func (a *App) observeRefusal(s repo.Doc[record.Session]) progress.ObserveRefusal {
	me, _ := a.me()
	g, _ := repo.Get[record.Group](a.cfg.Records, s.Data.GroupID)
	if g.Data.InterventionistID == "" && writtenHere(a.cfg.Records, s.HLC) || a.isMe(g.Data.InterventionistID) {
		g.Data.InterventionistID = me
	}
	return progress.CheckObserve(s.Data, g.Data, me, record.DateOf(a.cfg.Now()))
}

// writtenHere: the version with HLC version was written by this tablet.
func writtenHere(r Records, version string) bool {
	ts, err := hlc.Parse(version)
	return err == nil && ts.Node.String() == r.DeviceID()
}

// myObservation is the id of this person's observation of the session, ""
// when there is none (observing again corrects it).
func (a *App) myObservation(sessionID string) (string, record.Observation) {
	for _, o := range repo.ListByRef[record.Observation](a.cfg.Records, sessionID) {
		if a.isMe(o.Data.ObserverID) {
			return o.ID, o.Data
		}
	}
	return "", record.Observation{}
}

// --- the sessions one may observe today ---------------------------------------

// observeList lists today's delivered sessions the person may observe.
type observeList struct {
	a    *App
	root fyne.CanvasObject
	box  *fyne.Container
	// rows: session id → its row (tests tap them).
	rows map[string]*tapRow
}

func newObserveList(a *App) *observeList {
	s := &observeList{a: a, box: container.NewVBox()}
	s.root = vscroll(container.NewPadded(s.box))
	return s
}

func (s *observeList) title() string              { return lang.L("observe.list.title") }
func (s *observeList) content() fyne.CanvasObject { return s.root }

func (s *observeList) refresh() {
	r := s.a.cfg.Records
	today := record.DateOf(s.a.cfg.Now()).String()
	type row struct {
		doc   repo.Doc[record.Session]
		group string
	}
	var rows []row
	for _, g := range repo.List[record.Group](r) {
		es, _ := r.ListByRefDates(record.TypeSession, g.ID, today, today)
		for _, e := range es {
			d, ok := repo.Decode[record.Session](e)
			if ok && s.a.observeRefusal(d) == progress.ObserveAllowed {
				rows = append(rows, row{d, g.Data.Name})
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].doc.Data.StartedAt != rows[j].doc.Data.StartedAt {
			return rows[i].doc.Data.StartedAt < rows[j].doc.Data.StartedAt
		}
		return rows[i].group < rows[j].group
	})
	s.rows = map[string]*tapRow{}
	objs := []fyne.CanvasObject{wrapLabel(lang.L("observe.list.intro"))}
	for _, x := range rows {
		id := x.doc.ID
		text := lang.L("observe.list.row", map[string]any{"Group": x.group, "Program": programName(r, x.doc.Data.ProgramID),
			"Minutes": sayNum(x.doc.Data.Minutes)})
		if mine, _ := s.a.myObservation(id); mine != "" {
			text = lang.L("observe.list.row_observed", map[string]any{"Row": text})
		}
		b := rowButton(text, func() { s.a.push(newObserveScreen(s.a, id)) })
		s.rows[id] = b
		objs = append(objs, b)
	}
	if len(rows) == 0 {
		objs = append(objs, wrapLabel(lang.L("observe.list.none")))
	}
	s.box.Objects = []fyne.CanvasObject{card(objs...)}
	s.box.Refresh()
}

// programName is a program's name, or words saying it is not synced yet.
func programName(r Records, id string) string {
	if p, ok := repo.Get[record.Program](r, id); ok {
		return p.Data.Name
	}
	return lang.L("observe.program_unknown")
}

// --- observing one session ----------------------------------------------------

// observeStep is one checklist step with its three marks.
type observeStep struct {
	id                  string
	label               *widget.Label
	done, skipped, notA *Button
}

// observeScreen is the observation form of one session.
type observeScreen struct {
	a         *App
	sessionID string
	// id is the observation being corrected, "" for a new one.
	id    string
	prior record.Observation
	sess  repo.Doc[record.Session]
	found bool

	marks      map[string]string // step id → done, skipped or na
	steps      []*observeStep
	quality    *widget.Select
	engagement *widget.Select
	note       *widget.Entry
	save       *Button
	root       fyne.CanvasObject
}

// The 1–4 scales of quality and engagement (DOMAIN.md §2 observation).
var (
	qualityIDs    = []string{"observe.quality.1", "observe.quality.2", "observe.quality.3", "observe.quality.4"}
	engagementIDs = []string{"observe.engagement.1", "observe.engagement.2", "observe.engagement.3", "observe.engagement.4"}
)

// scaleSelect offers "not rated" and the four levels of ids, with current
// chosen (nil: not rated).
func scaleSelect(ids []string, current *float64) *widget.Select {
	opts := []string{lang.L("observe.not_rated")}
	for _, id := range ids {
		opts = append(opts, lang.L(id))
	}
	s := widget.NewSelect(opts, nil)
	s.SetSelectedIndex(0)
	if current != nil && *current >= 1 && *current <= 4 && *current == float64(int(*current)) {
		s.SetSelectedIndex(int(*current))
	}
	return s
}

// scaleValue is the level chosen in s, nil when not rated.
func scaleValue(s *widget.Select) *float64 {
	if i := s.SelectedIndex(); i >= 1 && i <= 4 {
		return ptr(float64(i))
	}
	return nil
}

func newObserveScreen(a *App, sessionID string) *observeScreen {
	s := &observeScreen{a: a, sessionID: sessionID, marks: map[string]string{}}
	s.sess, s.found = repo.Get[record.Session](a.cfg.Records, sessionID)
	s.id, s.prior = a.myObservation(sessionID)
	for _, m := range s.prior.Fidelity {
		if _, seen := s.marks[m.StepID]; !seen {
			s.marks[m.StepID] = m.Status
		}
	}
	s.build()
	return s
}

func (s *observeScreen) title() string {
	if !s.found {
		return lang.L("observe.title_unknown")
	}
	return lang.L("observe.title", map[string]any{"Group": groupName(s.a.cfg.Records, s.sess.Data.GroupID),
		"Date": prettyDate(s.sess.Data.Date)})
}

func (s *observeScreen) content() fyne.CanvasObject { return s.root }
func (s *observeScreen) refresh()                   {}
func (s *observeScreen) editing() bool              { return true }

// groupName is a group's name, or words saying it is not synced yet.
func groupName(r Records, id string) string {
	if g, ok := repo.Get[record.Group](r, id); ok {
		return g.Data.Name
	}
	return lang.L("observe.group_unknown")
}

func (s *observeScreen) build() {
	if !s.found {
		s.root = container.NewPadded(wrapLabel(lang.L("observe.session_gone")))
		return
	}
	steps := container.NewVBox(heading(lang.L("observe.checklist")), wrapLabel(lang.L("observe.checklist_help")))
	var program []record.Step
	if p, ok := repo.Get[record.Program](s.a.cfg.Records, s.sess.Data.ProgramID); ok {
		program = p.Data.Steps
	}
	for i, st := range program {
		r := &observeStep{id: st.ID, label: wrapLabel(lang.L("observe.step", map[string]any{"N": i + 1, "Text": st.Text}))}
		id := st.ID
		r.done = NewButton(lang.L("observe.done"), func() { s.mark(id, record.StepDone) })
		r.skipped = NewButton(lang.L("observe.skipped"), func() { s.mark(id, record.StepSkipped) })
		r.notA = NewButton(lang.L("observe.na"), func() { s.mark(id, record.StepNA) })
		s.steps = append(s.steps, r)
		btns := container.NewGridWithColumns(3, r.done, r.skipped, r.notA)
		// As tall as a button needs, as on the session screen.
		h := max(MinTarget, r.done.MinSize().Height)
		steps.Add(container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(330, h), btns), r.label))
	}
	if len(program) == 0 {
		steps.Add(wrapLabel(lang.L("observe.no_program")))
	}
	s.quality = scaleSelect(qualityIDs, s.prior.Quality)
	s.engagement = scaleSelect(engagementIDs, s.prior.Engagement)
	s.note = widget.NewMultiLineEntry()
	s.note.Wrapping = fyne.TextWrapWord
	s.note.SetMinRowsVisible(4)
	s.note.SetPlaceHolder(lang.L("observe.note_hint"))
	s.note.SetText(s.prior.Note)
	s.save = newImportant(lang.L("observe.save"), widget.HighImportance, s.tapSave)
	form := widget.NewForm(widget.NewFormItem(lang.L("observe.quality"), s.quality),
		widget.NewFormItem(lang.L("observe.engagement"), s.engagement), widget.NewFormItem(lang.L("observe.note"), s.note))
	var page *container.Scroll
	page = vscroll(container.NewPadded(container.NewVBox(
		wrapLabel(lang.L("observe.intro", map[string]any{"Program": programName(s.a.cfg.Records, s.sess.Data.ProgramID)})),
		steps, wheelThrough(form, func() *container.Scroll { return page }), s.save)))
	s.root = page
	s.showMarks()
}

// mark sets step id's mark; the same mark again clears it.
func (s *observeScreen) mark(id, status string) {
	if s.marks[id] == status {
		delete(s.marks, id)
	} else {
		s.marks[id] = status
	}
	s.showMarks()
}

// showMarks lights each step's chosen mark.
func (s *observeScreen) showMarks() {
	for _, r := range s.steps {
		for status, b := range map[string]*Button{record.StepDone: r.done, record.StepSkipped: r.skipped, record.StepNA: r.notA} {
			imp := widget.MediumImportance
			if s.marks[r.id] == status {
				imp = widget.HighImportance
			}
			if b.Importance != imp {
				b.Importance = imp
				b.Refresh()
			}
		}
	}
}

// observation is the record the form holds: the marks in the program's
// order, then marks of steps this tablet's program no longer lists (kept,
// as §3.7 counts them).
func (s *observeScreen) observation() record.Observation {
	me, _ := s.a.me()
	o := s.prior // fields another app added are kept by the store's Put
	o.SessionID, o.ObserverID, o.Date = s.sessionID, me, s.sess.Data.Date
	o.Fidelity = []record.StepMark{}
	listed := map[string]bool{}
	for _, r := range s.steps {
		listed[r.id] = true
		if st, ok := s.marks[r.id]; ok {
			o.Fidelity = append(o.Fidelity, record.StepMark{StepID: r.id, Status: st})
		}
	}
	var others []string
	for id := range s.marks {
		if !listed[id] {
			others = append(others, id)
		}
	}
	sort.Strings(others)
	for _, id := range others {
		o.Fidelity = append(o.Fidelity, record.StepMark{StepID: id, Status: s.marks[id]})
	}
	o.Quality, o.Engagement = scaleValue(s.quality), scaleValue(s.engagement)
	o.Note = strings.TrimSpace(s.note.Text)
	return o
}

func (s *observeScreen) tapSave() {
	if !s.found {
		return
	}
	// The rule again at the save: the day may have turned, the session
	// may have been reopened on its tablet and synced since.
	if cur, ok := repo.Get[record.Session](s.a.cfg.Records, s.sessionID); ok {
		s.sess = cur
	}
	if why := s.a.observeRefusal(s.sess); why != progress.ObserveAllowed {
		s.a.warn(lang.L("observe.refused." + string(why)))
		return
	}
	if _, err := s.a.put(record.TypeObservation, s.id, s.observation(), false); err != nil {
		return
	}
	s.a.Back()
	s.a.say(lang.L("observe.saved"))
}

// --- the observations of a session, on its screen -----------------------------

// observedBlock shows a delivered session's observations (the coach's
// marks, agreement, quality, engagement and note: DOMAIN.md §3.7a, the
// interventionist sees what the coach saw) and, for a person who may
// observe it, the button that does.
type observedBlock struct {
	a         *App
	sessionID string
	box       *fyne.Container
	observe   *Button
	// lines are the observations as shown (tests read them).
	lines []string
}

func newObservedBlock(a *App, sessionID string) *observedBlock {
	b := &observedBlock{a: a, sessionID: sessionID, box: container.NewVBox()}
	b.observe = NewButton(lang.L("observe.this_session"), func() { a.push(newObserveScreen(a, sessionID)) })
	return b
}

func (b *observedBlock) refresh() {
	r := b.a.cfg.Records
	sess, ok := repo.Get[record.Session](r, b.sessionID)
	obs := repo.ListByRef[record.Observation](r, b.sessionID)
	sortDocs(obs, func(x, y record.Observation) bool { return x.ObserverID < y.ObserverID })
	b.lines = nil
	var objs []fyne.CanvasObject
	if ok && len(obs) > 0 {
		objs = append(objs, heading(lang.L("observe.block.title")))
		prog, _ := repo.Get[record.Program](r, sess.Data.ProgramID)
		for _, o := range obs {
			line := observationText(b.a, sess.Data, o.Data, prog.Data)
			b.lines = append(b.lines, line)
			objs = append(objs, wrapLabel(line))
		}
	}
	if ok && b.a.observeRefusal(sess) == progress.ObserveAllowed {
		objs = append(objs, container.NewHBox(b.observe))
	}
	b.box.Objects = objs
	if len(objs) == 0 {
		b.box.Hide()
	} else {
		b.box.Show()
	}
	b.box.Refresh()
}

// observationText says one observation: who, the steps seen done, the
// agreement with the session's own marks, quality, engagement, and the
// coach's note on its own line.
func observationText(a *App, s record.Session, o record.Observation, prog record.Program) string {
	who := lang.L("observe.who.colleague")
	if a.isMe(o.ObserverID) {
		who = lang.L("observe.who.you")
	}
	sp := progress.In(applang.Current())
	var parts []string
	if len(prog.Steps) > 0 {
		done, applicable := 0, 0
		for _, m := range progress.SessionMarks(record.Session{Fidelity: o.Fidelity}, prog) {
			switch m.Status {
			case record.StepDone:
				done++
				applicable++
			case record.StepSkipped:
				applicable++
			}
		}
		parts = append(parts, lang.L("observe.block.steps", map[string]any{"Done": done, "Applicable": applicable}))
		if pct, ok := progress.Agreement(s, o, prog); ok {
			parts = append(parts, lang.L("observe.block.agreement", map[string]any{"Pct": sp.Number(fmtShare(pct))}))
		}
	}
	if o.Quality != nil {
		parts = append(parts, lang.L("observe.block.quality", map[string]any{"N": sp.Number(fmtNum(*o.Quality))}))
	}
	if o.Engagement != nil {
		parts = append(parts, lang.L("observe.block.engagement", map[string]any{"N": sp.Number(fmtNum(*o.Engagement))}))
	}
	text := lang.L("observe.block.head", map[string]any{"Who": who})
	if len(parts) > 0 {
		text = lang.L("observe.block.line", map[string]any{"Head": text, "Parts": strings.Join(parts, lang.L("observe.block.sep"))})
	}
	if o.Note != "" {
		text += "\n" + lang.L("observe.block.note", map[string]any{"Note": o.Note})
	}
	return text
}
