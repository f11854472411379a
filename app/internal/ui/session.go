package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// sessionModel is one session being run (DOMAIN.md §1 steps 1–6, §2
// `session`). Every change is one new version of the session record,
// written before the screen shows it (one local transaction per tap).
type sessionModel struct {
	rec Records
	now func() time.Time

	id        string
	s         record.Session
	groupName string
	steps     []record.Step // the program's checklist, in order
	names     map[string]string
	planned   float64 // minutes per session planned (program default), 0 if unknown
	// preFinish is the session as it ran, kept when Finish saves it: the
	// minutes can be changed and the finish undone from it (nil before a
	// finish on this screen).
	preFinish *record.Session
	// reopened is set while a finished session is being corrected
	// (sessionedit.go): its clock is not running.
	reopened *reopened
}

// newSessionModel starts a session of group groupID now: everyone present
// (DOMAIN.md §1: present by default), the timer running. One write.
func newSessionModel(ctx context.Context, rec Records, now func() time.Time, groupID string) (*sessionModel, error) {
	g, ok := repo.Get[record.Group](rec, groupID)
	if !ok {
		return nil, errors.New("this group is not on the tablet")
	}
	t := now()
	m := &sessionModel{rec: rec, now: now}
	m.s = record.Session{GroupID: groupID, ProgramID: g.Data.ProgramID, Date: record.DateOf(t).String(),
		StartedAt: t.Format(time.RFC3339), Status: record.SessionInProgress,
		Attendance: []record.Attendance{}, Fidelity: []record.StepMark{}}
	for _, sid := range g.Data.StudentIDs {
		if active(rec, sid) {
			m.s.Attendance = append(m.s.Attendance, record.Attendance{StudentID: sid, Status: record.Present})
		}
	}
	m.load()
	e, err := rec.Put(ctx, record.TypeSession, "", m.s, false)
	if err != nil {
		return nil, err
	}
	m.id = e.ID
	return m, nil
}

// loadSessionModel reopens a stored session (resume after a restart).
func loadSessionModel(ctx context.Context, rec Records, now func() time.Time, id string) (*sessionModel, error) {
	d, ok := repo.Get[record.Session](rec, id)
	if !ok {
		return nil, errors.New("this session is not on the tablet")
	}
	m := &sessionModel{rec: rec, now: now, id: id, s: d.Data}
	if m.s.Attendance == nil {
		m.s.Attendance = []record.Attendance{}
	}
	if m.s.Fidelity == nil {
		m.s.Fidelity = []record.StepMark{}
	}
	m.load()
	return m, nil
}

// load reads the group, program and names around the session; missing
// references still show (DOMAIN.md §2): steps marked but unknown to this
// tablet's copy of the program are listed by id.
func (m *sessionModel) load() {
	m.groupName = lang.L("session.group_not_synced")
	if g, ok := repo.Get[record.Group](m.rec, m.s.GroupID); ok {
		m.groupName = g.Data.Name
	}
	m.steps = nil
	if p, ok := repo.Get[record.Program](m.rec, m.s.ProgramID); ok {
		m.steps = append(m.steps, p.Data.Steps...)
		m.planned = p.Data.MinutesPerSession
	}
	known := map[string]bool{}
	for _, st := range m.steps {
		known[st.ID] = true
	}
	for _, f := range m.s.Fidelity {
		if !known[f.StepID] {
			m.steps = append(m.steps, record.Step{ID: f.StepID, Text: lang.L("session.step_unknown", map[string]any{"ID": f.StepID})})
			known[f.StepID] = true
		}
	}
	m.names = map[string]string{}
	for _, a := range m.s.Attendance {
		m.names[a.StudentID] = studentName(m.rec, a.StudentID)
	}
}

// mutate applies f to a copy of the session and writes it; on failure the
// model keeps the previous version (the screen never shows an unsaved tap).
func (m *sessionModel) mutate(ctx context.Context, f func(s *record.Session)) error {
	next := m.s
	// Copies, never nil: DOMAIN.md requires both arrays, even empty.
	next.Attendance = append(make([]record.Attendance, 0, len(m.s.Attendance)), m.s.Attendance...)
	next.Fidelity = append(make([]record.StepMark, 0, len(m.s.Fidelity)+1), m.s.Fidelity...)
	f(&next)
	if _, err := m.rec.Put(ctx, record.TypeSession, m.id, next, false); err != nil {
		return err
	}
	m.s = next
	return nil
}

func (m *sessionModel) running() bool { return m.s.Status == record.SessionInProgress }

// elapsed is the time since the session started.
func (m *sessionModel) elapsed() time.Duration {
	t, err := time.Parse(time.RFC3339, m.s.StartedAt)
	if err != nil {
		return 0
	}
	d := m.now().Sub(t)
	if d < 0 {
		return 0
	}
	return d
}

func (m *sessionModel) elapsedMinutes() float64 { return math.Floor(m.elapsed().Minutes()) }

var attendanceCycle = []string{record.Present, record.Absent, record.Late, record.LeftEarly}

// CycleAttendance moves student i to the next status: present → absent →
// late → left early → present (one tap each).
func (m *sessionModel) CycleAttendance(ctx context.Context, i int) error {
	if i < 0 || i >= len(m.s.Attendance) {
		return errors.New("no such student")
	}
	cur := m.s.Attendance[i].Status
	next := record.Present
	for k, st := range attendanceCycle {
		if st == cur {
			next = attendanceCycle[(k+1)%len(attendanceCycle)]
		}
	}
	return m.SetAttendance(ctx, i, next)
}

// SetAttendance sets student i's status. While the session runs, a late
// student's minutes hold the minute they arrived and a student who left
// early the minute they left; Finish turns these into minutes received
// (ADR 0602). An absent student gets 0 minutes.
func (m *sessionModel) SetAttendance(ctx context.Context, i int, status string) error {
	if i < 0 || i >= len(m.s.Attendance) {
		return errors.New("no such student")
	}
	at := m.elapsedMinutes()
	return m.mutate(ctx, func(s *record.Session) {
		a := &s.Attendance[i]
		a.Status = status
		switch {
		case status == record.Present:
			a.Minutes = nil
		case status == record.Absent:
			a.Minutes = ptr(0.0)
		case m.reopened != nil:
			// Corrected afterwards: the minute is not known, so the
			// finish counts the whole session (ADR 0620).
			a.Minutes = nil
		default:
			a.Minutes = ptr(at)
		}
	})
}

// stepStatus is the mark of step id ("" when not marked yet).
func (m *sessionModel) stepStatus(id string) string {
	for _, f := range m.s.Fidelity {
		if f.StepID == id {
			return f.Status
		}
	}
	return ""
}

// MarkStep marks checklist step i done, skipped or not applicable; marking
// it again with the same status clears the mark.
func (m *sessionModel) MarkStep(ctx context.Context, i int, status string) error {
	if i < 0 || i >= len(m.steps) {
		return errors.New("no such step")
	}
	id := m.steps[i].ID
	clear := m.stepStatus(id) == status
	return m.mutate(ctx, func(s *record.Session) {
		for k := range s.Fidelity {
			if s.Fidelity[k].StepID == id {
				if clear {
					s.Fidelity = append(s.Fidelity[:k], s.Fidelity[k+1:]...)
				} else {
					s.Fidelity[k].Status = status
				}
				return
			}
		}
		s.Fidelity = append(s.Fidelity, record.StepMark{StepID: id, Status: status})
	})
}

// SetNote saves the session's note (not restricted).
func (m *sessionModel) SetNote(ctx context.Context, text string) error {
	return m.mutate(ctx, func(s *record.Session) { s.Note = strings.TrimSpace(text) })
}

// AddStudentNote writes a note about one student, tied to this session.
func (m *sessionModel) AddStudentNote(ctx context.Context, studentID, author, body, category string, restricted bool) error {
	n := record.Note{StudentID: studentID, AuthorID: author, Body: strings.TrimSpace(body),
		Category: category, SessionID: m.id}
	_, err := repo.PutNote(ctx, m.rec, "", n, restricted)
	return err
}

// Finish marks the session delivered with the given minutes and turns the
// late / left-early marks into minutes received. Called again after a
// finish (the minutes changed), it starts over from the session as it ran.
func (m *sessionModel) Finish(ctx context.Context, minutes float64) error {
	if minutes <= 0 {
		return errors.New("minutes must be more than 0")
	}
	if m.running() {
		ran := m.s
		m.preFinish = &ran
	}
	if m.preFinish == nil {
		return errors.New("this session was not finished here")
	}
	cur := m.s
	m.s = *m.preFinish
	err := m.mutate(ctx, func(s *record.Session) {
		s.Status = record.SessionDelivered
		s.Minutes = minutes
		for k := range s.Attendance {
			a := &s.Attendance[k]
			switch a.Status {
			case record.Late:
				arrived := 0.0
				if a.Minutes != nil {
					arrived = *a.Minutes
				}
				a.Minutes = ptr(math.Max(0, minutes-arrived))
			case record.LeftEarly:
				left := minutes
				if a.Minutes != nil && *a.Minutes < minutes {
					left = *a.Minutes
				}
				a.Minutes = ptr(left)
			case record.Absent:
				a.Minutes = ptr(0.0)
			}
		}
	})
	if err != nil {
		m.s = cur
	}
	return err
}

// UndoFinish puts the session back as it ran before Finish (a new version:
// in progress again, the marks and arrival minutes as they were).
func (m *sessionModel) UndoFinish(ctx context.Context) error {
	if m.preFinish == nil || m.running() {
		return errors.New("nothing to undo")
	}
	cur := m.s
	m.s = *m.preFinish
	if err := m.mutate(ctx, func(*record.Session) {}); err != nil {
		m.s = cur
		return err
	}
	m.preFinish = nil
	return nil
}

// Cancel marks the session cancelled (it counts as not delivered, §3.7).
func (m *sessionModel) Cancel(ctx context.Context, reason string) error {
	return m.mutate(ctx, func(s *record.Session) {
		s.Status = record.SessionCancelled
		s.CancelReason = strings.TrimSpace(reason)
	})
}

// sessionSummary is what the finish screen shows.
type sessionSummary struct {
	Minutes                          float64
	Present, Late, LeftEarly, Absent int
	Done, Applicable, Unmarked       int
	FidelityPct                      float64 // -1 when nothing applicable
}

func (m *sessionModel) summary() sessionSummary {
	var r sessionSummary
	r.Minutes = m.s.Minutes
	if m.running() && m.reopened == nil {
		r.Minutes = m.elapsedMinutes()
	}
	for _, a := range m.s.Attendance {
		switch a.Status {
		case record.Present:
			r.Present++
		case record.Late:
			r.Late++
		case record.LeftEarly:
			r.LeftEarly++
		case record.Absent:
			r.Absent++
		}
	}
	for _, st := range m.steps {
		status := m.stepStatus(st.ID)
		if status == "" {
			r.Unmarked++ // said apart; it counts as skipped once delivered (DOMAIN.md §2)
		}
		d, a := progress.CountStep(status)
		r.Done += d
		r.Applicable += a
	}
	r.FidelityPct = -1
	if r.Applicable > 0 {
		r.FidelityPct = float64(r.Done) / float64(r.Applicable) * 100
	}
	return r
}

func (r sessionSummary) text() string {
	return lang.L("session.summary", map[string]any{"Minutes": sayMin(r.Minutes), "Marks": r.marks()})
}

// marks is the summary without the minutes: the finish dialog shows the
// minutes in its field, and one figure is shown once.
func (r sessionSummary) marks() string {
	att := attendedWords(r.Present, r.Late, r.LeftEarly, r.Absent)
	fid := lang.L("session.fidelity.none")
	if r.FidelityPct >= 0 {
		fid = lang.L("session.fidelity.share", map[string]any{"Share": sayFigure(fmtShare(r.FidelityPct)), "Done": r.Done, "Applicable": r.Applicable})
	}
	s := lang.L("session.marks", map[string]any{"Attendance": att, "Fidelity": fid})
	if r.Unmarked > 0 {
		s += " · " + lang.N("session.unmarked", r.Unmarked, map[string]any{"Count": r.Unmarked})
	}
	return s
}

// attendedWords is a session's attendance the one way the app counts it,
// on the session, its summary and My week: attended is present, late or
// left early (DOMAIN.md §3.7), "4 of 5 attended (1 late)".
func attendedWords(present, late, leftEarly, absent int) string {
	total := present + late + leftEarly + absent
	attended := present + late + leftEarly
	s := lang.N("session.attended", attended, map[string]any{"Count": attended, "Total": total})
	var why []string
	if late > 0 {
		why = append(why, lang.N("session.late_n", late, map[string]any{"Count": late}))
	}
	if leftEarly > 0 {
		why = append(why, lang.N("session.left_early_n", leftEarly, map[string]any{"Count": leftEarly}))
	}
	if len(why) > 0 {
		s += " (" + strings.Join(why, ", ") + ")"
	}
	return s
}

// minuteWords is when a late student came or an early leaver left, from
// the session's start: "in the first minute", "12 min in".
func minuteWords(m float64) string {
	if m < 1 {
		return lang.L("session.minute.first")
	}
	return lang.L("session.minute.at", map[string]any{"Min": sayMin(m)})
}

// resumeKey is the preference holding the id of the session being run: a
// hint that finds it at start without scanning every session. The session
// itself is in the store; without the hint, Today still offers "Resume".
const resumeKey = "session.current"

// findInProgress returns the id of a session to resume at start: the hinted
// one if it is still in progress, else one left in progress today or
// yesterday by a group on Today's list (the most recent); "" when none.
func findInProgress(rec Records, hint string, now time.Time, groups []todayGroup) string {
	recent := (record.DateOf(now) - 1).String()
	if hint != "" {
		if d, ok := repo.Get[record.Session](rec, hint); ok && d.Data.Status == record.SessionInProgress && d.Data.Date >= recent {
			return hint
		}
	}
	best, bestKey := "", ""
	for _, g := range groups {
		if g.InProgressID == "" {
			continue
		}
		if d, ok := repo.Get[record.Session](rec, g.InProgressID); ok {
			if k := d.Data.Date + d.Data.StartedAt + d.HLC; k > bestKey {
				best, bestKey = d.ID, k
			}
		}
	}
	return best
}

// --- screen -------------------------------------------------------------

// attRow is one student's attendance tile: the name button cycles the
// status; "…" opens status choices and a note.
type attRow struct {
	name *Button
	more *Button
}

// stepRow is one checklist step with its three large targets.
type stepRow struct {
	label               *widget.Label
	done, skipped, notA *Button
}

// sessionScreen runs a session.
type sessionScreen struct {
	a *App
	m *sessionModel

	root     fyne.CanvasObject
	timer    *widget.Label
	attHint  *widget.Label // "Everyone is present." only while it is true
	students []*attRow
	steps    []*stepRow
	note     *widget.Entry
	saveNote *Button
	finish   *Button
	cancel   *Button
	// finishedHead heads the after-session view: saved, or cancelled.
	finishedHead *widget.Label

	running  fyne.CanvasObject
	finished fyne.CanvasObject
	summary  *widget.Label
	details  *widget.Label
	toToday  *Button
	// After Finish: the minutes, editable, and an undo (no confirmation
	// dialog: finishing is one tap, and undoing it another).
	minutes    *widget.Entry
	setMinutes *Button
	undo       *Button
	afterEdit  *fyne.Container // minutes and undo: hidden for a cancelled session

	// The open pop-up, if any, and its widgets (tests tap them).
	popup       *widget.PopUp
	popNote     *widget.Entry
	popCategory *widget.Select
	popPrivate  *widget.Check
	popSave     *Button
	popStatus   map[string]*Button
	popConfirm  *Button
	// Correcting a finished session (sessionedit.go).
	reopen, deleteBtn *Button
	popReceived       *widget.Entry
	popSaveMins       *Button

	stopTick func()
	// finishedShown: the after-session view is shown. A message said about
	// the running session ("Note saved for Ava Martinez.") goes when the
	// view changes, as it would with a new screen (ADR 0631).
	finishedShown bool
}

// startSession starts a new session of a group and returns its screen.
func startSession(a *App, groupID string) (*sessionScreen, error) {
	m, err := newSessionModel(context.Background(), a.cfg.Records, a.cfg.Now, groupID)
	if err != nil {
		return nil, err
	}
	a.setResume(m.id)
	return newSessionScreen(a, m), nil
}

// resumeSession reopens a stored session.
func resumeSession(a *App, id string) (*sessionScreen, error) {
	m, err := loadSessionModel(context.Background(), a.cfg.Records, a.cfg.Now, id)
	if err != nil {
		return nil, err
	}
	return newSessionScreen(a, m), nil
}

func newSessionScreen(a *App, m *sessionModel) *sessionScreen {
	s := &sessionScreen{a: a, m: m}
	s.build()
	return s
}

func (s *sessionScreen) title() string {
	return s.m.groupName + " · " + prettyDate(s.m.s.Date)
}

func (s *sessionScreen) content() fyne.CanvasObject { return s.root }

func (s *sessionScreen) build() {
	s.timer = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.timer.SizeName = "subHeadingText"

	attGrid := container.NewVBox()
	for i := range s.m.s.Attendance {
		i := i
		r := &attRow{}
		r.name = NewButton("", func() { s.tapAttendance(i) })
		r.name.Alignment = widget.ButtonAlignLeading
		r.more = NewButton(lang.L("session.student_note"), func() { s.openStudent(i) })
		s.students = append(s.students, r)
		attGrid.Add(container.NewBorder(nil, nil, nil, r.more, r.name))
	}
	s.note = widget.NewMultiLineEntry()
	s.note.SetPlaceHolder(lang.L("session.note.placeholder"))
	s.note.Wrapping = fyne.TextWrapWord
	s.note.SetText(s.m.s.Note)
	var panes *adaptive
	noteBox := passWheel(s.note, 2, func() *container.Scroll { return panes.leftScroll() })
	s.saveNote = NewButton(lang.L("session.note.save"), s.tapSaveNote)
	s.attHint = wrapLabel("")
	// Save note sits beside the note, not under it: under it, in
	// landscape, it was cut in half by the bottom of the pane (ADR 0650).
	left := container.NewVBox(
		heading(lang.L("session.attendance")),
		s.attHint,
		attGrid,
		heading(lang.L("session.note.heading")),
		container.NewBorder(nil, nil, nil, container.NewVBox(s.saveNote), noteBox),
	)

	steps := container.NewVBox(heading(lang.L("session.checklist")))
	for i, st := range s.m.steps {
		i := i
		r := &stepRow{label: wrapLabel(fmt.Sprintf("%d. %s", i+1, st.Text))}
		r.done = NewButton(lang.L("session.step.done"), func() { s.tapStep(i, record.StepDone) })
		r.skipped = NewButton(lang.L("session.step.skipped"), func() { s.tapStep(i, record.StepSkipped) })
		r.notA = NewButton(lang.L("session.step.na"), func() { s.tapStep(i, record.StepNA) })
		s.steps = append(s.steps, r)
		btns := container.NewGridWithColumns(3, r.done, r.skipped, r.notA)
		// As tall as a button needs: a shorter cell cut the buttons' padding.
		h := max(MinTarget, r.done.MinSize().Height)
		steps.Add(container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(330, h), btns), r.label))
	}
	if len(s.m.steps) == 0 {
		steps.Add(wrapLabel(lang.L("session.no_program")))
	}
	s.finish = newImportant(lang.L("session.finish"), widget.HighImportance, s.tapFinish)
	s.cancel = NewButton(lang.L("session.cancel"), s.openCancel)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(s.cancel, s.finish), s.timer)
	panes = newAdaptive(0.45, left, steps)
	s.running = container.NewBorder(top, nil, nil, nil, panes)

	s.summary = wrapLabel("")
	s.summary.TextStyle.Bold = true
	s.details = wrapLabel("")
	s.toToday = newImportant(lang.L("session.back_today"), widget.HighImportance, func() { s.a.Root(TabToday) })
	s.finishedHead = heading(lang.L("session.saved"))
	s.minutes = widget.NewEntry()
	s.minutes.OnSubmitted = func(string) { s.tapSetMinutes() }
	s.setMinutes = NewButton(lang.L("session.minutes.change"), s.tapSetMinutes)
	s.undo = NewButton(lang.L("session.undo_finish"), s.tapUndo)
	s.afterEdit = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("session.minutes.delivered")), s.setMinutes, s.minutes),
		container.NewHBox(s.undo))
	s.finished = vscroll(container.NewPadded(container.NewVBox(s.finishedHead, s.summary, s.afterEdit, s.toToday, s.details, s.editButtons())))
	s.root = container.NewStack(s.running, s.finished)
	if s.m.running() {
		s.stopTick = s.a.tick(time.Second, s.refreshTimer)
	}
}

// keepNote saves a session note typed but not saved yet (leaving the
// screen or finishing must not lose it).
func (s *sessionScreen) keepNote() {
	if s.m.running() && strings.TrimSpace(s.note.Text) != s.m.s.Note {
		if err := s.m.SetNote(context.Background(), s.note.Text); err != nil {
			s.a.warn(notSavedWords(err))
		}
	}
}

func (s *sessionScreen) leave() {
	s.keepNote()
	if s.m.reopened != nil && s.m.running() {
		if err := s.m.closeReopened(context.Background()); err != nil {
			s.a.warn(notSavedWords(err))
		} else {
			s.offerRestore(lang.L("session.corrections_saved"))
		}
	}
	if s.stopTick != nil {
		s.stopTick()
		s.stopTick = nil
	}
	s.closePopup()
}

func (s *sessionScreen) refreshTimer() {
	if s.m.reopened != nil {
		s.timer.SetText(lang.L("session.correcting", map[string]any{"Date": prettyDate(s.m.s.Date)}))
		return
	}
	d := s.m.elapsed().Round(time.Second)
	txt := fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
	if s.m.planned > 0 {
		txt = lang.L("session.timer.planned", map[string]any{"Time": txt, "Min": sayMin(s.m.planned)})
	}
	s.timer.SetText(txt)
}

func (s *sessionScreen) refresh() {
	if finished := !s.m.running(); finished != s.finishedShown {
		s.finishedShown = finished
		s.a.clearMessage()
	}
	if !s.m.running() {
		if s.stopTick != nil {
			s.stopTick()
			s.stopTick = nil
		}
		s.a.clearResume(s.m.id)
		s.running.Hide()
		s.finishedHead.SetText(lang.L("session.saved"))
		s.afterEdit.Hide()
		if s.m.s.Status != record.SessionCancelled && s.m.preFinish != nil {
			s.minutes.SetText(sayMin(s.m.s.Minutes))
			s.afterEdit.Show()
		}
		if s.m.s.Status == record.SessionCancelled {
			// A cancelled session was not delivered: the heading says so.
			s.finishedHead.SetText(lang.L("session.cancelled"))
			s.summary.SetText(lang.L("session.cancelled.summary", map[string]any{"Reason": s.m.s.CancelReason}))
		} else {
			s.summary.SetText(s.m.summary().text())
			var lines []string
			for _, a := range s.m.s.Attendance {
				l := s.m.names[a.StudentID] + ": " + statusWord(a.Status)
				if a.Minutes != nil && a.Status != record.Absent {
					l += ", " + lang.L("session.min", map[string]any{"Min": sayMin(*a.Minutes)})
				}
				lines = append(lines, l)
			}
			for _, st := range s.m.steps {
				if m := s.m.stepStatus(st.ID); m != record.StepDone && m != record.StepNA {
					lines = append(lines, lang.L("session.not_done", map[string]any{"Step": st.Text}))
				}
			}
			s.details.SetText(strings.Join(lines, "\n"))
		}
		s.finished.Show()
		return
	}
	s.finished.Hide()
	s.running.Show()
	s.refreshTimer()
	s.attHint.SetText(attendanceHint(s.m.s.Attendance))
	for i, r := range s.students {
		a := s.m.s.Attendance[i]
		label := s.m.names[a.StudentID] + " · " + statusWord(a.Status)
		if a.Minutes != nil && a.Status == record.Late {
			label += " " + lang.L("session.came", map[string]any{"When": minuteWords(*a.Minutes)})
		} else if a.Minutes != nil && a.Status == record.LeftEarly {
			label += " " + lang.L("session.left", map[string]any{"When": minuteWords(*a.Minutes)})
		}
		r.name.SetText(label)
		switch a.Status {
		case record.Absent:
			r.name.Importance = widget.DangerImportance
		case record.Late, record.LeftEarly:
			r.name.Importance = widget.WarningImportance
		default:
			r.name.Importance = widget.MediumImportance
		}
		r.name.Refresh()
	}
	for i, r := range s.steps {
		st := s.m.stepStatus(s.m.steps[i].ID)
		set := func(b *Button, on bool, imp widget.Importance) {
			if on {
				b.Importance = imp
			} else {
				b.Importance = widget.MediumImportance
			}
			b.Refresh()
		}
		set(r.done, st == record.StepDone, widget.SuccessImportance)
		set(r.skipped, st == record.StepSkipped, widget.WarningImportance)
		set(r.notA, st == record.StepNA, widget.HighImportance)
	}
}

// attendanceHint says who is here, truthfully, counted as the summary
// and My week count it, and how to change it.
func attendanceHint(att []record.Attendance) string {
	n := map[string]int{}
	for _, a := range att {
		n[a.Status]++
	}
	how := " " + lang.L("session.hint.how")
	switch {
	case len(att) == 0:
		return lang.L("session.hint.none")
	case n[record.Present] == len(att):
		return lang.L("session.hint.everyone") + how
	}
	return attendedWords(n[record.Present], n[record.Late], n[record.LeftEarly], n[record.Absent]) + "." + how
}

func statusWord(st string) string {
	switch st {
	case record.Absent:
		return lang.L("session.status.absent")
	case record.Late:
		return lang.L("session.status.late")
	case record.LeftEarly:
		return lang.L("session.status.left_early")
	}
	return lang.L("session.status.present")
}

func (s *sessionScreen) tapAttendance(i int) {
	if err := s.m.CycleAttendance(context.Background(), i); err != nil {
		s.a.warn(notSavedWords(err))
		return
	}
	s.refresh()
}

func (s *sessionScreen) tapStep(i int, st string) {
	if err := s.m.MarkStep(context.Background(), i, st); err != nil {
		s.a.warn(notSavedWords(err))
		return
	}
	s.refresh()
}

func (s *sessionScreen) tapSaveNote() {
	if err := s.m.SetNote(context.Background(), s.note.Text); err != nil {
		s.a.warn(notSavedWords(err))
		return
	}
	s.a.say(lang.L("session.note.saved"))
}

func (s *sessionScreen) showPopup(content fyne.CanvasObject) {
	s.closePopup()
	s.popup = widget.NewModalPopUp(container.NewPadded(content), s.a.win.Canvas())
	s.popup.Resize(fyne.NewSize(560, content.MinSize().Height+20))
	s.popup.Show()
}

func (s *sessionScreen) closePopup() {
	if s.popup != nil {
		s.popup.Hide()
		s.popup = nil
	}
}

// openStudent shows status choices and a quick note for student i.
func (s *sessionScreen) openStudent(i int) {
	sid := s.m.s.Attendance[i].StudentID
	s.popStatus = map[string]*Button{}
	statuses := container.NewGridWithColumns(4)
	for _, st := range attendanceCycle {
		st := st
		b := NewButton(statusWord(st), func() {
			if err := s.m.SetAttendance(context.Background(), i, st); err != nil {
				s.a.warn(notSavedWords(err))
				return
			}
			s.closePopup()
			s.refresh()
		})
		if s.m.s.Attendance[i].Status == st {
			b.Importance = widget.HighImportance
		}
		s.popStatus[st] = b
		statuses.Add(b)
	}
	s.popNote = widget.NewMultiLineEntry()
	s.popNote.SetPlaceHolder(lang.L("session.student_note.placeholder"))
	s.popNote.Wrapping = fyne.TextWrapWord
	s.popNote.SetMinRowsVisible(3)
	s.popCategory = newCategorySelect(record.NoteAcademic)
	s.popPrivate = widget.NewCheck(lang.L("session.student_note.restricted"), nil)
	s.popSave = newImportant(lang.L("session.note.save"), widget.HighImportance, func() {
		if strings.TrimSpace(s.popNote.Text) == "" {
			s.a.warn(lang.L("session.note.write_first"))
			return
		}
		author, _ := s.a.me()
		if err := s.m.AddStudentNote(context.Background(), sid, author, s.popNote.Text, chosenCategory(s.popCategory), s.popPrivate.Checked); err != nil {
			s.a.warn(notSavedWords(err))
			return
		}
		s.closePopup()
		s.a.say(lang.L("session.student_note.saved", map[string]any{"Name": s.m.names[sid]}))
	})
	closeBtn := NewButton(lang.L("session.close"), s.closePopup)
	s.showPopup(container.NewVBox(heading(s.m.names[sid]), statuses, s.minutesRow(i), s.popNote, s.popCategory, s.popPrivate,
		container.NewGridWithColumns(2, closeBtn, s.popSave)))
	// Typing goes into the note at once (ADR 0632: it went nowhere).
	s.a.win.Canvas().Focus(s.popNote)
}

// newCategorySelect offers the note categories in words, in the app's
// language ("Academic", never the code "academic"), with code chosen.
func newCategorySelect(code string) *widget.Select {
	sp := inAppLang()
	opts := make([]string, 0, len(record.NoteCategories))
	for _, c := range record.NoteCategories {
		opts = append(opts, sp.NoteCategoryWords(c))
	}
	sel := widget.NewSelect(opts, nil)
	sel.SetSelected(sp.NoteCategoryWords(code))
	return sel
}

// chosenCategory is the code of a category select's choice: the code at
// the choice's place in the list, so the words may be in any language.
func chosenCategory(sel *widget.Select) string {
	if i := sel.SelectedIndex(); i >= 0 && i < len(record.NoteCategories) {
		return record.NoteCategories[i]
	}
	return record.NoteCategoryCode(sel.Selected)
}

// tapFinish saves the session as delivered at once, with the minutes
// elapsed (at least 1). The finished view shows the minutes, to change,
// and an undo: one tap where a confirmation dialog took two.
func (s *sessionScreen) tapFinish() {
	mins := s.m.summary().Minutes
	if mins < 1 {
		mins = 1
	}
	s.keepNote()
	if err := s.m.Finish(context.Background(), mins); err != nil {
		s.a.warn(notSavedWords(err))
		return
	}
	s.refresh()
	if s.m.reopened != nil {
		s.offerRestore(lang.L("session.corrections_saved")) // the version from before the reopening (sessionedit.go)
	}
}

// tapSetMinutes changes the minutes of the session just finished.
func (s *sessionScreen) tapSetMinutes() {
	v, err := parseFigure(s.minutes.Text)
	if err != nil || v <= 0 || v > 600 {
		s.a.warn(lang.L("session.minutes.range"))
		return
	}
	if err := s.m.Finish(context.Background(), v); err != nil {
		s.a.warn(notSavedWords(err))
		return
	}
	s.refresh()
	s.a.say(lang.L("session.minutes.changed", map[string]any{"Min": sayMin(v)}))
}

// tapUndo puts the session back to running, as it was.
func (s *sessionScreen) tapUndo() {
	if err := s.m.UndoFinish(context.Background()); err != nil {
		s.a.warn(notSavedWords(err))
		return
	}
	s.a.setResume(s.m.id)
	if s.stopTick == nil {
		s.stopTick = s.a.tick(time.Second, s.refreshTimer)
	}
	s.note.SetText(s.m.s.Note)
	s.refresh()
	s.a.say(lang.L("session.running_again"))
}

func (s *sessionScreen) openCancel() {
	reason := widget.NewEntry()
	reason.SetPlaceHolder(lang.L("session.cancel.reason"))
	s.popNote = reason
	s.popConfirm = newImportant(lang.L("session.cancel.confirm"), widget.DangerImportance, func() {
		if strings.TrimSpace(reason.Text) == "" {
			// The team reads why a session did not happen (DOMAIN.md
			// cancel_reason); an empty one tells them nothing.
			s.a.warn(lang.L("session.cancel.why"))
			return
		}
		if err := s.m.Cancel(context.Background(), reason.Text); err != nil {
			s.a.warn(notSavedWords(err))
			return
		}
		s.closePopup()
		s.refresh()
	})
	s.showPopup(container.NewVBox(heading(lang.L("session.cancel.title")),
		wrapLabel(lang.L("session.cancel.text")), reason,
		container.NewGridWithColumns(2, NewButton(lang.L("session.cancel.keep"), s.closePopup), s.popConfirm)))
	// The reason is typed at once (ADR 0650: the box was not focused).
	s.a.win.Canvas().Focus(reason)
}

// editing: a running session is never redrawn from a pull mid-tap.
func (s *sessionScreen) editing() bool { return s.popup != nil }
