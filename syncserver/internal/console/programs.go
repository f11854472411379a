package console

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// The programs pages (CONSOLE.md §3 /programs, /programs/{id}): is it the
// program or the student? Per program and per interventionist, the goals
// on the caseload summed up by progress.SummarizeOutcomes, so a team sees
// whether most students of one program, or of one interventionist, are
// not responding. The goals come from the report cache, as the caseload's
// do: a page is one cached read, never one read per goal (ADR 0027).

// outcomeRow is one line of a programs table, every cell in words; the
// exact figures go to the data-* hooks.
type outcomeRow struct {
	ID, Name, Href                    string
	O                                 progress.Outcomes
	Responding, Growth, Delivery      string
	RespondingPct, GrowthPct, At80Pct string // exact, for the hooks ("" when none)
}

func outcomeRowOf(l i18n.Lang, id, name, href string, reps []progress.Report) outcomeRow {
	o := progress.SummarizeOutcomes(reps)
	r := outcomeRow{ID: id, Name: name, Href: href, O: o, Responding: tr(l, "programs.no_judged"),
		Growth: tr(l, "programs.no_trend_goal"), Delivery: tr(l, "programs.no_planned")}
	if o.RespondingPct != nil {
		r.Responding = trn(l, "programs.goals_of", o.Responding, i18n.Args{"Of": o.Judged, "Pct": pctIn(l, o.RespondingPct)})
		r.RespondingPct = exactNum(*o.RespondingPct)
	}
	if o.MedianGrowthPct != nil {
		r.Growth = trn(l, "programs.growth_median", o.GrowthGoals, i18n.Args{"Pct": pctIn(l, o.MedianGrowthPct)})
		r.GrowthPct = exactNum(*o.MedianGrowthPct)
	}
	if o.DeliveredAt80Pct != nil {
		r.Delivery = trn(l, "programs.goals_of", o.DeliveredAt80, i18n.Args{"Of": o.DeliveryKnown, "Pct": pctIn(l, o.DeliveredAt80Pct)})
		r.At80Pct = exactNum(*o.DeliveredAt80Pct)
	}
	return r
}

// programGoal is a caseload goal with its program and interventionist.
type programGoal struct {
	goalView
	ProgramID, InterventionistID string
}

// goalProgram is the goal's program: its plan's, else (no plan) its
// group's, as the caseload files it; "" for none.
func goalProgram(sc *scope, gv goalView) string {
	if gv.ProgramID != "" {
		return gv.ProgramID
	}
	return sc.groups[gv.GroupID].ProgramID
}

// programGoals are the goals on the signed-in person's caseload, with the
// school's program names.
func (c *Console) programGoals(ec echo.Context) (progress.Date, *scope, []programGoal, map[string]string, error) {
	ctx := ec.Request().Context()
	asOf, err := c.asOf(ec)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	sc, err := c.loadScope(ctx, sessionOf(ec).p)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	gvs, err := c.caseloadGoals(ctx, sc, asOf)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	// Programs are few: the school's list names them all, those without a
	// goal too.
	envs, err := c.st.Records(ctx, sc.p.School.ID, sc.v, record.TypeProgram)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	names := map[string]string{}
	for _, e := range envs {
		if p, ok := progress.Decode(e).Value().(record.Program); ok {
			names[e.ID] = p.Name
		}
	}
	out := make([]programGoal, len(gvs))
	for i, gv := range gvs {
		out[i] = programGoal{goalView: gv, ProgramID: goalProgram(sc, gv), InterventionistID: sc.groups[gv.GroupID].InterventionistID}
	}
	return asOf, sc, out, names, nil
}

// byKey sums goals up per key (a program or an interventionist), one row
// each, named by name and linked by href; rows are in name order, with
// the goals of no key ("") last.
func byKey(l i18n.Lang, goals []programGoal, key func(programGoal) string, name func(string) string, href func(string) string) []outcomeRow {
	reps := map[string][]progress.Report{}
	for _, g := range goals {
		k := key(g)
		reps[k] = append(reps[k], g.Report)
	}
	rows := make([]outcomeRow, 0, len(reps))
	for k, rs := range reps {
		h := ""
		if k != "" {
			h = href(k)
		}
		rows = append(rows, outcomeRowOf(l, k, name(k), h, rs))
	}
	sort.Slice(rows, func(i, j int) bool {
		if (rows[i].ID == "") != (rows[j].ID == "") {
			return rows[j].ID == ""
		}
		return rows[i].Name < rows[j].Name || rows[i].Name == rows[j].Name && rows[i].ID < rows[j].ID
	})
	return rows
}

func programName(l i18n.Lang, names map[string]string) func(string) string {
	return func(id string) string {
		switch n, ok := names[id]; {
		case id == "":
			return tr(l, "programs.no_program")
		case ok:
			return n
		}
		return capital(tr(l, "program.not_synced"))
	}
}

func interventionistName(sc *scope) func(string) string {
	return func(id string) string {
		if id == "" {
			return tr(sc.l, "programs.no_interventionist")
		}
		return sc.userName(id)
	}
}

// interventionistHref is the interventionist's page: /programs for their
// goals only, as of the page's date.
func interventionistHref(ec echo.Context) func(string) string {
	return func(id string) string {
		v := url.Values{"interventionist": {id}}
		if q := ec.QueryParam("as_of"); q != "" {
			v.Set("as_of", q)
		}
		return "/programs?" + v.Encode()
	}
}

// handlePrograms is every program's line and every interventionist's;
// with ?interventionist=, the page of one interventionist: their goals
// only, by program.
func (c *Console) handlePrograms(ec echo.Context) error {
	asOf, sc, goals, names, err := c.programGoals(ec)
	if err != nil {
		return err
	}
	who := ec.QueryParam("interventionist")
	if who != "" {
		if _, ok := sc.users[who]; !ok || !record.IsID(who) {
			return errNotFound
		}
		kept := goals[:0]
		for _, g := range goals {
			if g.InterventionistID == who {
				kept = append(kept, g)
			}
		}
		goals = kept
	}
	progs := byKey(sc.l, goals, func(g programGoal) string { return g.ProgramID }, programName(sc.l, names),
		func(id string) string { return "/programs/" + id + asOfQuery(ec) })
	// A program no goal in scope is in still has its line, with nothing.
	seen := map[string]bool{}
	for _, r := range progs {
		seen[r.ID] = true
	}
	for id, n := range names {
		if !seen[id] && who == "" {
			progs = append(progs, outcomeRowOf(sc.l, id, n, "/programs/"+id+asOfQuery(ec), nil))
		}
	}
	sort.SliceStable(progs, func(i, j int) bool {
		if (progs[i].O.Goals == 0) != (progs[j].O.Goals == 0) {
			return progs[j].O.Goals == 0
		}
		return false
	})
	ints := byKey(sc.l, goals, func(g programGoal) string { return g.InterventionistID }, interventionistName(sc), interventionistHref(ec))
	all := make([]progress.Report, len(goals))
	for i, g := range goals {
		all[i] = g.Report
	}
	l := sc.l
	title, allName := tr(l, "programs.title"), tr(l, "programs.all_mine")
	if who != "" {
		title, allName = tr(l, "programs.title_of", i18n.Args{"Name": sc.userName(who)}), tr(l, "programs.all_of", i18n.Args{"Name": sc.userName(who)})
	}
	return c.render(ec, http.StatusOK, "programs", map[string]any{"Title": title, "Nav": "programs", "AsOf": showDate(l, asOf.String()), "Who": who,
		"All": outcomeRowOf(l, "", allName, "", all), "Programs": progs, "Interventionists": ints, "AsOfQ": asOfQuery(ec)})
}

// programStudent is one goal of a program's page.
type programStudent struct {
	GoalID, StudentID, Href, Student, Measure string
	Decision, Status, DecisionText, Light     string
	Growth, Delivery, Interventionist         string
}

func (c *Console) handleProgram(ec echo.Context) error {
	id := ec.Param("id")
	if !record.IsID(id) {
		return errNotFound
	}
	asOf, sc, goals, names, err := c.programGoals(ec)
	if err != nil {
		return err
	}
	name, ok := names[id]
	if !ok {
		return errNotFound // another school's, not a program, or unknown
	}
	var mine []programGoal
	for _, g := range goals {
		if g.ProgramID == id {
			mine = append(mine, g)
		}
	}
	reps := make([]progress.Report, len(mine))
	students := make([]programStudent, len(mine))
	for i, g := range mine {
		reps[i] = g.Report
		r := &g.Report
		l := sc.l
		ps := programStudent{GoalID: g.ID, StudentID: g.StudentID, Href: "/students/" + g.StudentID + asOfQuery(ec), Student: g.Student.DisplayName(),
			Measure: measureName(l, r.Goal.Measure), Decision: r.Decision.Code, Status: r.Status, DecisionText: decisionText(l, r.Decision.Code),
			Light: progress.In(l).StatusWords(r.Status), Growth: tr(l, "programs.no_trend"), Delivery: deliveryText(l, r.Delivery),
			Interventionist: interventionistName(sc)(g.InterventionistID)}
		if x, ok := progress.GrowthRatio(*r); ok {
			ps.Growth = tr(l, "programs.growth", i18n.Args{"Pct": progress.In(l).Number(progress.FormatPct(x * 100))})
		}
		students[i] = ps
	}
	sort.Slice(students, func(i, j int) bool {
		a, b := students[i], students[j]
		if d := decisionRank(a.Decision) - decisionRank(b.Decision); d != 0 {
			return d < 0
		}
		return a.Student < b.Student || a.Student == b.Student && a.GoalID < b.GoalID
	})
	ints := byKey(sc.l, mine, func(g programGoal) string { return g.InterventionistID }, interventionistName(sc), interventionistHref(ec))
	total := len(students)
	students, pager, err := programPage(ec, id, students)
	if err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, "program", map[string]any{"Title": name, "Nav": "programs", "AsOf": showDate(sc.l, asOf.String()), "ProgramID": id,
		"Name": name, "Summary": outcomeRowOf(sc.l, id, name, "", reps), "Interventionists": ints, "Students": students, "Total": total,
		"Pager": pager, "AsOfQ": asOfQuery(ec)})
}

// programPageSize is a program page's students per page: a program of a
// whole school's goals is one page of 50 at a time (CONSOLE.md §5: no page
// over 300 KB).
const programPageSize = 50

// pagerView is a list page's place: rows From to To of Total, and the
// links before and after ("" at either end).
type pagerView struct {
	From, To, Total int
	Prev, Next      string
}

// programPage is the ?page=N'th slice of a program's students (1 without
// one); a page past the end, or not a number, is not found.
func programPage(ec echo.Context, id string, rows []programStudent) ([]programStudent, pagerView, error) {
	n := 1
	if v := ec.QueryParam("page"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || (n-1)*programPageSize >= max(len(rows), 1) {
			return nil, pagerView{}, errNotFound
		}
	}
	lo, hi := (n-1)*programPageSize, min(n*programPageSize, len(rows))
	pv := pagerView{From: lo + 1, To: hi, Total: len(rows)}
	link := func(page int) string {
		v := url.Values{"page": {strconv.Itoa(page)}}
		if q := ec.QueryParam("as_of"); q != "" {
			v.Set("as_of", q)
		}
		return "/programs/" + id + "?" + v.Encode() + "#students-h"
	}
	if n > 1 {
		pv.Prev = link(n - 1)
	}
	if hi < len(rows) {
		pv.Next = link(n + 1)
	}
	return rows[lo:hi], pv, nil
}
