package console_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// addZoe pushes a fourth student of lincoln on another program and
// measure: Zoë Ávila in Foxes (Ben's), a math goal on the Math Boost plan,
// probed weekly (review due, on time), and a decision with a review date.
func (e *env) addZoe(t testing.TB) (student, goal, program, group string) {
	t.Helper()
	student, goal, program, group = uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	plan := uuid.NewString()
	recs := []record.Envelope{
		{ID: program, Type: "program", Data: json.RawMessage(`{"name":"Math Boost","area":"math","steps":[{"id":"m","text":"Count on"}]}`)},
		{ID: student, Type: "student", Data: json.RawMessage(`{"given_name":"Zoë","family_name":"Ávila","grade":"K"}`)},
		{ID: group, Type: "group", Data: json.RawMessage(fmt.Sprintf(`{"name":"Foxes","program_id":%q,"student_ids":[%q],"interventionist_id":%q}`, program, student, e.users["lincoln/ben"].ID))},
		{ID: plan, Type: "plan", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-01-06","sessions_per_week":2,"minutes_per_session":20}`, student, program, group))},
		{ID: goal, Type: "goal", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"plan_id":%q,"measure":"math_cbm_digits","direction":"up","start_date":"2025-01-06","baseline_scores":[10,12,11],"goal_score":30,"goal_date":"2025-05-12"}`, student, plan))},
		{ID: uuid.NewString(), Type: "decision", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":"2025-02-17","code":"continue","next_review_date":"2025-04-07"}`, student, goal))},
	}
	start, _ := progress.ParseDate("2025-01-06")
	for w := 1; w <= 10; w++ {
		recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: "probe", Data: json.RawMessage(fmt.Sprintf(
			`{"student_id":%q,"measure":"math_cbm_digits","date":%q,"score":%d}`, student, (start + progress.Date(7*w)).String(), 11+w))})
	}
	e.push(e.enrol("lincoln", "admin"), recs)
	return
}

// order is the goal ids of a page's rows, in order.
func order(body string) []string {
	var out []string
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

var totalRE = regexp.MustCompile(`<tbody data-total="(\d+)">`)

// total is the data-total of the element that holds the rows.
func total(t *testing.T, body string) int {
	t.Helper()
	m := totalRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no data-total on the rows' element")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var countRE = regexp.MustCompile(`data-count-decision="([a-z_]+)"[^>]*><strong>(\d+)</strong>`)

func counts(body string) map[string]int {
	out := map[string]int{}
	for _, m := range countRE.FindAllStringSubmatch(body, -1) {
		out[m[1]], _ = strconv.Atoi(m[2])
	}
	return out
}

// TestCaseloadEveryFilter: each filter of CONSOLE.md §3 through the GET
// form's names: decision, group, interventionist, grade, measure, program,
// probe overdue, review due and the name search (case-insensitive, in any
// order of the name's words); data-total is the filter's total.
func TestCaseloadEveryFilter(t *testing.T) {
	e := newEnv(t, false)
	_, zoe, math, foxes := e.addZoe(t)
	b := e.signedIn("lincoln", "admin")
	ana, ben := e.users["lincoln/ana"].ID, e.users["lincoln/ben"].ID
	g1, g2, g3 := e.ids.goal1, e.ids.goal2, e.ids.goal3
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{g1, g2, g3, zoe}},
		{"decision=not_enough_data", []string{g2}},
		{"group=" + e.ids.owls, []string{g3}},
		{"group=" + foxes, []string{zoe}},
		{"interventionist=" + ana, []string{g1, g2}},
		{"interventionist=" + ben, []string{g3, zoe}},
		{"grade=2", []string{g1, g2}},
		{"grade=K", []string{zoe}},
		{"measure=math_cbm_digits", []string{zoe}},
		{"measure=orf_wcpm", []string{g1, g2, g3}},
		{"program=" + math, []string{zoe}},
		{"program=" + e.ids.program, []string{g1, g2, g3}}, // goal 2 has no plan: its group's program
		{"overdue=1", []string{g2}},
		{"review_due=1", []string{g1, g3}},
		{"review_due=1&interventionist=" + ben, []string{g3}},
		{"q=maya", []string{g1}},
		{"q=LOPEZ", []string{g1}},
		{"q=lopez+maya", []string{g1}},
		{"q=+ch+", []string{g3}},
		{"q=zo%C3%AB", []string{zoe}},
		{"q=ZO%C3%8B+%C3%81VILA", []string{zoe}}, // ZOË ÁVILA: case folds beyond ASCII
		{"q=nobody", nil},
		{"q=o&grade=2&measure=orf_wcpm", []string{g1, g2}},
	} {
		p := b.get("/?as_of=" + asOf + "&" + c.query)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", c.query, p.status)
		}
		got := order(p.body)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: rows %v, want %v", c.query, got, want)
		}
		if n := total(t, p.body); n != len(c.want) {
			t.Errorf("%s: data-total %d, want %d", c.query, n, len(c.want))
		}
	}
	// The form offers what the filters take, in words.
	p := b.get("/?as_of=" + asOf)
	for _, w := range []string{`name="q"`, `name="measure"`, `<option value="math_cbm_digits">Math computation</option>`,
		`name="program"`, `>Math Boost</option>`, `name="overdue"`, `name="review_due"`} {
		if !strings.Contains(p.body, w) {
			t.Errorf("the filter form lacks %s", w)
		}
	}
	// A search longer than any name is refused in words, not run.
	if p := b.get("/?q=" + strings.Repeat("a", 101)); p.status != http.StatusBadRequest || !strings.Contains(p.body, "at most 100") {
		t.Errorf("a 101-character search: %d", p.status)
	}
}

// TestCaseloadSortsBothWaysOnEveryColumn: every column header is a sort
// link; the sorted column's <th> has aria-sort and a visible arrow, and its
// link sorts the other way; descending is ascending reversed where the
// column's values differ.
func TestCaseloadSortsBothWaysOnEveryColumn(t *testing.T) {
	e := newEnv(t, false)
	e.addZoe(t)
	b := e.signedIn("lincoln", "admin")
	th := regexp.MustCompile(`<th scope="col"( aria-sort="(ascending|descending)")?><a href="([^"]+)">([^<]+)<span class="arrow[^"]*" aria-hidden="true">([^<]+)</span></a></th>`)
	cols := []string{"student", "grade", "group", "interventionist", "measure", "last_probe", "points", "decision", "delivery", "next_review", "probe"}
	for _, col := range cols {
		for _, dir := range []string{"asc", "desc"} {
			q := "/?as_of=" + asOf + "&sort=" + col
			if dir == "desc" {
				q += "&dir=desc"
			}
			p := b.get(q)
			heads := th.FindAllStringSubmatch(p.body, -1)
			if len(heads) != len(cols) {
				t.Fatalf("%s: %d sortable headers, want %d", q, len(heads), len(cols))
			}
			sorted := 0
			for i, h := range heads {
				href := html.UnescapeString(h[3])
				if !strings.Contains(href, "sort="+cols[i]) || !strings.Contains(href, "as_of="+asOf) {
					t.Errorf("%s: header %s links to %s", q, h[4], href)
				}
				if h[2] == "" {
					if h[5] != "↕" {
						t.Errorf("%s: unsorted %s shows %q", q, h[4], h[5])
					}
					continue
				}
				sorted++
				want, arrow := "ascending", "▲"
				if dir == "desc" {
					want, arrow = "descending", "▼"
				}
				if cols[i] != col || h[2] != want || h[5] != arrow {
					t.Errorf("%s: %s has aria-sort %s %s", q, h[4], h[2], h[5])
				}
				if (dir == "asc") != strings.Contains(href, "dir=desc") {
					t.Errorf("%s: the sorted column's link %s does not sort the other way", q, href)
				}
			}
			if sorted != 1 {
				t.Errorf("%s: %d headers with aria-sort", q, sorted)
			}
		}
	}
	// Orders, both ways: names (Iris, Maya, Theo, Zoë), grades (K, 2, 2, 3).
	names := func(q string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<td class="who"><a href="[^"]+">([^<]+)</a>`).FindAllStringSubmatch(b.get(q).body, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return out
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"sort=student", []string{"Iris Chen", "Maya Lopez", "Theo Brown", "Zoë Ávila"}},
		{"sort=student&dir=desc", []string{"Zoë Ávila", "Theo Brown", "Maya Lopez", "Iris Chen"}},
		{"sort=grade", []string{"Zoë Ávila", "Maya Lopez", "Theo Brown", "Iris Chen"}},
		{"sort=grade&dir=desc", []string{"Iris Chen", "Maya Lopez", "Theo Brown", "Zoë Ávila"}}, // ties stay by name
		{"sort=next_review", []string{"Zoë Ávila", "Iris Chen", "Maya Lopez", "Theo Brown"}},    // no date: after every date
		{"sort=measure", []string{"Zoë Ávila", "Iris Chen", "Maya Lopez", "Theo Brown"}},        // Math computation < Oral reading
		{"sort=last_probe&dir=desc", []string{"Iris Chen", "Maya Lopez", "Zoë Ávila", "Theo Brown"}},
		{"sort=probe", []string{"Theo Brown", "Iris Chen", "Maya Lopez", "Zoë Ávila"}}, // overdue first
	} {
		if got := names("/?as_of=" + asOf + "&" + c.q); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.q, got, c.want)
		}
	}
	// Points: 10, 10, 5, 10 → descending is ascending reversed on the values.
	pts := func(q string) []int {
		var out []int
		for _, m := range regexp.MustCompile(`<td data-label="Points">(\d+)</td>`).FindAllStringSubmatch(b.get(q).body, -1) {
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
		return out
	}
	up, down := pts("/?as_of="+asOf+"&sort=points"), pts("/?as_of="+asOf+"&sort=points&dir=desc")
	if !slices.IsSorted(up) || len(up) != 4 || up[0] == up[3] {
		t.Errorf("points ascending: %v", up)
	}
	slices.Reverse(down)
	if !slices.Equal(up, down) {
		t.Errorf("points descending reversed %v, ascending %v", down, up)
	}
}

// TestCaseloadPages: 50 rows a page (CONSOLE.md §3), each goal on exactly
// one page, next and previous links, data-total and the counts over the
// whole filter on every page; a page past the end shows the last; a page
// that is not a number is a 400.
func TestCaseloadPages(t *testing.T) {
	e := newEnv(t, false)
	e.addGoals(t, 120) // 123 active goals: pages of 50, 50, 23
	b := e.signedIn("lincoln", "admin")
	seen := map[string]int{}
	next := "/?as_of=" + asOf + "&sort=student"
	var sizes []int
	var prevCounts map[string]int
	for page := 1; next != ""; page++ {
		p := b.get(next)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", next, p.status)
		}
		ids := order(p.body)
		sizes = append(sizes, len(ids))
		for _, id := range ids {
			seen[id]++
		}
		if n := total(t, p.body); n != 123 {
			t.Errorf("page %d: data-total %d", page, n)
		}
		c := counts(p.body)
		sum := 0
		for _, n := range c {
			sum += n
		}
		if sum != 123 || prevCounts != nil && fmt.Sprint(c) != fmt.Sprint(prevCounts) {
			t.Errorf("page %d: counts %v (sum %d): not the whole filter's", page, c, sum)
		}
		prevCounts = c
		if page > 1 && !strings.Contains(p.body, `rel="prev"`) {
			t.Errorf("page %d has no previous link", page)
		}
		next = ""
		if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(p.body); m != nil {
			next = html.UnescapeString(m[1])
			if !strings.Contains(next, "page="+strconv.Itoa(page+1)) || !strings.Contains(next, "sort=student") {
				t.Errorf("page %d's next link %s", page, next)
			}
		}
		if page > 5 {
			t.Fatal("the pages never end")
		}
	}
	if !slices.Equal(sizes, []int{50, 50, 23}) || len(seen) != 123 {
		t.Errorf("pages of %v rows, %d goals seen", sizes, len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("goal %s on %d pages", id, n)
		}
	}
	// The counts follow the filter (not the page): a search for one student.
	if c := counts(b.get("/?as_of=" + asOf + "&q=maya").body); c["change_instruction"]+c["fix_delivery_first"] != 1 || c["not_enough_data"] != 0 {
		t.Errorf("counts under a search: %v", c)
	}
	if p := b.get("/?as_of=" + asOf + "&page=9"); len(order(p.body)) != 23 || !strings.Contains(p.body, "page 3 of 3") {
		t.Errorf("past the end: %d rows", len(order(p.body)))
	}
	for _, bad := range []string{"0", "-1", "x", "1.5"} {
		if p := b.get("/?page=" + bad); p.status != http.StatusBadRequest {
			t.Errorf("page=%s: %d", bad, p.status)
		}
	}
}

// TestCaseloadCSVIsTheFilter: /caseload.csv holds the filtered rows of
// every page, in the page's order, with the codes and numbers of the
// report API and the words beside them.
func TestCaseloadCSVIsTheFilter(t *testing.T) {
	e := newEnv(t, false)
	e.addGoals(t, 60)
	b := e.signedIn("lincoln", "admin")
	read := func(q string) [][]string {
		t.Helper()
		p := b.get("/caseload.csv?" + q)
		if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("%s: %d %s", q, p.status, p.header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(bytes.NewReader([]byte(p.body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	all := read("as_of=" + asOf + "&sort=student&dir=desc")
	if len(all) != 64 || all[0][0] != "student" || all[0][len(all[0])-1] != "goal_id" {
		t.Fatalf("%d lines, header %v", len(all), all[0])
	}
	// The same order as the pages: page 1 then page 2.
	var pages []string
	for _, pg := range []string{"1", "2"} {
		pages = append(pages, order(b.get("/?as_of="+asOf+"&sort=student&dir=desc&page="+pg).body)...)
	}
	var csvIDs []string
	for _, r := range all[1:] {
		csvIDs = append(csvIDs, r[len(r)-1])
	}
	if !slices.Equal(csvIDs, pages) {
		t.Errorf("CSV order differs from the pages'")
	}
	// A filter: Maya's row, as the report API has it.
	rows := read("as_of=" + asOf + "&q=maya")
	if len(rows) != 2 {
		t.Fatalf("q=maya: %d lines", len(rows))
	}
	col := map[string]string{}
	for i, h := range rows[0] {
		col[h] = rows[1][i]
	}
	r := e.report("lincoln", "admin", e.ids.goal1)
	if col["goal_id"] != e.ids.goal1 || col["student"] != "Maya Lopez" || col["decision"] != r.Decision.Code || col["status"] != r.Status ||
		col["points"] != strconv.Itoa(r.PointsAfterBaseline) || col["dose_pct"] != strconv.FormatFloat(*r.Delivery.DosePct, 'g', -1, 64) ||
		col["program"] != "Phonics for Reading" || col["measure"] != "Oral reading fluency" || col["last_probe_date"] != "2025-03-17" {
		t.Errorf("Maya's CSV row %v; report %s %s %d %v", col, r.Decision.Code, r.Status, r.PointsAfterBaseline, *r.Delivery.DosePct)
	}
	if p := b.get("/caseload.csv?page=x"); p.status != http.StatusBadRequest {
		t.Errorf("a bad page on the CSV: %d", p.status)
	}
}

// TestCaseloadWords: the light's legend in words (DOMAIN.md §3.6), the
// light named beside each decision as the last 3 points, the delivery in
// short form with whole percentages, and every date in one piece.
func TestCaseloadWords(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	p := b.get("/?as_of=" + asOf)
	for _, w := range []string{progress.StatusWords("green"), progress.StatusWords("yellow"), progress.StatusWords("red"), progress.StatusWords("grey"),
		"shows only the last 3 points", "last 3 points: off track"} {
		if !strings.Contains(p.body, html.EscapeString(w)) {
			t.Errorf("the caseload lacks %q", w)
		}
	}
	r := e.report("lincoln", "admin", e.ids.goal1)
	cellText := func(label string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<td data-label="`+label+`">(.*?)</td>`).FindAllStringSubmatch(p.body, -1) {
			out = append(out, html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], "")))
		}
		return out
	}
	want := progress.DeliveryShort(r.Delivery)
	if !slices.Contains(cellText("Delivery"), want) || !regexp.MustCompile(`^attendance \d+%, dose \d+%, fidelity \d+%$`).MatchString(want) {
		t.Errorf("Maya's delivery is not %s: %v", want, cellText("Delivery"))
	}
	for _, d := range cellText("Delivery") {
		if regexp.MustCompile(`\d\.\d`).MatchString(d) {
			t.Errorf("a delivery cell has a decimal: %s", d)
		}
	}
	// Every ISO date in a cell is inside a no-wrap span.
	cells := regexp.MustCompile(`(?s)<tbody[^>]*>(.*)</tbody>`).FindStringSubmatch(p.body)[1]
	dates := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).FindAllStringIndex(cells, -1)
	wrapped := regexp.MustCompile(`<span class="nw">\d{4}-\d{2}-\d{2}</span>`).FindAllStringIndex(cells, -1)
	if len(dates) == 0 || len(dates) != len(wrapped) {
		t.Errorf("%d dates in the rows, %d kept in one piece", len(dates), len(wrapped))
	}
}

// TestCaseloadCSVScope: the CSV is the caseload's rows, so it follows who
// may see them (CONSOLE.md §2): no session gets the sign-in page, another
// school's admin only the header, an interventionist only their groups'
// goals.
func TestCaseloadCSVScope(t *testing.T) {
	e := newEnv(t, false)
	p := e.browser().get("/caseload.csv?as_of=" + asOf)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" || strings.Contains(p.body, "Maya") {
		t.Errorf("without a session: %d %s", p.status, p.header.Get("Location"))
	}
	ids := func(school, user string) []string {
		t.Helper()
		p := e.signedIn(school, user).get("/caseload.csv?as_of=" + asOf)
		recs, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
		if p.status != http.StatusOK || err != nil || len(recs) == 0 {
			t.Fatalf("%s/%s: %d %v", school, user, p.status, err)
		}
		var out []string
		for _, r := range recs[1:] {
			out = append(out, r[len(r)-1])
		}
		slices.Sort(out)
		return out
	}
	if got := ids("washington", "admin"); len(got) != 0 {
		t.Errorf("another school's admin gets %v", got)
	}
	if got := ids("lincoln", "ben"); !slices.Equal(got, []string{e.ids.goal3}) {
		t.Errorf("ben gets %v, want his one goal", got)
	}
	want := []string{e.ids.goal1, e.ids.goal2}
	slices.Sort(want)
	if got := ids("lincoln", "ana"); !slices.Equal(got, want) {
		t.Errorf("ana gets %v, want %v", got, want)
	}
}
