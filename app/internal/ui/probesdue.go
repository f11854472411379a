package ui

import (
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// "Probes due" across my whole caseload (ADR 0621: a student 19 days past
// due was missing because only today's groups were looked at). Whether a
// probe is overdue is decided by shared/progress's report (DOMAIN.md §3.8),
// the same function the server's reports run, never by a rule of the app's
// own.

// probeOverdue reports whether any active goal of the student has its
// weekly probe overdue as of now (DOMAIN.md §3.8, computed by
// progress.Progress), and the most days since a goal's last probe (or its
// start). A goal whose goal date has passed asks for no more probes: the
// team reviews it (ADR 0604); that too is the shared rule's
// (progress.ProbeOverdue), not a test of the app's own. cal is the school's
// calendar, read once by the caller for a whole list of students
// (schoolCalendar).
func probeOverdue(rec Records, studentID string, now time.Time, cal progress.Calendar) (int, bool) {
	today := record.DateOf(now)
	statuses, probeEnvs := goalStatuses(rec, studentID, today, cal) // the probes read once for every goal
	var probes []repo.Doc[record.Probe]
	worst, due := 0, false
	for _, gs := range statuses {
		if !gs.Report.OverdueProbe {
			continue
		}
		if !due {
			probes = repo.DecodeAll[record.Probe](probeEnvs)
		}
		due = true
		if d := daysSinceProbe(gs.Goal.Data, probes, today); d > worst {
			worst = d
		}
	}
	return worst, due
}

// daysSinceProbe is for display only ("19 days since the last probe"):
// the days since the date the report's overdue clock counts from
// (progress.ProbeClockStart). The overdue decision itself is the report's.
func daysSinceProbe(g record.Goal, probes []repo.Doc[record.Probe], today record.Date) int {
	ps := make([]record.Probe, len(probes))
	for i, p := range probes {
		ps[i] = p.Data
	}
	return int(today - progress.ProbeClockStart(g, ps, today))
}

// caseload is the active students of my groups (led by me or by nobody),
// and the active students with an active goal who are in no group at all:
// nobody's caseload yet, so shown rather than lost (as on Today).
func caseload(rec Records, mine func(string) bool) []string {
	var out []string
	seen := map[string]bool{}
	inGroup := map[string]bool{}
	for _, g := range repo.List[record.Group](rec) {
		for _, sid := range g.Data.StudentIDs {
			inGroup[sid] = true
		}
	}
	for _, g := range myGroups(rec, mine) {
		for _, sid := range g.Data.StudentIDs {
			if !seen[sid] && active(rec, sid) {
				seen[sid] = true
				out = append(out, sid)
			}
		}
	}
	for _, st := range repo.List[record.Student](rec) {
		if !seen[st.ID] && !inGroup[st.ID] && st.Data.IsActive() && len(repo.ListByRef[record.Goal](rec, st.ID)) > 0 {
			seen[st.ID] = true
			out = append(out, st.ID)
		}
	}
	return out
}

// loadProbesDue lists my caseload's overdue probes, longest overdue first.
func loadProbesDue(rec Records, now time.Time, mine func(string) bool) []dueProbe {
	var out []dueProbe
	cal := schoolCalendar(rec)
	for _, sid := range caseload(rec, mine) {
		if d, ok := probeOverdue(rec, sid, now, cal); ok {
			out = append(out, dueProbe{StudentID: sid, Name: studentName(rec, sid), Days: d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Days != out[j].Days {
			return out[i].Days > out[j].Days
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// probesDueScreen lists them, each with a Probe button.
type probesDueScreen struct {
	a     *App
	due   []dueProbe
	root  fyne.CanvasObject
	list  *fyne.Container
	probe map[string]*Button // student id → Probe (tests)
}

func newProbesDueScreen(a *App) *probesDueScreen {
	s := &probesDueScreen{a: a, list: container.NewVBox()}
	s.root = vscroll(container.NewPadded(s.list))
	return s
}

func (s *probesDueScreen) title() string              { return lang.L("probesdue.title") }
func (s *probesDueScreen) content() fyne.CanvasObject { return s.root }

func (s *probesDueScreen) refresh() {
	s.due = loadProbesDue(s.a.cfg.Records, s.a.cfg.Now(), s.a.isMe)
	s.probe = map[string]*Button{}
	objs := []fyne.CanvasObject{wrapLabel(lang.L("probesdue.intro"))}
	for _, d := range s.due {
		sid := d.StudentID
		b := newImportant(lang.L("probesdue.probe"), widget.HighImportance, func() { s.a.push(newProbeScreen(s.a, sid)) })
		s.probe[sid] = b
		open := rowButton(dueWords(d), func() { s.a.push(newStudentScreen(s.a, sid)) })
		objs = append(objs, card(container.NewBorder(nil, nil, nil, b, open)))
	}
	if len(s.due) == 0 {
		objs = append(objs, card(heading(lang.L("probesdue.none.title")), wrapLabel(lang.L("probesdue.none.text"))))
	}
	s.list.Objects = objs
	s.list.Refresh()
}

// dueWords is "Ava Martinez: 12 days since the last probe".
func dueWords(d dueProbe) string {
	return lang.N("probesdue.days", d.Days, map[string]any{"Name": d.Name, "N": d.Days})
}
