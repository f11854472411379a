package ui

import (
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// todayGroup is one group on Today.
type todayGroup struct {
	ID, Name, Start, Program string
	Students                 []string
	Last                     string // what was done last time
	InProgressID             string // a session left running, to resume
	DeliveredToday           bool   // a session of the group was delivered today
}

// dueProbe is a student whose weekly probe is overdue (DOMAIN.md §3.8).
type dueProbe struct {
	StudentID, Name string
	Days            int // days since the last probe (or the goal's start)
}

// todayModel is what Today shows: my groups meeting today (by start
// time), my other groups, colleagues' groups (behind "Other groups": a
// tablet holds the whole school, but a person's day is their caseload), and
// the overdue probes of today's students.
type todayModel struct {
	Date      string
	Groups    []todayGroup
	Others    []todayGroup // mine, not meeting today
	Colleague []todayGroup // led by someone else
	Overdue   []dueProbe
	Empty     bool // no groups at all on the tablet
}

// loadToday builds Today for the person mine recognises: a group is theirs
// when its interventionist_id is them, or when nobody is set (a group
// nobody leads is shown, not hidden).
func loadToday(rec Records, now time.Time, mine func(interventionistID string) bool) todayModel {
	m := todayModel{Date: record.DateOf(now).String()}
	wd := record.Weekday(now)
	groups := repo.List[record.Group](rec)
	m.Empty = len(groups) == 0
	programs := map[string]string{}
	for _, p := range repo.List[record.Program](rec) {
		programs[p.ID] = p.Data.Name
	}
	seen := map[string]bool{}
	cal := schoolCalendar(rec)
	for _, g := range groups {
		tg := todayGroup{ID: g.ID, Name: g.Data.Name, Program: programs[g.Data.ProgramID]}
		if tg.Program == "" {
			tg.Program = lang.L("common.not_synced_yet", map[string]any{"What": typeWords(record.TypeProgram)})
		}
		start := ""
		for _, sl := range g.Data.Schedule {
			if sl.Weekday == wd && (start == "" || sl.Start < start) {
				start = sl.Start
			}
		}
		tg.Start = start
		if g.Data.InterventionistID != "" && !mine(g.Data.InterventionistID) {
			m.Colleague = append(m.Colleague, tg)
			continue
		}
		if start == "" {
			m.Others = append(m.Others, tg)
			continue
		}
		for _, sid := range g.Data.StudentIDs {
			if active(rec, sid) {
				tg.Students = append(tg.Students, studentName(rec, sid))
			}
		}
		sessions := todaySessions(rec, g.ID, m.Date)
		tg.Last, tg.InProgressID = lastTime(rec, sessions, m.Date)
		tg.DeliveredToday = deliveredOn(sessions, m.Date)
		m.Groups = append(m.Groups, tg)
		for _, sid := range g.Data.StudentIDs {
			if seen[sid] || !active(rec, sid) {
				continue
			}
			seen[sid] = true
			if d, ok := probeOverdue(rec, sid, now, cal); ok {
				m.Overdue = append(m.Overdue, dueProbe{StudentID: sid, Name: studentName(rec, sid), Days: d})
			}
		}
	}
	sort.SliceStable(m.Groups, func(i, j int) bool {
		if m.Groups[i].Start != m.Groups[j].Start {
			return m.Groups[i].Start < m.Groups[j].Start
		}
		return m.Groups[i].Name < m.Groups[j].Name
	})
	sort.SliceStable(m.Others, func(i, j int) bool { return m.Others[i].Name < m.Others[j].Name })
	sort.SliceStable(m.Colleague, func(i, j int) bool {
		if (m.Colleague[i].Start == "") != (m.Colleague[j].Start == "") {
			return m.Colleague[i].Start != "" // meeting today first
		}
		return m.Colleague[i].Name < m.Colleague[j].Name
	})
	sort.SliceStable(m.Overdue, func(i, j int) bool { return m.Overdue[i].Days > m.Overdue[j].Days })
	return m
}

// todaySessions are the group's sessions Today's card reads (lastTime,
// deliveredOn): those from yesterday on (one left running, one delivered
// today) and the newest back to the last delivered one on or before today,
// not the group's whole history (ADR 0652).
func todaySessions(rec Records, groupID, today string) []repo.Doc[record.Session] {
	recent := repo.ListByRefDates[record.Session](rec, groupID, yesterday(today), "")
	last := repo.DecodeAll[record.Session](repo.NewestByRef(rec, record.TypeSession, groupID, today, func(es []record.Envelope) bool {
		for _, e := range es {
			if s, ok := repo.Decode[record.Session](e); ok && s.Data.Status == record.SessionDelivered {
				return true
			}
		}
		return false
	}))
	seen := make(map[string]bool, len(recent))
	for _, s := range recent {
		seen[s.ID] = true
	}
	for _, s := range last {
		if !seen[s.ID] {
			recent = append(recent, s)
		}
	}
	return recent
}

// yesterday is the date before d (YYYY-MM-DD).
func yesterday(d string) string {
	day, err := record.ParseDate(d)
	if err != nil {
		return d
	}
	return (day - 1).String()
}

// active is false only for a student this tablet holds and who is marked
// inactive; a student not synced yet counts as active (shown, never dropped).
func active(rec Records, id string) bool {
	if s, ok := repo.Get[record.Student](rec, id); ok {
		return s.Data.IsActive()
	}
	return true
}

// deliveredOn reports whether the group has a delivered session on day.
func deliveredOn(sessions []repo.Doc[record.Session], day string) bool {
	for _, s := range sessions {
		if s.Data.Status == record.SessionDelivered && s.Data.Date == day {
			return true
		}
	}
	return false
}

// lastTime describes the group's last delivered session before or on
// today, and finds a session still in progress.
func lastTime(rec Records, sessions []repo.Doc[record.Session], today string) (string, string) {
	var last *repo.Doc[record.Session]
	inProgress, inIdx := "", 0
	for i := range sessions {
		s := &sessions[i]
		if s.Data.Status == record.SessionInProgress && s.Data.Date >= yesterday(today) {
			if inProgress == "" || s.Data.Date+s.Data.StartedAt > sessions[inIdx].Data.Date+sessions[inIdx].Data.StartedAt {
				inProgress, inIdx = s.ID, i
			}
		}
		if s.Data.Status != record.SessionDelivered || s.Data.Date > today {
			continue
		}
		if last == nil || s.Data.Date > last.Data.Date || (s.Data.Date == last.Data.Date && s.Data.StartedAt > last.Data.StartedAt) {
			last = s
		}
	}
	if last == nil {
		return lang.L("today.no_session_yet"), inProgress
	}
	m := &sessionModel{rec: rec, s: last.Data}
	var steps []record.Step
	if p, ok := repo.Get[record.Program](rec, last.Data.ProgramID); ok {
		steps = p.Data.Steps
	}
	m.steps = steps
	sum := m.summary()
	txt := lang.L("today.last_time", map[string]any{"Date": prettyDate(last.Data.Date), "Minutes": sayFigure(fmtMin(last.Data.Minutes))})
	if sum.FidelityPct >= 0 {
		txt += lang.L("today.last_fidelity", map[string]any{"Pct": sayFigure(fmtShare(sum.FidelityPct))})
	}
	var skipped []string
	for _, st := range steps {
		if s := m.stepStatus(st.ID); s == record.StepSkipped || s == "" {
			skipped = append(skipped, st.Text)
		}
	}
	if len(skipped) > 0 {
		txt += lang.L("today.last_skipped", map[string]any{"Steps": strings.Join(skipped, ", ")})
	}
	if last.Data.Note != "" {
		txt += lang.L("today.last_note", map[string]any{"Note": last.Data.Note})
	}
	return txt, inProgress
}

// --- screen --------------------------------------------------------------

// todayScreen is the home screen.
type todayScreen struct {
	a    *App
	m    todayModel
	root *fyne.Container
	list *fyne.Container
	sync *widget.Label
	// Start buttons by group id, probe buttons by student id (tests tap them).
	start map[string]*Button
	probe map[string]*Button
	// others holds colleagues' groups, folded (nil when there are none).
	others *widget.Accordion
	// dismiss closes the notice card (nil when there is none).
	dismiss *Button
	// again marks groups whose "start another session today" was asked once.
	again map[string]bool
	// week and allDue open "My week" and "Probes due" (week.go, probesdue.go).
	week, allDue *Button
}

func newTodayScreen(a *App) *todayScreen {
	s := &todayScreen{a: a}
	s.sync = wrapLabel("")
	s.list = container.NewVBox()
	s.week = NewButton(lang.L("week.title"), func() { a.push(newWeekScreen(a)) })
	s.allDue = NewButton(lang.L("probesdue.title"), func() { a.push(newProbesDueScreen(a)) })
	s.root = container.NewBorder(nil, nil, nil, nil, vscroll(container.NewPadded(s.list)))
	return s
}

func (s *todayScreen) title() string {
	return lang.L("today.title", map[string]any{"Date": longDate(s.a.cfg.Now())})
}

func (s *todayScreen) content() fyne.CanvasObject { return s.root }

func (s *todayScreen) refreshSync() {
	st := s.a.sync
	txt := lang.L("today.sync", map[string]any{"Glance": s.a.SyncGlance()}) // the header's words, worded at the same instant
	if st.Err != "" && st.Enrolled && !st.Syncing {
		txt += ". " + st.Err
	}
	if !st.Enrolled {
		txt += lang.L("today.sync.not_enrolled")
	}
	if st.Conflicts > 0 {
		txt += lang.N("today.sync.conflicts", st.Conflicts, map[string]any{"N": st.Conflicts})
	}
	s.sync.SetText(txt)
}

func (s *todayScreen) refresh() {
	s.m = loadToday(s.a.cfg.Records, s.a.cfg.Now(), s.a.isMe)
	s.start = map[string]*Button{}
	s.probe = map[string]*Button{}
	s.others, s.dismiss = nil, nil
	s.again = map[string]bool{}
	s.refreshSync()
	objs := []fyne.CanvasObject{container.NewBorder(nil, nil, nil, container.NewHBox(s.week, s.allDue), s.sync)}
	if s.a.notice != "" {
		s.dismiss = NewButton(lang.L("today.got_it"), func() { s.a.notice = ""; s.refresh() })
		objs = append(objs, card(wrapLabel(s.a.notice), s.dismiss))
	}
	if s.m.Empty {
		objs = append(objs, card(heading(lang.L("today.empty.title")),
			wrapLabel(lang.L("today.empty.text")),
			newImportant(lang.L("today.empty.go"), widget.HighImportance, func() { s.a.Root(TabSetup) })))
	} else if len(s.m.Groups) == 0 {
		objs = append(objs, card(heading(lang.L("today.none_today.title")),
			wrapLabel(lang.L("today.none_today.text"))))
	}
	for _, g := range s.m.Groups {
		objs = append(objs, s.groupCard(g, true))
	}
	if len(s.m.Overdue) > 0 {
		rows := []fyne.CanvasObject{heading(lang.L("probesdue.title"))}
		for _, d := range s.m.Overdue {
			d := d
			b := NewButton(lang.L("probesdue.probe"), func() { s.a.push(newProbeScreen(s.a, d.StudentID)) })
			s.probe[d.StudentID] = b
			rows = append(rows, container.NewBorder(nil, nil, nil, b,
				wrapLabel(dueWords(d))))
		}
		objs = append(objs, card(rows...))
	}
	if len(s.m.Others) > 0 {
		objs = append(objs, heading(lang.L("today.other_mine")))
		for _, g := range s.m.Others {
			objs = append(objs, s.groupCard(g, false))
		}
	}
	if len(s.m.Colleague) > 0 {
		// Behind one tap: a colleague's group is there when covering for
		// them, but not in the way of one's own day.
		var cards []fyne.CanvasObject
		for _, g := range s.m.Colleague {
			cards = append(cards, s.groupCard(g, false))
		}
		s.others = widget.NewAccordion(widget.NewAccordionItem(
			lang.L("today.colleagues", map[string]any{"N": len(s.m.Colleague)}), container.NewVBox(cards...)))
		objs = append(objs, s.others)
	}
	s.list.Objects = objs
	s.list.Refresh()
}

func (s *todayScreen) groupCard(g todayGroup, today bool) fyne.CanvasObject {
	label := lang.L("today.start")
	if g.InProgressID != "" {
		label = lang.L("today.resume")
	}
	var btn *Button
	btn = newImportant(label, widget.HighImportance, func() {
		// A second session on a day the group was already seen is rare and
		// doubles its dose: the first tap asks, the second starts.
		if g.DeliveredToday && g.InProgressID == "" && !s.again[g.ID] {
			s.again[g.ID] = true
			btn.SetText(lang.L("today.start_another"))
			s.a.warn(lang.L("today.already_had", map[string]any{"Group": g.Name, "Button": lang.L("today.start_another")}))
			return
		}
		s.open(g)
	})
	if !today || (g.DeliveredToday && g.InProgressID == "") {
		btn.Importance = widget.MediumImportance
	}
	if g.DeliveredToday && g.InProgressID == "" {
		label = lang.L("today.done")
		btn.SetText(label)
	}
	s.start[g.ID] = btn
	title := g.Name
	if g.Start != "" {
		title = g.Start + "  " + g.Name
	}
	lines := g.Program
	if today {
		lines += "\n" + strings.Join(g.Students, ", ") + "\n" + g.Last
	}
	return card(container.NewBorder(nil, nil, nil, btn, heading(title)), wrapLabel(lines))
}

// open starts (or resumes) the group's session: one tap from Today.
func (s *todayScreen) open(g todayGroup) {
	var sc *sessionScreen
	var err error
	if g.InProgressID != "" {
		sc, err = resumeSession(s.a, g.InProgressID)
	} else {
		sc, err = startSession(s.a, g.ID)
	}
	if err != nil {
		s.a.warn(lang.L("today.could_not_start", map[string]any{"Why": PlainError(err)}))
		return
	}
	s.a.push(sc)
}
