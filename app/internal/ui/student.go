package ui

import (
	"context"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/reportdoc"
	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// studentScreen is one student: progress per goal (graph, decision and
// reason), plans, probes, notes and team decisions.
type studentScreen struct {
	a    *App
	id   string
	name string
	root fyne.CanvasObject
	page *container.Scroll // the page's scroller (the note box hands it the wheel)
	box  *fyne.Container

	probe, cico, edit, addPlan, addGoal *Button
	decide                              map[string]*Button // goal id → Record team decision
	share                               map[string]*Button // goal id → Share report
	letter                              map[string]*Button // goal id → Family letter
	progress                            map[string]goalProgress
	notes                               []repo.Doc[record.Note] // the notes shown (restricted ones filtered)
	hidden                              int                     // restricted notes not shown
	charts                              map[string]*drawing
	decisionText                        map[string]*widget.Label // goal id → the decision in words
	reasonText                          map[string]*widget.Label // goal id → its reason

	// Rows of saved records, by id: tapping one opens it to correct or
	// delete (edit.go).
	probeRows, noteRows, decisionRows map[string]*tapRow
	allProbes                         bool // "Show earlier" was tapped
	attendance                        *Button

	// Note form.
	noteEntry    *widget.Entry
	noteBox      fyne.CanvasObject // noteEntry, passing the wheel to the page
	noteCategory *widget.Select
	notePrivate  *widget.Check
	noteSave     *Button
}

func newStudentScreen(a *App, id string) *studentScreen {
	s := &studentScreen{a: a, id: id, box: container.NewVBox()}
	s.probe = newImportant(lang.L("student.probe"), widget.HighImportance, func() { a.push(newProbeScreen(a, id)) })
	s.cico = NewButton(lang.L("student.cico"), func() { a.push(newCICOScreen(a, id)) })
	s.edit = NewButton(lang.L("student.edit"), func() { a.push(newStudentForm(a, id)) })
	s.addPlan = NewButton(lang.L("student.plan.add"), func() { a.push(newPlanForm(a, id, "")) })
	s.addGoal = NewButton(lang.L("student.goal.add"), func() { a.push(newGoalForm(a, id, "")) })
	s.attendance = NewButton(lang.L("student.attendance"), func() { a.push(newAttendanceScreen(a, id)) })
	s.noteEntry = widget.NewMultiLineEntry()
	s.noteEntry.SetPlaceHolder(lang.L("student.note.placeholder"))
	s.noteEntry.Wrapping = fyne.TextWrapWord
	s.noteCategory = newCategorySelect(record.NoteAcademic)
	s.notePrivate = widget.NewCheck(lang.L("student.note.restricted"), nil)
	s.noteSave = NewButton(lang.L("session.note.save"), s.saveNote)
	s.page = vscroll(container.NewPadded(s.box))
	s.root = s.page
	s.noteBox = passWheel(s.noteEntry, 2, func() *container.Scroll { return s.page })
	return s
}

func (s *studentScreen) title() string              { return s.name }
func (s *studentScreen) content() fyne.CanvasObject { return s.root }

func (s *studentScreen) refresh() {
	r := s.a.cfg.Records
	st, ok := repo.Get[record.Student](r, s.id)
	s.name = lang.L("student.not_synced")
	grade := ""
	if ok {
		s.name = st.Data.DisplayName()
		grade = lang.L("student.grade", map[string]any{"Grade": st.Data.Grade})
		if st.Data.ExternalID != "" {
			grade += " · " + lang.L("student.external_id", map[string]any{"ID": st.Data.ExternalID})
		}
	}
	s.a.title.SetText(s.name)
	today := record.DateOf(s.a.cfg.Now()).String()
	objs := []fyne.CanvasObject{
		container.NewBorder(nil, nil, nil, container.NewHBox(s.edit, s.attendance, s.cico, s.probe), wrapLabel(grade)),
	}

	// Goals and their progress.
	s.decide, s.progress, s.charts = map[string]*Button{}, map[string]goalProgress{}, map[string]*drawing{}
	s.share, s.letter = map[string]*Button{}, map[string]*Button{}
	s.decisionText, s.reasonText = map[string]*widget.Label{}, map[string]*widget.Label{}
	goals := repo.ListByRef[record.Goal](r, s.id)
	sort.SliceStable(goals, func(i, j int) bool { return goals[i].Data.StartDate > goals[j].Data.StartDate })
	goalRows := []fyne.CanvasObject{container.NewBorder(nil, nil, nil, s.addGoal, heading(lang.L("student.goals")))}
	if len(goals) == 0 {
		goalRows = append(goalRows, wrapLabel(lang.L("student.goals.none")))
	}
	for _, g := range goals {
		goalRows = append(goalRows, s.goalView(g, today))
	}
	objs = append(objs, card(goalRows...))

	// Plans.
	plans := repo.ListByRef[record.Plan](r, s.id)
	sort.SliceStable(plans, func(i, j int) bool { return plans[i].Data.StartDate > plans[j].Data.StartDate })
	planRows := []fyne.CanvasObject{container.NewBorder(nil, nil, nil, s.addPlan, heading(lang.L("student.plans")))}
	if len(plans) == 0 {
		planRows = append(planRows, wrapLabel(lang.L("student.plans.none")))
	}
	for _, p := range plans {
		p := p
		prog := lang.L("student.plan.program_not_synced")
		if pr, ok := repo.Get[record.Program](r, p.Data.ProgramID); ok {
			prog = pr.Data.Name
		}
		when := map[string]any{"Program": prog, "Tier": p.Data.Tier, "From": prettyDate(p.Data.StartDate), "To": prettyDate(p.Data.EndDate)}
		txt := lang.L("student.plan.from", when)
		if p.Data.EndDate != "" {
			txt = lang.L("student.plan.from_to", when)
		}
		txt += " · " + lang.L("student.plan.dose", map[string]any{"Sessions": sayNum(p.Data.SessionsPerWeek), "Minutes": sayNum(p.Data.MinutesPerSession)})
		if g, ok := repo.Get[record.Group](r, p.Data.GroupID); ok {
			txt += " · " + lang.L("student.plan.group", map[string]any{"Group": g.Data.Name})
		}
		planRows = append(planRows, container.NewBorder(nil, nil, nil,
			NewButton(lang.L("student.edit"), func() { s.a.push(newPlanForm(s.a, s.id, p.ID)) }), wrapLabel(txt)))
	}
	objs = append(objs, card(planRows...))

	// Probes, newest first: each row opens the probe to correct or delete
	// it (edit.go).
	probes := repo.ListByRef[record.Probe](r, s.id)
	sort.SliceStable(probes, func(i, j int) bool { return probes[i].Data.Date > probes[j].Data.Date })
	s.probeRows = map[string]*tapRow{}
	probeRows := []fyne.CanvasObject{heading(lang.L("student.probes"))}
	for i, p := range probes {
		if i == 8 && !s.allProbes {
			probeRows = append(probeRows, NewButton(lang.N("student.probes.earlier", len(probes)-8, map[string]any{"Count": len(probes) - 8}), func() { s.allProbes = true; s.refresh() }))
			break
		}
		pid := p.ID
		b := rowButton(probeText(p), func() { s.a.push(newProbeEdit(s.a, pid)) })
		s.probeRows[p.ID] = b
		probeRows = append(probeRows, b)
	}
	if len(probes) == 0 {
		probeRows = append(probeRows, wrapLabel(lang.L("student.probes.none")))
	}
	objs = append(objs, card(probeRows...))

	// Notes: restricted ones only for their author and admins (DOMAIN.md §1).
	_, admin := s.a.me()
	s.notes, s.hidden = nil, 0
	for _, n := range repo.ListByRef[record.Note](r, s.id) {
		if n.Restricted && !admin && !s.a.isMe(n.Data.AuthorID) {
			s.hidden++
			continue
		}
		s.notes = append(s.notes, n)
	}
	for i, j := 0, len(s.notes)-1; i < j; i, j = i+1, j-1 { // newest first
		s.notes[i], s.notes[j] = s.notes[j], s.notes[i]
	}
	noteRows := []fyne.CanvasObject{heading(lang.L("student.notes")), s.noteBox,
		container.NewBorder(nil, nil, nil, s.noteSave, container.NewHBox(s.noteCategory, s.notePrivate))}
	s.noteRows = map[string]*tapRow{}
	for _, n := range s.notes {
		line := s.noteLine(n) + editedNote(n.ID, n.HLC)
		if !s.a.canEditNote(n) {
			noteRows = append(noteRows, wrapLabel(line))
			continue
		}
		nid := n.ID
		b := rowButton(line, func() { s.a.push(newNoteEdit(s.a, nid)) })
		s.noteRows[n.ID] = b
		noteRows = append(noteRows, b)
	}
	if len(s.notes) == 0 {
		noteRows = append(noteRows, wrapLabel(lang.L("student.notes.none")))
	}
	objs = append(objs, card(noteRows...))

	// Team decisions.
	decs := repo.ListByRef[record.Decision](r, s.id)
	sort.SliceStable(decs, func(i, j int) bool { return decs[i].Data.Date > decs[j].Data.Date })
	s.decisionRows = map[string]*tapRow{}
	decRows := []fyne.CanvasObject{heading(lang.L("student.decisions"))}
	for _, d := range decs {
		did := d.ID
		b := rowButton(decisionText(d), func() { s.a.push(newDecisionEdit(s.a, did)) })
		s.decisionRows[d.ID] = b
		decRows = append(decRows, b)
	}
	if len(decs) == 0 {
		decRows = append(decRows, wrapLabel(lang.L("student.decisions.none")))
	}
	objs = append(objs, card(decRows...))
	s.box.Objects = objs
	s.box.Refresh()
}

// noteLine is a note with when and by whom it was written: the date and
// time of its version's HLC (the clock of the tablet that saved it, in this
// tablet's zone), and "you" or "a colleague" (the tablet holds no list of
// the school's users, only who enrolled it).
func (s *studentScreen) noteLine(n repo.Doc[record.Note]) string {
	when := lang.L("student.note.date_unknown")
	if ts, err := hlc.Parse(n.HLC); err == nil {
		when = sayDateTime(time.UnixMilli(ts.Wall).In(time.Local))
	}
	who := lang.L("student.note.by_colleague")
	if s.a.isMe(n.Data.AuthorID) {
		who = lang.L("student.note.by_you")
	}
	tag := inAppLang().NoteCategoryWords(n.Data.Category)
	if n.Restricted {
		tag += ", " + lang.L("student.note.restricted_tag")
	}
	head := lang.L("student.note.when_who", map[string]any{"When": when, "Who": who})
	if tag != "" {
		head += " (" + tag + ")"
	}
	return head + ": " + n.Data.Body
}

// decisionWords says a decision code in words: shared/progress's one
// wording, the console's and the PDF's too.
func decisionWords(code string) string { return inAppLang().DecisionWords(code) }

// goalView is one goal: its graph, the decision in words with its reason,
// and the button to record the team's decision.
func (s *studentScreen) goalView(g repo.Doc[record.Goal], today string) fyne.CanvasObject {
	gp := computeProgress(g, gatherProgress(s.a.cfg.Records, g.ID), today)
	s.progress[g.ID] = gp
	rep := gp.Report
	sp := inAppLang()
	head := lang.L("student.goal.head", map[string]any{"Measure": sp.Measure(g.Data.Measure).Words(), "From": sayNum(rep.Baseline.Score),
		"To": sayNum(g.Data.GoalScore), "Date": prettyDate(g.Data.GoalDate)})
	if g.Data.Direction == record.DirectionDown {
		head += " " + lang.L("student.goal.lower_better")
	}
	if !g.Data.Active() {
		head += " (" + goalStatusWords(g.Data.Status) + ")"
	}
	gid := g.ID
	edit := NewButton(lang.L("student.goal.edit"), func() { s.a.push(newGoalForm(s.a, s.id, gid)) })
	if gp.Err != nil {
		return container.NewVBox(heading(head), wrapLabel(lang.L("student.goal.cannot_graph")), edit)
	}
	var ch fyne.CanvasObject
	if img := s.chartImage(g, gp); img != nil {
		ch = img
	} else {
		c := newChart(gp.Chart)
		s.charts[g.ID] = c
		ch = c
	}
	// One statement (ADR 0651): the decision, its reason in the room's
	// words, then the light explained so that it never reads against it.
	decision := heading(decisionWords(rep.Decision.Code))
	reason := wrapLabel(sp.ReasonWords(rep))
	reason.TextStyle.Bold = true
	light := wrapLabel(sp.LightWords(rep))
	switch rep.Decision.Code {
	case record.DecisionFixDeliveryFirst, record.DecisionChangeInstruction:
		decision.Importance = widget.DangerImportance
	case record.DecisionNotEnoughData, record.DecisionReviewGoal:
		decision.Importance = widget.WarningImportance
	case record.DecisionRaiseGoal:
		decision.Importance = widget.SuccessImportance
	}
	reason.Importance = decision.Importance
	s.decisionText[g.ID] = decision
	s.reasonText[g.ID] = reason
	lines := reportLines(gp, s.programOf(g))
	if rep.OverdueProbe {
		lines = append(lines, lang.L("student.goal.probe_overdue"))
	}
	b := NewButton(lang.L("student.goal.record_decision"), func() {
		s.a.push(newDecisionForm(s.a, s.id, gid, rep.Decision.Code, sp.ReasonWords(rep)))
	})
	s.decide[g.ID] = b
	actions := container.NewHBox(b, edit)
	if s.a.cfg.ReportPDF != nil {
		share := NewButton(lang.L("student.goal.share"), func() { s.shareReport(gp) })
		s.share[g.ID] = share
		actions.Add(share)
	}
	letter := NewButton(lang.L("letter.share"), func() { s.shareLetter(gp) })
	s.letter[g.ID] = letter
	actions.Add(letter)
	legend := wrapLabel(chartCaption(s.a.cfg.ChartPNG != nil && isImage(ch)))
	legend.SizeName = "helperText"
	return container.NewVBox(heading(head), decision, reason, light, ch, legend, wrapLabel(strings.Join(lines, "\n")), actions)
}

// chartImage is the report renderer's chart, when the app has one: the
// console's and the PDF's drawing, with the goal's phase lines and the
// school's breaks.
func (s *studentScreen) chartImage(g repo.Doc[record.Goal], gp goalProgress) fyne.CanvasObject {
	if s.a.cfg.ChartPNG == nil {
		return nil
	}
	ch := reportdoc.Chart{Report: gp.Report, Phases: goalPhases(s.a.cfg.Records, g, gp)}
	if gp.ds != nil {
		ch.Calendar = gp.ds.Calendar
	}
	b, err := s.a.cfg.ChartPNG(ch, 960, 360)
	if err != nil || len(b) == 0 {
		return nil
	}
	img := canvas.NewImageFromResource(fyne.NewStaticResource("progress-"+g.ID+".png", b))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(320, 260))
	return img
}

// isImage reports whether the chart shown is the report renderer's image.
func isImage(o fyne.CanvasObject) bool {
	_, ok := o.(*canvas.Image)
	return ok
}

// chartCaption explains every mark of the chart shown: the report
// renderer's image (as in the PDF, which has its own legend) or the app's
// own drawing.
func chartCaption(image bool) string {
	if image {
		return lang.L("chart.caption.image")
	}
	return lang.L("chart.caption.drawn")
}

// programOf is the program of the goal's plan, for the steps' names (zero
// when not on the tablet).
func (s *studentScreen) programOf(g repo.Doc[record.Goal]) record.Program {
	if p, ok := repo.Get[record.Plan](s.a.cfg.Records, g.Data.PlanID); ok {
		if pr, ok := repo.Get[record.Program](s.a.cfg.Records, p.Data.ProgramID); ok {
			return pr.Data
		}
	}
	return record.Program{}
}

// reportLines is a goal's report in sentences, every figure as the room
// reads it (shared/progress; ADR 0630, 0651): data, levels, the growth
// against what the goal needs, the typical growth, delivery and the steps
// skipped lately. The decision's reason and the light come before them.
func reportLines(gp goalProgress, prog record.Program) []string {
	rep := gp.Report
	sp := inAppLang()
	var lines []string
	lines = append(lines, lang.N("progress.points", rep.PointsAfterBaseline, map[string]any{"Count": rep.PointsAfterBaseline,
		"Weeks": sp.Number(progress.FormatWeeks(rep.WeeksOfData))}))
	var lv []string
	if rep.PresentLevel != nil {
		lv = append(lv, lang.L("progress.present_level", map[string]any{"Score": sp.Number(progress.FormatScore(*rep.PresentLevel))}))
	}
	if rep.ExpectedLevel != nil {
		lv = append(lv, lang.L("progress.expected_level", map[string]any{"Score": sp.Number(progress.FormatScore(*rep.ExpectedLevel))}))
	}
	if len(lv) > 0 {
		lines = append(lines, Sentence(strings.Join(lv, "; ")))
	}
	// The trend rule's reason already says the growth against the goal's.
	growth := []string{sp.GrowthSentence(rep), sp.ProjectionSentence(rep), sp.ROISentence(rep), sp.SufficiencyWords(rep)}
	if rep.Decision.Rule == progress.RuleTrend {
		growth = growth[1:]
	}
	for _, t := range growth {
		if t != "" {
			lines = append(lines, t)
		}
	}
	d := rep.Delivery
	if d == nil {
		return append(lines, lang.L("progress.delivery.unknown"))
	}
	var parts []string
	if d.AttendancePct != nil {
		parts = append(parts, sp.AttendanceWords(d))
	}
	if d.DosePct != nil {
		parts = append(parts, lang.L("progress.dose", map[string]any{"Pct": sp.Number(progress.FormatDeliveryPct(*d.DosePct))}))
	}
	if d.FidelityPct != nil {
		parts = append(parts, lang.L("progress.fidelity", map[string]any{"Pct": sp.Number(progress.FormatDeliveryPct(*d.FidelityPct))}))
	}
	if len(parts) == 0 {
		return append(lines, lang.L("progress.delivery.none"))
	}
	lines = append(lines, lang.N("progress.delivery", d.DeliveredSessions, map[string]any{"Count": d.DeliveredSessions, "Parts": strings.Join(parts, ", ")}))
	names := map[string]string{}
	for _, st := range prog.Steps {
		names[st.ID] = st.Text
	}
	// The steps skipped lately, in the program's order: a step done every
	// time says nothing a busy reader needs.
	skipped := 0
	for i, sf := range gp.Recent {
		if sf.Applicable > 0 && sf.Done < sf.Applicable {
			lines = append(lines, sp.StepSentence(i+1, names[sf.StepID], sf, true))
			skipped++
		}
	}
	if skipped == 0 && gp.RecentN > 0 {
		lines = append(lines, lang.N("progress.steps.all_done", gp.RecentN, map[string]any{"Count": gp.RecentN}))
	}
	return lines
}

func (s *studentScreen) saveNote() {
	body := strings.TrimSpace(s.noteEntry.Text)
	if body == "" {
		s.a.warn(lang.L("session.note.write_first"))
		return
	}
	me, _ := s.a.me()
	cat := chosenCategory(s.noteCategory)
	n := record.Note{StudentID: s.id, AuthorID: me, Body: body, Category: cat}
	if _, err := repo.PutNote(context.Background(), s.a.cfg.Records, "", n, s.notePrivate.Checked); err != nil {
		s.a.warn(notSavedWords(err))
		return
	}
	s.noteEntry.SetText("")
	s.notePrivate.SetChecked(false)
	s.refresh()
	s.a.say(lang.L("student.note.saved"))
}

// --- team decision -----------------------------------------------------------

// decisionCodes are the choices of a team decision (DOMAIN.md §4), in the
// order of the issue; review_goal last, so a goal whose date has passed
// opens the form with the review chosen, as the console's meeting does.
var decisionCodes = []string{record.DecisionContinue, record.DecisionRaiseGoal,
	record.DecisionChangeInstruction, record.DecisionFixDeliveryFirst, record.DecisionReviewGoal}

// decisionForm records what the team decided for a goal, starting from the
// decision the data supports.
type decisionForm struct {
	*formScreen
	choice    map[string]*Button
	chosen    string
	rationale *widget.Entry
	review    *widget.Entry
}

func newDecisionForm(a *App, studentID, goalID, suggested, reason string) *decisionForm {
	d := &decisionForm{choice: map[string]*Button{}}
	grid := container.NewGridWithColumns(2)
	for _, c := range decisionCodes {
		c := c
		b := NewButton(decisionWords(c), func() { d.pick(c) })
		d.choice[c] = b
		grid.Add(b)
	}
	d.rationale = widget.NewMultiLineEntry()
	d.rationale.Wrapping = fyne.TextWrapWord
	if reason != "" {
		d.rationale.SetText(reason)
	}
	why := passWheel(d.rationale, 3, func() *container.Scroll {
		sc, _ := d.root.(*container.Scroll)
		return sc
	})
	t := a.cfg.Now().AddDate(0, 0, 42)
	d.review = entryWith(record.DateOf(t).String(), lang.L("student.decision.date_format"))
	intro := lang.L("student.decision.intro", map[string]any{"Decision": decisionWords(suggested), "Reason": reason})
	if suggested == "" {
		intro = lang.L("student.decision.choose")
	}
	d.formScreen = newFormScreen(a, lang.L("student.decision.title", map[string]any{"Name": studentName(a.cfg.Records, studentID)}), []*widget.FormItem{
		widget.NewFormItem(lang.L("student.decision.why"), why), widget.NewFormItem(lang.L("student.decision.next_review"), d.review),
	}, func() bool {
		if d.chosen == "" {
			a.warn(lang.L("student.decision.choose"))
			return false
		}
		me, _ := a.me()
		rec := record.Decision{StudentID: studentID, GoalID: goalID, Date: record.DateOf(a.cfg.Now()).String(), Code: d.chosen,
			Rationale: strings.TrimSpace(d.rationale.Text), NextReviewDate: strings.TrimSpace(d.review.Text), OwnerID: me}
		_, err := a.put(record.TypeDecision, "", rec, false)
		return err == nil
	}, wrapLabel(intro), grid)
	for _, c := range decisionCodes {
		if c == suggested {
			d.pick(c)
		}
	}
	return d
}

func (d *decisionForm) pick(code string) {
	d.chosen = code
	for c, b := range d.choice {
		if c == code {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}
