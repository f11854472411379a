package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
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

// tooShortText refuses a reading under record.MinProbeSeconds (issue 22:
// 57 words in 5 s were saved as 684 words a minute).
func tooShortText(secs float64) string {
	return fmt.Sprintf("A reading of %s s is too short to score: under %d seconds, scoring it per minute counts every word "+
		"more than 4 times. Let the minute run, or restart the timer.", fmtNum(secs), record.MinProbeSeconds)
}

// implausibleText asks about a prorated score more than twice the
// student's recent median, with the count, the seconds and the score.
func implausibleText(name string, p record.Probe, c record.ProbeCheck) string {
	count, secs := p.Count()
	unit := record.MeasureOf(p.Measure).Unit
	if unit == "" {
		unit = "a minute"
	}
	last := "the last probe"
	if c.Recent > 1 {
		last = fmt.Sprintf("the last %d probes", c.Recent)
	}
	return fmt.Sprintf("%s read in %s s counts as %s %s: more than twice %s's usual score (%s, the middle of %s). "+
		"Save it only if the count and the time are right.", fmtNum(count), fmtNum(secs), fmtNum(p.Score), unit, name, fmtNum(c.Median), last)
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
	s.measure = widget.NewEntry()
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
	s.start = newImportant("Start 1-minute timer", widget.HighImportance, s.tapStart)
	s.stopEarl = NewButton("Finished early", s.tapStop)
	s.errPlus = newImportant("Error +1", widget.WarningImportance, func() { s.m.errors++; s.saveDraft(); s.refresh() })
	s.errMinus = NewButton("Undo error", func() {
		if s.m.errors > 0 {
			s.m.errors--
		}
		s.saveDraft()
		s.refresh()
	})
	s.errLabel = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.score = widget.NewEntry()
	s.score.SetPlaceHolder("words (or digits) correct")
	s.score.OnSubmitted = func(string) { s.tapSave() }
	s.score.OnChanged = func(string) {
		if s.saved {
			// A new score typed after a save is a new, untimed probe.
			s.saved = false
			s.m.started, s.m.stopped, s.m.errors = time.Time{}, time.Time{}, 0
			s.result.SetText("")
			s.save.SetText("Save probe")
			s.save.Enable()
			s.refresh()
		}
	}
	s.save = newImportant("Save probe", widget.HighImportance, s.tapSave)
	s.result = wrapLabel("")

	goalRow := fyne.CanvasObject(container.NewBorder(nil, nil, widget.NewLabel("Goal"), nil, s.goalSel))
	if len(opts) == 0 {
		goalRow = container.NewVBox(wrapLabel("No active goal: the probe is saved with the measure below. Add a goal in Setup to see progress."),
			container.NewBorder(nil, nil, widget.NewLabel("Measure"), nil, s.measure))
	}
	left := container.NewVBox(heading(s.name), goalRow, s.timer,
		container.NewGridWithColumns(2, s.start, s.stopEarl),
		s.errLabel, container.NewGridWithColumns(2, s.errMinus, s.errPlus))
	right := container.NewVBox(heading("Score"),
		wrapLabel("When the minute is up, type the words read correctly. Without the timer, type the score of a probe given on paper."),
		s.score, s.save, s.result)
	s.root = container.NewPadded(newAdaptive(0.5, left, right))
	if s.loadDraft() {
		s.result.SetText(fmt.Sprintf("Restored the probe in progress: %d errors counted.", s.m.errors))
		if s.m.running() {
			s.stopTick = s.a.tick(200*time.Millisecond, s.refresh)
		}
	}
	return s
}

func goalLabel(g record.Goal) string {
	return fmt.Sprintf("%s → %s by %s", record.MeasureOf(g.Measure).Name, fmtNum(g.GoalScore), prettyDate(g.GoalDate))
}

func (s *probeScreen) title() string              { return "Probe · " + s.name }
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
		s.save.SetText("Save probe")
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
			s.a.warn(fmt.Sprintf("Not stopped: a passage read in under %d seconds cannot be scored per minute. "+
				"The timer goes on; let the minute run, or restart it with a longer passage.", record.MinProbeSeconds))
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
		s.start.SetText("Restart timer")
		s.stopEarl.Enable()
	case !s.m.started.IsZero():
		if s.stopTick != nil { // the minute ran out
			s.leave()
			s.a.win.Canvas().Focus(s.score)
		}
		s.stopEarl.Disable()
		if s.m.seconds() < ProbeSeconds {
			s.timer.SetText(fmt.Sprintf("Finished in %s s", fmtNum(s.m.seconds())))
		} else {
			s.timer.SetText("Time!")
		}
	default:
		s.stopEarl.Disable()
	}
	s.errLabel.SetText(fmt.Sprintf("Errors: %d", s.m.errors))
}

func (s *probeScreen) tapSave() {
	raw, err := strconv.ParseFloat(strings.TrimSpace(s.score.Text), 64)
	if err != nil || raw < 0 || raw > 1000 {
		s.a.warn("Type the score as a number, e.g. 47.")
		return
	}
	measure := strings.TrimSpace(s.measure.Text)
	if s.m.goal >= 0 {
		measure = s.m.goals[s.m.goal].Data.Measure
	}
	if measure == "" {
		s.a.warn("Type the measure, e.g. orf_wcpm.")
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
		// A probe typed wrong is put right with one tap (issue 16).
		s.a.offerUndo("Probe saved.", id, e.HLC, nil)
	}
	msg := fmt.Sprintf("Saved: %s correct", fmtNum(p.Score))
	if p.RawScore != nil {
		msg += fmt.Sprintf(" (prorated from %s in %s s)", fmtNum(*p.RawScore), fmtNum(p.Seconds))
	}
	if errs != nil {
		msg += fmt.Sprintf(", %d errors", s.m.errors)
		if raw+*errs > 0 {
			msg += fmt.Sprintf(", accuracy %s", fmtShare(raw/(raw+*errs)*100))
		}
	}
	// Said once, under the form, and the form keeps what was saved.
	s.result.SetText(msg + ".")
	s.saved = true
	s.save.SetText("Saved")
	s.save.Disable()
	s.start.SetText("Start 1-minute timer")
	s.refresh()
}

// confirm is the second half of the probe rule (record.CheckProbe): a
// prorated score more than twice the student's recent median is saved only
// once the person confirms it, so that no trend, percentage or projection
// is drawn from it unasked (issue 22). It reports whether to save now.
func (s *probeScreen) confirm(p record.Probe, c record.ProbeCheck) bool {
	if !c.Confirm || sameReading(s.confirmed, p) {
		return true
	}
	s.a.ask("Check this score", implausibleText(s.name, p, c), "Check again", "Save "+fmtNum(p.Score), widget.WarningImportance, func() {
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
