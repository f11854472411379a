package ui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// ProbeSeconds is the length of a timed probe (DOMAIN.md §3.1: exactly 60 s).
const ProbeSeconds = record.ProbeSeconds

// probeModel is a one-minute probe: a timer, an error tally and the score.
type probeModel struct {
	now       func() time.Time
	studentID string
	goals     []repo.Doc[record.Goal]
	goal      int // index in goals, -1 for none

	started time.Time
	stopped time.Time // zero while running
	errors  int
}

// remaining is the time left, 0 when over or not started.
func (m *probeModel) remaining() time.Duration {
	if m.started.IsZero() {
		return ProbeSeconds * time.Second
	}
	end := m.now()
	if !m.stopped.IsZero() {
		end = m.stopped
	}
	r := ProbeSeconds*time.Second - end.Sub(m.started)
	if r < 0 {
		return 0
	}
	return r
}

func (m *probeModel) running() bool {
	return !m.started.IsZero() && m.stopped.IsZero() && m.remaining() > 0
}

// seconds the passage took: 60 unless finished early (whole seconds, ≥ 1).
func (m *probeModel) seconds() float64 {
	if m.started.IsZero() || m.stopped.IsZero() {
		return ProbeSeconds
	}
	return m.secondsAt(m.stopped)
}

// secondsAt is seconds as it would be with the timer stopped at end: what
// "Finished early" or Save would store if tapped then.
func (m *probeModel) secondsAt(end time.Time) float64 {
	if m.started.IsZero() {
		return ProbeSeconds
	}
	s := math.Round(end.Sub(m.started).Seconds())
	if s >= ProbeSeconds {
		return ProbeSeconds
	}
	return math.Max(1, s)
}

// otherProbes are a student's probes but the one with id skip (the one
// being corrected; "" for none): what record.CheckProbe compares with.
func otherProbes(r Records, studentID, skip string) []record.Probe {
	var out []record.Probe
	for _, d := range repo.ListByRef[record.Probe](r, studentID) {
		if d.ID != skip {
			out = append(out, d.Data)
		}
	}
	return out
}

// tooShortText refuses a reading under record.MinProbeSeconds (ADR 0650:
// 57 words in 5 s were saved as 684 words a minute).
func tooShortText(secs float64) string {
	return lang.L("probe.too_short", map[string]any{"Seconds": sayNum(secs), "Min": record.MinProbeSeconds})
}

// implausibleText asks about a prorated score more than twice the
// student's recent median, with the count, the seconds and the score.
func implausibleText(name string, p record.Probe, c record.ProbeCheck) string {
	count, secs := p.Count()
	unit := progress.In(applang.Current()).Measure(p.Measure).Unit
	if unit == "" {
		unit = lang.L("probe.unit_default")
	}
	last := lang.N("probe.last_probes", c.Recent, map[string]any{"Count": c.Recent})
	return lang.L("probe.implausible", map[string]any{"Count": sayNum(count), "Seconds": sayNum(secs), "Score": sayNum(p.Score),
		"Unit": unit, "Name": name, "Median": sayNum(c.Median), "Last": last})
}

// probeFor builds the probe record: a passage finished early is prorated,
// score × 60 ÷ seconds, with the count read kept in raw_score (DOMAIN.md §2).
func probeFor(studentID, measure, date string, raw float64, errs *float64, seconds float64) record.Probe {
	p := record.Probe{StudentID: studentID, Measure: measure, Date: date, Errors: errs}
	p.SetCount(raw, seconds)
	return p
}

// probeScreen gives and records a probe for one student.
type probeScreen struct {
	a *App
	m *probeModel

	root     fyne.CanvasObject
	name     string
	goalSel  *widget.Select
	measure  *widget.Entry
	timer    *widget.Label
	start    *Button
	stopEarl *Button
	errPlus  *Button
	errMinus *Button
	errLabel *widget.Label
	score    *widget.Entry
	save     *Button
	result   *widget.Label
	// form suggests and records the district's form (DOMAIN.md §2 probe_form).
	form     *probeFormPicker
	stopTick func()
	// saved: the form shows the probe just saved (its score, timer and
	// errors stay in sight); Save waits for a change, so one probe is never
	// saved twice by a second tap.
	saved bool
	// confirmed is the probe the person said was right after being asked
	// (record.CheckProbe): saving that same probe asks no more.
	confirmed *record.Probe
}

func newProbeScreen(a *App, studentID string) screen {
	s := &probeScreen{a: a, m: &probeModel{now: a.cfg.Now, studentID: studentID, goal: -1}}
	s.name = studentName(a.cfg.Records, studentID)
	for _, g := range repo.ListByRef[record.Goal](a.cfg.Records, studentID) {
		if g.Data.Active() {
			s.m.goals = append(s.m.goals, g)
		}
	}
	var opts []string
	for _, g := range s.m.goals {
		opts = append(opts, goalLabel(g.Data))
	}
	s.form = newProbeFormPicker(a, studentID)
	s.measure = widget.NewEntry()
	s.measure.OnChanged = func(m string) { s.form.update(strings.TrimSpace(m)) }
	s.measure.SetText("orf_wcpm")
	s.goalSel = widget.NewSelect(opts, func(v string) {
		for i, o := range opts {
			if o == v {
				s.m.goal = i
				s.measure.SetText(s.m.goals[i].Data.Measure)
			}
		}
	})
	if len(opts) > 0 {
		s.goalSel.SetSelectedIndex(len(opts) - 1)
	}
	s.timer = widget.NewLabelWithStyle("1:00", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.timer.SizeName = "headingText"
	s.start = newImportant(lang.L("probe.start"), widget.HighImportance, s.tapStart)
	s.stopEarl = NewButton(lang.L("probe.finished_early"), s.tapStop)
	s.errPlus = newImportant(lang.L("probe.error_plus"), widget.WarningImportance, func() { s.m.errors++; s.saveDraft(); s.refresh() })
	s.errMinus = NewButton(lang.L("probe.error_undo"), func() {
		if s.m.errors > 0 {
			s.m.errors--
		}
		s.saveDraft()
		s.refresh()
	})
	s.errLabel = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.score = widget.NewEntry()
	s.score.SetPlaceHolder(lang.L("probe.score_hint"))
	s.score.OnSubmitted = func(string) { s.tapSave() }
	s.score.OnChanged = func(string) {
		if s.saved {
			// A new score typed after a save is a new, untimed probe.
			s.saved = false
			s.m.started, s.m.stopped, s.m.errors = time.Time{}, time.Time{}, 0
			s.result.SetText("")
			s.save.SetText(lang.L("probe.save"))
			s.save.Enable()
			s.refresh()
		}
	}
	s.save = newImportant(lang.L("probe.save"), widget.HighImportance, s.tapSave)
	s.result = wrapLabel("")

	// The goal (or the measure) and the district's form, aligned as a form's rows.
	goalRow := fyne.CanvasObject(container.NewVBox(container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("probe.goal")), s.goalSel, s.form.label, s.form.sel), s.form.hint))
	if len(opts) == 0 {
		goalRow = container.NewVBox(wrapLabel(lang.L("probe.no_goal")), container.New(layout.NewFormLayout(),
			widget.NewLabel(lang.L("probe.measure")), s.measure, s.form.label, s.form.sel), s.form.hint)
	}
	left := container.NewVBox(heading(s.name), goalRow, s.timer,
		container.NewGridWithColumns(2, s.start, s.stopEarl),
		s.errLabel, container.NewGridWithColumns(2, s.errMinus, s.errPlus))
	right := container.NewVBox(heading(lang.L("probe.score")),
		wrapLabel(lang.L("probe.score_help")),
		s.score, s.save, s.result)
	s.root = container.NewPadded(newAdaptive(0.5, left, right))
	if s.loadDraft() {
		s.result.SetText(lang.N("probe.restored", s.m.errors, map[string]any{"Count": s.m.errors}))
		if s.m.running() {
			s.stopTick = s.a.tick(200*time.Millisecond, s.refresh)
		}
	}
	return s
}

func goalLabel(g record.Goal) string {
	return lang.L("probe.goal_option", map[string]any{"Measure": progress.In(applang.Current()).Measure(g.Measure).Name,
		"Score": sayNum(g.GoalScore), "Date": prettyDate(g.GoalDate)})
}

func (s *probeScreen) title() string {
	return lang.L("probe.title", map[string]any{"Name": s.name})
}
func (s *probeScreen) content() fyne.CanvasObject { return s.root }
func (s *probeScreen) editing() bool              { return true }

func (s *probeScreen) leave() {
	if s.stopTick != nil {
		s.stopTick()
		s.stopTick = nil
	}
}

func (s *probeScreen) tapStart() {
	if s.saved {
		s.saved = false
		s.score.SetText("") // a new probe; clears saved first, so the OnChanged above does nothing
		s.save.SetText(lang.L("probe.save"))
		s.save.Enable()
	}
	s.m.started, s.m.stopped, s.m.errors = s.a.cfg.Now(), time.Time{}, 0
	s.confirmed = nil
	s.saveDraft()
	s.result.SetText("")
	s.leave()
	s.stopTick = s.a.tick(200*time.Millisecond, s.refresh)
	s.refresh()
}

func (s *probeScreen) tapStop() {
	if s.m.running() {
		now := s.a.cfg.Now()
		if secs := s.m.secondsAt(now); secs < record.MinProbeSeconds {
			s.a.warn(lang.L("probe.not_stopped", map[string]any{"Min": record.MinProbeSeconds}))
			return
		}
		s.m.stopped = now
		s.saveDraft()
	}
	s.leave()
	s.refresh()
	s.a.win.Canvas().Focus(s.score)
}

func (s *probeScreen) refresh() {
	r := s.m.remaining()
	secs := int(math.Ceil(r.Seconds()))
	s.timer.SetText(fmt.Sprintf("%d:%02d", secs/60, secs%60))
	switch {
	case s.m.running():
		s.start.SetText(lang.L("probe.restart"))
		s.stopEarl.Enable()
	case !s.m.started.IsZero():
		if s.stopTick != nil { // the minute ran out
			s.leave()
			s.a.win.Canvas().Focus(s.score)
		}
		s.stopEarl.Disable()
		if s.m.seconds() < ProbeSeconds {
			s.timer.SetText(lang.L("probe.finished_in", map[string]any{"Seconds": sayNum(s.m.seconds())}))
		} else {
			s.timer.SetText(lang.L("probe.time_up"))
		}
	default:
		s.stopEarl.Disable()
	}
	s.errLabel.SetText(lang.L("probe.errors", map[string]any{"Count": s.m.errors}))
}

func (s *probeScreen) tapSave() {
	raw, err := parseFigure(s.score.Text)
	if err != nil || raw < 0 || raw > 1000 {
		s.a.warn(lang.L("probe.score_bad"))
		return
	}
	measure := strings.TrimSpace(s.measure.Text)
	if s.m.goal >= 0 {
		measure = s.m.goals[s.m.goal].Data.Measure
	}
	if measure == "" {
		s.a.warn(lang.L("probe.measure_bad"))
		return
	}
	var errs *float64
	if !s.m.started.IsZero() || s.m.errors > 0 {
		errs = ptr(float64(s.m.errors))
	}
	// The seconds as they will be stored. Save ends the reading: a running
	// timer stops now, unless the reading is too short to score (then it
	// goes on, as the refusal says).
	now := s.a.cfg.Now()
	secs := s.m.seconds()
	if s.m.running() {
		secs = s.m.secondsAt(now)
	}
	p := probeFor(s.m.studentID, measure, record.DateOf(now).String(), raw, errs, secs)
	p.FormID = s.form.formID()
	check := record.CheckProbe(p, otherProbes(s.a.cfg.Records, s.m.studentID, ""))
	if check.TooShort {
		s.a.warn(tooShortText(secs))
		return
	}
	if s.m.running() {
		s.m.stopped = now
		s.saveDraft()
		s.leave()
		s.refresh()
	}
	if !s.confirm(p, check) {
		return
	}
	id, err := s.a.put(record.TypeProbe, "", p, false)
	if err != nil {
		return
	}
	s.dropDraft()
	if e, err := s.a.cfg.Records.Get(id); err == nil {
		// A probe typed wrong is put right with one tap (ADR 0620).
		s.a.offerUndo(lang.L("probe.saved_undo"), id, e.HLC, nil)
	}
	msg := lang.L("probe.saved_score", map[string]any{"Score": sayNum(p.Score)})
	if p.RawScore != nil {
		msg += lang.L("probe.saved_prorated", map[string]any{"Raw": sayNum(*p.RawScore), "Seconds": sayNum(p.Seconds)})
	}
	if errs != nil {
		msg += lang.N("probe.saved_errors", s.m.errors, map[string]any{"Count": s.m.errors})
		if raw+*errs > 0 {
			msg += lang.L("probe.saved_accuracy", map[string]any{"Accuracy": progress.In(applang.Current()).Number(fmtShare(raw / (raw + *errs) * 100))})
		}
	}
	if p.FormID != "" {
		msg += lang.L("probe.saved_form", map[string]any{"Form": p.FormID})
	}
	// Said once, under the form, and the form keeps what was saved.
	s.result.SetText(msg + ".")
	s.saved = true
	s.save.SetText(lang.L("probe.saved_button"))
	s.save.Disable()
	s.start.SetText(lang.L("probe.start"))
	// The form just read is read: the rotation moves on for the next probe.
	s.form.update(measure)
	s.refresh()
}

// confirm is the second half of the probe rule (record.CheckProbe): a
// prorated score more than twice the student's recent median is saved only
// once the person confirms it, so that no trend, percentage or projection
// is drawn from it unasked (ADR 0650). It reports whether to save now.
func (s *probeScreen) confirm(p record.Probe, c record.ProbeCheck) bool {
	if !c.Confirm || sameReading(s.confirmed, p) {
		return true
	}
	s.a.ask(lang.L("probe.check_title"), implausibleText(s.name, p, c), lang.L("probe.check_again"),
		lang.L("probe.check_save", map[string]any{"Score": sayNum(p.Score)}), widget.WarningImportance, func() {
			s.confirmed = &p
			s.tapSave()
		})
	return false
}

// sameReading: c is the probe p (its measure, count and seconds).
func sameReading(c *record.Probe, p record.Probe) bool {
	if c == nil {
		return false
	}
	cc, cs := c.Count()
	pc, ps := p.Count()
	return c.Measure == p.Measure && cc == pc && cs == ps
}
