package console

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"smallwins/reportdoc"
	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
)

// The caseload (CONSOLE.md §3) at a school's scale (ADR 0018): every
// filter, a name search, sorting both ways on every column, 50 rows a
// page, the counts per decision over the whole filter, and the filtered
// rows as CSV. Everything is links and a GET form: no script.

// caseloadPageSize is the rows of one caseload page (CONSOLE.md §3).
const caseloadPageSize = 50

// maxNameSearch bounds the name search: no name is longer.
const maxNameSearch = 100

// caseloadQuery is the caseload's query string, checked.
type caseloadQuery struct {
	v url.Values // as asked, for the links that keep it
	// The filters; "" keeps every row.
	decision, group, interventionist, grade, measure, program string
	overdue, reviewDue                                        bool
	words                                                     []string // the name search, folded, one entry a word
	q                                                         string   // the name search as typed (trimmed)
	sort                                                      string   // a key of caseloadColumns
	desc                                                      bool
	page                                                      int // 1-based
}

func parseCaseloadQuery(v url.Values) (caseloadQuery, error) {
	cq := caseloadQuery{v: v, decision: v.Get("decision"), group: v.Get("group"), interventionist: v.Get("interventionist"),
		grade: v.Get("grade"), measure: v.Get("measure"), program: v.Get("program"),
		overdue: isOn(v.Get("overdue")), reviewDue: isOn(v.Get("review_due")),
		q: strings.TrimSpace(v.Get("q")), sort: v.Get("sort"), desc: v.Get("dir") == "desc", page: 1}
	var err error
	if cq.q, cq.words, err = parseNameSearch(v); err != nil {
		return cq, err
	}
	if _, ok := columnCmp[cq.sort]; !ok {
		cq.sort, cq.desc = "decision", v.Get("dir") == "desc"
	}
	cq.page, err = parsePage(v)
	return cq, err
}

// The list pages' paging and name search (ADR 0018), one home for the
// caseload and /cico (ADR 0039): `page` that is not a whole number ≥ 1 is
// a 400, a page past the end shows the last page; `q` over 100 characters
// is a 400, each of its words somewhere in the name, case-insensitive.

// parsePage is the 1-based `page` asked (1 without one).
func parsePage(v url.Values) (int, error) {
	p := v.Get("page")
	if p == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 {
		return 0, newErr(http.StatusBadRequest, "error.page")
	}
	return n, nil
}

// parseNameSearch is `q` trimmed and its words, folded to lower case and
// split at spaces and commas.
func parseNameSearch(v url.Values) (string, []string, error) {
	q := strings.TrimSpace(v.Get("q"))
	if len(q) > maxNameSearch {
		return q, nil, newErr(http.StatusBadRequest, "error.name_search", i18n.Args{"Max": maxNameSearch})
	}
	return q, strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return unicode.IsSpace(r) || r == ',' }), nil
}

// nameMatches says whether every word of a search is somewhere in name,
// so "lopez maya" and "Maya L" both find Maya Lopez.
func nameMatches(name string, words []string) bool {
	if len(words) == 0 {
		return true
	}
	name = strings.ToLower(name)
	for _, w := range words {
		if !strings.Contains(name, w) {
			return false
		}
	}
	return true
}

// listPage is the place of one page in a list of n rows, size a page:
// the page shown (asked, or the last when asked past the end), how many
// there are, and the rows [Lo, Hi) it holds.
type listPage struct{ Page, Pages, Lo, Hi int }

func pageOf(n, asked, size int) listPage {
	pages := max(1, (n+size-1)/size)
	page := min(max(asked, 1), pages)
	return listPage{Page: page, Pages: pages, Lo: (page - 1) * size, Hi: min(page*size, n)}
}

// pager is the page's place for a template (.Page, .Pages, .First, .Last,
// .Prev, .Next), link making the URL of another page with the filters.
func (p listPage) pager(link func(page int) string) map[string]any {
	out := map[string]any{"Page": p.Page, "Pages": p.Pages, "First": p.Lo + 1, "Last": p.Hi}
	if p.Page > 1 {
		out["Prev"] = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		out["Next"] = link(p.Page + 1)
	}
	return out
}

// isOn is a checkbox's value: present and not "0".
func isOn(s string) bool { return s != "" && s != "0" }

// keeps says whether a row passes every filter; withDecision false leaves
// the decision filter out (the counts at the top say what each decision
// would show within the other filters).
func (cq *caseloadQuery) keeps(r *row, withDecision bool) bool {
	switch {
	case withDecision && cq.decision != "" && r.Decision != cq.decision,
		cq.group != "" && r.GroupID != cq.group,
		cq.interventionist != "" && r.InterventionID != cq.interventionist,
		cq.grade != "" && r.Grade != cq.grade,
		cq.measure != "" && r.MeasureCode != cq.measure,
		cq.program != "" && r.ProgramID != cq.program,
		cq.overdue && !r.Overdue,
		cq.reviewDue && !r.ReviewDue:
		return false
	}
	return nameMatches(r.Student, cq.words)
}

// filter is the rows the query keeps, sorted, and the count per decision
// over every filter but the decision's. The rows are pointers into all: a
// row is a few hundred bytes, and 2,000 of them are sorted on each page.
func (cq *caseloadQuery) filter(all []row) ([]*row, map[string]int) {
	counts := map[string]int{}
	var shown []*row
	for i := range all {
		r := &all[i]
		if !cq.keeps(r, false) {
			continue
		}
		counts[r.Decision]++
		if cq.decision == "" || r.Decision == cq.decision {
			shown = append(shown, r)
		}
	}
	sortRows(shown, cq.sort, cq.desc)
	return shown, counts
}

// sortRows sorts by a column, either way; rows equal on it stay in name
// order (then goal id) in both directions, so a page never reshuffles.
// Names are folded once per row, not once per comparison.
func sortRows(rs []*row, key string, desc bool) {
	cmp := columnCmp[key]
	type keyed struct {
		r    *row
		name string
	}
	ks := make([]keyed, len(rs))
	for i, r := range rs {
		ks[i] = keyed{r, strings.ToLower(r.Student)}
	}
	sort.Slice(ks, func(i, j int) bool {
		a, b := &ks[i], &ks[j]
		if d := cmp(a.r, b.r); d != 0 {
			return (d < 0) != desc
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return a.r.ID < b.r.ID
	})
	for i := range ks {
		rs[i] = ks[i].r
	}
}

// caseloadColumns are the table's columns in order: every one sorts. Each
// one's name is the catalog's caseload.col.<key>.
var caseloadColumns = []struct{ Key string }{
	{"student"}, {"grade"}, {"group"}, {"interventionist"},
	{"measure"}, {"last_probe"}, {"points"}, {"decision"},
	{"delivery"}, {"next_review"}, {"probe"},
}

// columnCmp orders two rows by a column, ascending.
var columnCmp = map[string]func(a, b *row) int{
	"student":         func(a, b *row) int { return foldCmp(a.Student, b.Student) },
	"grade":           func(a, b *row) int { return gradeRank(a.Grade) - gradeRank(b.Grade) },
	"group":           func(a, b *row) int { return foldCmp(a.Group, b.Group) },
	"interventionist": func(a, b *row) int { return foldCmp(a.Interventionist, b.Interventionist) },
	"measure":         func(a, b *row) int { return foldCmp(a.Measure, b.Measure) },
	// By date: no probe yet first, then the oldest.
	"last_probe": func(a, b *row) int { return strings.Compare(a.LastDate, b.LastDate) },
	"points":     func(a, b *row) int { return a.Points - b.Points },
	// By urgency, the agenda's order (decisionOrder), not the alphabet.
	"decision": func(a, b *row) int { return decisionRank(a.Decision) - decisionRank(b.Decision) },
	"delivery": func(a, b *row) int { return cmpFloat(deliveryLow(a.delivery), deliveryLow(b.delivery)) },
	// By date, the soonest first; a goal without one after every date.
	"next_review": func(a, b *row) int { return strings.Compare(reviewKey(a.NextReview), reviewKey(b.NextReview)) },
	// Overdue first, then on time, then none due.
	"probe": func(a, b *row) int { return probeRank(a) - probeRank(b) },
}

func foldCmp(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// deliveryLow is the lowest of attendance, dose and fidelity: the figure
// the delivery gate (DOMAIN.md §3.5) would look at first. Without a plan
// -2, with nothing to count -1, so both sort before every figure.
func deliveryLow(d *progress.Delivery) float64 {
	if d == nil {
		return -2
	}
	low := -1.0
	for _, p := range []*float64{d.AttendancePct, d.DosePct, d.FidelityPct} {
		if p != nil && (low < 0 || *p < low) {
			low = *p
		}
	}
	return low
}

func reviewKey(d string) string {
	if d == "" {
		return "~" // after every YYYY-MM-DD
	}
	return d
}

func probeRank(r *row) int {
	switch {
	case r.Overdue:
		return 0
	case r.Decision == record.DecisionReviewGoal:
		return 2 // "none due": the goal date has passed
	}
	return 1
}

// programNames names each row's program: the plan's program is in the
// report; a goal without a plan takes its group's program, whose name is
// another row's or, for the few left, one read by id.
func (c *Console) programNames(ctx context.Context, sc *scope, rs []row) error {
	names := map[string]string{}
	var missing []string
	for i := range rs {
		if rs[i].Program != "" {
			names[rs[i].ProgramID] = rs[i].Program
		}
	}
	for i := range rs {
		if id := rs[i].ProgramID; record.IsID(id) {
			if _, known := names[id]; !known {
				names[id] = "" // asked once
				missing = append(missing, id)
			}
		}
	}
	if len(missing) > 0 {
		envs, err := c.st.RecordsByID(ctx, sc.p.School.ID, sc.v, missing...)
		if err != nil {
			return err
		}
		for _, e := range goaldata.OfType(envs, record.TypeProgram) {
			if p, ok := progress.Decode(e).Value().(record.Program); ok {
				names[e.ID] = p.Name
			}
		}
	}
	for i := range rs {
		switch r := &rs[i]; {
		case r.ProgramID == "":
			r.Program = "—"
		case names[r.ProgramID] != "":
			r.Program = names[r.ProgramID]
		default:
			r.Program = tr(sc.l, "program.not_synced")
		}
	}
	return nil
}

// link is the caseload's URL (path "/" or "/caseload.csv") with the query
// as asked, changed by set ("" removes a key), the page always dropped
// unless set names it.
func (cq *caseloadQuery) link(path string, set ...string) string {
	v := url.Values{}
	for k, vs := range cq.v {
		if k != "page" && len(vs) > 0 && vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			v.Del(set[i])
		} else {
			v.Set(set[i], set[i+1])
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

type filterOption struct{ Value, Label string }

// caseloadOptions are the filters' choices, from every row in scope.
func caseloadOptions(l i18n.Lang, all []row) map[string][]filterOption {
	out := map[string][]filterOption{}
	for _, d := range decisionOrder {
		out["decision"] = append(out["decision"], filterOption{d, decisionText(l, d)})
	}
	seen := map[string]bool{}
	add := func(kind, value, label string) {
		if value != "" && !seen[kind+"\x00"+value] {
			seen[kind+"\x00"+value] = true
			out[kind] = append(out[kind], filterOption{value, label})
		}
	}
	for i := range all {
		r := &all[i]
		add("group", r.GroupID, r.Group)
		add("interventionist", r.InterventionID, r.Interventionist)
		add("grade", r.Grade, tr(l, "grade.n", i18n.Args{"Grade": r.Grade}))
		add("measure", r.MeasureCode, r.Measure)
		add("program", r.ProgramID, r.Program)
	}
	for _, k := range []string{"group", "interventionist", "measure", "program"} {
		o := out[k]
		sort.Slice(o, func(i, j int) bool { return foldCmp(o[i].Label, o[j].Label) < 0 })
	}
	g := out["grade"]
	sort.Slice(g, func(i, j int) bool { return gradeRank(g[i].Value) < gradeRank(g[j].Value) })
	return out
}

// column is one header cell: its sort link, and aria-sort and the arrow
// on the column the rows are sorted by.
type column struct {
	Label, Href, AriaSort, Arrow string
}

func (cq *caseloadQuery) columns(l i18n.Lang) []column {
	out := make([]column, 0, len(caseloadColumns))
	for _, col := range caseloadColumns {
		c := column{Label: tr(l, "caseload.col."+col.Key), Href: cq.link("/", "sort", col.Key, "dir", ""), Arrow: "↕"}
		if col.Key == cq.sort {
			c.AriaSort, c.Arrow = "ascending", "▲"
			c.Href = cq.link("/", "sort", col.Key, "dir", "desc") // the other way
			if cq.desc {
				c.AriaSort, c.Arrow = "descending", "▼"
				c.Href = cq.link("/", "sort", col.Key, "dir", "")
			}
		}
		out = append(out, c)
	}
	return out
}

func (c *Console) handleCaseload(ec echo.Context) error {
	cq, err := parseCaseloadQuery(ec.QueryParams())
	if err != nil {
		return err
	}
	asOf, _, all, err := c.caseloadRows(ec)
	if err != nil {
		return err
	}
	shown, counts := cq.filter(all)
	pg := pageOf(len(shown), cq.page, caseloadPageSize)
	type count struct {
		Code, Label string
		N           int
		Href        string
		Current     bool
	}
	l := langOf(ec)
	var countList []count
	for _, d := range decisionOrder {
		countList = append(countList, count{d, decisionText(l, d), counts[d], cq.link("/", "decision", d), d == cq.decision})
	}
	pager := pg.pager(func(n int) string { return cq.link("/", "page", strconv.Itoa(n)) })
	return c.render(ec, http.StatusOK, "caseload", map[string]any{
		"Title": tr(l, "caseload.title"), "Nav": "caseload", "Shown": len(shown), "Body": caseloadBody(l, pageRows(shown[pg.Lo:pg.Hi])), "Total": len(all),
		"Counts": countList, "Columns": cq.columns(l), "Sort": cq.sort, "Desc": cq.desc, "Pager": pager,
		"Options": caseloadOptions(l, all), "Q": cq.q, "Overdue": cq.overdue, "ReviewDue": cq.reviewDue,
		"F":   map[string]string{"decision": cq.decision, "group": cq.group, "interventionist": cq.interventionist, "grade": cq.grade, "measure": cq.measure, "program": cq.program},
		"CSV": cq.link("/caseload.csv"), "Legend": legend(l), "AsOf": showDate(l, asOf.String()), "AsOfParam": cq.v.Get("as_of"),
		"Filtered": len(shown) != len(all),
	})
}

// pageRows copies one page's rows for the writer.
func pageRows(rs []*row) []row {
	out := make([]row, len(rs))
	for i, r := range rs {
		out[i] = *r
	}
	return out
}

// legend is the traffic light's meaning (DOMAIN.md §3.6) in words.
func legend(l i18n.Lang) []filterOption {
	var out []filterOption
	for _, s := range []string{progress.Green, progress.Yellow, progress.Red, progress.Grey} {
		out = append(out, filterOption{s, progress.In(l).StatusWords(s)})
	}
	return out
}

// handleCaseloadCSV is the filtered caseload, every page of it, in the
// page's order, through reportdoc.WriteCSV's formula guard (a student's
// name or a group's is text a person typed). Codes and numbers are as the
// report JSON has them, for a spreadsheet; the words beside them for people.
func (c *Console) handleCaseloadCSV(ec echo.Context) error {
	cq, err := parseCaseloadQuery(ec.QueryParams())
	if err != nil {
		return err
	}
	asOf, _, all, err := c.caseloadRows(ec)
	if err != nil {
		return err
	}
	shown, _ := cq.filter(all)
	out := make([][]string, 0, len(shown))
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return exactNum(*p)
	}
	for _, r := range shown {
		var att, dose, fid string
		if d := r.delivery; d != nil {
			att, dose, fid = num(d.AttendancePct), num(d.DosePct), num(d.FidelityPct)
		}
		last := ""
		if r.LastDate != "" {
			last = exactNum(r.lastScore)
		}
		out = append(out, []string{r.Student, r.Grade, r.Group, r.Interventionist, r.Program, r.Measure, r.LastDate, last,
			strconv.Itoa(r.Points), r.Decision, r.DecisionText, r.Status, att, dose, fid, r.NextReview,
			strconv.FormatBool(r.ReviewDue), strconv.FormatBool(r.Overdue), r.StudentID, r.ID})
	}
	var buf bytes.Buffer
	header := []string{"student", "grade", "group", "interventionist", "program", "measure", "last_probe_date", "last_probe_score",
		"points", "decision", "decision_words", "status", "attendance_pct", "dose_pct", "fidelity_pct", "next_review_date",
		"review_due", "probe_overdue", "student_id", "goal_id"}
	if err := reportdoc.WriteCSV(&buf, header, out); err != nil {
		return err
	}
	ec.Response().Header().Set("Content-Disposition", `attachment; filename="caseload-`+asOf.String()+`.csv"`)
	return ec.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
