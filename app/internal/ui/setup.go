package ui

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
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
	edit                                       map[string]*Button // record id → its Edit button
}

func newSetupScreen(a *App) screen {
	s := &setupScreen{a: a, list: container.NewVBox()}
	s.addStudent = newImportant("Add student", widget.HighImportance, func() { a.push(newStudentForm(a, "")) })
	s.addProgram = newImportant("Add program", widget.HighImportance, func() { a.push(newProgramForm(a, "")) })
	s.addGroup = newImportant("Add group", widget.HighImportance, func() { a.push(newGroupForm(a, "")) })
	s.addBreak = NewButton("Add break", func() { a.push(newBreakForm(a, "")) })
	s.root = vscroll(container.NewPadded(s.list))
	return s
}

func (s *setupScreen) title() string              { return "Setup" }
func (s *setupScreen) content() fyne.CanvasObject { return s.root }

func (s *setupScreen) refresh() {
	r := s.a.cfg.Records
	s.edit = map[string]*Button{}
	row := func(id, text string, open func()) fyne.CanvasObject {
		b := NewButton("Edit", open)
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
		txt := d.Data.DisplayName() + " · grade " + d.Data.Grade
		if !d.Data.IsActive() {
			txt += " · inactive"
		}
		studs = append(studs, row(d.ID, txt, func() { s.a.push(newStudentForm(s.a, d.ID)) }))
	}
	ps := repo.List[record.Program](r)
	sortDocs(ps, func(a, b record.Program) bool { return a.Name < b.Name })
	for _, d := range ps {
		d := d
		progs = append(progs, row(d.ID, fmt.Sprintf("%s · %s · %d steps", d.Data.Name, d.Data.Area, len(d.Data.Steps)),
			func() { s.a.push(newProgramForm(s.a, d.ID)) }))
	}
	gs := repo.List[record.Group](r)
	sortDocs(gs, func(a, b record.Group) bool { return a.Name < b.Name })
	for _, d := range gs {
		d := d
		groups = append(groups, row(d.ID, fmt.Sprintf("%s · %d students · %s", d.Data.Name, len(d.Data.StudentIDs), scheduleText(d.Data.Schedule)),
			func() { s.a.push(newGroupForm(s.a, d.ID)) }))
	}
	bs := repo.List[record.CalendarBreak](r)
	sortDocs(bs, func(a, b record.CalendarBreak) bool { return a.StartDate < b.StartDate })
	for _, d := range bs {
		d := d
		breaks = append(breaks, row(d.ID, fmt.Sprintf("%s · %s – %s", d.Data.Name, prettyDate(d.Data.StartDate), prettyDate(d.Data.EndDate)),
			func() { s.a.push(newBreakForm(s.a, d.ID)) }))
	}
	s.list.Objects = []fyne.CanvasObject{
		wrapLabel("Plans and goals are set on each student's page (Students tab)."),
		section("Students", s.addStudent, studs, "No students yet."),
		section("Programs and checklists", s.addProgram, progs, "No programs yet. A program holds the fidelity checklist of its sessions."),
		section("Groups", s.addGroup, groups, "No groups yet. A group needs a program and its students."),
		section("Calendar breaks", s.addBreak, breaks, "No breaks. Breaks stop the clock for aimlines and dose."),
	}
	s.list.Refresh()
}

var dayNames = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

func scheduleText(sl []record.ScheduleSlot) string {
	if len(sl) == 0 {
		return "no schedule"
	}
	var parts []string
	for _, x := range sl {
		if x.Weekday >= 1 && x.Weekday <= 7 {
			parts = append(parts, dayNames[x.Weekday-1]+" "+x.Start)
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
}

func newFormScreen(a *App, title string, items []*widget.FormItem, save func() bool, extra ...fyne.CanvasObject) *formScreen {
	f := &formScreen{a: a, name: title, save: save, extra: extra}
	f.form = widget.NewForm(items...)
	f.Save = newImportant("Save", widget.HighImportance, func() {
		offers := a.undo.offers
		if f.save() {
			a.Back()
			// A save that offered an undo is said in the undo bar ("Probe
			// changed to 52."): no second "Saved." that would outlive it.
			if a.undo.offers == offers {
				a.say("Saved.")
			}
		}
	})
	var page *container.Scroll
	objs := append(append([]fyne.CanvasObject{}, extra...), wheelThrough(f.form, func() *container.Scroll { return page }), f.Save)
	page = vscroll(container.NewPadded(container.NewVBox(objs...)))
	f.root = page
	return f
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
	return fmtNum(v)
}

// parseNum reads a number field; ok false (and a message shown) when not a number.
func (a *App) parseNum(field, text string, required bool) (float64, bool) {
	text = strings.TrimSpace(text)
	if text == "" && !required {
		return 0, true
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		a.warn(field + " must be a number.")
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
	preferred := entryWith(st.PreferredName, "shown instead of the given name")
	grade := widget.NewSelect(grades, nil)
	grade.SetSelected(st.Grade)
	ext := entryWith(st.ExternalID, "student information system id")
	active := widget.NewCheck("Active (inactive students are hidden from Today)", nil)
	active.SetChecked(st.IsActive())
	title := "New student"
	if id != "" {
		title = "Edit " + st.DisplayName()
	}
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem("Given name", given), widget.NewFormItem("Family name", family),
		widget.NewFormItem("Preferred name", preferred), widget.NewFormItem("Grade", grade),
		widget.NewFormItem("Student id", ext), widget.NewFormItem("", active),
	}, func() bool {
		st.GivenName, st.FamilyName = strings.TrimSpace(given.Text), strings.TrimSpace(family.Text)
		st.PreferredName, st.Grade, st.ExternalID = strings.TrimSpace(preferred.Text), grade.Selected, strings.TrimSpace(ext.Text)
		st.Active = nil
		if !active.Checked {
			st.Active = ptr(false)
		}
		_, err := a.put(record.TypeStudent, id, st, false)
		return err == nil
	})
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
	name := entryWith(p.Name, "e.g. Phonics for Reading, level 2")
	area := widget.NewSelect(areas, nil)
	area.SetSelected(p.Area)
	perWeek := entryWith(numText(p.SessionsPerWeek), "e.g. 4")
	minutes := entryWith(numText(p.MinutesPerSession), "e.g. 30")
	var lines []string
	for _, s := range p.Steps {
		lines = append(lines, s.Text)
	}
	steps := widget.NewMultiLineEntry()
	steps.SetText(strings.Join(lines, "\n"))
	steps.SetPlaceHolder("One step per line, in order:\nReview sight words\nModel the new sound\n…")
	steps.SetMinRowsVisible(8)
	title := "New program"
	if id != "" {
		title = "Edit " + p.Name
	}
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem("Name", name), widget.NewFormItem("Area", area),
		widget.NewFormItem("Sessions a week", perWeek), widget.NewFormItem("Minutes a session", minutes),
		widget.NewFormItem("Checklist steps", steps),
	}, func() bool {
		spw, ok1 := a.parseNum("Sessions a week", perWeek.Text, false)
		mps, ok2 := a.parseNum("Minutes a session", minutes.Text, false)
		if !ok1 || !ok2 {
			return false
		}
		p.Name, p.Area, p.SessionsPerWeek, p.MinutesPerSession = strings.TrimSpace(name.Text), area.Selected, spw, mps
		p.Steps = stepsFromLines(p.Steps, steps.Text)
		_, err := a.put(record.TypeProgram, id, p, false)
		return err == nil
	}, wrapLabel("Editing a step's words makes it a new step; its history stays with the old one."))
}

func newGroupForm(a *App, id string) *formScreen {
	var g record.Group
	if d, ok := repo.Get[record.Group](a.cfg.Records, id); ok {
		g = d.Data
	}
	// Who leads the group (its caseload, issue 14): the tablet knows only
	// its own person by name, so it offers "me", keeps a colleague set in
	// the console, or leaves the group to nobody yet.
	const leadMe, leadNobody, leadColleague = "Me", "Nobody yet", "A colleague (as set in the console)"
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
	name := entryWith(g.Name, "e.g. Bluebirds")
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
	title := "New group"
	if id != "" {
		title = "Edit " + g.Name
	}
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem("Name", name), widget.NewFormItem("Program", prog),
		widget.NewFormItem("Led by", lead),
		widget.NewFormItem("Meets on", sched.box),
		widget.NewFormItem("Students", members),
	}, func() bool {
		g.Name = strings.TrimSpace(name.Text)
		g.ProgramID = ""
		for _, p := range progs {
			if p.Data.Name == prog.Selected {
				g.ProgramID = p.ID
			}
		}
		if g.ProgramID == "" {
			a.warn("Choose the group's program (add one first if there is none).")
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
	name := entryWith(b.Name, "e.g. Spring break")
	start := entryWith(b.StartDate, "YYYY-MM-DD")
	end := entryWith(b.EndDate, "YYYY-MM-DD (the last day off)")
	title := "New break"
	if id != "" {
		title = "Edit " + b.Name
	}
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem("Name", name), widget.NewFormItem("First day", start), widget.NewFormItem("Last day", end),
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
	groupNames := []string{"(no group)"}
	for _, g := range groups {
		groupNames = append(groupNames, g.Data.Name)
	}
	group := widget.NewSelect(groupNames, nil)
	group.SetSelected("(no group)")
	for _, g := range groups {
		if g.ID == p.GroupID {
			group.SetSelected(g.Data.Name)
		}
	}
	tier := widget.NewSelect([]string{"2", "3"}, nil)
	tier.SetSelected(strconv.Itoa(p.Tier))
	start := entryWith(p.StartDate, "YYYY-MM-DD")
	end := entryWith(p.EndDate, "YYYY-MM-DD, empty when open-ended")
	every := entryWith(numText(p.ProbeEveryDays), "7")
	title := "New plan for " + studentName(a.cfg.Records, studentID)
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem("Program", prog), widget.NewFormItem("Group", group), widget.NewFormItem("Tier", tier),
		widget.NewFormItem("Start", start), widget.NewFormItem("End", end),
		widget.NewFormItem("Sessions a week", perWeek), widget.NewFormItem("Minutes a session", minutes),
		widget.NewFormItem("Probe every (days)", every),
	}, func() bool {
		spw, ok1 := a.parseNum("Sessions a week", perWeek.Text, true)
		mps, ok2 := a.parseNum("Minutes a session", minutes.Text, true)
		ev, ok3 := a.parseNum("Probe every", every.Text, false)
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
			a.warn("Choose the program.")
			return false
		}
		_, err := a.put(record.TypePlan, id, p, false)
		return err == nil
	})
}

// measureChoices is the goal form's list: record.MeasureChoices over the
// codes the tablet's goals and probes already use, as words (a district's
// own code is shown as itself), with the code each stands for.
func measureChoices(r Records) (names []string, codes map[string]string) {
	var used []string
	for _, g := range repo.List[record.Goal](r) {
		used = append(used, g.Data.Measure)
	}
	for _, p := range repo.List[record.Probe](r) {
		used = append(used, p.Data.Measure)
	}
	codes = map[string]string{}
	for _, m := range record.MeasureChoices(used) {
		names = append(names, m.Name)
		codes[m.Name] = m.Code
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
	planNames := []string{"(no plan)"}
	progName := func(pid string) string {
		if p, ok := repo.Get[record.Program](a.cfg.Records, pid); ok {
			return p.Data.Name
		}
		return "program"
	}
	for _, p := range plans {
		planNames = append(planNames, progName(p.Data.ProgramID)+" from "+p.Data.StartDate)
	}
	plan := widget.NewSelect(planNames, nil)
	plan.SetSelected("(no plan)")
	for i, p := range plans {
		if p.ID == g.PlanID {
			plan.SetSelected(planNames[i+1])
		}
	}
	if g.PlanID == "" && id == "" && len(plans) > 0 {
		plan.SetSelected(planNames[len(plans)])
	}
	direction := widget.NewSelect([]string{record.DirectionUp, record.DirectionDown}, nil)
	direction.SetSelected(g.Direction)
	measureNames, measureCodes := measureChoices(a.cfg.Records)
	measure := widget.NewSelect(measureNames, func(name string) {
		// A new goal starts with the measure's usual direction (a
		// district's own code is usually up).
		if d := record.MeasureOf(measureCodes[name]).Direction; id == "" && d != "" {
			direction.SetSelected(d)
		}
	})
	if g.Measure != "" {
		measure.SetSelected(record.MeasureOf(g.Measure).Name)
	}
	start := entryWith(g.StartDate, "YYYY-MM-DD")
	var bs []string
	for _, b := range g.BaselineScores {
		bs = append(bs, fmtNum(b))
	}
	baseline := entryWith(strings.Join(bs, ", "), "1–5 scores, e.g. 42, 45, 40")
	goalScore := entryWith(numText(g.GoalScore), "")
	goalDate := entryWith(g.GoalDate, "YYYY-MM-DD")
	roi := entryWith("", "typical weekly growth, if known")
	if g.TypicalROI != nil {
		roi.SetText(fmtNum(*g.TypicalROI))
	}
	status := widget.NewSelect(record.GoalStatuses, nil)
	status.SetSelected(g.Status)
	title := "New goal for " + studentName(a.cfg.Records, studentID)
	return newFormScreen(a, title, []*widget.FormItem{
		widget.NewFormItem("Plan", plan), widget.NewFormItem("Measure", measure), widget.NewFormItem("Direction", direction),
		widget.NewFormItem("Start", start), widget.NewFormItem("Baseline scores", baseline),
		widget.NewFormItem("Goal score", goalScore), widget.NewFormItem("Goal date", goalDate),
		widget.NewFormItem("Typical growth a week", roi), widget.NewFormItem("Status", status),
	}, func() bool {
		gs, ok1 := a.parseNum("Goal score", goalScore.Text, true)
		r, ok2 := a.parseNum("Typical growth", roi.Text, false)
		if !ok1 || !ok2 {
			return false
		}
		var base []float64
		for _, f := range strings.FieldsFunc(baseline.Text, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				a.warn("Baseline scores must be numbers separated by commas.")
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
			a.warn("Choose the measure.")
			return false
		}
		g.Measure, g.Direction = measureCodes[measure.Selected], direction.Selected
		g.StartDate, g.GoalDate = strings.TrimSpace(start.Text), strings.TrimSpace(goalDate.Text)
		g.BaselineScores, g.GoalScore, g.Status = base, gs, status.Selected
		g.TypicalROI = nil
		if strings.TrimSpace(roi.Text) != "" {
			g.TypicalROI = ptr(r)
		}
		_, err := a.put(record.TypeGoal, id, g, false)
		return err == nil
	})
}
