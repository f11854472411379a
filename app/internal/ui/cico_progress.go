package ui

import (
	"bytes"
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/reportdoc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// cicoChartWeeks is how far back the CICO chart and the phase read (half a
// year, as the server's CICO report).
const cicoChartWeeks = 26

// cicoProgress is a student's CICO over the last half year on date: the
// weekly report, where they stand in fading, and the chart.
type cicoProgress struct {
	plan    record.CICOPlan
	hasPlan bool
	cards   []record.CICOCard
	status  progress.PhaseStatus
	chart   cicoChartData
}

func loadCICOProgress(r Records, studentID, date string) cicoProgress {
	var cp cicoProgress
	cp.plan, cp.hasPlan = loadCICOPlan(r, studentID)
	var envs []record.Envelope
	if es, err := r.ListByRef(record.TypeCICOCard, studentID); err == nil {
		envs = append(envs, es...)
	}
	for _, c := range repo.DecodeAll[record.CICOCard](envs) {
		cp.cards = append(cp.cards, c.Data)
	}
	to, err := progress.ParseDate(date)
	if err != nil {
		return cp
	}
	ds := progress.NewDataset(envs)
	cp.status = progress.PhaseOf(ds, studentID, cp.plan, to)
	// The chart: weeks numbered from the Monday of the first card's week,
	// at most cicoChartWeeks back, and at least 8 weeks wide.
	monday := to - progress.Date(to.Weekday()-1)
	first := monday - 7*(cicoChartWeeks-1)
	earliest := monday
	for _, c := range cp.cards {
		if d, err := progress.ParseDate(c.Date); err == nil && d < earliest && d >= first {
			earliest = d - progress.Date(d.Weekday()-1)
		}
	}
	first = min(earliest, monday-7*7)
	rep := progress.CICO(ds, studentID, first, to)
	cp.chart.Last = float64(monday-first) / 7
	for _, w := range rep.Weeks {
		ws, _ := progress.ParseDate(w.WeekStart)
		cp.chart.Weeks = append(cp.chart.Weeks, cicoChartWeek{X: float64(ws-first) / 7, Pct: w.Pct, Met: w.Met})
	}
	for _, ph := range cp.plan.Phases {
		d, err := progress.ParseDate(ph.StartDate)
		if err != nil || d < first || d > to {
			continue
		}
		cp.chart.Phases = append(cp.chart.Phases, cicoChartPhase{X: float64(d-first) / 7, Label: phaseWords(ph.Phase)})
	}
	return cp
}

// statusText says where the student stands in fading, in words.
func (cp cicoProgress) statusText() string {
	st := cp.status
	txt := phaseSince(st.Phase, st.Since) + ". "
	counts := map[string]any{"Count": st.Counted, "Needed": st.Needed}
	switch st.Phase {
	case record.PhaseCICO:
		if st.Eligible {
			txt += lang.L("cico.fading.eligible", map[string]any{"Count": st.ConsecutiveWeeksMet})
		} else {
			txt += lang.L("cico.fading.cico", counts)
		}
	case record.PhaseSelfManaged:
		txt += lang.L("cico.fading.self_managed", counts)
	case record.PhaseFaded:
		txt += lang.L("cico.fading.faded", counts)
	case record.PhaseGraduated:
		txt += lang.L("cico.fading.graduated")
	}
	return txt
}

// weeksText lists the phase's weeks, the latest first.
func (cp cicoProgress) weeksText() string {
	var lines []string
	for i := len(cp.status.Weeks) - 1; i >= 0 && len(lines) < 8; i-- {
		w := cp.status.Weeks[i]
		l := weekOf(w.WeekStart, w.Pct, w.Met)
		if w.MatchPct != nil {
			l += ", " + lang.L("cico.weeks.match", map[string]any{"Pct": sayFigure(progress.FormatPctWholeAgainst(*w.MatchPct, 80))}) // a self-managed week needs 80%
		}
		if w.Counts {
			l += " · " + lang.L("cico.weeks.counts")
		} else {
			l += " · " + lang.L("cico.weeks.does_not_count")
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return lang.L("cico.weeks.none")
	}
	return strings.Join(lines, "\n")
}

// weekStart is the Monday of date's week (date itself when not a date).
func weekStart(date string) string {
	d, err := record.ParseDate(date)
	if err != nil {
		return date
	}
	return (d - (record.Date(d.Time().Weekday())+6)%7).String()
}

// cicoProgressScreen is a student's CICO chart with its phase lines, where
// they stand in fading, the team's phase moves and the family cards.
type cicoProgressScreen struct {
	a         *App
	studentID string
	date      string // the card's day the screen was opened from
	cp        cicoProgress
	root      *fyne.Container

	status, weeks *widget.Label
	next, back    *Button
	undo          *Button // takes back a move made today (a mistaken tap)
	dayCard       *Button
	weekCard      *Button
	saved         *widget.Label // what the last family card did; always in place
}

func newCICOProgressScreen(a *App, studentID, date string) *cicoProgressScreen {
	s := &cicoProgressScreen{a: a, studentID: studentID, date: date, root: container.NewStack()}
	s.status, s.weeks = wrapLabel(""), wrapLabel("")
	s.saved = wrapLabel(" ")
	s.next = newImportant("", widget.HighImportance, s.moveNext)
	s.back = NewButton(lang.L("cico.move.back"), func() { s.move(record.PhaseCICO) })
	s.undo = NewButton(lang.L("cico.move.undo"), s.undoMove)
	s.dayCard = NewButton(lang.L("cico.family.day", map[string]any{"Date": prettyDate(date)}), func() { s.share(false) })
	s.weekCard = NewButton(lang.L("cico.family.week", map[string]any{"Date": prettyDate(weekStart(date))}), func() { s.share(true) })
	return s
}

func (s *cicoProgressScreen) title() string {
	return lang.L("cico.progress.title", map[string]any{"Name": studentName(s.a.cfg.Records, s.studentID)})
}

func (s *cicoProgressScreen) content() fyne.CanvasObject { return s.root }

func (s *cicoProgressScreen) today() string { return record.DateOf(s.a.cfg.Now()).String() }

func (s *cicoProgressScreen) refresh() {
	s.cp = loadCICOProgress(s.a.cfg.Records, s.studentID, s.today())
	s.status.SetText(s.cp.statusText())
	s.weeks.SetText(s.cp.weeksText())
	// The natural next phase, offered when the rules of §3.9 allow it.
	next := map[string]string{record.PhaseCICO: record.PhaseSelfManaged, record.PhaseSelfManaged: record.PhaseFaded,
		record.PhaseFaded: record.PhaseGraduated}[s.cp.status.Phase]
	if next == "" {
		s.next.Hide()
	} else {
		s.next.SetText(lang.L("cico.move.next", map[string]any{"Phase": strings.ToLower(phaseWords(next))}))
		s.next.Show()
		if s.cp.status.Next == next {
			s.next.Enable()
		} else {
			s.next.Disable()
		}
	}
	if p := s.cp.status.Phase; p == record.PhaseSelfManaged || p == record.PhaseFaded {
		s.back.Show()
	} else {
		s.back.Hide()
	}
	if n := len(s.cp.plan.Phases); n > 0 && s.cp.plan.Phases[n-1].StartDate == s.today() {
		s.undo.Show()
	} else {
		s.undo.Hide()
	}
	chart := newCICOChart(s.cp.chart)
	caption := wrapLabel(lang.L("chart.cico.caption"))
	box := container.NewVBox(chart, caption,
		heading(lang.L("cico.fading")), s.status, container.NewHBox(s.next, s.back, s.undo), s.weeks,
		heading(lang.L("cico.family")),
		wrapLabel(lang.L("cico.family.text")),
		container.NewHBox(s.dayCard, s.weekCard), s.saved)
	s.root.Objects = []fyne.CanvasObject{vscroll(container.NewPadded(box))}
	s.root.Refresh()
}

func (s *cicoProgressScreen) moveNext() {
	if s.cp.status.Next != "" {
		s.move(s.cp.status.Next)
	}
}

// move records the team's move to phase, dated today. A second move on one
// day replaces the first (a correction), so the phase changes stay one per
// day and in date order.
func (s *cicoProgressScreen) move(phase string) {
	p := s.cp.plan
	if !s.cp.hasPlan {
		// The plan is born with the layout the student's cards have now.
		m := loadCICO(s.a.cfg.Records, s.studentID, s.today())
		p.StudentID, p.Expectations, p.Periods, p.GoalPct = s.studentID, m.card.Expectations, m.card.Periods, m.card.GoalPct
	}
	today := s.today()
	phases := append([]record.CICOPhase(nil), p.Phases...)
	if n := len(phases); n > 0 && phases[n-1].StartDate >= today {
		phases = phases[:n-1]
	}
	p.Phases = append(phases, record.CICOPhase{Phase: phase, StartDate: today})
	if err := putCICOPlan(context.Background(), s.a.cfg.Records, p); err != nil {
		s.a.warn(notSavedWords(err))
		return
	}
	s.refresh()
}

// undoMove takes back the phase change dated today: a move tapped by
// mistake leaves no trace in the phase history (earlier days' moves are
// history, and are corrected by another move).
func (s *cicoProgressScreen) undoMove() {
	p := s.cp.plan
	n := len(p.Phases)
	if n == 0 || p.Phases[n-1].StartDate != s.today() {
		return
	}
	p.Phases = append([]record.CICOPhase(nil), p.Phases[:n-1]...)
	if err := putCICOPlan(context.Background(), s.a.cfg.Records, p); err != nil {
		s.a.warn(notSavedWords(err))
		return
	}
	s.refresh()
}

// share renders the family card of the day or its week with reportdoc (the
// server's renderer) and hands it to the platform's save/share.
func (s *cicoProgressScreen) share(weekly bool) {
	doc := reportdoc.CICOCardDoc{Student: studentName(s.a.cfg.Records, s.studentID), Generated: s.today(),
		Date: s.date, Weekly: weekly, Cards: s.cp.cards}
	if _, err := s.a.cfg.Records.Get(s.studentID); err != nil {
		doc.Student = "" // not synced yet: "Your child", never "Student not synced yet"
	}
	// The card is the family's: in their language, not the app's (ADR 0033).
	if st, ok := repo.Get[record.Student](s.a.cfg.Records, s.studentID); ok {
		doc.FamilyLanguage = st.Data.FamilyLanguage
	}
	if s.cp.hasPlan {
		doc.Plan = &s.cp.plan
	}
	if e := s.a.cfg.Sync; e != nil {
		doc.School = e.Enrolment().School
	}
	var buf bytes.Buffer
	if err := reportdoc.CICOCardPDF(&buf, doc); err != nil {
		s.saved.SetText(lang.L("cico.family.failed"))
		return
	}
	kind := lang.L("cico.file.day", map[string]any{"Date": s.date})
	if weekly {
		kind = lang.L("cico.file.week", map[string]any{"Date": weekStart(s.date)})
	}
	name := lang.L("cico.file.name", map[string]any{"Student": doc.Student, "Kind": kind})
	if doc.Student == "" {
		name = lang.L("cico.file.name_anonymous", map[string]any{"Kind": kind})
	}
	s.a.saveDocument(name, buf.Bytes(), func(err error) {
		if err != nil {
			s.saved.SetText(notSavedWords(err))
			return
		}
		s.saved.SetText(lang.L("cico.family.saved", map[string]any{"Name": name}))
	})
}

// saveDocument hands a document to the platform: cfg.SaveDocument when set
// (tests, or a platform share sheet), else Fyne's save dialog, which is the
// system's document picker on Android and iOS. done runs on the main
// goroutine once the document is written (not when the person cancels).
func (a *App) saveDocument(name string, data []byte, done func(error)) {
	if a.cfg.SaveDocument != nil {
		done(a.cfg.SaveDocument(name, data))
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			done(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		_, err = w.Write(data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		done(err)
	}, a.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	// A list, not Fyne's grid of 80-pixel cells: at the app's text size
	// the grid broke "(Parent)" into "(Paren" and "t)" (ADR 0650), and
	// cut long folder names. The dialog takes most of the window.
	d.SetView(dialog.ListView)
	win := a.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(900, win.Width*0.9), min(700, win.Height*0.85)))
	a.saveDialog = d
	d.Show()
}
