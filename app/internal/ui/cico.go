package ui

import (
	"context"
	"fmt"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Default card layout for a student's first card (DOMAIN.md §2 `cico_card`).
var (
	defaultExpectations = []string{"Be safe", "Be respectful", "Be responsible"}
	defaultPeriods      = []string{"Arrival", "Reading", "Math", "Lunch", "Science", "Dismissal"}
)

// cicoModel is one student's Check-In/Check-Out card for one day.
type cicoModel struct {
	rec       Records
	studentID string
	date      string
	id        string // "" until the first rating is saved
	card      record.CICOCard
}

func loadCICO(rec Records, studentID, date string) *cicoModel {
	m := &cicoModel{rec: rec, studentID: studentID, date: date}
	cards := repo.ListByRef[record.CICOCard](rec, studentID)
	sort.SliceStable(cards, func(i, j int) bool { return cards[i].Data.Date < cards[j].Data.Date })
	var latest *repo.Doc[record.CICOCard]
	for i := range cards {
		c := &cards[i]
		if c.Data.Date == date && (m.id == "" || c.HLC > latest.HLC) {
			m.id, latest = c.ID, c
		}
	}
	if latest != nil {
		m.card = latest.Data
	} else {
		m.card = record.CICOCard{StudentID: studentID, Date: date, Expectations: defaultExpectations, Periods: defaultPeriods}
		// The layout of the student's most recent earlier card carries over.
		for i := len(cards) - 1; i >= 0; i-- {
			if cards[i].Data.Date < date {
				m.card.Expectations, m.card.Periods = cards[i].Data.Expectations, cards[i].Data.Periods
				m.card.GoalPct = cards[i].Data.GoalPct
				break
			}
		}
	}
	m.normalise()
	return m
}

// normalise makes Ratings periods × expectations, nil where not rated.
func (m *cicoModel) normalise() {
	rs := make([][]*float64, len(m.card.Periods))
	for p := range rs {
		rs[p] = make([]*float64, len(m.card.Expectations))
		if p < len(m.card.Ratings) {
			copy(rs[p], m.card.Ratings[p])
		}
	}
	m.card.Ratings = rs
}

// rating is cell (p, e): 0, 1, 2, or -1 when not rated.
func (m *cicoModel) rating(p, e int) int {
	if v := m.card.Ratings[p][e]; v != nil {
		return int(*v)
	}
	return -1
}

// Cycle moves a cell along not rated → 2 → 1 → 0 → not rated, and saves
// the card (one write).
func (m *cicoModel) Cycle(ctx context.Context, p, e int) error {
	next := map[int]*float64{-1: ptr(2.0), 2: ptr(1.0), 1: ptr(0.0), 0: nil}[m.rating(p, e)]
	card := m.card
	card.Ratings = make([][]*float64, len(m.card.Ratings))
	for i := range m.card.Ratings {
		card.Ratings[i] = append([]*float64(nil), m.card.Ratings[i]...)
	}
	card.Ratings[p][e] = next
	env, err := m.rec.Put(ctx, record.TypeCICOCard, m.id, card, false)
	if err != nil {
		return err
	}
	m.id, m.card = env.ID, card
	return nil
}

// dayPct is DOMAIN.md §3.9's daily %: earned ÷ (2 × rated cells); ok false
// when no cell is rated.
func (m *cicoModel) dayPct() (earned, possible float64, pct float64, ok bool) {
	for _, row := range m.card.Ratings {
		for _, v := range row {
			if v != nil {
				earned += *v
				possible += 2
			}
		}
	}
	if possible == 0 {
		return 0, 0, 0, false
	}
	return earned, possible, earned / possible * 100, true
}

func (m *cicoModel) goal() float64 {
	if m.card.GoalPct != nil {
		return *m.card.GoalPct
	}
	return 80
}

// cicoScreen picks a student (when none given) and edits the day's card.
type cicoScreen struct {
	a    *App
	m    *cicoModel
	root *fyne.Container
	name string

	pick  map[string]*Button // student id → button (the picker)
	cells [][]*Button
	day   *widget.Label
	total *widget.Label
	week  *widget.Label
	prev  *Button
	next  *Button
	del   *Button // Delete card (cicoedit.go)
}

func newCICOScreen(a *App, studentID string) screen {
	s := &cicoScreen{a: a, root: container.NewStack()}
	if studentID != "" {
		s.open(studentID, record.DateOf(a.cfg.Now()).String())
	}
	return s
}

func (s *cicoScreen) title() string {
	if s.m == nil {
		return "CICO cards"
	}
	return "CICO · " + s.name
}

func (s *cicoScreen) content() fyne.CanvasObject { return s.root }

func (s *cicoScreen) open(studentID, date string) {
	s.m = loadCICO(s.a.cfg.Records, studentID, date)
	s.name = studentName(s.a.cfg.Records, studentID)
	s.a.title.SetText(s.title())
}

func (s *cicoScreen) refresh() {
	if s.m == nil {
		s.root.Objects = []fyne.CanvasObject{s.picker()}
		s.root.Refresh()
		return
	}
	s.root.Objects = []fyne.CanvasObject{s.cardView()}
	s.root.Refresh()
}

// picker lists students, those with CICO cards first.
func (s *cicoScreen) picker() fyne.CanvasObject {
	s.pick = map[string]*Button{}
	studs := repo.List[record.Student](s.a.cfg.Records)
	has := map[string]bool{}
	for _, c := range repo.List[record.CICOCard](s.a.cfg.Records) {
		has[c.Data.StudentID] = true
	}
	sort.SliceStable(studs, func(i, j int) bool {
		if has[studs[i].ID] != has[studs[j].ID] {
			return has[studs[i].ID]
		}
		return studs[i].Data.DisplayName() < studs[j].Data.DisplayName()
	})
	box := container.NewVBox(heading("Whose card?"))
	if len(studs) == 0 {
		box.Add(wrapLabel("No students yet. Add them on the Setup tab."))
	}
	grid := container.NewGridWithColumns(2)
	for _, st := range studs {
		if !st.Data.IsActive() {
			continue
		}
		st := st
		label := st.Data.DisplayName()
		if has[st.ID] {
			label += " · on CICO"
		}
		b := NewButton(label, func() {
			s.open(st.ID, record.DateOf(s.a.cfg.Now()).String())
			s.refresh()
		})
		b.Alignment = widget.ButtonAlignLeading
		s.pick[st.ID] = b
		grid.Add(b)
	}
	box.Add(grid)
	return vscroll(container.NewPadded(box))
}

func (s *cicoScreen) cardView() fyne.CanvasObject {
	m := s.m
	cols := len(m.card.Expectations) + 1
	grid := container.NewGridWithColumns(cols)
	grid.Add(widget.NewLabelWithStyle("Period", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, e := range m.card.Expectations {
		l := widget.NewLabelWithStyle(e, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		grid.Add(l)
	}
	s.cells = make([][]*Button, len(m.card.Periods))
	for p, per := range m.card.Periods {
		l := widget.NewLabel(per)
		l.Wrapping = fyne.TextWrapWord
		grid.Add(l)
		for e := range m.card.Expectations {
			p, e := p, e
			b := NewButton("", func() {
				if err := s.m.Cycle(context.Background(), p, e); err != nil {
					s.a.warn("Not saved: " + PlainError(err))
					return
				}
				s.paint()
			})
			s.cells[p] = append(s.cells[p], b)
			grid.Add(b)
		}
	}
	s.day = heading("")
	s.total = wrapLabel("")
	s.week = wrapLabel("")
	s.prev = NewButton("‹ Day before", func() { s.shift(-1) })
	s.next = NewButton("Day after ›", func() { s.shift(1) })
	other := NewButton("Other student", func() { s.m = nil; s.a.title.SetText(s.title()); s.refresh() })
	s.paint()
	top := container.NewBorder(nil, nil, s.prev, container.NewHBox(s.next, other, s.deleteCardButton()), s.day)
	return container.NewBorder(container.NewVBox(top,
		wrapLabel("Tap a box: 2 (met) → 1 (partly) → 0 (not met) → – (not rated: absent or out of the room).")),
		container.NewVBox(s.total, s.week), nil, nil, vscroll(container.NewVBox(grid)))
}

func (s *cicoScreen) shift(days int) {
	day, err := record.ParseDate(s.m.date)
	if err != nil {
		return
	}
	d := (day + record.Date(days)).String()
	if d > record.DateOf(s.a.cfg.Now()).String() {
		return // no cards for days to come
	}
	s.m = loadCICO(s.a.cfg.Records, s.m.studentID, d)
	s.refresh()
}

// paint shows the cell values and the day's % (DOMAIN.md §3.9).
func (s *cicoScreen) paint() {
	for p, row := range s.cells {
		for e, b := range row {
			switch v := s.m.rating(p, e); v {
			case -1:
				b.SetText("–")
				b.Importance = widget.MediumImportance
			case 2:
				b.SetText("2")
				b.Importance = widget.SuccessImportance
			case 1:
				b.SetText("1")
				b.Importance = widget.WarningImportance
			default:
				b.SetText("0")
				b.Importance = widget.DangerImportance
			}
			b.Refresh()
		}
	}
	day, _ := record.ParseDate(s.m.date)
	s.day.SetText(day.Time().Format("Monday 2 January"))
	earned, possible, pct, ok := s.m.dayPct()
	if !ok {
		s.total.SetText("Nothing rated yet for this day.")
		s.total.Importance = widget.MediumImportance
	} else {
		met := "goal met"
		s.total.Importance = widget.SuccessImportance
		if pct < s.m.goal() {
			met = "below the goal"
			s.total.Importance = widget.WarningImportance
		}
		s.total.SetText(fmt.Sprintf("%s of %s points: %s (goal %s) · %s", fmtNum(earned), fmtNum(possible),
			fmtPct(pct), fmtPct(s.m.goal()), met))
	}
	s.total.Refresh()
	s.week.SetText(cicoWeekText(s.a.cfg.Records, s.m.studentID, s.m.date))
	if s.m.date >= record.DateOf(s.a.cfg.Now()).String() {
		s.next.Disable()
	} else {
		s.next.Enable()
	}
}

// cicoWeekText is the week of date and the run of met weeks (DOMAIN.md
// §3.9), computed by shared/progress over the student's cards of the last
// twelve weeks.
func cicoWeekText(r Records, studentID, date string) string {
	var envs []record.Envelope
	if es, err := r.ListByRef(record.TypeCICOCard, studentID); err == nil {
		envs = append(envs, es...)
	}
	if es, err := r.List(record.TypeCalendarBreak); err == nil {
		envs = append(envs, es...)
	}
	to, err := progress.ParseDate(date)
	if err != nil {
		return ""
	}
	rep := progress.CICO(progress.NewDataset(envs), studentID, to-7*12, to)
	if len(rep.Weeks) == 0 {
		return "No rated card in the last twelve weeks."
	}
	w := rep.Weeks[len(rep.Weeks)-1]
	txt := fmt.Sprintf("Week of %s: %s", prettyDate(w.WeekStart), fmtPct(w.Pct))
	if w.Met {
		txt += ", met"
	} else {
		txt += ", below 80%"
	}
	switch {
	case w.DaysBelowGoal == 1:
		txt += "; 1 day below goal"
	case w.DaysBelowGoal > 1:
		txt += fmt.Sprintf("; %d days below goal", w.DaysBelowGoal)
	}
	if w.Flagged {
		txt += " (flagged: 3 or more)"
	}
	txt += fmt.Sprintf(". Weeks met in a row: %d", rep.Fading.ConsecutiveWeeksMet)
	if rep.Fading.EligibleForSelfManagement {
		txt += " — eligible for self-management."
	} else {
		txt += " (6 make the student eligible for self-management)."
	}
	return txt
}
