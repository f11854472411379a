package ui

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/repo"
	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// setupScreen lists what can be created and edited on the tablet: students,
// programs with their checklists, groups and calendar breaks (plans and
// goals are on each student's page).
type setupScreen struct {
	a    *App
	root fyne.CanvasObject
	list *fyne.Container

	addStudent, addProgram, addGroup, addBreak *Button
	// observe opens today's sessions this person may observe (observe.go).
	observe *Button
	edit    map[string]*Button // record id → its Edit button
}

func newSetupScreen(a *App) screen {
	s := &setupScreen{a: a, list: container.NewVBox()}
	s.addStudent = newImportant(lang.L("forms.setup.add_student"), widget.HighImportance, func() { a.push(newStudentForm(a, "")) })
	s.addProgram = newImportant(lang.L("forms.setup.add_program"), widget.HighImportance, func() { a.push(newProgramForm(a, "")) })
	s.addGroup = newImportant(lang.L("forms.setup.add_group"), widget.HighImportance, func() { a.push(newGroupForm(a, "")) })
	s.addBreak = NewButton(lang.L("forms.setup.add_break"), func() { a.push(newBreakForm(a, "")) })
	s.observe = NewButton(lang.L("observe.open"), func() { a.push(newObserveList(a)) })
	s.root = vscroll(container.NewPadded(s.list))
	return s
}

func (s *setupScreen) title() string              { return lang.L("forms.setup.title") }
func (s *setupScreen) content() fyne.CanvasObject { return s.root }

func (s *setupScreen) refresh() {
	r := s.a.cfg.Records
	s.edit = map[string]*Button{}
	row := func(id, text string, open func()) fyne.CanvasObject {
		b := NewButton(lang.L("forms.setup.edit"), open)
		s.edit[id] = b
		return container.NewBorder(nil, nil, nil, b, wrapLabel(text))
	}
	section := func(title string, add *Button, rows []fyne.CanvasObject, empty string) fyne.CanvasObject {
		objs := []fyne.CanvasObject{container.NewBorder(nil, nil, nil, add, heading(title))}
		if len(rows) == 0 {
			objs = append(objs, wrapLabel(empty))
		}
		objs = append(objs, rows...)
		return card(objs...)
	}
	var studs, progs, groups, breaks []fyne.CanvasObject
	ss := repo.List[record.Student](r)
	sortDocs(ss, func(a, b record.Student) bool { return a.DisplayName() < b.DisplayName() })
	for _, d := range ss {
		d := d
		txt := lang.L("forms.setup.student_row", map[string]any{"Name": d.Data.DisplayName(), "Grade": d.Data.Grade})
		if !d.Data.IsActive() {
			txt = lang.L("forms.setup.student_row_inactive", map[string]any{"Name": d.Data.DisplayName(), "Grade": d.Data.Grade})
		}
		studs = append(studs, row(d.ID, txt, func() { s.a.push(newStudentForm(s.a, d.ID)) }))
	}
	ps := repo.List[record.Program](r)
	sortDocs(ps, func(a, b record.Program) bool { return a.Name < b.Name })
	for _, d := range ps {
		d := d
		progs = append(progs, row(d.ID, lang.N("forms.setup.program_row", len(d.Data.Steps), map[string]any{"Name": d.Data.Name, "Area": orCode(areaWords, d.Data.Area), "Count": len(d.Data.Steps)}),
			func() { s.a.push(newProgramForm(s.a, d.ID)) }))
	}
	gs := repo.List[record.Group](r)
	sortDocs(gs, func(a, b record.Group) bool { return a.Name < b.Name })
	for _, d := range gs {
		d := d
		groups = append(groups, row(d.ID, lang.N("forms.setup.group_row", len(d.Data.StudentIDs), map[string]any{"Name": d.Data.Name, "Count": len(d.Data.StudentIDs), "Schedule": scheduleText(d.Data.Schedule)}),
			func() { s.a.push(newGroupForm(s.a, d.ID)) }))
	}
	bs := repo.List[record.CalendarBreak](r)
	sortDocs(bs, func(a, b record.CalendarBreak) bool { return a.StartDate < b.StartDate })
	for _, d := range bs {
		d := d
		breaks = append(breaks, row(d.ID, lang.L("forms.setup.break_row", map[string]any{"Name": d.Data.Name, "From": prettyDate(d.Data.StartDate), "To": prettyDate(d.Data.EndDate)}),
			func() { s.a.push(newBreakForm(s.a, d.ID)) }))
	}
	s.list.Objects = []fyne.CanvasObject{
		wrapLabel(lang.L("forms.setup.intro")),
		card(container.NewBorder(nil, nil, nil, s.observe, heading(lang.L("observe.setup.title"))), wrapLabel(lang.L("observe.setup.help"))),
		section(lang.L("forms.setup.students"), s.addStudent, studs, lang.L("forms.setup.students_none")),
		section(lang.L("forms.setup.programs"), s.addProgram, progs, lang.L("forms.setup.programs_none")),
		section(lang.L("forms.setup.groups"), s.addGroup, groups, lang.L("forms.setup.groups_none")),
		section(lang.L("forms.setup.breaks"), s.addBreak, breaks, lang.L("forms.setup.breaks_none")),
	}
	s.list.Refresh()
}

// dayName is a schedule's day, Monday first (record.ScheduleSlot's
// weekday 1–7), in the app's language.
func dayName(i int) string { return i18n.WeekdayShort(applang.Current(), time.Weekday((i+1)%7)) }

func scheduleText(sl []record.ScheduleSlot) string {
	if len(sl) == 0 {
		return lang.L("forms.setup.no_schedule")
	}
	var parts []string
	for _, x := range sl {
		if x.Weekday >= 1 && x.Weekday <= 7 {
			// Weekday 1–7 is Monday–Sunday (DOMAIN.md §2); time.Weekday counts from Sunday.
			parts = append(parts, i18n.WeekdayShort(applang.Current(), time.Weekday(x.Weekday%7))+" "+x.Start)
		}
	}
	return strings.Join(parts, ", ")
}

// --- forms ------------------------------------------------------------------

// formScreen is a titled form with a Save button. save writes the record
// (one transaction) and returns false to stay on the form (a refusal is
// already shown in words).
type formScreen struct {
	a     *App
	name  string
	root  fyne.CanvasObject
	form  *widget.Form
	Save  *Button
	extra []fyne.CanvasObject
	save  func() bool
	// norms is the goal form's suggestions from norms (nil on other forms).
	norms *goalNorms
	// family is the student form's family language (nil on other forms).
	family *familyLanguage
}

func newFormScreen(a *App, title string, items []*widget.FormItem, save func() bool, extra ...fyne.CanvasObject) *formScreen {
	f := &formScreen{a: a, name: title, save: save, extra: extra}
	f.form = widget.NewForm(items...)
	f.Save = newImportant(lang.L("forms.save"), widget.HighImportance, func() {
		offers := a.undo.offers
		if f.save() {
			a.Back()
			// A save that offered an undo is said in the undo bar ("Probe
			// changed to 52."): no second "Saved." that would outlive it.
			if a.undo.offers == offers {
				a.say(lang.L("forms.saved"))
			}
		}
	})
	f.place()
	return f
}

// place lays the form's page out: its extra rows, the form, any panels
// below it, then Save, in one scroller. The returned relayout lays the
// page out again after a panel below changed its size (a container is
// laid out again only when its own size changes).
func (f *formScreen) place(below ...fyne.CanvasObject) (relayout func()) {
	var page *container.Scroll
	objs := append(append([]fyne.CanvasObject{}, f.extra...), wheelThrough(f.form, func() *container.Scroll { return page }))
	objs = append(append(objs, below...), f.Save)
	box := container.NewVBox(objs...)
	page = vscroll(container.NewPadded(box))
	f.root = page
	return func() { box.Refresh(); page.Refresh() }
}

func (f *formScreen) title() string              { return f.name }
func (f *formScreen) content() fyne.CanvasObject { return f.root }
func (f *formScreen) refresh()                   {}
func (f *formScreen) editing() bool              { return true }

func entryWith(text, placeholder string) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(text)
	e.SetPlaceHolder(placeholder)
	return e
}

func numText(v float64) string {
	if v == 0 {
		return ""
	}
	return sayNum(v) // the language's decimal mark; parseFigure reads either

}

// parseNum reads a number field; ok false (and a message shown) when not a number.
func (a *App) parseNum(field, text string, required bool) (float64, bool) {
	text = strings.TrimSpace(text)
	if text == "" && !required {
		return 0, true
	}
	v, err := parseFigure(text)
	if err != nil {
		a.warn(lang.L("forms.not_a_number", map[string]any{"Field": field}))
		return 0, false
	}
	return v, true
}

var grades = []string{"PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}

// newStudentForm creates (id "") or edits a student. Fields other apps
// added are kept (Put encodes over the stored data, PROTOCOL §2).
func newStudentForm(a *App, id string) *formScreen {
	var st record.Student
	if d, ok := repo.Get[record.Student](a.cfg.Records, id); ok {
		st = d.Data
	}
	given := entryWith(st.GivenName, "")
	family := entryWith(st.FamilyName, "")
	preferred := entryWith(st.PreferredName, lang.L("forms.student.preferred_hint"))
	grade := widget.NewSelect(grades, nil)
	grade.SetSelected(st.Grade)
	ext := entryWith(st.ExternalID, lang.L("forms.student.id_hint"))
	active := widget.NewCheck(lang.L("forms.student.active"), nil)
	active.SetChecked(st.IsActive())
	famLang := newFamilyLanguage(st.FamilyLanguage)
	title := lang.L("forms.student.new")
	if id != "" {
		title = lang.L("forms.edit_title", map[string]any{"Name": st.DisplayName()})
	}
	f := newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem(lang.L("forms.student.given"), given), widget.NewFormItem(lang.L("forms.student.family"), family),
		widget.NewFormItem(lang.L("forms.student.preferred"), preferred), widget.NewFormItem(lang.L("forms.student.grade"), grade),
		widget.NewFormItem(lang.L("forms.student.id"), ext),
		widget.NewFormItem(lang.L("forms.student.family_language"), famLang.box), widget.NewFormItem("", active),
	}, func() bool {
		tag, ok := famLang.tag()
		if !ok {
			a.warn(lang.L("forms.student.language_bad"))
			return false
		}
		st.FamilyLanguage = tag
		st.GivenName, st.FamilyName = strings.TrimSpace(given.Text), strings.TrimSpace(family.Text)
		st.PreferredName, st.Grade, st.ExternalID = strings.TrimSpace(preferred.Text), grade.Selected, strings.TrimSpace(ext.Text)
		st.Active = nil
		if !active.Checked {
			st.Active = ptr(false)
		}
		_, err := a.put(record.TypeStudent, id, st, false)
		return err == nil
	})
	f.family = famLang
	return f
}

var areas = []string{record.AreaReading, record.AreaMath, record.AreaBehavior, record.AreaOther}

// newStepID is a short id never given to another step of the program
// (DOMAIN.md §2: never reuse a step id for a different step).
func newStepID(used map[string]bool) string {
	for {
		id := fmt.Sprintf("s%04x", rand.IntN(0x10000))
		if !used[id] {
			used[id] = true
			return id
		}
	}
}

// stepsFromLines keeps the id of every line whose text is unchanged and
// gives new lines new ids.
func stepsFromLines(old []record.Step, text string) []record.Step {
	byText := map[string][]string{}
	used := map[string]bool{}
	for _, s := range old {
		byText[s.Text] = append(byText[s.Text], s.ID)
		used[s.ID] = true
	}
	var out []record.Step
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if ids := byText[line]; len(ids) > 0 {
			out = append(out, record.Step{ID: ids[0], Text: line})
			byText[line] = ids[1:]
			continue
		}
		out = append(out, record.Step{ID: newStepID(used), Text: line})
	}
	return out
}

func newProgramForm(a *App, id string) *formScreen {
	var p record.Program
	if d, ok := repo.Get[record.Program](a.cfg.Records, id); ok {
		p = d.Data
	}
	name := entryWith(p.Name, lang.L("forms.program.name_hint"))
	area := newCodeSelect(areas, areaWords, p.Area)
	perWeek := entryWith(numText(p.SessionsPerWeek), lang.L("forms.eg", map[string]any{"Example": "4"}))
	minutes := entryWith(numText(p.MinutesPerSession), lang.L("forms.eg", map[string]any{"Example": "30"}))
	var lines []string
	for _, s := range p.Steps {
		lines = append(lines, s.Text)
	}
	steps := widget.NewMultiLineEntry()
	steps.SetText(strings.Join(lines, "\n"))
	steps.SetPlaceHolder(lang.L("forms.program.steps_hint"))
	steps.SetMinRowsVisible(8)
	title := lang.L("forms.program.new")
	if id != "" {
		title = lang.L("forms.edit_title", map[string]any{"Name": p.Name})
	}
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem(lang.L("forms.name"), name), widget.NewFormItem(lang.L("forms.program.area"), area.Select),
		widget.NewFormItem(lang.L("forms.sessions_week"), perWeek), widget.NewFormItem(lang.L("forms.minutes_session"), minutes),
		widget.NewFormItem(lang.L("forms.program.steps"), steps),
	}, func() bool {
		spw, ok1 := a.parseNum(lang.L("forms.sessions_week"), perWeek.Text, false)
		mps, ok2 := a.parseNum(lang.L("forms.minutes_session"), minutes.Text, false)
		if !ok1 || !ok2 {
			return false
		}
		p.Name, p.Area, p.SessionsPerWeek, p.MinutesPerSession = strings.TrimSpace(name.Text), area.code(), spw, mps
		p.Steps = stepsFromLines(p.Steps, steps.Text)
		_, err := a.put(record.TypeProgram, id, p, false)
		return err == nil
	}, wrapLabel(lang.L("forms.program.steps_note")))
}

func newGroupForm(a *App, id string) *formScreen {
	var g record.Group
	if d, ok := repo.Get[record.Group](a.cfg.Records, id); ok {
		g = d.Data
	}
	// Who leads the group (its caseload, ADR 0621): the tablet knows only
	// its own person by name, so it offers "me", keeps a colleague set in
	// the console, or leaves the group to nobody yet.
	leadMe, leadNobody, leadColleague := lang.L("forms.group.lead_me"), lang.L("forms.group.lead_nobody"), lang.L("forms.group.lead_colleague")
	leadOpts := []string{leadMe, leadNobody}
	lead := widget.NewSelect(nil, nil)
	switch {
	case id == "" || a.isMe(g.InterventionistID):
		lead.Options = leadOpts
		lead.SetSelected(leadMe)
	case g.InterventionistID == "":
		lead.Options = leadOpts
		lead.SetSelected(leadNobody)
	default:
		lead.Options = append(leadOpts, leadColleague)
		lead.SetSelected(leadColleague)
	}
	name := entryWith(g.Name, lang.L("forms.eg", map[string]any{"Example": "Bluebirds"}))
	progs := repo.List[record.Program](a.cfg.Records)
	sortDocs(progs, func(x, y record.Program) bool { return x.Name < y.Name })
	var progNames []string
	for _, p := range progs {
		progNames = append(progNames, p.Data.Name)
	}
	prog := widget.NewSelect(progNames, nil)
	for _, p := range progs {
		if p.ID == g.ProgramID {
			prog.SetSelected(p.Data.Name)
		}
	}
	studs := repo.List[record.Student](a.cfg.Records)
	sortDocs(studs, func(x, y record.Student) bool { return x.DisplayName() < y.DisplayName() })
	in := map[string]bool{}
	for _, sid := range g.StudentIDs {
		in[sid] = true
	}
	var opts []string
	idOf := map[string]string{}
	var selected []string
	for _, s := range studs {
		label := s.Data.DisplayName()
		if idOf[label] != "" {
			label += " (" + s.Data.Grade + ")"
		}
		idOf[label] = s.ID
		opts = append(opts, label)
		if in[s.ID] {
			selected = append(selected, label)
		}
	}
	members := widget.NewCheckGroup(opts, nil)
	members.SetSelected(selected)
	sched := newScheduleEditor(g.Schedule)
	title := lang.L("forms.group.new")
	if id != "" {
		title = lang.L("forms.edit_title", map[string]any{"Name": g.Name})
	}
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem(lang.L("forms.name"), name), widget.NewFormItem(lang.L("forms.program"), prog),
		widget.NewFormItem(lang.L("forms.group.lead"), lead),
		widget.NewFormItem(lang.L("forms.group.meets"), sched.box),
		widget.NewFormItem(lang.L("forms.group.students"), members),
	}, func() bool {
		g.Name = strings.TrimSpace(name.Text)
		g.ProgramID = ""
		for _, p := range progs {
			if p.Data.Name == prog.Selected {
				g.ProgramID = p.ID
			}
		}
		if g.ProgramID == "" {
			a.warn(lang.L("forms.group.choose_program"))
			return false
		}
		switch lead.Selected {
		case leadMe:
			g.InterventionistID, _ = a.me()
		case leadNobody:
			g.InterventionistID = ""
		} // a colleague's stays as it is
		// Keep members this tablet does not know yet (DOMAIN.md §2: never drop a reference).
		known := map[string]bool{}
		for _, s := range studs {
			known[s.ID] = true
		}
		var ids []string
		for _, sid := range g.StudentIDs {
			if !known[sid] {
				ids = append(ids, sid)
			}
		}
		for _, l := range members.Selected {
			ids = append(ids, idOf[l])
		}
		g.StudentIDs = ids
		slots, err := sched.slots()
		if err != nil {
			a.warn(Sentence(err.Error()))
			return false
		}
		g.Schedule = slots
		_, err = a.put(record.TypeGroup, id, g, false)
		return err == nil
	})
}

func newBreakForm(a *App, id string) *formScreen {
	var b record.CalendarBreak
	if d, ok := repo.Get[record.CalendarBreak](a.cfg.Records, id); ok {
		b = d.Data
	}
	name := entryWith(b.Name, lang.L("forms.break.name_hint"))
	start := entryWith(b.StartDate, lang.L("forms.date_hint"))
	end := entryWith(b.EndDate, lang.L("forms.break.last_hint"))
	title := lang.L("forms.break.new")
	if id != "" {
		title = lang.L("forms.edit_title", map[string]any{"Name": b.Name})
	}
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem(lang.L("forms.name"), name), widget.NewFormItem(lang.L("forms.break.first"), start), widget.NewFormItem(lang.L("forms.break.last"), end),
	}, func() bool {
		b.Name, b.StartDate, b.EndDate = strings.TrimSpace(name.Text), strings.TrimSpace(start.Text), strings.TrimSpace(end.Text)
		_, err := a.put(record.TypeCalendarBreak, id, b, false)
		return err == nil
	})
}

// newPlanForm creates or edits a plan of studentID.
func newPlanForm(a *App, studentID, id string) *formScreen {
	p := record.Plan{StudentID: studentID, StartDate: record.DateOf(a.cfg.Now()).String(), Tier: 2}
	if d, ok := repo.Get[record.Plan](a.cfg.Records, id); ok {
		p = d.Data
	}
	progs := repo.List[record.Program](a.cfg.Records)
	sortDocs(progs, func(x, y record.Program) bool { return x.Name < y.Name })
	var progNames []string
	for _, x := range progs {
		progNames = append(progNames, x.Data.Name)
	}
	perWeek := entryWith(numText(p.SessionsPerWeek), "")
	minutes := entryWith(numText(p.MinutesPerSession), "")
	prog := widget.NewSelect(progNames, func(name string) {
		for _, x := range progs {
			if x.Data.Name == name {
				if perWeek.Text == "" {
					perWeek.SetText(numText(x.Data.SessionsPerWeek))
				}
				if minutes.Text == "" {
					minutes.SetText(numText(x.Data.MinutesPerSession))
				}
			}
		}
	})
	for _, x := range progs {
		if x.ID == p.ProgramID {
			prog.SetSelected(x.Data.Name)
		}
	}
	groups := repo.List[record.Group](a.cfg.Records)
	noGroup := lang.L("forms.plan.no_group")
	groupNames := []string{noGroup}
	for _, g := range groups {
		groupNames = append(groupNames, g.Data.Name)
	}
	group := widget.NewSelect(groupNames, nil)
	group.SetSelected(noGroup)
	for _, g := range groups {
		if g.ID == p.GroupID {
			group.SetSelected(g.Data.Name)
		}
	}
	tier := widget.NewSelect([]string{"2", "3"}, nil)
	tier.SetSelected(strconv.Itoa(p.Tier))
	start := entryWith(p.StartDate, lang.L("forms.date_hint"))
	end := entryWith(p.EndDate, lang.L("forms.plan.end_hint"))
	every := entryWith(numText(p.ProbeEveryDays), "7")
	title := lang.L("forms.plan.new", map[string]any{"Name": studentName(a.cfg.Records, studentID)})
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem(lang.L("forms.program"), prog), widget.NewFormItem(lang.L("forms.plan.group"), group), widget.NewFormItem(lang.L("forms.plan.tier"), tier),
		widget.NewFormItem(lang.L("forms.start"), start), widget.NewFormItem(lang.L("forms.plan.end"), end),
		widget.NewFormItem(lang.L("forms.sessions_week"), perWeek), widget.NewFormItem(lang.L("forms.minutes_session"), minutes),
		widget.NewFormItem(lang.L("forms.plan.every"), every),
	}, func() bool {
		spw, ok1 := a.parseNum(lang.L("forms.sessions_week"), perWeek.Text, true)
		mps, ok2 := a.parseNum(lang.L("forms.minutes_session"), minutes.Text, true)
		ev, ok3 := a.parseNum(lang.L("forms.plan.every_field"), every.Text, false)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		p.ProgramID, p.GroupID = "", ""
		for _, x := range progs {
			if x.Data.Name == prog.Selected {
				p.ProgramID = x.ID
			}
		}
		for _, g := range groups {
			if g.Data.Name == group.Selected {
				p.GroupID = g.ID
			}
		}
		p.Tier, _ = strconv.Atoi(tier.Selected)
		p.StartDate, p.EndDate = strings.TrimSpace(start.Text), strings.TrimSpace(end.Text)
		p.SessionsPerWeek, p.MinutesPerSession, p.ProbeEveryDays = spw, mps, ev
		if p.ProgramID == "" {
			a.warn(lang.L("forms.plan.choose_program"))
			return false
		}
		_, err := a.put(record.TypePlan, id, p, false)
		return err == nil
	})
}

// measureChoices is the goal form's list: record.MeasureChoices over the
// codes the tablet's goals and probes already use, as words in the app's
// language (a district's own code is shown as itself), with the code each
// stands for.
func measureChoices(r Records) (names []string, codes map[string]string) {
	var used []string
	for _, g := range repo.List[record.Goal](r) {
		used = append(used, g.Data.Measure)
	}
	for _, p := range repo.List[record.Probe](r) {
		used = append(used, p.Data.Measure)
	}
	codes = map[string]string{}
	sp := progress.In(applang.Current())
	for _, m := range record.MeasureChoices(used) {
		name := sp.Measure(m.Code).Name
		if name == "" || codes[name] != "" {
			name = m.Code // a name two codes share: the code tells them apart
		}
		names = append(names, name)
		codes[name] = m.Code
	}
	return names, codes
}

// newGoalForm creates or edits a goal of studentID.
func newGoalForm(a *App, studentID, id string) *formScreen {
	g := record.Goal{StudentID: studentID, Direction: record.DirectionUp, StartDate: record.DateOf(a.cfg.Now()).String(), Status: record.GoalActive}
	if d, ok := repo.Get[record.Goal](a.cfg.Records, id); ok {
		g = d.Data
	}
	plans := repo.ListByRef[record.Plan](a.cfg.Records, studentID)
	noPlan := lang.L("forms.goal.no_plan")
	planNames := []string{noPlan}
	progName := func(pid string) string {
		if p, ok := repo.Get[record.Program](a.cfg.Records, pid); ok {
			return p.Data.Name
		}
		return lang.L("forms.goal.a_program")
	}
	for _, p := range plans {
		planNames = append(planNames, lang.L("forms.goal.plan_from", map[string]any{"Program": progName(p.Data.ProgramID), "Date": p.Data.StartDate}))
	}
	plan := widget.NewSelect(planNames, nil)
	plan.SetSelected(noPlan)
	for i, p := range plans {
		if p.ID == g.PlanID {
			plan.SetSelected(planNames[i+1])
		}
	}
	if g.PlanID == "" && id == "" && len(plans) > 0 {
		plan.SetSelected(planNames[len(plans)])
	}
	direction := newCodeSelect([]string{record.DirectionUp, record.DirectionDown}, directionWords, g.Direction)
	measureNames, measureCodes := measureChoices(a.cfg.Records)
	measure := widget.NewSelect(measureNames, func(name string) {
		// A new goal starts with the measure's usual direction (a
		// district's own code is usually up).
		if d := record.MeasureOf(measureCodes[name]).Direction; id == "" && d != "" {
			direction.set(d)
		}
	})
	if g.Measure != "" {
		for name, code := range measureCodes {
			if code == g.Measure {
				measure.SetSelected(name)
			}
		}
	}
	start := entryWith(g.StartDate, lang.L("forms.date_hint"))
	var bs []string
	for _, b := range g.BaselineScores {
		bs = append(bs, fmtNum(b))
	}
	baseline := entryWith(strings.Join(bs, ", "), lang.L("forms.goal.baseline_hint"))
	goalScore := entryWith(numText(g.GoalScore), "")
	goalDate := entryWith(g.GoalDate, lang.L("forms.date_hint"))
	roi := entryWith("", lang.L("forms.goal.roi_hint"))
	if g.TypicalROI != nil {
		roi.SetText(sayNum(*g.TypicalROI))
	}
	status := newCodeSelect(record.GoalStatuses, goalStatusWords, g.Status)
	title := lang.L("forms.goal.new", map[string]any{"Name": studentName(a.cfg.Records, studentID)})
	if id != "" {
		title = lang.L("forms.goal.edit", map[string]any{"Name": studentName(a.cfg.Records, studentID)})
	}
	var grade string
	if st, ok := repo.Get[record.Student](a.cfg.Records, studentID); ok {
		grade = st.Data.Grade
	}
	// Suggestions from the district's norms (DOMAIN.md §3.10): choosing one
	// fills the goal, its date and the typical growth.
	norms := newGoalNorms(a, grade, func(score float64, date string, typical *float64) {
		goalScore.SetText(inAppLang().Number(record.FormatInput(score)))
		goalDate.SetText(date)
		if typical != nil {
			roi.SetText(inAppLang().Number(record.FormatInput(*typical)))
		}
	})
	f := newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem(lang.L("forms.goal.plan"), plan), widget.NewFormItem(lang.L("forms.goal.measure"), measure), widget.NewFormItem(lang.L("forms.goal.direction"), direction.Select),
		widget.NewFormItem(lang.L("forms.start"), start), widget.NewFormItem(lang.L("forms.goal.baseline"), baseline),
		widget.NewFormItem(lang.L("forms.goal.score"), goalScore), widget.NewFormItem(lang.L("forms.goal.date"), goalDate),
		widget.NewFormItem(lang.L("forms.goal.roi"), roi), widget.NewFormItem(lang.L("forms.goal.status"), status.Select),
	}, func() bool {
		gs, ok1 := a.parseNum(lang.L("forms.goal.score"), goalScore.Text, true)
		r, ok2 := a.parseNum(lang.L("forms.goal.roi_field"), roi.Text, false)
		if !ok1 || !ok2 {
			return false
		}
		var base []float64
		for _, f := range strings.FieldsFunc(baseline.Text, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				a.warn(lang.L("forms.goal.baseline_bad"))
				return false
			}
			base = append(base, v)
		}
		g.PlanID = ""
		for i, p := range plans {
			if plan.Selected == planNames[i+1] {
				g.PlanID = p.ID
			}
		}
		if measure.Selected == "" {
			a.warn(lang.L("forms.goal.choose_measure"))
			return false
		}
		g.Measure, g.Direction = measureCodes[measure.Selected], direction.code()
		g.StartDate, g.GoalDate = strings.TrimSpace(start.Text), strings.TrimSpace(goalDate.Text)
		g.BaselineScores, g.GoalScore, g.Status = base, gs, status.code()
		g.TypicalROI = nil
		if strings.TrimSpace(roi.Text) != "" {
			g.TypicalROI = ptr(r)
		}
		_, err := a.put(record.TypeGoal, id, g, false)
		return err == nil
	})
	norms.relayout = f.place(norms.box)
	update := func() {
		in := goalInputs{measure: measureCodes[measure.Selected], direction: direction.code(),
			start: start.Text, baseline: baseline.Text, goalDate: goalDate.Text}
		for i, p := range plans {
			if plan.Selected == planNames[i+1] {
				in.planEnd = p.Data.EndDate
			}
		}
		norms.update(in)
	}
	chooseMeasure := measure.OnChanged
	measure.OnChanged = func(name string) { chooseMeasure(name); update() }
	for _, e := range []*widget.Entry{start, baseline, goalDate} {
		e.OnChanged = func(string) { update() }
	}
	plan.OnChanged = func(string) { update() }
	direction.Select.OnChanged = func(string) { update() }
	update()
	f.norms = norms
	return f
}

// codeSelect is a choice among codes a record stores (an area, a
// direction, a status), shown as words in the app's language.
type codeSelect struct {
	*widget.Select
	codes []string
}

// newCodeSelect offers codes as words, with current chosen; a code this
// app does not know is offered as itself, so an edit keeps it.
func newCodeSelect(codes []string, words func(string) string, current string) *codeSelect {
	c := &codeSelect{codes: append([]string{}, codes...)}
	known := false
	for _, code := range codes {
		known = known || code == current
	}
	if current != "" && !known {
		c.codes = append(c.codes, current)
	}
	opts := make([]string, len(c.codes))
	for i, code := range c.codes {
		opts[i] = words(code)
		if opts[i] == "" {
			opts[i] = code
		}
	}
	c.Select = widget.NewSelect(opts, nil)
	c.set(current)
	return c
}

// set chooses code (nothing when it is not offered).
func (c *codeSelect) set(code string) {
	for i, x := range c.codes {
		if x == code {
			c.SetSelectedIndex(i)
		}
	}
}

// code is the chosen code, "" for none.
func (c *codeSelect) code() string {
	if i := c.SelectedIndex(); i >= 0 && i < len(c.codes) {
		return c.codes[i]
	}
	return ""
}

// areaWords and directionWords are a code's words ("" for an unknown
// code, shown as itself); a goal's status is goalStatusWords'.
func areaWords(code string) string      { return codeWords("forms.area.", code) }
func directionWords(code string) string { return codeWords("forms.direction.", code) }

// orCode is code's words, or code itself when it has none.
func orCode(words func(string) string, code string) string {
	if w := words(code); w != "" {
		return w
	}
	return code
}

func codeWords(prefix, code string) string {
	if code == "" {
		return ""
	}
	id := prefix + code
	if w := lang.L(id); w != id {
		return w
	}
	return ""
}
