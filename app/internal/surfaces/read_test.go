package surfaces

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Reading each surface as a person (or an outside check) does: the JSON
// as served, the console's HTML through its data-* hooks (CONSOLE.md §4)
// and its visible text, the PDF through pdftotext. Nothing here computes
// a report: every figure is read off the surface.

// number is a figure as the surfaces print it.
const number = `-?\d+(?:\.\d+)?`

// get fetches path from the server with a bearer token.
func (sc *school) get(t *testing.T, token, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, sc.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return body
}

// report is GET /v1/reports/progress for the goal as of asOf, decoded, and
// its bytes.
func (sc *school) report(t *testing.T, token, goalID string) (progress.Report, []byte) {
	t.Helper()
	raw := sc.get(t, token, "/v1/reports/progress?goal="+goalID+"&as_of="+asOf)
	var r progress.Report
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r, raw
}

// pdf is an API document as Ana gets it, in pdftotext's words.
func (sc *school) pdf(t *testing.T, path string) string {
	t.Helper()
	return pdfText(t, sc.get(t, sc.anaToken, path))
}

// browser is a signed-in console session (a cookie jar).
type browser struct {
	url  string
	c    *http.Client
	lang string // the browser's Accept-Language; "" sends none
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// console signs user in through the sign-in form, as a person does.
func (sc *school) console(t *testing.T, user string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{url: sc.url, c: &http.Client{Jar: jar}}
	m := csrfRE.FindStringSubmatch(b.get(t, "/login"))
	if m == nil {
		t.Fatal("the sign-in page has no csrf field")
	}
	resp, err := b.c.PostForm(sc.url+"/login", url.Values{"csrf": {m[1]}, "school": {schoolSlug}, "username": {user}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
		t.Fatalf("sign-in as %s ended at %s with %d: %s", user, resp.Request.URL, resp.StatusCode, body)
	}
	return b
}

func (b *browser) fetch(t *testing.T, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.url+path, nil)
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return body
}

func (b *browser) get(t *testing.T, path string) string { return string(b.fetch(t, path)) }

// pdfText is a console document in pdftotext's words.
func (b *browser) pdfText(t *testing.T, path string) string {
	t.Helper()
	return pdfText(t, b.fetch(t, path))
}

// --- the console's caseload ------------------------------------------------

var (
	rowRE  = regexp.MustCompile(`(?s)<tr data-goal-id="([^"]*)" data-student-id="[^"]*" data-decision="([^"]*)" data-status="([^"]*)">(.*?)</tr>`)
	cellRE = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
	headRE = regexp.MustCompile(`(?s)<thead>(.*?)</thead>`)
	tagRE  = regexp.MustCompile(`<[^>]*>`)
	// lightWordRE is the decision cell's light in words ("last 3 points: mixed").
	lightWordRE = regexp.MustCompile(`(?s)<span class="lightword">(.*?)</span>`)
)

// caseloadRow is one row: its hooks and what its cells show.
type caseloadRow struct {
	decision, status, points string
	answer
}

// caseloadRows reads every row of the caseload by its column heads.
func caseloadRows(t *testing.T, rd *reading, page string) map[string]caseloadRow {
	t.Helper()
	hm := headRE.FindStringSubmatch(page)
	if hm == nil {
		t.Fatal("the caseload has no table head")
	}
	col := map[string]int{}
	for i, m := range cellRE.FindAllStringSubmatch(hm[1], -1) {
		// A head is its words; the sort indicator (▲ ▼ ↕) is not part of them.
		col[strings.TrimSpace(strings.TrimRight(visible(m[1]), "▲▼↕ "))] = i
	}
	h := rd.caseloadHeads
	for _, h := range []string{h.lastProbe, h.points, h.decision, h.delivery} {
		if _, ok := col[h]; !ok {
			t.Fatalf("the caseload has no column %q (columns %v)", h, col)
		}
	}
	out := map[string]caseloadRow{}
	for _, m := range rowRE.FindAllStringSubmatch(page, -1) {
		cells := cellRE.FindAllStringSubmatch(m[4], -1)
		cell := func(h string) string {
			if i := col[h]; i < len(cells) {
				return cells[i][1]
			}
			return ""
		}
		r := caseloadRow{decision: m[2], status: m[3], points: visible(cell(h.points))}
		// The decision cell is the traffic light (a dot, hidden from screen
		// readers), the decision in words, then the light in words.
		dec := cell(h.decision)
		if lm := lightWordRE.FindStringSubmatch(dec); lm != nil {
			r.Light = visible(lm[1])
			dec = strings.Replace(dec, lm[0], "", 1)
		}
		if i := strings.LastIndex(dec, "</span>"); i >= 0 {
			dec = dec[i+len("</span>"):]
		}
		r.Decision = visible(dec)
		if lm := rd.lastProbe.FindStringSubmatch(visible(cell(h.lastProbe))); lm != nil {
			r.LastScore = lm[1]
		}
		// Its figures are spans within one line of text: no space between.
		r.Delivery = visible(tagRE.ReplaceAllString(cell(h.delivery), ""))
		r.Attendance, r.Dose, r.Fidelity = rd.deliveryFigures(r.Delivery)
		out[m[1]] = r
	}
	return out
}

// visible is an HTML fragment's text, tags dropped, entities decoded,
// spaces collapsed.
func visible(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(s, " "))), " ")
}

// pctFigure is a percentage as the surfaces print it; the room's whole
// figure near a limit keeps decimals or says "just under 80%"
// (progress.FormatDeliveryPct).
const pctFigure = `(?:just (?:under|over) )?` + number + `%`

var (
	attendanceRE = regexp.MustCompile(`(?i)attendance (` + pctFigure + `)`)
	doseRE       = regexp.MustCompile(`(?i)dose (` + pctFigure + `)`)
	fidelityRE   = regexp.MustCompile(`(?i)fidelity:? (` + pctFigure + `)`)
)

// sessionsREs read "attended of planned" out of progress.AttendanceWords'
// sentences, as "30/33".
type sessionsRE struct {
	re                *regexp.Regexp
	attended, planned int // submatch indexes; 0 is "the other one", -1 none, -2 the only one (1/1)
}

var sessionsREs = []sessionsRE{
	{regexp.MustCompile(`^attended (\d+) of (\d+) planned sessions?$`), 1, 2},
	{regexp.MustCompile(`^attended all (\d+) planned sessions so far$`), 0, 1},
	{regexp.MustCompile(`^attended the (1) planned session so far$`), 0, 1},
	{regexp.MustCompile(`^attended (\d+) sessions?, more than the (\d+) planned so far$`), 1, 2},
	{regexp.MustCompile(`^attended (\d+) sessions? so far, before any was planned$`), 1, -1},
}

// sessionsOf is "attended/planned" read off an attendance sentence; "?"
// when no known sentence says it.
func (rd *reading) sessionsOf(s string) string {
	for _, x := range rd.sessions {
		m := x.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		if x.planned == -2 {
			return "1/1"
		}
		planned := "0"
		if x.planned > 0 {
			planned = m[x.planned]
		}
		attended := planned
		if x.attended > 0 {
			attended = m[x.attended]
		}
		return attended + "/" + planned
	}
	return "?"
}

// growthRE reads the figures of a growth sentence (GrowthSentence, and the
// trend rule's reason in room words): "Growing 0.92 words correct a week
// (0.86 if unusual scores count for less); the goal needs 2." Submatches:
// the way, the OLS slope, the Tukey slope's way if it differs, the Tukey
// slope, the way the goal needs if it differs, the goal's slope.
var growthRE = regexp.MustCompile(`^(Growing|Falling|Not changing)(?: (` + number + `) [^;():]*? a week)?` +
	`(?: \((growing |falling )?(` + number + `) if unusual scores count for less\))?` +
	`(?:; the goal needs (growth of |a fall of )?(` + number + `))?[.:]`)

// growthFigures are the signed slopes a growth sentence says in words:
// "falling 0.5" is -0.5; a second figure without its own way goes the
// first one's way.
func (rd *reading) growthFigures(a *answer, s string) {
	m := rd.growth.FindStringSubmatch(s)
	if m == nil {
		return
	}
	neg := m[1] == rd.falling[0]
	signed := func(way, fig string, negative bool) string {
		switch way {
		case rd.falling[1], rd.falling[2]:
			negative = true
		case rd.growing[0], rd.growing[1]:
			negative = false
		}
		if negative && fig != "0" {
			return "-" + fig
		}
		return fig
	}
	a.OLS = "0"
	if m[2] != "" {
		a.OLS = signed("", m[2], neg)
	}
	if m[4] != "" {
		a.Tukey = signed(m[3], m[4], neg)
	}
	if m[6] != "" {
		a.Need = signed(m[5], m[6], neg)
	}
}

// sentenceFrom is the sentence of text that starts at i: up to the first
// full stop that is not a decimal point.
func sentenceFrom(text string, i int) string {
	for j := i; j < len(text); j++ {
		if text[j] == '.' && (j+1 == len(text) || text[j+1] == ' ') {
			return text[i : j+1]
		}
	}
	return text[i:]
}

// deliveryFigures reads attendance, dose and fidelity off a delivery text.
func (rd *reading) deliveryFigures(s string) (att, dose, fid string) {
	first := func(re *regexp.Regexp) string {
		if m := re.FindStringSubmatch(s); m != nil {
			return m[1]
		}
		return ""
	}
	return first(rd.attendance), first(rd.dose), first(rd.fidelity)
}

// --- the console's student page --------------------------------------------

type studentGoal struct {
	hooks map[string]string
	answer
}

var (
	sectionRE  = regexp.MustCompile(`(?s)<section class="goal" ([^>]*)>(.*?)</section>`)
	hookRE     = regexp.MustCompile(`(data-[a-z-]+)="([^"]*)"`)
	decisionRE = regexp.MustCompile(`(?s)<p class="decision">.*?<strong>(.*?)\.</strong>(.*?)</p>`)
	probeRowRE = regexp.MustCompile(`(?s)<tr data-probe-id="[^"]*"><td>[^<]*</td><td>[^<]*</td><td data-form-id="[^"]*">[^<]*</td><td>(.*?)</td>`)
)

// dd is the definition of a term on the page's facts list.
func dd(section, term string) string {
	m := regexp.MustCompile(`(?s)<dt>` + regexp.QuoteMeta(term) + `</dt><dd>(.*?)</dd>`).FindStringSubmatch(section)
	if m == nil {
		return ""
	}
	return visible(m[1])
}

// leadingNumber is the figure a text starts with ("0.92 words … a week").
func (rd *reading) leadingNumber(s string) string {
	if m := regexp.MustCompile(`^(` + rd.number + `) `).FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// studentPage reads the goal's section of a student page, and the last
// score from the page's probe table (newest first).
func studentPage(t *testing.T, rd *reading, page, goalID string) studentGoal {
	t.Helper()
	for _, m := range sectionRE.FindAllStringSubmatch(page, -1) {
		hooks := map[string]string{}
		for _, h := range hookRE.FindAllStringSubmatch(m[1], -1) {
			hooks[h[1]] = h[2]
		}
		if hooks["data-goal-id"] != goalID {
			continue
		}
		g := studentGoal{hooks: hooks}
		if d := decisionRE.FindStringSubmatch(m[2]); d != nil {
			g.Decision, g.Reason = visible(d[1]), visible(d[2])
		}
		g.OLS = rd.leadingNumber(dd(m[2], rd.pageTerms[0]))
		g.Tukey = rd.leadingNumber(dd(m[2], rd.pageTerms[1]))
		g.Present = rd.leadingNumber(dd(m[2], rd.pageTerms[4]) + " ")
		del := dd(m[2], rd.pageTerms[2])
		g.Attendance, g.Dose, g.Fidelity = rd.deliveryFigures(del)
		// "Attended 30 of 33 planned sessions (attendance 92.11%), dose …":
		// the sentence, its capital put back as AttendanceWords writes it.
		if att, _, ok := strings.Cut(del, rd.pageTerms[3]); ok && att != "" {
			g.Attended = strings.ToLower(att[:1]) + att[1:]
			g.Sessions = rd.sessionsOf(g.Attended)
		}
		if p := probeRowRE.FindStringSubmatch(page); p != nil {
			g.LastScore = rd.leadingNumber(visible(p[1]) + " ")
		}
		return g
	}
	t.Fatalf("the student page has no section for goal %s", goalID)
	return studentGoal{}
}

// checkHooks compares the section's data-* hooks with the report JSON:
// codes as codes, numbers exactly (CONSOLE.md §4: "numbers as in the
// report JSON").
func (g studentGoal) checkHooks(t *testing.T, c *goalCase, r progress.Report) {
	t.Helper()
	if g.hooks["data-decision"] != r.Decision.Code || g.hooks["data-points"] != strconv.Itoa(r.PointsAfterBaseline) {
		t.Errorf("%s: student page hooks %v, the report %q with %d points", c.name, g.hooks, r.Decision.Code, r.PointsAfterBaseline)
	}
	exact := func(hook string, want *float64) {
		got := g.hooks[hook]
		if want == nil {
			if got != "" {
				t.Errorf("%s: %s is %q, the report has none", c.name, hook, got)
			}
			return
		}
		if v, err := strconv.ParseFloat(got, 64); err != nil || v != *want {
			t.Errorf("%s: %s is %q, the report JSON %v", c.name, hook, got, *want)
		}
	}
	var ols, tukey *float64
	if r.Trend != nil {
		ols = &r.Trend.OLS.Slope
		if r.Trend.Tukey != nil {
			tukey = &r.Trend.Tukey.Slope
		}
	}
	exact("data-ols-slope", ols)
	exact("data-tukey-slope", tukey)
}

// --- the console's meeting agenda -------------------------------------------

var agendaRE = regexp.MustCompile(`(?s)<section class="agenda" data-goal-id="([^"]*)" data-decision="([^"]*)"[^>]*>.*?<p><span class="light[^"]*"></span><strong>(.*?)\.</strong>(.*?)</p>`)

// agendaTagRE is a card's reason for being on the agenda: its hook and
// the tag that says it.
var agendaTagRE = regexp.MustCompile(`(?s)<section class="agenda" data-goal-id="([^"]*)" data-decision="[^"]*" data-reason="([^"]*)"[^>]*>.*?<span class="tag">(.*?)</span>`)

// agendaCard is one card of /meeting: its decision hook and the decision
// and reason it shows, and why it is on the agenda (hook and tag).
type agendaCard struct {
	code     string
	why, tag string
	answer
}

// agendaCards reads the meeting agenda's cards by goal.
func agendaCards(page string) map[string]agendaCard {
	out := map[string]agendaCard{}
	for _, m := range agendaRE.FindAllStringSubmatch(page, -1) {
		out[m[1]] = agendaCard{code: m[2], answer: answer{Decision: visible(m[3]), Reason: visible(m[4])}}
	}
	for _, m := range agendaTagRE.FindAllStringSubmatch(page, -1) {
		if c, ok := out[m[1]]; ok {
			c.why, c.tag = m[2], visible(m[3])
			out[m[1]] = c
		}
	}
	return out
}

// --- the PDF ------------------------------------------------------------------

// pdfText is pdftotext -layout's text of a PDF. pdftotext is required in
// CI and skips the test elsewhere (as reportdoc's tests do).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is required in CI (apt-get install poppler-utils): %v", err)
		}
		t.Skipf("\n*** SKIPPING: pdftotext is not installed (make deps installs poppler-utils) ***\n")
	}
	cmd := exec.Command(bin, "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

var (
	pdfDecisionRE = regexp.MustCompile(`^Decision: (.+)$`)
	pdfLightRE    = regexp.MustCompile(`points after the baseline over ` + number + ` weeks?\. (.*)$`)
	pdfSessionsRE = regexp.MustCompile(`^Sessions: \d+ delivered; (.*) \(attendance `)
	pdfGrowthRE   = regexp.MustCompile(`(?:Growing|Falling|Not changing)`)
	pdfPointRE    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} (` + number + `) (` + number + `)(?: ` + number + `)? (?:above|below|on|-)$`)
)

// pdfAnswer reads a progress PDF: the decision heading and the paragraph
// under it (up to the Sufficiency heading), the growth sentence and the
// light's under Numbers, the Delivery section, and the last row of the
// data points table.
func pdfAnswer(t *testing.T, rd *reading, c *goalCase, text string) answer {
	t.Helper()
	var a answer
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	section := ""
	var reason, delivery, numbers []string
	for _, l := range lines {
		if m := rd.pdfDecision.FindStringSubmatch(l); m != nil && a.Decision == "" {
			a.Decision, section = m[1], "decision"
			continue
		}
		// The headings, by their place in rd.pdfHeads.
		switch l {
		case rd.pdfHeads[0], rd.pdfHeads[2]:
			section = l
			continue
		case rd.pdfHeads[1]:
			section = "Numbers"
			continue
		case rd.pdfHeads[3]:
			section = ""
		case rd.pdfHeads[4]:
			section = "delivery"
			continue
		}
		switch section {
		case "decision":
			reason = append(reason, l)
		case "delivery":
			delivery = append(delivery, l)
		case "Numbers":
			numbers = append(numbers, l)
		}
		if m := rd.pdfPoint.FindStringSubmatch(l); m != nil {
			a.LastScore = m[2] // the table is in date order: the last row wins
		}
	}
	a.Reason = strings.Join(reason, " ")
	nums := strings.Join(numbers, " ")
	if loc := rd.pdfGrowth.FindStringIndex(nums); loc != nil {
		a.Growth = sentenceFrom(nums, loc[0])
		rd.growthFigures(&a, a.Growth)
	}
	if m := rd.pdfPresent.FindStringSubmatch(nums); m != nil {
		a.Present = m[1]
	}
	if m := rd.pdfLight.FindStringSubmatch(nums); m != nil {
		a.Light = m[1]
	}
	del := strings.Join(delivery, " ")
	a.Attendance, a.Dose, a.Fidelity = rd.deliveryFigures(del)
	if m := rd.pdfSessions.FindStringSubmatch(del); m != nil {
		a.Attended = m[1]
		a.Sessions = rd.sessionsOf(a.Attended)
	}
	if a.Decision == "" {
		t.Errorf("%s: no decision heading in the PDF:\n%s", c.name, text)
	}
	return a
}

// --- the tablet ---------------------------------------------------------------

// tabletAnswer reads the student screen's texts in screen order: the
// goal's heading, the decision, the reason and the light under it; the
// report's lines (the growth sentence, delivery); and the newest probe's
// row. Where the trend rule decides, the reason is the growth sentence and
// its figures are read from it.
func tabletAnswer(t *testing.T, rd *reading, c *goalCase, texts []string) answer {
	t.Helper()
	var a answer
	m := record.MeasureIn(rd.lang, c.measure)
	head := m.Words() + rd.tabletHead
	probeRE := regexp.MustCompile(`^\pL{3} \d{1,2} \pL{3} · ` + regexp.QuoteMeta(m.Name) + ` (` + rd.number + `)`)
	for i, s := range texts {
		if strings.HasPrefix(s, head) && i+3 < len(texts) && a.Decision == "" {
			a.Decision, a.Reason, a.Light = texts[i+1], texts[i+2], texts[i+3]
			rd.growthFigures(&a, a.Reason)
		}
		for _, l := range strings.Split(s, "\n") {
			if rd.growth.MatchString(l) && a.Growth == "" && a.Decision != "" && s != a.Reason {
				a.Growth = l
				rd.growthFigures(&a, l)
			}
			if d, ok := strings.CutPrefix(l, rd.tabletDelivery[0]); ok {
				// "attended 30 of 33 planned sessions, dose 97%, fidelity
				// 92%; 33 sessions delivered."
				a.Attended, _, _ = strings.Cut(d, rd.tabletDelivery[1])
				a.Sessions = rd.sessionsOf(a.Attended)
				_, a.Dose, a.Fidelity = rd.deliveryFigures(d)
			}
		}
		if m := rd.tabletPresent.FindStringSubmatch(s); m != nil && a.Present == "" && a.Decision != "" {
			a.Present = m[1] // the report's lines: "Present level 61.3; expected now 62."
		}
		if m := probeRE.FindStringSubmatch(s); m != nil && a.LastScore == "" {
			a.LastScore = m[1] // newest first
		}
	}
	if a.Decision == "" {
		t.Errorf("%s: no goal heading on the tablet's student screen:\n%s", c.name, strings.Join(texts, "\n"))
	}
	return a
}
