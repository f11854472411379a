package console

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/reportdoc"
	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Check-In/Check-Out in the console (CONSOLE.md §3 /cico): the students on
// CICO with their phase and this week's %, a student's weekly chart with
// their phase lines, and the family card (the API's PDF, ADR 0641). Every
// figure is shared/progress's: progress.CICO for the weeks and
// progress.PhaseOf for the phase, as /v1/reports/cico answers (ADR 0027).

// cicoChartWeeks is how far back a student's chart goes: a school term.
const cicoChartWeeks = 20

// cicoChartFrom is the Monday a student's chart starts: the week of their
// first card, at most cicoChartWeeks back and at least 8 weeks before ws,
// the week of as_of (so a new student's chart is not one point wide).
func cicoChartFrom(ds *progress.Dataset, sid string, ws progress.Date) progress.Date {
	first := ws - 7*(cicoChartWeeks-1)
	earliest := ws
	for _, c := range ds.Cards {
		if d, err := progress.ParseDate(c.Date); err == nil && c.StudentID == sid && d >= first && monday(d) < earliest {
			earliest = monday(d)
		}
	}
	return min(earliest, ws-7*7)
}

// cicoRow is one student of /cico.
type cicoRow struct {
	ID, Name, Phase, PhaseCode, Since string
	Week, WeekPct, LastWeek, Status   string
	Flagged                           bool
}

// cicoStudent is one student's CICO records: their plans' envelopes
// (record.LatestCICOPlans reads envelopes) and their cards, decoded once
// when their row is made (progress.Decode: restricted cards are left out,
// as every report leaves them).
type cicoStudent struct {
	plans []record.Envelope
	raw   []record.Envelope // the cards as read, until decoded
	cards []progress.Decoded
}

// decoded decodes the student's cards, once: those that decode as a
// card of this student, as the reports count them.
func (cs *cicoStudent) decoded(sid string) []progress.Decoded {
	for _, e := range cs.raw {
		d := progress.Decode(e)
		if cd, ok := d.Value().(record.CICOCard); ok && cd.StudentID == sid {
			cs.cards = append(cs.cards, d)
		}
	}
	cs.raw = nil
	return cs.cards
}

// cardStudent is the student a card names, read as the store's index
// reads it (record.IndexedRefs: the top level only, the ratings skipped,
// nothing built): the list is sorted and paged first, and only the page's
// students' cards are decoded (ADR 0039).
func cardStudent(e record.Envelope) string {
	if e.Deleted || e.Restricted {
		return ""
	}
	if refs := record.IndexedRefs(record.TypeCICOCard, e.Data); len(refs) == 1 {
		return refs[0]
	}
	return ""
}

// cicoRecords are the school's CICO plans and cards of the students in
// the viewer's scope, by student: students with a plan (record.
// LatestCICOPlans) or with a card that decodes. One read of the two
// types; a card is decoded when its student's row is made, and a student
// without a plan has their cards decoded here to know they have one.
func (c *Console) cicoRecords(ec echo.Context, sc *scope) (map[string]*cicoStudent, error) {
	envs, err := c.st.Records(ec.Request().Context(), sc.p.School.ID, sc.v, record.TypeCICOPlan, record.TypeCICOCard)
	if err != nil {
		return nil, err
	}
	by := map[string]*cicoStudent{}
	of := func(sid string) *cicoStudent {
		if _, ok := sc.students[sid]; !ok {
			return nil
		}
		cs := by[sid]
		if cs == nil {
			cs = &cicoStudent{}
			by[sid] = cs
		}
		return cs
	}
	for _, e := range envs {
		switch e.Type {
		case record.TypeCICOPlan:
			if p, ok := record.DecodeAs[record.CICOPlan](e); ok {
				if cs := of(p.StudentID); cs != nil {
					cs.plans = append(cs.plans, e)
				}
			}
		case record.TypeCICOCard:
			if cs := of(cardStudent(e)); cs != nil {
				cs.raw = append(cs.raw, e)
			}
		}
	}
	for sid, cs := range by {
		if len(cs.plans) == 0 && len(cs.decoded(sid)) == 0 {
			delete(by, sid)
		}
	}
	return by, nil
}

// monday is the Monday of d's week (§3.9's weeks run Monday to Sunday).
func monday(d progress.Date) progress.Date { return d - progress.Date(d.Weekday()-1) }

// cicoOf is a student's CICO as of asOf: the cards' dataset, their plan
// (the first phase when they have none), and where they stand in fading.
func cicoOf(cs *cicoStudent, sid string, asOf progress.Date) (*progress.Dataset, record.CICOPlan, bool, progress.PhaseStatus) {
	ds := progress.NewDatasetOf(cs.decoded(sid))
	plan, has := record.LatestCICOPlan(cs.plans, sid)
	if !has {
		plan = record.CICOPlan{StudentID: sid}
	}
	return ds, plan, has, progress.PhaseOf(ds, sid, plan, asOf)
}

// cicoOfEnvs is cicoOf for a student's records as read.
func cicoOfEnvs(envs []record.Envelope, sid string, asOf progress.Date) (*progress.Dataset, record.CICOPlan, bool, progress.PhaseStatus) {
	cs := &cicoStudent{}
	for _, e := range envs {
		switch e.Type {
		case record.TypeCICOPlan:
			cs.plans = append(cs.plans, e)
		case record.TypeCICOCard:
			cs.cards = append(cs.cards, progress.Decode(e))
		}
	}
	return cicoOf(cs, sid, asOf)
}

// weekWords is a week's pooled % in words, or that it had no rated card.
func weekWords(l i18n.Lang, weeks []progress.CICOWeek, ws progress.Date) (string, string, bool) {
	for _, w := range weeks {
		if w.WeekStart == ws.String() {
			id := "cico.week_below"
			if w.Met {
				id = "cico.week_met"
			}
			return tr(l, id, i18n.Args{"Pct": progress.In(l).Number(progress.FormatPct(w.Pct))}), exactNum(w.Pct), w.Flagged
		}
	}
	return tr(l, "cico.no_card"), "", false
}

// cicoPageSize is the students of one /cico page, the caseload's 50
// (CONSOLE.md §3): a school may put every student on CICO (ADR 0039).
const cicoPageSize = caseloadPageSize

// cicoListed is a student of /cico before their row is made: the list is
// searched, sorted and paged by name, and only the page's rows are
// worked out (their phase and weeks).
type cicoListed struct {
	id, name, fold string
	cs             *cicoStudent
}

// cicoList is the students in scope on CICO whose name matches the
// search, in name order (then id).
func cicoList(sc *scope, by map[string]*cicoStudent, words []string) []cicoListed {
	out := make([]cicoListed, 0, len(by))
	for sid, cs := range by {
		name := sc.students[sid].DisplayName()
		if nameMatches(name, words) {
			out = append(out, cicoListed{id: sid, name: name, fold: strings.ToLower(name), cs: cs})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.fold != b.fold {
			return a.fold < b.fold
		}
		return a.id < b.id
	})
	return out
}

// cicoRowOf is a student's row: phase and this and last week's %.
func cicoRowOf(l i18n.Lang, s cicoListed, asOf progress.Date) cicoRow {
	ws := monday(asOf)
	ds, _, _, st := cicoOf(s.cs, s.id, asOf)
	rep := progress.CICO(ds, s.id, ws-7, asOf)
	sp := progress.In(l)
	r := cicoRow{ID: s.id, Name: s.name, Phase: sp.CICOPhaseWords(st.Phase), PhaseCode: st.Phase,
		Since: showDate(l, st.Since), Status: sp.PhaseStatusWords(st)}
	r.Week, r.WeekPct, r.Flagged = weekWords(l, rep.Weeks, ws)
	r.LastWeek, _, _ = weekWords(l, rep.Weeks, ws-7)
	return r
}

// cicoLink is /cico with the page's date and search, on page n.
func cicoLink(v url.Values, n int) string {
	out := url.Values{}
	for _, k := range []string{"as_of", "q"} {
		if x := strings.TrimSpace(v.Get(k)); x != "" {
			out.Set(k, x)
		}
	}
	if n > 1 {
		out.Set("page", strconv.Itoa(n))
	}
	if len(out) == 0 {
		return "/cico"
	}
	return "/cico?" + out.Encode()
}

func (c *Console) handleCICO(ec echo.Context) error {
	v := ec.QueryParams()
	page, err := parsePage(v)
	if err != nil {
		return err
	}
	q, words, err := parseNameSearch(v)
	if err != nil {
		return err
	}
	asOf, err := c.asOf(ec)
	if err != nil {
		return err
	}
	sc, err := c.loadScope(ec.Request().Context(), sessionOf(ec).p)
	if err != nil {
		return err
	}
	by, err := c.cicoRecords(ec, sc)
	if err != nil {
		return err
	}
	listed := cicoList(sc, by, words)
	pg := pageOf(len(listed), page, cicoPageSize)
	rows := make([]cicoRow, 0, pg.Hi-pg.Lo)
	for _, s := range listed[pg.Lo:pg.Hi] {
		rows = append(rows, cicoRowOf(sc.l, s, asOf))
	}
	return c.render(ec, http.StatusOK, "cico", map[string]any{"Title": tr(sc.l, "cico.title"), "Nav": "cico", "AsOf": showDate(sc.l, asOf.String()),
		"Week": showDate(sc.l, monday(asOf).String()), "Rows": rows, "AsOfQ": asOfQuery(ec), "AsOfParam": v.Get("as_of"),
		"Q": q, "Shown": len(listed), "Total": len(by), "Filtered": len(listed) != len(by),
		"Pager": pg.pager(func(n int) string { return cicoLink(v, n) })})
}

// cicoWeekRow is one week of a student's CICO page.
type cicoWeekRow struct {
	WeekStart, Pct, Points, Days, Card string
	Met, Flagged                       bool
}

func (c *Console) handleCICOStudent(ec echo.Context) error {
	asOf, err := c.asOf(ec)
	if err != nil {
		return err
	}
	sc, err := c.loadScope(ec.Request().Context(), sessionOf(ec).p)
	if err != nil {
		return err
	}
	sid, st, err := studentInScope(ec, sc)
	if err != nil {
		return err
	}
	envs, err := c.st.RecordsByRef(ec.Request().Context(), sc.p.School.ID, sc.v, sid, record.TypeCICOCard, record.TypeCICOPlan)
	if err != nil {
		return err
	}
	ds, plan, hasPlan, status := cicoOfEnvs(envs, sid, asOf)
	ws := monday(asOf)
	from := cicoChartFrom(ds, sid, ws)
	rep := progress.CICO(ds, sid, from, asOf)
	l, sp := sc.l, progress.In(sc.l)
	chart := reportdoc.CICOChart{Title: tr(l, "cico.chart_title", i18n.Args{"Name": st.DisplayName()}), From: from, To: asOf, Weeks: rep.Weeks, Phases: plan.Phases, Lang: l}
	wide := reportdoc.CICOChartSVG(chart)
	chart.Narrow = true
	narrow := reportdoc.CICOChartSVG(chart)
	var weeks []cicoWeekRow
	for i := len(rep.Weeks) - 1; i >= 0; i-- {
		w := rep.Weeks[i]
		days := 0
		for _, d := range rep.Days {
			if dd, _ := progress.ParseDate(d.Date); monday(dd).String() == w.WeekStart {
				days++
			}
		}
		weeks = append(weeks, cicoWeekRow{WeekStart: w.WeekStart, Pct: sp.Number(progress.FormatPct(w.Pct)), Met: w.Met, Flagged: w.Flagged,
			Points: tr(l, "count.of", i18n.Args{"N": sp.Number(progress.FormatScore(w.Earned)), "Of": sp.Number(progress.FormatScore(w.Possible))}),
			Days:   tr(l, "count.of", i18n.Args{"N": strconv.Itoa(days - w.DaysBelowGoal), "Of": strconv.Itoa(days)}),
			Card:   "/cico/" + sid + "/card.pdf?week=" + w.WeekStart})
	}
	phases := make([]string, 0, len(plan.Phases))
	for _, ph := range plan.Phases {
		phases = append(phases, showDate(l, ph.StartDate)+": "+sp.CICOPhaseWords(ph.Phase))
	}
	return c.render(ec, http.StatusOK, "cicostudent", map[string]any{"Title": tr(l, "cico.student_title", i18n.Args{"Name": st.DisplayName()}), "Nav": "cico",
		"StudentID": sid, "Student": st, "AsOf": showDate(l, asOf.String()), "HasPlan": hasPlan, "Plan": plan, "PhaseWords": sp.CICOPhaseWords(status.Phase),
		"Status": status, "StatusWords": sp.PhaseStatusWords(status), "PhaseList": phases,
		// Safe: built by reportdoc from numbers and escaped text only, with
		// no script and no style attribute (CICOChartSVG).
		"Chart": template.HTML(wide), "ChartNarrow": template.HTML(narrow), "Weeks": weeks, "ThisWeek": "/cico/" + sid + "/card.pdf?week=" + ws.String(),
		"Today": "/cico/" + sid + "/card.pdf?date=" + asOf.String(), "ChartFrom": showDate(l, from.String()), "AsOfQ": asOfQuery(ec)})
}

// handleCICOCard is the family card PDF (ADR 0641) through the console's
// session: `date` for a day's card, else `week` (any day of it; this week
// without one), the same page as the API's /v1/reports/cico-card.pdf.
func (c *Console) handleCICOCard(ec echo.Context) error {
	sc, err := c.loadScope(ec.Request().Context(), sessionOf(ec).p)
	if err != nil {
		return err
	}
	sid, st, err := studentInScope(ec, sc)
	if err != nil {
		return err
	}
	q := ec.QueryParams()
	if q.Has("date") && q.Has("week") {
		return newErr(http.StatusBadRequest, "error.card_both")
	}
	weekly := !q.Has("date")
	day, err := c.asOf(ec)
	if err != nil {
		return err
	}
	if v := q.Get(map[bool]string{true: "week", false: "date"}[weekly]); v != "" {
		if day, err = progress.ParseDate(v); err != nil {
			return newErr(http.StatusBadRequest, "error.date")
		}
	}
	envs, err := c.st.RecordsByRef(ec.Request().Context(), sc.p.School.ID, sc.v, sid, record.TypeCICOCard, record.TypeCICOPlan)
	if err != nil {
		return err
	}
	today, _ := progress.ParseDate(c.now().UTC().Format("2006-01-02"))
	// The family's card, in the student's family_language (DOMAIN.md §4.3,
	// docs/decisions/0033), as the API's is.
	doc := reportdoc.CICOCardDoc{Student: st.DisplayName(), School: sc.p.School.Name, Generated: today.String(), Date: day.String(), Weekly: weekly,
		FamilyLanguage: st.FamilyLanguage}
	doc.Cards, doc.Plan = reportdoc.FamilyCardRecords(envs, sid)
	var buf bytes.Buffer
	if err := reportdoc.CICOCardPDF(&buf, doc); err != nil {
		return err
	}
	ec.Response().Header().Set("Content-Disposition", `attachment; filename="family-card.pdf"`)
	return ec.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
