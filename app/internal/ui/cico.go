package ui

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Default card layout for a student's first card (DOMAIN.md §2 `cico_card`),
// as English writes it; a new card takes cicoDefaults, in the app's language.
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
	plan      record.CICOPlan // the student's setup and phases (ADR 0640)
	hasPlan   bool
	phase     string // the plan's phase on date
	// student: taps rate the student's own column (a self-managed card);
	// otherwise the adult's.
	student bool
}

func loadCICO(rec Records, studentID, date string) *cicoModel {
	m := &cicoModel{rec: rec, studentID: studentID, date: date}
	m.plan, m.hasPlan = loadCICOPlan(rec, studentID)
	m.phase, _ = m.plan.PhaseOn(date)
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
		exps, pers := cicoDefaults()
		m.card = record.CICOCard{StudentID: studentID, Date: date, Expectations: exps, Periods: pers}
		// The student's card setup, else the layout of their most recent
		// earlier card (cards from before setups existed), carries over.
		for i := len(cards) - 1; i >= 0; i-- {
			if cards[i].Data.Date < date {
				m.card.Expectations, m.card.Periods = cards[i].Data.Expectations, cards[i].Data.Periods
				m.card.GoalPct = cards[i].Data.GoalPct
				break
			}
		}
	}
	m.applyPlan()
	m.normalise()
	return m
}

// applyPlan lays out a card on which nothing is rated yet as the student's
// setup says; a card with ratings keeps the layout they were given in.
func (m *cicoModel) applyPlan() {
	// A plan that breaks the rules (another app version's, or damaged) lays
	// out nothing: the card keeps its own layout, never one of no boxes.
	if !m.hasPlan || m.rated() || m.plan.Validate() != nil {
		return
	}
	m.card.Expectations, m.card.Periods, m.card.GoalPct = m.plan.Expectations, m.plan.Periods, m.plan.GoalPct
	m.card.Ratings, m.card.StudentRatings = nil, nil
}

// rated: a cell of the card has a rating, the adult's or the student's.
func (m *cicoModel) rated() bool {
	for _, g := range [][][]*float64{m.card.Ratings, m.card.StudentRatings} {
		for _, row := range g {
			for _, v := range row {
				if v != nil {
					return true
				}
			}
		}
	}
	return false
}

// selfManaged: the card has the student's column (the plan's phase on its
// date, or a card rated so on another tablet).
func (m *cicoModel) selfManaged() bool {
	return m.phase == record.PhaseSelfManaged || len(m.card.StudentRatings) > 0
}

// normalise makes Ratings (and, on a self-managed card, StudentRatings)
// periods × expectations, nil where not rated.
func (m *cicoModel) normalise() {
	m.card.Ratings = grid(m.card.Ratings, len(m.card.Periods), len(m.card.Expectations))
	if m.selfManaged() {
		m.card.StudentRatings = grid(m.card.StudentRatings, len(m.card.Periods), len(m.card.Expectations))
	}
}

// grid copies rs into a fresh rows × cols grid, nil where rs has no cell.
func grid(rs [][]*float64, rows, cols int) [][]*float64 {
	out := make([][]*float64, rows)
	for p := range out {
		out[p] = make([]*float64, cols)
		if p < len(rs) {
			copy(out[p], rs[p])
		}
	}
	return out
}

// ratingOf is a cell of g: 0, 1, 2, or -1 when not rated.
func ratingOf(g [][]*float64, p, e int) int {
	if p < len(g) && e < len(g[p]) && g[p][e] != nil {
		return int(*g[p][e])
	}
	return -1
}

// studentRating is the student's rating of cell (p, e), -1 when none.
func (m *cicoModel) studentRating(p, e int) int { return ratingOf(m.card.StudentRatings, p, e) }

// rating is the adult's rating of cell (p, e): 0, 1, 2, or -1 when not rated.
func (m *cicoModel) rating(p, e int) int { return ratingOf(m.card.Ratings, p, e) }

// Cycle moves a cell along not rated → 2 → 1 → 0 → not rated, in the
// student's column when m.student is set, and saves the card (one write;
// a student's first rating also writes their plan).
func (m *cicoModel) Cycle(ctx context.Context, p, e int) error {
	cur := m.rating(p, e)
	if m.student {
		cur = m.studentRating(p, e)
	}
	next := map[int]*float64{-1: ptr(2.0), 2: ptr(1.0), 1: ptr(0.0), 0: nil}[cur]
	card := m.card
	card.Ratings = grid(m.card.Ratings, len(m.card.Periods), len(m.card.Expectations))
	if m.student {
		card.StudentRatings = grid(m.card.StudentRatings, len(m.card.Periods), len(m.card.Expectations))
		card.StudentRatings[p][e] = next
	} else {
		card.Ratings[p][e] = next
	}
	env, err := m.rec.Put(ctx, record.TypeCICOCard, m.id, card, false)
	if err != nil {
		return err
	}
	m.id, m.card = env.ID, card
	if !m.hasPlan {
		// The first rated card puts the student on CICO: their plan is born
		// with this card's layout, so the picker finds them by their plan
		// (ADR 0640). The card is saved either way; a plan that could not be
		// written is written at the next tap.
		p := record.CICOPlan{StudentID: m.studentID, Expectations: card.Expectations, Periods: card.Periods, GoalPct: card.GoalPct}
		if putCICOPlan(ctx, m.rec, p) == nil {
			m.plan, m.hasPlan = p, true
		}
	}
	return nil
}

// dayPct is DOMAIN.md §3.9's daily %: earned ÷ (2 × rated cells); ok false
// when no cell is rated.
func (m *cicoModel) dayPct() (earned, possible float64, pct float64, ok bool) {
	earned, possible = progress.CardPoints(m.card)
	if possible == 0 {
		return 0, 0, 0, false
	}
	return earned, possible, earned / possible * 100, true
}

// goal is the card's daily goal in % (80 without one), the report's.
func (m *cicoModel) goal() float64 { return progress.CardGoal(m.card) }

// cicoScreen picks a student (when none given) and edits the day's card.
type cicoScreen struct {
	a    *App
	m    *cicoModel
	root *fyne.Container
	name string

	pick  map[string]*Button // student id → button (the picker)
	cells [][]*Button
	match []*widget.Label // per period, on a self-managed card
	day   *widget.Label
	phase *widget.Label
	total *widget.Label
	agree *widget.Label // the day's match, on a self-managed card
	week  *widget.Label
	prev  *Button
	next  *Button
	del   *Button // Delete card (cicoedit.go)
	// On a self-managed card: whose ratings the taps enter.
	rateStudent, rateAdult *Button
	setup, progress        *Button
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
		return lang.L("cico.title.picker")
	}
	return lang.L("cico.title", map[string]any{"Name": s.name})
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
	// Students on CICO are those with a plan: one small record each (not
	// every card of the school). A student without one (cards from before
	// plans) is looked up in the student index of cards, which is empty
	// and cheap for a student never on CICO.
	planEnvs, _ := s.a.cfg.Records.List(record.TypeCICOPlan)
	plans := record.LatestCICOPlans(planEnvs)
	for sid := range plans {
		has[sid] = true
	}
	for _, st := range studs {
		if has[st.ID] || !st.Data.IsActive() {
			continue
		}
		if cards, err := s.a.cfg.Records.ListByRef(record.TypeCICOCard, st.ID); err == nil {
			for _, c := range cards {
				if !c.Deleted {
					has[st.ID] = true
					break
				}
			}
		}
	}
	today := record.DateOf(s.a.cfg.Now()).String()
	sort.SliceStable(studs, func(i, j int) bool {
		if has[studs[i].ID] != has[studs[j].ID] {
			return has[studs[i].ID]
		}
		return studs[i].Data.DisplayName() < studs[j].Data.DisplayName()
	})
	box := container.NewVBox(heading(lang.L("cico.picker.heading")))
	if len(studs) == 0 {
		box.Add(wrapLabel(lang.L("cico.picker.none")))
	}
	// The buttons go into the grid at once: Container.Add lays the whole
	// grid out again for each one (500 students: quadratic).
	var buttons []fyne.CanvasObject
	for _, st := range studs {
		if !st.Data.IsActive() {
			continue
		}
		st := st
		label := st.Data.DisplayName()
		if plan, ok := plans[st.ID]; ok {
			// The phase says at a glance who rates their own card today.
			phase, _ := plan.PhaseOn(today)
			label += " · " + strings.ToLower(phaseWords(phase))
		} else if has[st.ID] {
			label += " · " + lang.L("cico.picker.on_cico")
		}
		b := NewButton(label, func() {
			s.open(st.ID, record.DateOf(s.a.cfg.Now()).String())
			s.refresh()
		})
		b.Alignment = widget.ButtonAlignLeading
		s.pick[st.ID] = b
		buttons = append(buttons, b)
	}
	box.Add(container.NewGridWithColumns(2, buttons...))
	return vscroll(container.NewPadded(box))
}

func (s *cicoScreen) cardView() fyne.CanvasObject {
	m := s.m
	self := m.selfManaged()
	cols := len(m.card.Expectations) + 1
	if self {
		cols++ // the period's match
	}
	// The heads have a grid of their own: a grid's rows are all as tall as
	// its tallest cell, and a long expectation wraps onto lines the rows of
	// boxes need not have.
	head := container.NewGridWithColumns(cols)
	head.Add(widget.NewLabelWithStyle(lang.L("cico.period"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, e := range m.card.Expectations {
		l := widget.NewLabelWithStyle(e, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		if cols > 5 {
			// Narrow columns: smaller heads break between words, not inside one.
			l.SizeName = theme.SizeNameCaptionText
		}
		head.Add(l)
	}
	if self {
		head.Add(widget.NewLabelWithStyle(lang.L("cico.match"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}))
	}
	grid := container.NewGridWithColumns(cols)
	s.cells = make([][]*Button, len(m.card.Periods))
	s.match = nil
	for p, per := range m.card.Periods {
		l := widget.NewLabel(per)
		l.Wrapping = fyne.TextWrapWord
		grid.Add(l)
		for e := range m.card.Expectations {
			p, e := p, e
			b := NewButton("", func() {
				if err := s.m.Cycle(context.Background(), p, e); err != nil {
					s.a.warn(notSavedWords(err))
					return
				}
				s.paint()
			})
			s.cells[p] = append(s.cells[p], b)
			grid.Add(b)
		}
		if self {
			ml := widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
			s.match = append(s.match, ml)
			grid.Add(ml)
		}
	}
	s.day = heading("")
	s.phase = wrapLabel("")
	s.total = wrapLabel("")
	s.agree = wrapLabel("")
	s.week = wrapLabel("")
	s.prev = NewButton("‹ "+lang.L("cico.day_before"), func() { s.shift(-1) })
	s.next = NewButton(lang.L("cico.day_after")+" ›", func() { s.shift(1) })
	other := NewButton(lang.L("cico.other_student"), func() { s.m = nil; s.a.title.SetText(s.title()); s.refresh() })
	s.setup = NewButton(lang.L("cico.setup"), func() {
		s.a.push(newCICOSetupScreen(s.a, s.m.studentID, s.m.card, func() { s.reload() }))
	})
	s.progress = NewButton(lang.L("cico.progress"), func() {
		s.a.push(newCICOProgressScreen(s.a, s.m.studentID, s.m.date))
	})
	hint := lang.L("cico.hint")
	top := container.NewVBox(container.NewBorder(nil, nil, s.prev, container.NewHBox(s.next, other, s.deleteCardButton()), s.day),
		container.NewBorder(nil, nil, nil, container.NewHBox(s.setup, s.progress), s.phase))
	if self {
		s.rateStudent = NewButton(lang.L("cico.rate.student"), func() { s.m.student = true; s.paint() })
		s.rateAdult = NewButton(lang.L("cico.rate.adult"), func() { s.m.student = false; s.paint() })
		hint = lang.L("cico.hint.self") + " " + hint
		top.Add(container.NewGridWithColumns(2, s.rateStudent, s.rateAdult))
	} else {
		s.rateStudent, s.rateAdult = nil, nil
	}
	top.Add(wrapLabel(hint))
	s.paint()
	return container.NewBorder(top, container.NewVBox(s.total, s.agree, s.week), nil, nil, vscroll(container.NewVBox(head, grid)))
}

// reload reads the card again (after its setup changed) and redraws it.
func (s *cicoScreen) reload() {
	s.m = loadCICO(s.a.cfg.Records, s.m.studentID, s.m.date)
	s.refresh()
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

// cellText is a cell's rating as shown: "–" when not rated.
func cellText(v int) string {
	if v < 0 {
		return "–"
	}
	return strconv.Itoa(v)
}

// paint shows the cell values and the day's % (DOMAIN.md §3.9).
func (s *cicoScreen) paint() {
	self := s.m.selfManaged()
	for p, row := range s.cells {
		matched, compared := 0, 0
		for e, b := range row {
			v := s.m.rating(p, e)
			if self {
				sv := s.m.studentRating(p, e)
				b.SetText(lang.L("cico.cell.self", map[string]any{"Student": cellText(sv), "Adult": cellText(v)}))
				if sv >= 0 && v >= 0 {
					compared++
					if sv == v {
						matched++
					}
				}
				// The column being entered decides the colour.
				if s.m.student {
					v = sv
				}
			} else {
				b.SetText(cellText(v))
			}
			switch v {
			case -1:
				b.Importance = widget.MediumImportance
			case 2:
				b.Importance = widget.SuccessImportance
			case 1:
				b.Importance = widget.WarningImportance
			default:
				b.Importance = widget.DangerImportance
			}
			b.Refresh()
		}
		if self && p < len(s.match) {
			s.match[p].SetText(matchText(matched, compared))
		}
	}
	if self {
		s.rateStudent.Importance, s.rateAdult.Importance = widget.MediumImportance, widget.HighImportance
		if s.m.student {
			s.rateStudent.Importance, s.rateAdult.Importance = widget.HighImportance, widget.MediumImportance
		}
		s.rateStudent.Refresh()
		s.rateAdult.Refresh()
		m, n := progress.CardMatch(s.m.card)
		if n == 0 {
			s.agree.SetText(lang.L("cico.agree.none"))
		} else {
			s.agree.SetText(lang.L("cico.agree", map[string]any{"Matched": m, "Compared": n, "Share": sayFigure(fmtShare(float64(m) / float64(n) * 100))}))
		}
		s.agree.Show()
	} else {
		s.agree.Hide()
	}
	day, _ := record.ParseDate(s.m.date)
	s.day.SetText(cardDay(day.Time()))
	s.phase.SetText(phaseLine(s.m))
	earned, possible, pct, ok := s.m.dayPct()
	if !ok {
		s.total.SetText(lang.L("cico.total.none"))
		s.total.Importance = widget.MediumImportance
	} else {
		met, verdict := progress.MeetsGoal(earned, possible, s.m.goal()), lang.L("cico.total.met") // exact, as the report (§3.9)
		s.total.Importance = widget.SuccessImportance
		if !met {
			verdict = lang.L("cico.total.below")
			s.total.Importance = widget.WarningImportance
		}
		s.total.SetText(lang.L("cico.total", map[string]any{"Earned": sayNum(earned), "Possible": sayNum(possible),
			"Pct": sayFigure(pctAgainstGoal(pct, s.m.goal(), met)), "Goal": sayFigure(progress.FormatPct(s.m.goal())), "Verdict": verdict})) // a goal as set (80%, 57.5%)
	}
	s.total.Refresh()
	s.week.SetText(cicoWeekText(s.a.cfg.Records, s.m.studentID, s.m.date, s.m.phase))
	if s.m.date >= record.DateOf(s.a.cfg.Now()).String() {
		s.next.Disable()
	} else {
		s.next.Enable()
	}
}

// matchText is a period's match: "✓ 3/3", "2/3", or "–" when no box was
// rated by both.
func matchText(matched, compared int) string {
	switch {
	case compared == 0:
		return "–"
	case matched == compared:
		return lang.L("cico.match.all", map[string]any{"Count": compared})
	}
	return lang.L("cico.match.some", map[string]any{"Matched": matched, "Compared": compared})
}

// phaseLine is the card's phase in words, with the layout's source.
func phaseLine(m *cicoModel) string {
	phase, since := m.plan.PhaseOn(m.date)
	txt := phaseSince(phase, since)
	if !m.hasPlan {
		txt += ". " + lang.L("cico.standard_card")
	}
	return txt
}

// cicoWeekText is the week of date and the run of met weeks (DOMAIN.md
// §3.9), computed by shared/progress over the student's cards of the last
// twelve weeks.
func cicoWeekText(r Records, studentID, date, phase string) string {
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
		return lang.L("cico.week.none")
	}
	w := rep.Weeks[len(rep.Weeks)-1]
	txt := weekOf(w.WeekStart, w.Pct, w.Met)
	if w.Met {
		txt += ", " + lang.L("cico.week.met")
	} else {
		txt += ", " + lang.L("cico.week.below")
	}
	if w.DaysBelowGoal > 0 {
		txt += "; " + lang.N("cico.week.days_below", w.DaysBelowGoal, map[string]any{"Count": w.DaysBelowGoal})
	}
	if w.Flagged {
		txt += " " + lang.L("cico.week.flagged")
	}
	txt += ". " + lang.L("cico.week.in_a_row", map[string]any{"Count": rep.Fading.ConsecutiveWeeksMet})
	if phase != record.PhaseCICO {
		txt += "." // past eligibility: the phase line above says where the student is
	} else if rep.Fading.EligibleForSelfManagement {
		txt += " " + lang.L("cico.week.eligible")
	} else {
		txt += " " + lang.L("cico.week.not_eligible")
	}
	return txt
}

// weekOf is a CICO week's line head: "Week of Mon 10 Mar: 85%".
func weekOf(start string, pct float64, met bool) string {
	return lang.L("cico.week_of", map[string]any{"Date": prettyDate(start), "Pct": sayFigure(pctAgainstGoal(pct, 80, met))})
}

// phaseSince is "Phase: self-managed since Mon 10 Mar".
func phaseSince(phase, since string) string {
	if since == "" {
		return lang.L("cico.phase", map[string]any{"Phase": phaseWords(phase)})
	}
	return lang.L("cico.phase_since", map[string]any{"Phase": phaseWords(phase), "Date": prettyDate(since)})
}

// cicoDefaults are a new card's expectations and periods, in the app's
// language (defaultExpectations and defaultPeriods in English).
func cicoDefaults() (expectations, periods []string) {
	for i := range defaultExpectations {
		expectations = append(expectations, lang.L(fmt.Sprintf("cico.default.expectation.%d", i+1)))
	}
	for i := range defaultPeriods {
		periods = append(periods, lang.L(fmt.Sprintf("cico.default.period.%d", i+1)))
	}
	return expectations, periods
}
