package ui

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/repo"
	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// tapLanguage taps the option at index i (0 device, 1 English, 2 Español) of the Sync screen's
// language choice, as drawn.
func tapLanguage(t *testing.T, a *App, i int) {
	t.Helper()
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	if !drawn(a.win, s.language) {
		t.Fatal("the language choice is not on the Sync screen")
	}
	items := test.WidgetRenderer(s.language).Objects()
	if len(items) != len(languageChoices) {
		t.Fatalf("the language choice has %d options", len(items))
	}
	test.Tap(items[i].(fyne.Tappable))
}

func navTexts(a *App) []string {
	var out []string
	for _, b := range a.nav {
		out = append(out, b.Text)
	}
	return out
}

// TestLanguageChoiceOnSyncScreen: choosing Español on the Sync screen speaks Spanish at once
// (header, navigation, the Sync screen rebuilt, Today), the choice outlives a restart of the app
// on the same store, and "Device language" goes back to following the device.
func TestLanguageChoiceOnSyncScreen(t *testing.T) {
	t.Cleanup(func() { _ = applang.Use(i18n.English) })
	f := newFixture(t)
	seedSchool(t, f.store)
	a := f.start(portrait)
	if got := strings.Join(navTexts(a), "|"); got != "Today|Students|CICO|Setup|Sync" {
		t.Fatalf("navigation before the choice: %s", got)
	}

	tapLanguage(t, a, 2)
	if applang.Current() != i18n.Spanish {
		t.Fatalf("after choosing Español the app speaks %q", applang.Current())
	}
	if got := strings.Join(navTexts(a), "|"); got != "Hoy|Estudiantes|CICO|Ajustes|Sincronizar" {
		t.Fatalf("navigation after choosing Español: %s", got)
	}
	s := a.Current().(*syncScreen)
	if a.title.Text != "Sincronizar" || !strings.Contains(s.status.Text, "Esta tableta no está inscrita") {
		t.Fatalf("the Sync screen was not rebuilt in Spanish: %q / %q", a.title.Text, s.status.Text)
	}
	if s.language.Selected != "Español" {
		t.Fatalf("the rebuilt choice shows %q", s.language.Selected)
	}
	if got := fyne.CurrentApp().Preferences().String(languageKey); got != "es" {
		t.Fatalf("stored choice %q", got)
	}
	a.Root(TabToday)
	today := a.Current().(*todayScreen)
	if a.title.Text != "Hoy · lunes 17 de marzo" || !strings.HasPrefix(today.sync.Text, "Sincronización: Sin inscribir") {
		t.Fatalf("Today in Spanish: %q / %q", a.title.Text, today.sync.Text)
	}
	if got := today.start[f.app.Current().(*todayScreen).m.Groups[0].ID].Text; got != "Empezar sesión" {
		t.Fatalf("start button %q", got)
	}

	// A restart: the process starts in English, the tablet applies the stored choice before
	// it builds anything, and a new App over the same store speaks Spanish.
	_ = applang.Use(i18n.English)
	f.kill()
	if err := UseStoredLanguage(fyne.CurrentApp().Preferences()); err != nil {
		t.Fatal(err)
	}
	a = f.start(landscape)
	if !strings.HasPrefix(a.title.Text, "Hoy · ") || a.nav[0].Text != "Hoy" || a.syncNow.Text != "Sincronizar" {
		t.Fatalf("after a restart: title %q, nav %q", a.title.Text, navTexts(a))
	}

	// Back to the device's language: nothing stored, the device's language spoken.
	tapLanguage(t, a, 0)
	if got := fyne.CurrentApp().Preferences().String(languageKey); got != "" {
		t.Fatalf("device language stored as %q", got)
	}
	if applang.Current() != applang.Device() {
		t.Fatalf("device language: app speaks %q, device %q", applang.Current(), applang.Device())
	}
}

// TestLanguageFollowsTheDeviceByDefault: with no choice stored, the app speaks the device's
// language and the Sync screen says so.
func TestLanguageFollowsTheDeviceByDefault(t *testing.T) {
	t.Cleanup(func() { _ = applang.Use(i18n.English) })
	f := newFixture(t)
	_ = applang.Use(i18n.Spanish) // whatever was spoken before
	if err := UseStoredLanguage(fyne.CurrentApp().Preferences()); err != nil {
		t.Fatal(err)
	}
	if applang.Current() != applang.Device() {
		t.Fatalf("no choice stored: app speaks %q, device %q", applang.Current(), applang.Device())
	}
	a := f.start(portrait)
	a.Root(TabSync)
	if got := a.Current().(*syncScreen).language.Selected; got != languageOption("") {
		t.Fatalf("the choice shows %q, want the device's language", got)
	}
}

// drawnWords are the words drawn in o, line by line as rendered (labels, buttons, placeholders,
// headings), skipping what is hidden.
func drawnWords(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			if strings.TrimSpace(x.Text) != "" {
				out = append(out, x.Text)
			}
			return
		case *fyne.Container:
			for _, y := range x.Objects {
				walk(y)
			}
			return
		case *widget.Accordion:
			for _, it := range x.Items {
				out = append(out, it.Title)
			}
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, y := range test.WidgetRenderer(w).Objects() {
				walk(y)
			}
		}
	}
	walk(o)
	return out
}

// formerEnglish are words of the screens' former English that a Spanish screen must not
// show (whole words, case as written).
var formerEnglish = regexp.MustCompile(`\b(the|and|of|to|is|are|not|your|this|with|Sync|Today|Enrol|enrol|tablet|session|sessions|` +
	`Start|Resume|waiting|Never|Offline|week|Week|Cancel|Back|Probe|Probes|due|Delivered|Cancelled|Attended|History|Schedule|` +
	`Change|Lock|Erase|Keep|Restore|Try|again|days|since|last|ago|Students|Setup|Undo|Enter|Find|Add|Server|School|Password|` +
	`Language|Device|Unlock|Forgot|groups|meets|Got it|recorded|PIN again)\b`)

// catalogIDs are the app catalog's ids: one drawn as it is is a missing message.
func catalogIDs(t *testing.T) []string {
	t.Helper()
	c, err := applang.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	return c.IDs()
}

// checkNoEnglish fails for an English leftover or a missing message among the screen's words;
// data (names of students, groups, programs and steps) is taken out first.
func checkNoEnglish(t *testing.T, screen string, words []string, data []string, ids []string) {
	t.Helper()
	if len(words) == 0 {
		t.Fatalf("%s: nothing drawn", screen)
	}
	for _, w := range words {
		clean := w
		for _, d := range data {
			clean = strings.ReplaceAll(clean, d, "")
		}
		if m := formerEnglish.FindString(clean); m != "" {
			t.Errorf("%s: English %q left in %q", screen, m, w)
		}
		for _, id := range ids {
			if strings.Contains(w, "["+id+"]") || regexp.MustCompile(`(^|\s)`+regexp.QuoteMeta(id)+`($|\s)`).MatchString(w) {
				t.Errorf("%s: missing message %q in %q", screen, id, w)
			}
		}
	}
}

// seedWords are the seeded school's data, which stays as typed in any language.
var seedWords = []string{"Phonics for Reading, level 2", "Review sight words", "Model the new sound", "Guided practice",
	"Word building", "Partner reading", "Dictation", "Fluency read", "Exit check", "Bluebirds", "Owls",
	"https://sync.your-school.org", "lincoln-elementary", "7KQ4M-2XD9P-WHR3T"}

// areaScreens opens each screen of this area in Spanish at size and hands its words and
// the window to check.
func areaScreens(t *testing.T, size fyne.Size, check func(name string, w fyne.Window)) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	f.sync.conflicts = nil
	a := f.start(size)
	a.cfg.Lock = func() {}
	a.cfg.ChangePIN = func(string, string) error { return nil }
	check("Today", f.win)
	a.Root(TabSync)
	check("Sync, not enrolled", f.win)
	a.Current().(*syncScreen).openChangePIN()
	check("Sync, change PIN", f.win)
	f.sync.enrolment = Enrolment{Enrolled: true, ServerURL: "https://sync.your-school.org", School: "lincoln-elementary", Username: "rivera"}
	a.SetSyncState(SyncState{Enrolled: true, LastSuccess: f.clk.now().Add(-5 * time.Minute), Pending: 2})
	a.Root(TabSync)
	a.Current().(*syncScreen).askErase()
	check("Sync, enrolled, erase asked", f.win)
	// A change to review and one the server refused.
	e, err := f.store.Get(sc.students[0])
	if err != nil {
		t.Fatal(err)
	}
	f.sync.conflicts = []Conflict{{ID: "c1", RecordID: sc.students[0], Type: record.TypeStudent, Mine: withData(e, record.Student{GivenName: "Ava", FamilyName: "Martinez", Grade: "3"}),
		Summary: lang.L("conflicts.summary.saved_at", map[string]any{"By": lang.L("conflicts.by.console"), "Time": "10:42"}), By: lang.L("conflicts.by.console")}}
	f.sync.quarantined = []Quarantined{{RecordID: sc.group, Type: record.TypeGroup, Code: "too_large"}}
	a.SetSyncState(SyncState{Enrolled: true, LastSuccess: f.clk.now().Add(-5 * time.Minute), Conflicts: 1, Quarantined: 1})
	a.Root(TabSync)
	check("Sync, conflict and refused change", f.win)
	f.sync.conflicts, f.sync.quarantined = nil, nil
	a.Root(TabStudents)
	check("Students", f.win)
	a.Root(TabToday)
	test.Tap(a.Current().(*todayScreen).week)
	check("My week", f.win)
	a.push(newGroupHistory(a, sc.group))
	check("Group history", f.win)
	a.push(newAttendanceScreen(a, sc.students[0]))
	check("Attendance", f.win)
	a.Root(TabToday)
	test.Tap(a.Current().(*todayScreen).allDue)
	check("Probes due", f.win)
}

// TestSpanishScreensHaveNoEnglishLeft renders this area's screens in Spanish and finds no English
// leftover and no missing message.
func TestSpanishScreensHaveNoEnglishLeft(t *testing.T) {
	inSpanish(t)
	ids := catalogIDs(t)
	data := append(append([]string{}, seedWords...), "Ava Martinez", "Ben Okafor", "Chloe Nguyen", "Dev Patel", "Ella Schmidt", "rivera")
	areaScreens(t, portrait, func(name string, w fyne.Window) {
		words := drawnWords(w.Content())
		// The students' lights and the week's day names belong to other screens' catalogs
		// (studentlight.go, setup.go): only this area's words are checked here.
		checkNoEnglish(t, name, words, data, ids)
	})
}

// TestSpanishLockScreenHasNoEnglishLeft: the lock screen in its three modes, with a notice,
// speaks Spanish and fits a tablet in both orientations.
func TestSpanishLockScreenHasNoEnglishLeft(t *testing.T) {
	inSpanish(t)
	ids := catalogIDs(t)
	f := newFixture(t)
	for _, size := range []fyne.Size{portrait, landscape} {
		w := test.NewWindow(nil)
		w.Resize(size)
		l := NewLock(w, LockConfig{Locker: fixtureLocker{f}, Background: syncBackground, Now: f.clk.now})
		l.Show(lang.L("sync.enrolled_now"))
		check := func(name string) {
			t.Helper()
			checkNoEnglish(t, name, drawnWords(w.Content()), seedWords, ids)
			w.Content().Refresh()
			for _, m := range misfits(w) {
				t.Errorf("%s at %v: %s", name, size, m)
			}
		}
		check("Lock, choose")
		l.setMode(modeEnter)
		check("Lock, enter")
		l.setMode(modeRecover)
		check("Lock, recover")
		if got := strings.Join(drawnWords(w.Content()), " "); !strings.Contains(got, "¿Olvidó su PIN?") {
			t.Fatalf("recover mode in Spanish: %s", got)
		}
		w.Close()
	}
}

// TestSpanishScreensFitATablet: in Spanish, in portrait and landscape, every button of this
// area's screens is at least as wide as its words (no clipped label) and inside the window, and
// no text is cut off or drawn over another (misfits).
func TestSpanishScreensFitATablet(t *testing.T) {
	inSpanish(t)
	for _, size := range []fyne.Size{portrait, landscape} {
		areaScreens(t, size, func(name string, w fyne.Window) {
			clipped := clippedButtons(w)
			if len(clipped) > 0 {
				t.Errorf("%s at %v: clipped buttons %s", name, size, strings.Join(clipped, "; "))
			}
			w.Content().Refresh()
			for _, m := range misfits(w) {
				t.Errorf("%s at %v: %s", name, size, m)
			}
		})
	}
}

// clippedButtons lists the buttons drawn narrower than their words, or reaching past the
// window's right edge.
func clippedButtons(w fyne.Window) []string {
	var out []string
	width := w.Canvas().Size().Width
	drv := fyne.CurrentApp().Driver()
	for b := range buttonsIn(w.Content()) {
		if b.Text == "" {
			continue
		}
		x := drv.AbsolutePositionForObject(b).X
		min := b.MinSize().Width
		switch {
		case b.Size().Width+0.5 < min:
			out = append(out, b.Text+" (narrower than its words)")
		case x+b.Size().Width > width+0.5:
			out = append(out, b.Text+" (past the window's edge)")
		}
	}
	sort.Strings(out)
	return out
}

// TestDescribeInEnglishIsThePayloads: the Sync screen names records in the app's language, and in
// English with the words record.Payload.Describe has always given (its lists keep their wording).
func TestDescribeInEnglishIsThePayloads(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	ids := []string{sc.students[0], sc.program, sc.group, sc.plan, sc.goal,
		must(repo.Put(ctx, f.store, "", record.Session{GroupID: sc.group, ProgramID: sc.program, Date: "2025-03-17", Status: record.SessionInProgress,
			StartedAt: "2025-03-17T10:00:00Z", Attendance: []record.Attendance{{StudentID: sc.students[0], Status: record.Present}}, Fidelity: []record.StepMark{}}, false)).ID,
		must(repo.Put(ctx, f.store, "", record.Note{StudentID: sc.students[0], Body: "ok", AuthorID: "u1"}, false)).ID,
		must(repo.Put(ctx, f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-17", Score: 50}, false)).ID,
		must(repo.Put(ctx, f.store, "", record.CalendarBreak{Name: "Spring break", StartDate: "2025-03-24", EndDate: "2025-03-28"}, false)).ID,
	}
	seen := map[string]bool{}
	for _, id := range ids {
		e, err := f.store.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		p, err := record.Decode(e.Type, e.Data)
		if err != nil {
			t.Fatal(err)
		}
		seen[e.Type] = true
		if got, want := describe(f.rec, e.Type, id), p.Describe(namer{f.rec}); got != want {
			t.Errorf("%s: %q, the payload says %q", e.Type, got, want)
		}
	}
	if len(seen) != len(ids) {
		t.Fatalf("types described: %v", seen)
	}
	inSpanish(t)
	if got := describe(f.rec, record.TypeSession, ids[5]); got != "Sesión de Bluebirds del lun 17 mar" {
		t.Fatalf("in Spanish: %q", got)
	}
}
