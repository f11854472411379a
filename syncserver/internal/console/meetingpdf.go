package console

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/reportdoc"
	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
)

// The meeting's printable documents (CONSOLE.md §3): the agenda, printed
// before the meeting with room for notes, and the minutes, the decisions
// recorded on the meeting's day. Both hold only what the signed-in user's
// pages show (their scope), and never a restricted record.

func (c *Console) handleAgendaPDF(ec echo.Context) error {
	ctx := ec.Request().Context()
	v, err := c.agendaOf(ec)
	if err != nil {
		return err
	}
	day, sc, all, f, shown := v.day, v.sc, v.all, v.f, v.shown
	// The printed agenda and minutes are English documents for now: their
	// cards' words are written in English too, so a page is never half
	// translated (docs/decisions/0036).
	sc.l = i18n.English
	sub := sc.p.School.Name + " - " + day.String()
	if w := filterWords(sc, f, all); w != "" {
		sub += " - " + w
	}
	if len(shown) > agendaPDFMax {
		sub += fmt.Sprintf(" - the first %d of %d items: filter the agenda to print the others", agendaPDFMax, len(shown))
		shown = shown[:agendaPDFMax]
	}
	// The charts are the student page's (the same indexed reads, with the
	// phase lines), for the printed cards only.
	ids := make([]string, len(shown))
	for i := range shown {
		ids[i] = shown[i].gv.ID
	}
	full, err := c.goalReports(ctx, sc, ids, day)
	if err != nil {
		return err
	}
	byID := make(map[string]*goalView, len(full))
	for i := range full {
		byID[full[i].ID] = &full[i]
	}
	doc := reportdoc.MeetingDoc{Title: "Team meeting agenda", Subtitle: sub,
		Empty: "Nothing is on the agenda: every goal is continuing, none is due for review and no probe is overdue.",
		Blank: true, Cards: true, Date: day.String()}
	for i := range shown {
		k := c.card(sc, &shown[i], f)
		lines := []string{k.DecisionText + ". " + k.Why}
		lines = append(lines, k.Flags...)
		lines = append(lines, "Group: "+k.Group+". Interventionist: "+k.Interventionist+". Last probe: "+k.LastProbe+".",
			"Delivery: "+k.Delivery+".")
		if k.Decided != nil {
			lines = append(lines, "Decided today: "+k.Decided.Text())
		}
		sec := reportdoc.MeetingSection{Heading: k.Student + " - " + k.Measure, Lines: lines}
		if gv, ok := byID[k.ID]; ok {
			ch := chartOf(i18n.English, *gv) // the printed agenda stays English (docs/decisions/0036)
			sec.Chart = &ch
		}
		doc.Sections = append(doc.Sections, sec)
	}
	return c.sendPDF(ec, doc, "meeting-agenda-"+day.String()+".pdf")
}

// filterWords is the agenda's filter in words, for the printed agenda.
func filterWords(sc *scope, f agendaFilter, all []agendaEntry) string {
	ints, groups, grades, programs, reasons := agendaOptions(sc, all)
	label := func(opts []option, v string) string {
		for _, o := range opts {
			if o.Value == v {
				return o.Label
			}
		}
		return "none"
	}
	var w []string
	for _, p := range []struct {
		name, v string
		opts    []option
	}{{"interventionist", f.Interventionist, ints}, {"group", f.Group, groups}, {"grade", f.Grade, grades},
		{"program", f.Program, programs}, {"reason", f.Reason, reasons}} {
		if p.v != "" {
			w = append(w, p.name+" "+label(p.opts, p.v))
		}
	}
	if len(w) == 0 {
		return ""
	}
	return "filtered by " + strings.Join(w, ", ")
}

func (c *Console) handleMinutesPDF(ec echo.Context) error {
	ctx := ec.Request().Context()
	day, err := c.asOf(ec)
	if err != nil {
		return err
	}
	sc, err := c.loadScope(ctx, sessionOf(ec).p)
	if err != nil {
		return err
	}
	sc.l = i18n.English // an English document, as the agenda's
	envs, err := c.st.Records(ctx, sc.p.School.ID, sc.v, record.TypeDecision)
	if err != nil {
		return err
	}
	type minute struct {
		d   progress.TeamDecision
		who string
	}
	var mins []minute
	var goalIDs []string
	for _, e := range envs {
		if e.Restricted {
			continue
		}
		var d record.Decision
		if record.DecodeData(e.Data, &d) != nil || d.Date != day.String() {
			continue
		}
		if _, ok := sc.students[d.StudentID]; !ok {
			continue
		}
		mins = append(mins, minute{d: progress.TeamDecision{ID: e.ID, HLC: e.HLC, Decision: d}, who: sc.students[d.StudentID].DisplayName()})
		if d.GoalID != "" {
			goalIDs = append(goalIDs, d.GoalID)
		}
	}
	measures := map[string]string{}
	if len(goalIDs) > 0 {
		goals, err := c.st.RecordsByID(ctx, sc.p.School.ID, sc.v, goalIDs...)
		if err != nil {
			return err
		}
		for _, e := range goaldata.OfType(goals, record.TypeGoal) {
			var g record.Goal
			if !e.Restricted && record.DecodeData(e.Data, &g) == nil {
				measures[e.ID] = measureName(sc.l, g.Measure)
			}
		}
	}
	// In the order they were recorded (HLC: the server's clock for the
	// console's, the tablet's for a tablet's).
	sort.SliceStable(mins, func(i, j int) bool { return mins[i].d.HLC < mins[j].d.HLC })
	doc := reportdoc.MeetingDoc{Title: "Team meeting minutes", Subtitle: sc.p.School.Name + " - " + day.String(),
		Empty: "No decision was recorded on " + day.String() + ".", Date: day.String()}
	m, err := c.meetingOf(ctx, sc, day)
	if err != nil {
		return err
	}
	att := "None were recorded."
	if len(m.Names) > 0 {
		att = strings.Join(m.Names, ", ") + "."
	}
	doc.Preamble = append(doc.Preamble, reportdoc.MeetingSection{Heading: "Attendees", Lines: []string{att}})
	acts := []string{"None were recorded."}
	if len(m.Actions) > 0 {
		acts = acts[:0]
		for i, a := range m.Actions {
			acts = append(acts, fmt.Sprintf("%d. %s", i+1, a.Line()))
		}
	}
	doc.Preamble = append(doc.Preamble, reportdoc.MeetingSection{Heading: "Action items", Lines: acts},
		reportdoc.MeetingSection{Heading: "Decisions"})
	for _, m := range mins {
		head := m.who
		if ms := measures[m.d.GoalID]; ms != "" {
			head += " - " + ms
		}
		lines := []string{"Decision: " + decisionText(sc.l, m.d.Code) + "."}
		if m.d.Rationale != "" {
			lines = append(lines, "Why: "+m.d.Rationale)
		}
		if m.d.NextReviewDate != "" {
			lines = append(lines, "Next review: "+m.d.NextReviewDate+".")
		}
		if m.d.OwnerID != "" {
			lines = append(lines, "Owner: "+sc.userName(m.d.OwnerID)+".")
		}
		doc.Sections = append(doc.Sections, reportdoc.MeetingSection{Heading: head, Lines: lines})
	}
	return c.sendPDF(ec, doc, "meeting-minutes-"+day.String()+".pdf")
}

func (c *Console) sendPDF(ec echo.Context, doc reportdoc.MeetingDoc, name string) error {
	if err := ec.Request().Context().Err(); err != nil { // no PDF for a client that is gone
		return err
	}
	var buf bytes.Buffer
	if err := reportdoc.MeetingPDF(&buf, doc); err != nil {
		return err
	}
	ec.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return ec.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
