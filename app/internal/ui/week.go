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

// "My week" (ADR 0621): my groups' sessions of one week, day by day —
// delivered, cancelled, in progress, to come, or not recorded — with the
// way to any week before or after, each group's history and each student's
// attendance history. Times come from the group's schedule for that
// weekday (each weekday may have its own, DOMAIN.md §2 `group`).

// Week item states beyond the session statuses of DOMAIN.md §2.
const (
	weekToCome      = "to_come"      // a scheduled slot today or later, nothing recorded yet
	weekNotRecorded = "not_recorded" // a scheduled slot in the past with no session
	weekBreak       = "break"        // a scheduled slot inside a calendar break
)

// weekItem is one line of a day: a session, or a slot without one.
type weekItem struct {
	GroupID, Group string
	Start          string // "HH:MM" of the slot (or when the session started), "" when unknown
	SessionID      string // "" for a slot without a session
	State          string // record.Session* status, or a week* state
	Text           string
}

// weekDay is one day of the week view.
type weekDay struct {
	Date  record.Date
	Items []weekItem
}

// weekModel is one week (Monday to Sunday) of my groups.
type weekModel struct {
	Monday                               record.Date
	Days                                 [7]weekDay
	Delivered, Cancelled, ToCome, Missed int
}

// mondayOf is the Monday of d's week.
func mondayOf(d record.Date) record.Date { return d - record.Date(d.Weekday()-1) }

// myGroups are the groups of my caseload: led by me, or by nobody yet (as
// on Today, ADR 0604).
func myGroups(rec Records, mine func(string) bool) []repo.Doc[record.Group] {
	var out []repo.Doc[record.Group]
	for _, g := range repo.List[record.Group](rec) {
		if g.Data.InterventionistID == "" || mine(g.Data.InterventionistID) {
			out = append(out, g)
		}
	}
	sortDocs(out, func(a, b record.Group) bool { return a.Name < b.Name })
	return out
}

// slotStart is the group's start time on weekday wd ("" when it does not
// meet that day); with several slots on one day, the earliest.
func slotStart(g record.Group, wd int) string {
	start := ""
	for _, sl := range g.Schedule {
		if sl.Weekday == wd && (start == "" || sl.Start < start) {
			start = sl.Start
		}
	}
	return start
}

// breakOn is the name of the calendar break holding d, "" when none.
func breakOn(breaks []repo.Doc[record.CalendarBreak], d record.Date) string {
	ds := d.String()
	for _, b := range breaks {
		if b.Data.StartDate <= ds && ds <= b.Data.EndDate {
			return b.Data.Name
		}
	}
	return ""
}

// loadWeek builds the week starting on monday, as seen on today.
func loadWeek(rec Records, monday, today record.Date, mine func(string) bool) weekModel {
	m := weekModel{Monday: monday}
	for i := range m.Days {
		m.Days[i].Date = monday + record.Date(i)
	}
	breaks := repo.List[record.CalendarBreak](rec)
	first, last := monday.String(), (monday + 6).String()
	for _, g := range myGroups(rec, mine) {
		// A slot before the group existed is not a session missed: the
		// group's UUIDv7 id says when it was made (none, or a time after
		// today by this tablet's clock: every day counts).
		var since record.Date
		if t, ok := uuidV7Time(g.ID); ok && record.DateOf(t.Local()) <= today {
			since = record.DateOf(t.Local())
		}
		byDay := map[string][]repo.Doc[record.Session]{}
		for _, s := range repo.ListByRefDates[record.Session](rec, g.ID, first, last) { // this week's only (ADR 0652)
			byDay[s.Data.Date] = append(byDay[s.Data.Date], s)
		}
		for i := range m.Days {
			d := m.Days[i].Date
			start := slotStart(g.Data, d.Weekday())
			sessions := byDay[d.String()]
			sort.SliceStable(sessions, func(x, y int) bool { return sessions[x].Data.StartedAt < sessions[y].Data.StartedAt })
			for k, s := range sessions {
				it := weekItem{GroupID: g.ID, Group: g.Data.Name, SessionID: s.ID, State: s.Data.Status, Start: startedClock(s.Data.StartedAt)}
				if k == 0 && start != "" {
					it.Start = start
				}
				it.Text = sessionLine(rec, s.Data)
				switch s.Data.Status {
				case record.SessionDelivered:
					m.Delivered++
				case record.SessionCancelled:
					m.Cancelled++
				}
				m.Days[i].Items = append(m.Days[i].Items, it)
			}
			if len(sessions) > 0 || start == "" || d < since {
				continue
			}
			it := weekItem{GroupID: g.ID, Group: g.Data.Name, Start: start}
			switch {
			case breakOn(breaks, d) != "":
				it.State, it.Text = weekBreak, lang.L("week.break", map[string]any{"Break": breakOn(breaks, d)})
			case d >= today:
				it.State, it.Text = weekToCome, lang.L("week.to_come")
				m.ToCome++
			default:
				it.State, it.Text = weekNotRecorded, lang.L("week.not_recorded")
				m.Missed++
			}
			m.Days[i].Items = append(m.Days[i].Items, it)
		}
	}
	for i := range m.Days {
		items := m.Days[i].Items
		sort.SliceStable(items, func(x, y int) bool {
			if items[x].Start != items[y].Start {
				return items[x].Start < items[y].Start
			}
			return items[x].Group < items[y].Group
		})
	}
	return m
}

// startedClock is the "HH:MM" (tablet time) a session started, "" when
// unknown.
func startedClock(startedAt string) string {
	t, err := time.Parse(time.RFC3339, startedAt)
	if err != nil {
		return ""
	}
	return t.Local().Format("15:04")
}

// sessionLine says what a session was: "Delivered · 30 min · 4 of 5
// attended · fidelity 88%", "Cancelled: assembly", "In progress".
func sessionLine(rec Records, s record.Session) string {
	switch s.Status {
	case record.SessionCancelled:
		if s.CancelReason != "" {
			return lang.L("week.cancelled_because", map[string]any{"Reason": s.CancelReason})
		}
		return lang.L("week.cancelled")
	case record.SessionInProgress:
		return lang.L("week.in_progress")
	}
	m := &sessionModel{rec: rec, s: s}
	if p, ok := repo.Get[record.Program](rec, s.ProgramID); ok {
		m.steps = p.Data.Steps
	}
	sum := m.summary()
	txt := lang.L("week.delivered", map[string]any{"Minutes": sayFigure(fmtNum(s.Minutes)),
		"Attended": attendedWords(sum.Present, sum.Late, sum.LeftEarly, sum.Absent)})
	if sum.FidelityPct >= 0 {
		txt += lang.L("week.fidelity", map[string]any{"Pct": sayFigure(fmtShare(sum.FidelityPct))})
	}
	return txt
}

// correctedNote is " · corrected" for a session whose finished version was
// corrected on this tablet (its local history, ADR 0620), else "".
func correctedNote(rec Records, id string) string {
	if h, err := rec.History(id); err == nil && len(h) > 0 {
		return lang.L("week.corrected")
	}
	return ""
}

// stateMark is a shape and word for a week item, so that state is never
// told by colour alone.
func stateMark(state string) string {
	switch state {
	case record.SessionDelivered:
		return "✓"
	case record.SessionCancelled:
		return "✕"
	case record.SessionInProgress:
		return "▶"
	case weekToCome:
		return "○"
	case weekBreak:
		return "–"
	}
	return "!"
}

// weekScreen shows one week and moves between weeks.
type weekScreen struct {
	a      *App
	monday record.Date
	m      weekModel
	root   fyne.CanvasObject
	list   *fyne.Container
	head   *widget.Label

	prev, this, next *Button
	rows             map[string]*tapRow // session id, or group id + date for a slot (tests)
	history          map[string]*tapRow // group id → its history (tests)
}

func newWeekScreen(a *App) *weekScreen {
	s := &weekScreen{a: a, monday: mondayOf(record.DateOf(a.cfg.Now()))}
	s.head = heading("")
	s.prev = NewButton(lang.L("week.prev"), func() { s.monday -= 7; s.refresh() })
	s.this = NewButton(lang.L("week.this"), func() { s.monday = mondayOf(record.DateOf(s.a.cfg.Now())); s.refresh() })
	s.next = NewButton(lang.L("week.next"), func() { s.monday += 7; s.refresh() })
	s.list = container.NewVBox()
	nav := container.NewGridWithColumns(3, s.prev, s.this, s.next)
	s.root = container.NewBorder(container.NewPadded(container.NewVBox(nav, s.head)), nil, nil, nil,
		vscroll(container.NewPadded(s.list)))
	return s
}

func (s *weekScreen) title() string              { return lang.L("week.title") }
func (s *weekScreen) content() fyne.CanvasObject { return s.root }

func (s *weekScreen) refresh() {
	today := record.DateOf(s.a.cfg.Now())
	s.m = loadWeek(s.a.cfg.Records, s.monday, today, s.a.isMe)
	s.head.SetText(lang.L("week.head", map[string]any{"Date": prettyDate(s.monday.String()), "Delivered": s.m.Delivered,
		"Cancelled": s.m.Cancelled, "ToCome": s.m.ToCome, "Missed": s.m.Missed}))
	if s.monday == mondayOf(today) {
		s.this.Disable()
	} else {
		s.this.Enable()
	}
	s.rows = map[string]*tapRow{}
	var objs []fyne.CanvasObject
	for _, d := range s.m.Days {
		if len(d.Items) == 0 && d.Date.Weekday() > 5 {
			continue // weekends only when something is on them
		}
		title := longDate(d.Date.Time())
		if d.Date == today {
			title += lang.L("week.today_mark")
		}
		rows := []fyne.CanvasObject{heading(title)}
		for _, it := range d.Items {
			rows = append(rows, s.row(d.Date, it))
		}
		if len(d.Items) == 0 {
			rows = append(rows, wrapLabel(lang.L("week.no_group")))
		}
		objs = append(objs, card(rows...))
	}
	// Every group of mine, whether or not it meets this week: its history.
	s.history = map[string]*tapRow{}
	groups := []fyne.CanvasObject{heading(lang.L("week.history"))}
	for _, g := range myGroups(s.a.cfg.Records, s.a.isMe) {
		gid := g.ID
		b := rowButton(g.Data.Name+" · "+scheduleText(g.Data.Schedule), func() { s.a.push(newGroupHistory(s.a, gid)) })
		s.history[g.ID] = b
		groups = append(groups, b)
	}
	objs = append(objs, card(groups...))
	s.list.Objects = objs
	s.list.Refresh()
}

func (s *weekScreen) row(day record.Date, it weekItem) fyne.CanvasObject {
	txt := stateMark(it.State) + "  "
	if it.Start != "" {
		txt += it.Start + "  "
	}
	txt += it.Group + " — " + it.Text
	var b *tapRow
	if it.SessionID != "" {
		id := it.SessionID
		b = rowButton(txt+correctedNote(s.a.cfg.Records, id), func() { s.openSession(id) })
		s.rows[id] = b
	} else {
		gid := it.GroupID
		b = rowButton(txt, func() { s.a.push(newGroupHistory(s.a, gid)) })
		s.rows[gid+"/"+day.String()] = b
	}
	if it.State == weekNotRecorded {
		b.Importance = widget.WarningImportance // and "!" says it without colour
	}
	return b
}

func (s *weekScreen) openSession(id string) {
	sc, err := resumeSession(s.a, id)
	if err != nil {
		s.a.warn(lang.L("week.could_not_open", map[string]any{"Why": PlainError(err)}))
		return
	}
	s.a.push(sc)
}

// --- a group's history ------------------------------------------------------

// groupHistory lists every session of one group, newest first, and each
// student's attendance over the delivered ones.
type groupHistory struct {
	a    *App
	id   string
	name string
	root fyne.CanvasObject
	box  *fyne.Container
	rows map[string]*tapRow // session id → row (tests)
	att  []string           // "Ava Martinez: 8 of 10" per student (tests)
}

func newGroupHistory(a *App, id string) *groupHistory {
	s := &groupHistory{a: a, id: id, box: container.NewVBox()}
	s.root = vscroll(container.NewPadded(s.box))
	return s
}

func (s *groupHistory) title() string {
	return lang.L("week.group_history.title", map[string]any{"Group": s.name})
}
func (s *groupHistory) content() fyne.CanvasObject { return s.root }

func (s *groupHistory) refresh() {
	r := s.a.cfg.Records
	g, ok := repo.Get[record.Group](r, s.id)
	s.name = lang.L("common.not_synced_yet", map[string]any{"What": typeWords(record.TypeGroup)})
	if ok {
		s.name = g.Data.Name
	}
	s.a.title.SetText(s.title())
	sessions := repo.ListByRef[record.Session](r, s.id)
	sort.SliceStable(sessions, func(i, j int) bool {
		if sessions[i].Data.Date != sessions[j].Data.Date {
			return sessions[i].Data.Date > sessions[j].Data.Date
		}
		return sessions[i].Data.StartedAt > sessions[j].Data.StartedAt
	})
	// Attendance per student over the delivered sessions that list them (a
	// student who joined later is not counted absent from before).
	attended, listed := map[string]int{}, map[string]int{}
	for _, ss := range sessions {
		if ss.Data.Status != record.SessionDelivered {
			continue
		}
		for _, at := range ss.Data.Attendance {
			listed[at.StudentID]++
			if at.Status != record.Absent {
				attended[at.StudentID]++
			}
		}
	}
	var att []string
	if ok {
		for _, sid := range g.Data.StudentIDs {
			att = append(att, lang.L("week.attended_of", map[string]any{"Name": studentName(r, sid), "N": attended[sid], "Of": listed[sid]}))
		}
	}
	objs := []fyne.CanvasObject{}
	if ok {
		objs = append(objs, card(heading(lang.L("week.schedule")), wrapLabel(scheduleText(g.Data.Schedule))))
	}
	s.att = att
	if len(att) > 0 {
		objs = append(objs, card(heading(lang.L("week.attended_head")), wrapLabel(strings.Join(att, "\n"))))
	}
	s.rows = map[string]*tapRow{}
	rows := []fyne.CanvasObject{heading(lang.L("week.sessions", map[string]any{"N": len(sessions)}))}
	for _, ss := range sessions {
		id := ss.ID
		b := rowButton(stateMark(ss.Data.Status)+"  "+prettyDate(ss.Data.Date)+" — "+sessionLine(r, ss.Data)+correctedNote(r, id), func() {
			if sc, err := resumeSession(s.a, id); err == nil {
				s.a.push(sc)
			}
		})
		s.rows[id] = b
		rows = append(rows, b)
	}
	if len(sessions) == 0 {
		rows = append(rows, wrapLabel(lang.L("week.no_session_yet")))
	}
	objs = append(objs, card(rows...))
	s.box.Objects = objs
	s.box.Refresh()
}

// --- a student's attendance -------------------------------------------------

// attendanceLine is one session as one student lived it.
type attendanceLine struct {
	Date, Group, State string // State: a record attendance status, or "cancelled"
	Minutes            *float64
}

// studentAttendance lists the sessions of every group the student is in,
// newest first: how the student attended each delivered one, and the
// cancelled ones. In-progress sessions are left out (not a fact yet).
func studentAttendance(rec Records, studentID string) (lines []attendanceLine, attended, delivered int) {
	for _, g := range repo.List[record.Group](rec) {
		member := false
		for _, sid := range g.Data.StudentIDs {
			member = member || sid == studentID
		}
		for _, s := range repo.ListByRef[record.Session](rec, g.ID) {
			var at *record.Attendance
			for i := range s.Data.Attendance {
				if s.Data.Attendance[i].StudentID == studentID {
					at = &s.Data.Attendance[i]
				}
			}
			if at == nil && !member {
				continue
			}
			switch {
			case s.Data.Status == record.SessionCancelled:
				lines = append(lines, attendanceLine{Date: s.Data.Date, Group: g.Data.Name, State: record.SessionCancelled})
			case s.Data.Status == record.SessionDelivered && at != nil:
				delivered++
				if at.Status != record.Absent {
					attended++
				}
				mins := at.Minutes
				if mins == nil && at.Status == record.Present {
					mins = ptr(s.Data.Minutes)
				}
				lines = append(lines, attendanceLine{Date: s.Data.Date, Group: g.Data.Name, State: at.Status, Minutes: mins})
			}
		}
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].Date > lines[j].Date })
	return lines, attended, delivered
}

// attendanceScreen is one student's attendance history.
type attendanceScreen struct {
	a    *App
	id   string
	root fyne.CanvasObject
	sum  *widget.Label
	list *widget.Label
}

func newAttendanceScreen(a *App, id string) *attendanceScreen {
	s := &attendanceScreen{a: a, id: id, sum: heading(""), list: wrapLabel("")}
	s.root = vscroll(container.NewPadded(container.NewVBox(s.sum, card(s.list))))
	return s
}

func (s *attendanceScreen) title() string {
	return lang.L("week.attendance.title", map[string]any{"Name": studentName(s.a.cfg.Records, s.id)})
}
func (s *attendanceScreen) content() fyne.CanvasObject { return s.root }

func (s *attendanceScreen) refresh() {
	lines, attended, delivered := studentAttendance(s.a.cfg.Records, s.id)
	s.sum.SetText(lang.L("week.attendance.sum", map[string]any{"N": attended, "Of": delivered}))
	var out []string
	for _, l := range lines {
		t := prettyDate(l.Date) + " · " + l.Group + " · "
		if l.State == record.SessionCancelled {
			t += lang.L("week.attendance.cancelled")
		} else {
			t += statusWord(l.State)
			if l.Minutes != nil && l.State != record.Absent {
				t += ", " + sayFigure(fmtNum(*l.Minutes)) + " min"
			}
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		out = append(out, lang.L("week.no_session_yet"))
	}
	s.list.SetText(strings.Join(out, "\n"))
}
