package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// inSpanish makes the app speak Spanish for the rest of the test.
func inSpanish(t *testing.T) {
	t.Helper()
	useLang(t, i18n.Spanish)
}

// englishWords are common English words of the app's screens that Spanish
// never uses: one of them on a Spanish screen is a string left out of the
// catalog.
var englishWords = strings.Fields(`the and of to with for session sessions student students note notes save saved
	goal goals week weeks points tap card phase delivery minutes attendance probe probes edit add back undo cancel
	finish done skipped present absent late left early share report team decision chart family day rated match
	plans yet grade tier from by is are this not none move before after other setup period met below above aimline
	trend change keep delete close reopen correct checklist fidelity dose every each what why next review choose
	nothing rates rate boxes box counts count fading graduated`)

// missingMessage is a message id shown as such: Fyne shows a missing
// message's id, the shared catalogs "[id]".
var missingMessage = regexp.MustCompile(`\[[a-z_]+\.[a-z_.0-9]+\]|\b(session|student|progress|chart|cico|common|date)\.[a-z_]+\b`)

// shownTexts is every text drawn under o (labels, buttons, checks, entries
// with their placeholders, selects, the charts' canvas text), leaving out
// the rows edit.go draws for saved records (that file's own words).
func shownTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *tapRow:
			return
		case *canvas.Text:
			out = append(out, w.Text)
		case *widget.Select:
			out = append(out, w.Selected)
			out = append(out, w.Options...)
		case *widget.Entry:
			out = append(out, w.PlaceHolder)
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				walk(x)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, x := range test.WidgetRenderer(w).Objects() {
				walk(x)
			}
		}
	}
	walk(o)
	return out
}

// schoolStrings are the school's own words held in its records (names,
// steps, expectations, notes): shown as typed, in whatever language.
func schoolStrings(t *testing.T, r Records) []string {
	t.Helper()
	var out []string
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case string:
			if len(x) > 1 {
				out = append(out, x)
			}
		case []any:
			for _, y := range x {
				collect(y)
			}
		case map[string]any:
			for _, y := range x {
				collect(y)
			}
		}
	}
	for _, typ := range record.Types() {
		es, err := r.List(typ)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			var v any
			if json.Unmarshal(e.Data, &v) == nil {
				collect(v)
			}
		}
	}
	return out
}

// reportStrings are the words of a goal's report as progress.In says them:
// that package's catalog speaks them (its own tests check its Spanish).
func reportStrings(gp goalProgress, prog record.Program) []string {
	sp := inAppLang()
	r := gp.Report
	out := []string{sp.DecisionWords(r.Decision.Code), sp.ReasonWords(r), sp.LightWords(r), sp.GrowthSentence(r),
		sp.ProjectionSentence(r), sp.ROISentence(r), sp.SufficiencyWords(r), sp.Measure(gp.Goal.Data.Measure).Words()}
	if r.Delivery != nil {
		out = append(out, sp.AttendanceWords(r.Delivery))
	}
	for i, sf := range gp.Recent {
		for _, st := range prog.Steps {
			if st.ID == sf.StepID {
				out = append(out, sp.StepSentence(i+1, st.Text, sf, true))
			}
		}
	}
	return out
}

// otherWords are the words on these screens that come from elsewhere: the
// report's (progress.In), the note categories and CICO phases (progress.In
// too), and the school's records.
func otherWords(t *testing.T, a *App, extra ...string) []string {
	sp := inAppLang()
	out := append(schoolStrings(t, a.cfg.Records), extra...)
	for _, c := range record.NoteCategories {
		out = append(out, sp.NoteCategoryWords(c))
	}
	for _, ph := range []string{record.PhaseCICO, record.PhaseSelfManaged, record.PhaseFaded, record.PhaseGraduated} {
		out = append(out, sp.CICOPhaseWords(ph), strings.ToLower(sp.CICOPhaseWords(ph)))
	}
	for _, code := range decisionCodes {
		out = append(out, sp.DecisionWords(code))
	}
	return out
}

// englishLeftovers lists the English words and message ids in texts once
// the words from elsewhere are taken out.
func englishLeftovers(texts []string, elsewhere []string) []string {
	all := strings.Join(texts, "\n")
	sort.Slice(elsewhere, func(i, j int) bool { return len(elsewhere[i]) > len(elsewhere[j]) })
	for _, w := range elsewhere {
		if strings.TrimSpace(w) != "" {
			all = strings.ReplaceAll(all, w, "\n")
		}
	}
	var bad []string
	bad = append(bad, missingMessage.FindAllString(all, -1)...)
	english := map[string]bool{}
	for _, w := range englishWords {
		english[w] = true
	}
	for _, line := range strings.Split(all, "\n") {
		for _, tok := range strings.FieldsFunc(line, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
			if english[strings.ToLower(tok)] {
				bad = append(bad, fmt.Sprintf("%q in %q", tok, line))
			}
		}
	}
	return bad
}

// checkSpanish fails when the screen shows English or a message id.
func checkSpanish(t *testing.T, name string, texts []string, elsewhere []string) {
	t.Helper()
	if len(texts) < 3 {
		t.Fatalf("%s: only %d texts found", name, len(texts))
	}
	if bad := englishLeftovers(texts, elsewhere); len(bad) > 0 {
		t.Errorf("%s in Spanish still shows:\n  %s", name, strings.Join(bad, "\n  "))
	}
}

// TestEnglishLeftoversAreFound: the check finds an English word, a missing
// message and an id, and lets Spanish and the school's own words through.
func TestEnglishLeftoversAreFound(t *testing.T) {
	if bad := englishLeftovers([]string{"Guardar nota", "Ava Martinez · Presente", "Review the words"}, []string{"Review the words"}); len(bad) != 0 {
		t.Fatalf("Spanish flagged: %v", bad)
	}
	for _, s := range []string{"Guardar note", "[cico.total]", "session.finish", "Terminar · Back to Today"} {
		if len(englishLeftovers([]string{s}, nil)) == 0 {
			t.Errorf("%q not flagged", s)
		}
	}
}

// spanishSchool is seedSchool with what the Spanish screens show figures
// of: Ava's goal from a baseline of 42.5, ten probes, a note, and Dev's
// CICO plan with a daily goal of 57.5%.
func spanishSchool(t *testing.T, f *fixture) school {
	t.Helper()
	ctx := context.Background()
	sc := seedSchool(t, f.store)
	g := mustGet[record.Goal](f.store, sc.goal).Data
	g.BaselineScores = []float64{42.5, 45, 40}
	must(repo.Put(ctx, f.store, sc.goal, g, false))
	worked51(t, f, sc.students[0], 10)
	must(repo.PutNote(ctx, f.store, "", record.Note{StudentID: sc.students[0], AuthorID: "someone", Body: "Lee con fluidez", Category: record.NoteAcademic}, false))
	goal := 57.5
	must(repo.Put(ctx, f.store, record.CICOPlanID(sc.students[3]), record.CICOPlan{StudentID: sc.students[3],
		Expectations: []string{"Ser amable", "Estar listo"}, Periods: []string{"Mañana", "Tarde"}, GoalPct: &goal}, false))
	return sc
}

// mineInSpanish opens each screen of this area in Spanish and returns what
// to check: the screen's name and the object it draws (pop-ups included).
type spanishScreen struct {
	name string
	open func() []fyne.CanvasObject
	// extra are words on the screen from elsewhere beyond otherWords.
	extra func() []string
}

func spanishScreens(t *testing.T, f *fixture, a *App, sc school) []spanishScreen {
	var sess *sessionScreen
	var stud *studentScreen
	var card *cicoScreen
	// The body holds the screen as drawn (a screen may build its content anew on each call).
	content := func() []fyne.CanvasObject { return []fyne.CanvasObject{a.body} }
	return []spanishScreen{
		{name: "session", open: func() []fyne.CanvasObject {
			a.Root(TabToday)
			test.Tap(a.Current().(*todayScreen).start[sc.group])
			sess = a.Current().(*sessionScreen)
			test.Tap(sess.students[1].name) // absent
			f.clk.add(3 * time.Minute)
			test.Tap(sess.students[2].name)
			test.Tap(sess.students[2].name) // late, 3 minutes in
			test.Tap(sess.steps[0].done)
			test.Tap(sess.steps[1].skipped)
			f.clk.add(9 * time.Minute)
			sess.refresh()
			return content()
		}},
		{name: "session student pop-up", open: func() []fyne.CanvasObject {
			test.Tap(sess.students[0].more)
			return []fyne.CanvasObject{sess.popup.Content}
		}},
		{name: "session cancel pop-up", open: func() []fyne.CanvasObject {
			sess.closePopup()
			test.Tap(sess.cancel)
			return []fyne.CanvasObject{sess.popup.Content}
		}},
		{name: "session finished", open: func() []fyne.CanvasObject {
			sess.closePopup()
			f.clk.add(20 * time.Minute)
			test.Tap(sess.finish)
			return content()
		}},
		{name: "student", open: func() []fyne.CanvasObject {
			// With the report to share, as on a tablet: its button is on the goal's row.
			a.cfg.ReportPDF = func(progress.Report, string, string) ([]byte, error) { return []byte("%PDF"), nil }
			stud = newStudentScreen(a, sc.students[0])
			a.push(stud)
			return content()
		}, extra: func() []string {
			return reportStrings(stud.progress[sc.goal], stud.programOf(stud.progress[sc.goal].Goal))
		}},
		{name: "team decision", open: func() []fyne.CanvasObject {
			test.Tap(stud.decide[sc.goal])
			return content()
		}, extra: func() []string {
			// The form's Save is the forms' own button (setup.go).
			return append(reportStrings(stud.progress[sc.goal], stud.programOf(stud.progress[sc.goal].Goal)),
				a.Current().(*decisionForm).Save.Text)
		}},
		{name: "CICO picker", open: func() []fyne.CanvasObject {
			a.Root(TabCICO)
			return content()
		}},
		{name: "CICO card", open: func() []fyne.CanvasObject {
			card = openCard(t, a, sc.students[3])
			test.Tap(card.cells[0][0])
			test.Tap(card.cells[0][1])
			test.Tap(card.cells[0][1])
			return content()
		}},
		{name: "CICO setup", open: func() []fyne.CanvasObject {
			test.Tap(card.setup)
			return content()
		}},
		{name: "CICO progress", open: func() []fyne.CanvasObject {
			a.Back()
			test.Tap(card.progress)
			return content()
		}},
		{name: "CICO self-managed card", open: func() []fyne.CanvasObject {
			a.Back()
			card = openCard(t, a, sc.students[4])
			p2 := newCICOProgressScreen(a, sc.students[4], card.m.date)
			a.push(p2)
			p2.move(record.PhaseSelfManaged)
			a.Back()
			card.reload()
			test.Tap(card.rateStudent)
			test.Tap(card.cells[0][0])
			test.Tap(card.rateAdult)
			test.Tap(card.cells[0][0])
			return content()
		}},
	}
}

// TestMyScreensInSpanish: the session, the student page with its progress
// and chart, the team decision and the CICO screens, in Spanish, show no
// English word and no message id; figures have the decimal comma and the
// card's day is written in Spanish.
func TestMyScreensInSpanish(t *testing.T) {
	inSpanish(t)
	f := newFixture(t)
	sc := spanishSchool(t, f)
	a := f.start(landscape)
	all := map[string]string{}
	for _, s := range spanishScreens(t, f, a, sc) {
		objs := s.open()
		f.win.Content().Refresh()
		var texts []string
		for _, o := range objs {
			texts = append(texts, shownTexts(o)...)
		}
		other := otherWords(t, a)
		if s.extra != nil {
			other = append(other, s.extra()...)
		}
		checkSpanish(t, s.name, texts, other)
		all[s.name] = strings.Join(texts, "\n")
	}
	for name, want := range map[string][]string{
		"session":          {"Asistencia", "Lista de verificación", "Terminar sesión", "Ausente", "(llegó en el minuto 3)"},
		"session finished": {"Sesión guardada", "4 de 5 asistieron", "fidelidad"},
		"student":          {"Compartir informe", "Metas y progreso", "de 42,5 a 78", "semanas", "Implementación"},
		"CICO card":        {"lunes 17 de marzo", "meta 57,5%", "Periodo"},
		"CICO setup":       {"57,5", "Meta diaria"},
		"CICO progress":    {"Retiro gradual", "Para la familia"},
	} {
		for _, w := range want {
			if !strings.Contains(all[name], w) {
				t.Errorf("%s in Spanish does not show %q:\n%s", name, w, all[name])
			}
		}
	}
	if stud := newStudentScreen(a, sc.students[0]); true {
		stud.refresh()
		if got := stud.noteLine(stud.notes[0]); !strings.Contains(got, ", por un colega (Académico): Lee con fluidez") &&
			!strings.Contains(got, ", por un colega (") {
			t.Errorf("a note's line in Spanish: %q", got)
		}
	}
	if strings.Contains(all["student"], "42.5") || strings.Contains(all["CICO card"], "57.5") {
		t.Error("a figure keeps its decimal point in Spanish")
	}
	// A number typed the Spanish way reads back.
	if v, err := parseFigure("57,5"); err != nil || v != 57.5 {
		t.Fatalf("parseFigure(57,5) = %v, %v", v, err)
	}
}

// TestMyScreensFitInSpanish: in Spanish, at tablet size in portrait and
// landscape, no button, check or line of text on the session, student,
// decision and CICO screens is cut, runs off the window or lies over
// another.
func TestMyScreensFitInSpanish(t *testing.T) {
	inSpanish(t)
	for _, size := range []fyne.Size{portrait, landscape} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			f := newFixture(t)
			sc := spanishSchool(t, f)
			a := f.start(size)
			for _, s := range spanishScreens(t, f, a, sc) {
				objs := s.open()
				// Twice: a wrapped label knows its height once it has its width.
				f.win.Content().Refresh()
				f.win.Content().Refresh()
				for _, p := range misfitsIn(size, objs...) {
					t.Errorf("%s: %s", s.name, p)
				}
			}
		})
	}
}
