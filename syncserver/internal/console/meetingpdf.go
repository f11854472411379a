package console

import (
	"bytes"
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
// pages show (their scope), and never a restricted record. Both speak the
// request's language, as its pages do (docs/decisions/0036): their words are
// catalog/meetingpdf, the report's words progress.In's.

func (c *Console) handleAgendaPDF(ec echo.Context) error {
	ctx := ec.Request().Context()
	v, err := c.agendaOf(ec)
	if err != nil {
		return err
	}
	day, sc, all, f, shown := v.day, v.sc, v.all, v.f, v.shown
	l := sc.l
	sub := tr(l, "meetingpdf.sub", i18n.Args{"School": sc.p.School.Name, "Date": showDate(l, day.String())})
	if w := filterWords(sc, f, all); w != "" {
		sub = tr(l, "meetingpdf.sub.more", i18n.Args{"Sub": sub, "More": w})
	}
	if len(shown) > agendaPDFMax {
		cut := tr(l, "meetingpdf.agenda.cut", i18n.Args{"Shown": agendaPDFMax, "Total": len(shown)})
		sub = tr(l, "meetingpdf.sub.more", i18n.Args{"Sub": sub, "More": cut})
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
	doc := reportdoc.MeetingDoc{Title: tr(l, "meetingpdf.agenda.title"), Subtitle: sub,
		Empty: tr(l, "meetingpdf.agenda.empty"), Blank: true, Cards: true, Date: day.String(), Lang: l}
	for i := range shown {
		k := c.card(sc, &shown[i], f)
		sec := reportdoc.MeetingSection{Heading: tr(l, "meetingpdf.heading", i18n.Args{"Student": k.Student, "Measure": k.Measure}),
			Lines: cardLines(l, &k)}
		if gv, ok := byID[k.ID]; ok {
			ch := chartOf(l, *gv)
			sec.Chart = &ch
		}
		doc.Sections = append(doc.Sections, sec)
	}
	return c.sendPDF(ec, doc, tr(l, "meetingpdf.agenda.file", i18n.Args{"Date": day.String()}))
}

// cardLines are an agenda card's lines on paper, in language l (the
// card's own words are already l's).
func cardLines(l i18n.Lang, k *card) []string {
	lines := []string{tr(l, "meetingpdf.card.decision", i18n.Args{"Decision": k.DecisionText, "Why": k.Why})}
	lines = append(lines, k.Flags...)
	lines = append(lines, tr(l, "meetingpdf.card.who", i18n.Args{"Group": k.Group, "Interventionist": k.Interventionist, "LastProbe": k.LastProbe}),
		tr(l, "meetingpdf.card.delivery", i18n.Args{"Delivery": k.Delivery}))
	if k.Decided != nil {
		lines = append(lines, tr(l, "meetingpdf.card.decided", i18n.Args{"Note": k.Decided.Text()}))
	}
	return lines
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
		return tr(sc.l, "meetingpdf.filter.none")
	}
	var w []string
	for _, p := range []struct {
		id, v string
		opts  []option
	}{{"meetingpdf.filter.interventionist", f.Interventionist, ints}, {"meetingpdf.filter.group", f.Group, groups},
		{"meetingpdf.filter.grade", f.Grade, grades}, {"meetingpdf.filter.program", f.Program, programs},
		{"meetingpdf.filter.reason", f.Reason, reasons}} {
		if p.v != "" {
			w = append(w, tr(sc.l, p.id, i18n.Args{"Name": label(p.opts, p.v)}))
		}
	}
	if len(w) == 0 {
		return ""
	}
	return tr(sc.l, "meetingpdf.filtered", i18n.Args{"Filters": strings.Join(w, ", ")})
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
	l := sc.l
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
	shownDay := showDate(l, day.String())
	doc := reportdoc.MeetingDoc{Title: tr(l, "meetingpdf.minutes.title"),
		Subtitle: tr(l, "meetingpdf.sub", i18n.Args{"School": sc.p.School.Name, "Date": shownDay}),
		Empty:    tr(l, "meetingpdf.minutes.empty", i18n.Args{"Date": shownDay}), Date: day.String(), Lang: l}
	m, err := c.meetingOf(ctx, sc, day)
	if err != nil {
		return err
	}
	att := tr(l, "meetingpdf.none")
	if len(m.Names) > 0 {
		att = tr(l, "meetingpdf.attendee_list", i18n.Args{"Names": strings.Join(m.Names, ", ")})
	}
	doc.Preamble = append(doc.Preamble, reportdoc.MeetingSection{Heading: tr(l, "meetingpdf.attendees"), Lines: []string{att}})
	acts := []string{tr(l, "meetingpdf.none")}
	if len(m.Actions) > 0 {
		acts = acts[:0]
		for i, a := range m.Actions {
			acts = append(acts, tr(l, "meetingpdf.action_item", i18n.Args{"N": i + 1, "Line": a.Line()}))
		}
	}
	doc.Preamble = append(doc.Preamble, reportdoc.MeetingSection{Heading: tr(l, "meetingpdf.actions"), Lines: acts},
		reportdoc.MeetingSection{Heading: tr(l, "meetingpdf.decisions")})
	for _, m := range mins {
		head := m.who
		if ms := measures[m.d.GoalID]; ms != "" {
			head = tr(l, "meetingpdf.heading", i18n.Args{"Student": m.who, "Measure": ms})
		}
		doc.Sections = append(doc.Sections, reportdoc.MeetingSection{Heading: head, Lines: minuteLines(sc, m.d.Decision)})
	}
	return c.sendPDF(ec, doc, tr(l, "meetingpdf.minutes.file", i18n.Args{"Date": day.String()}))
}

// minuteLines are a recorded decision's lines in the minutes, in the
// scope's language.
func minuteLines(sc *scope, d record.Decision) []string {
	l := sc.l
	lines := []string{tr(l, "meetingpdf.decision", i18n.Args{"Decision": decisionText(l, d.Code)})}
	if d.Rationale != "" {
		lines = append(lines, tr(l, "meetingpdf.why", i18n.Args{"Why": d.Rationale}))
	}
	if d.NextReviewDate != "" {
		lines = append(lines, tr(l, "meetingpdf.next", i18n.Args{"Date": showDate(l, d.NextReviewDate)}))
	}
	if d.OwnerID != "" {
		lines = append(lines, tr(l, "meetingpdf.owner", i18n.Args{"Name": sc.userName(d.OwnerID)}))
	}
	return lines
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
