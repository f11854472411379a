package ui

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// studentsScreen lists the students with a search box.
type studentsScreen struct {
	a      *App
	root   fyne.CanvasObject
	search *widget.Entry
	grid   *fyne.Container
	add    *Button
	open   map[string]*Button // student id → button (tests)
	// lights are computed off the main goroutine after each refresh (a
	// progress report per goal: about a second for 500 students with two
	// years of probes, docs/perf/app.md); gen drops a result that a newer
	// refresh has made stale.
	lights    map[string]studentLight
	gen       int
	computing bool
	// rows holds each listed student's row (the button, then the light):
	// when the lights arrive only the lights change, not the 500 rows.
	rows map[string]*fyne.Container
	// laidOut: the grid has been shown, so a new fill lays it out again
	// (the first one is laid out when the screen is shown).
	laidOut bool
}

func newStudentsScreen(a *App) screen {
	s := &studentsScreen{a: a, grid: container.NewGridWithColumns(2)}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("students.find"))
	// Typing filters with the lights already computed (a light is a
	// progress report per goal: not once per keystroke).
	s.search.OnChanged = func(string) { s.fill() }
	s.add = NewButton(lang.L("students.add"), func() { a.push(newStudentForm(a, "")) })
	s.root = container.NewBorder(container.NewPadded(container.NewBorder(nil, nil, nil, s.add, s.search)), nil, nil, nil,
		vscroll(container.NewPadded(container.NewVBox(s.grid))))
	return s
}

func (s *studentsScreen) title() string              { return lang.L("nav.students") }
func (s *studentsScreen) content() fyne.CanvasObject { return s.root }

func (s *studentsScreen) refresh() {
	s.lights, s.computing = nil, false
	s.gen++
	s.fill()
}

// computeLights works out every student's light in the background and
// shows them when done (if the list is still the one they are for).
func (s *studentsScreen) computeLights(ids []string) {
	s.computing = true
	gen, rec, today := s.gen, s.a.cfg.Records, record.DateOf(s.a.cfg.Now())
	s.a.background(func() func() {
		cal := schoolCalendar(rec)
		lights := make(map[string]studentLight, len(ids))
		for _, id := range ids {
			lights[id] = lightOf(rec, id, today, cal)
		}
		return func() {
			if gen != s.gen {
				return
			}
			s.lights, s.computing = lights, false
			s.showLights()
		}
	})
}

// showLights puts the computed lights into the rows already listed.
func (s *studentsScreen) showLights() {
	for id, row := range s.rows {
		light, ok := s.lights[id]
		row.Objects[1] = light.view(ok)
		row.Refresh()
	}
}

// fill lists the students matching the search, computing the lights the
// first time after a refresh.
func (s *studentsScreen) fill() {
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	studs := repo.List[record.Student](s.a.cfg.Records)
	names := make(map[string]string, len(studs)) // each name made once, not at every comparison
	for _, st := range studs {
		names[st.ID] = st.Data.DisplayName()
	}
	sort.SliceStable(studs, func(i, j int) bool { return names[studs[i].ID] < names[studs[j].ID] })
	s.open = map[string]*Button{}
	s.rows = map[string]*fyne.Container{}
	if s.lights == nil && !s.computing {
		ids := make([]string, len(studs))
		for i, st := range studs {
			ids[i] = st.ID
		}
		s.computeLights(ids)
	}
	var objs []fyne.CanvasObject
	for _, st := range studs {
		name := names[st.ID]
		if q != "" && !strings.Contains(strings.ToLower(name+" "+st.Data.GivenName), q) {
			continue
		}
		st := st
		label := lang.L("students.row", map[string]any{"Name": name, "Grade": st.Data.Grade})
		if !st.Data.IsActive() {
			label += lang.L("students.inactive")
		}
		b := NewButton(label, func() { s.a.push(newStudentScreen(s.a, st.ID)) })
		b.Alignment = widget.ButtonAlignLeading
		s.open[st.ID] = b
		light, ok := s.lights[st.ID]
		row := container.NewVBox(b, light.view(ok))
		s.rows[st.ID] = row
		objs = append(objs, row)
	}
	if len(objs) == 0 {
		if len(studs) == 0 {
			objs = append(objs, wrapLabel(lang.L("students.none")))
		} else {
			objs = append(objs, wrapLabel(lang.L("students.no_match")))
		}
	}
	s.grid.Objects = objs
	if s.laidOut {
		s.grid.Refresh()
	}
	s.laidOut = true
}
