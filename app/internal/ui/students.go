package ui

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	lights map[string]studentLight
}

func newStudentsScreen(a *App) screen {
	s := &studentsScreen{a: a, grid: container.NewGridWithColumns(2)}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder("Find a student")
	s.search.OnChanged = func(string) { s.refresh() }
	s.add = NewButton("Add student", func() { a.push(newStudentForm(a, "")) })
	s.root = container.NewBorder(container.NewPadded(container.NewBorder(nil, nil, nil, s.add, s.search)), nil, nil, nil,
		vscroll(container.NewPadded(container.NewVBox(s.grid))))
	return s
}

func (s *studentsScreen) title() string              { return "Students" }
func (s *studentsScreen) content() fyne.CanvasObject { return s.root }

func (s *studentsScreen) refresh() {
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	studs := repo.List[record.Student](s.a.cfg.Records)
	sort.SliceStable(studs, func(i, j int) bool { return studs[i].Data.DisplayName() < studs[j].Data.DisplayName() })
	s.open = map[string]*Button{}
	s.lights = map[string]studentLight{}
	today := record.DateOf(s.a.cfg.Now())
	var objs []fyne.CanvasObject
	for _, st := range studs {
		name := st.Data.DisplayName()
		if q != "" && !strings.Contains(strings.ToLower(name+" "+st.Data.GivenName), q) {
			continue
		}
		st := st
		label := name + " · grade " + st.Data.Grade
		if !st.Data.IsActive() {
			label += " · inactive"
		}
		b := NewButton(label, func() { s.a.push(newStudentScreen(s.a, st.ID)) })
		b.Alignment = widget.ButtonAlignLeading
		s.open[st.ID] = b
		l := lightOf(s.a.cfg.Records, st.ID, today)
		s.lights[st.ID] = l
		objs = append(objs, container.NewVBox(b, l.view()))
	}
	if len(objs) == 0 {
		if len(studs) == 0 {
			objs = append(objs, wrapLabel("No students yet. Add one, or enrol the tablet to receive your school's roster."))
		} else {
			objs = append(objs, wrapLabel("No student matches."))
		}
	}
	s.grid.Objects = objs
	s.grid.Refresh()
}
