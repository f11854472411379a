package console_test

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// The console in Spanish (docs/decisions/0029, 0036): the language follows
// the browser's Accept-Language, a user's stored choice wins over it, and a
// Spanish page holds no English of the console's own.

// langTransport sends every request with one Accept-Language, as a browser
// set to that language does.
type langTransport struct {
	lang string
	next http.RoundTripper
}

func (t langTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept-Language", t.lang)
	return t.next.RoundTrip(r)
}

// browserLang is a browser whose language is the header lang.
func (e *env) browserLang(lang string) *browser {
	b := e.browser()
	next := b.c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	b.c.Transport = langTransport{lang, next}
	return b
}

func (e *env) signedInLang(school, user, lang string) *browser {
	e.t.Helper()
	b := e.browserLang(lang)
	if p := b.signIn(school, user, pw); p.status != http.StatusSeeOther {
		e.t.Fatalf("sign-in %s/%s: %d", school, user, p.status)
	}
	return b
}

var htmlLangRE = regexp.MustCompile(`<html lang="([^"]*)">`)

func htmlLang(t *testing.T, p page) string {
	t.Helper()
	m := htmlLangRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no <html lang> (status %d)", p.status)
	}
	return m[1]
}

// TestAcceptLanguage: the browser's language picks the page's, before and
// after signing in; a header the console cannot read is English.
func TestAcceptLanguage(t *testing.T) {
	e := newEnv(t, false)
	for _, c := range []struct {
		header, lang, caseload, login string
	}{
		{"es-MX,es;q=0.9,en;q=0.5", "es", "<h1>Lista de casos</h1>", "Iniciar sesión en la consola de la escuela"},
		{"es", "es", "<h1>Lista de casos</h1>", "Iniciar sesión en la consola de la escuela"},
		{"en-US,en;q=0.9,es;q=0.8", "en", "<h1>Caseload</h1>", "Sign in to the school console"},
		{"fr-FR,de;q=0.5", "en", "<h1>Caseload</h1>", "Sign in to the school console"},
		{";;;q=garbage,*;q=x", "en", "<h1>Caseload</h1>", "Sign in to the school console"},
		{strings.Repeat("x-", 5000), "en", "<h1>Caseload</h1>", "Sign in to the school console"},
	} {
		b := e.browserLang(c.header)
		login := b.get("/login")
		if got := htmlLang(t, login); got != c.lang || !strings.Contains(login.body, c.login) {
			t.Errorf("%.30q: the sign-in page is lang=%q, want %q with %q", c.header, got, c.lang, c.login)
		}
		// A failed sign-in says so in the same language.
		bad := b.post("/login", url.Values{"csrf": {csrf(t, login)}, "school": {"lincoln"}, "username": {"ana"}, "password": {"wrong password"}})
		wrong := map[string]string{"es": "La escuela, el usuario o la contraseña no son correctos.", "en": "Wrong school, username or password."}[c.lang]
		if bad.status != http.StatusUnauthorized || !strings.Contains(bad.body, wrong) {
			t.Errorf("%.30q: a wrong password: %d, want %q", c.header, bad.status, wrong)
		}
		// A field left empty is named in the page's language.
		empty := b.post("/login", url.Values{"csrf": {csrf(t, b.get("/login"))}, "school": {"lincoln"}, "username": {""}, "password": {"x"}})
		field := map[string]string{"es": "Revise el campo «Usuario»", "en": "Check the form: username is required."}[c.lang]
		if empty.status != http.StatusBadRequest || !strings.Contains(empty.body, field) {
			t.Errorf("%.30q: an empty username: %d, want %q", c.header, empty.status, field)
		}
		b = e.signedInLang("lincoln", "admin", c.header)
		p := b.get("/?as_of=" + asOf)
		if got := htmlLang(t, p); got != c.lang || !strings.Contains(p.body, c.caseload) {
			t.Errorf("%.30q: the caseload is lang=%q, want %q with %q", c.header, got, c.lang, c.caseload)
		}
		// An error page too (CONSOLE.md §5: HTML with a title and lang).
		if nf := b.get("/students/" + e.ids.goal1); nf.status != http.StatusNotFound || htmlLang(t, nf) != c.lang {
			t.Errorf("%.30q: a 404 is %d lang=%q", c.header, nf.status, htmlLang(t, nf))
		}
	}
	// The hooks keep codes in every language (CONSOLE.md §4).
	en := rows(e.signedInLang("lincoln", "admin", "en").get("/?as_of=" + asOf).body)
	es := rows(e.signedInLang("lincoln", "admin", "es").get("/?as_of=" + asOf).body)
	if len(en) == 0 || len(en) != len(es) {
		t.Fatalf("rows: %d in English, %d in Spanish", len(en), len(es))
	}
	for id, r := range en {
		if es[id] != r {
			t.Errorf("goal %s: hooks %+v in English, %+v in Spanish", id, r, es[id])
		}
	}
}

// TestLanguageChoice: a user's choice (a CSRF-checked POST, for their own
// user only) wins over the browser's language, is kept by the store across
// sign-ins, and "Automatic" follows the browser again.
func TestLanguageChoice(t *testing.T) {
	e := newEnv(t, false)
	ana := e.signedInLang("lincoln", "ana", "en-US")
	acc := ana.get("/account")
	if acc.status != http.StatusOK || htmlLang(t, acc) != "en" || !strings.Contains(acc.body, `name="lang" value="es"`) {
		t.Fatalf("/account: %d %.200s", acc.status, acc.body)
	}
	choose := func(b *browser, form url.Values) page {
		t.Helper()
		return b.post("/account/language", form)
	}
	stored := func(user string) string {
		t.Helper()
		u, err := e.st.UserByUsername(t.Context(), e.users["lincoln/"+user].SchoolID, user)
		if err != nil {
			t.Fatal(err)
		}
		return u.ConsoleLang
	}
	// Without the form's token nothing changes.
	for _, tok := range []string{"", "forged"} {
		if p := choose(ana, url.Values{"csrf": {tok}, "lang": {"es"}}); p.status != http.StatusForbidden {
			t.Errorf("csrf %q: %d, want 403", tok, p.status)
		}
	}
	if got := stored("ana"); got != "" {
		t.Fatalf("a forged form stored %q", got)
	}
	// A language the console does not speak is refused.
	if p := choose(ana, url.Values{"csrf": {csrf(t, acc)}, "lang": {"fr"}}); p.status != http.StatusBadRequest || stored("ana") != "" {
		t.Errorf("lang=fr: %d, stored %q", p.status, stored("ana"))
	}
	// A user id in the form is not read: the choice is the session's user's.
	p := choose(ana, url.Values{"csrf": {csrf(t, acc)}, "lang": {"es"}, "user_id": {e.users["lincoln/admin"].ID}, "back": {"/?as_of=" + asOf}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/?as_of="+asOf {
		t.Fatalf("choose es: %d → %q", p.status, p.header.Get("Location"))
	}
	if stored("ana") != "es" || stored("admin") != "" {
		t.Fatalf("stored: ana %q, admin %q", stored("ana"), stored("admin"))
	}
	if p := ana.get("/?as_of=" + asOf); htmlLang(t, p) != "es" || !strings.Contains(p.body, "<h1>Lista de casos</h1>") {
		t.Errorf("after choosing Spanish with an English browser: lang=%q", htmlLang(t, p))
	}
	// The choice is the user's, not the browser's: a new sign-in elsewhere keeps it.
	if p := e.signedInLang("lincoln", "ana", "en").get("/meeting?as_of=" + asOf); htmlLang(t, p) != "es" {
		t.Errorf("a new session of Ana: lang=%q, want es", htmlLang(t, p))
	}
	// Others are untouched.
	if p := e.signedInLang("lincoln", "admin", "en").get("/"); htmlLang(t, p) != "en" {
		t.Errorf("the admin's page: lang=%q", htmlLang(t, p))
	}
	// Only a path of this site is a way back.
	for _, back := range []string{"//evil.example/", "https://evil.example/", "/\\evil", ""} {
		p := choose(ana, url.Values{"csrf": {csrf(t, acc)}, "lang": {"en"}, "back": {back}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
			t.Errorf("back=%q: %d → %q, want /", back, p.status, p.header.Get("Location"))
		}
	}
	if stored("ana") != "en" {
		t.Fatalf("stored %q after choosing English", stored("ana"))
	}
	if p := e.signedInLang("lincoln", "ana", "es").get("/"); htmlLang(t, p) != "en" {
		t.Errorf("English chosen, Spanish browser: lang=%q", htmlLang(t, p))
	}
	// Automatic: the browser's language again.
	choose(ana, url.Values{"csrf": {csrf(t, acc)}, "lang": {""}})
	if stored("ana") != "" {
		t.Fatalf("automatic stored %q", stored("ana"))
	}
	if p := e.signedInLang("lincoln", "ana", "es").get("/account?saved=1"); htmlLang(t, p) != "es" || !strings.Contains(p.body, "Se guardó su elección.") {
		t.Errorf("automatic with a Spanish browser: lang=%q", htmlLang(t, p))
	}
}

// englishWords are words of the console's English that Spanish never
// uses: one left on a Spanish page is a string that skipped the catalog.
var englishWords = regexp.MustCompile(`(?i)\b(the|of|and|with|by|from|this|that|your|you|yet|goals?|students?|decisions?|delivery|grade|group|probes?|points|weeks?|page|next|previous|filter|clear|sign|save|add|change|none|all|review|due|overdue|time|data|trend|aimline|sessions?|notes?|attendance|dose|fidelity|meeting|programs?|users?|observe|observed|observations?|observer|quality|engagement|suggestions?|benchmark|percentile|baseline|rated|today|agreement|gap|tablets?|import|breaks?|step|done|skipped|planned|phase|cards?|minutes|owner|why|date|score|errors|measure|level|growth|needed|typical|undo|restricted|unknown|there|nothing|here|back|to|on|in|is|are|was|at|or)\b`)

// tagRE: markup, and the inline CICO chart, which reportdoc draws (its
// words are the documents' to translate, not the console's).
var tagRE = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<svg.*?</svg>|<[^>]*>`)

// visibleAttrRE are the attributes a person reads or hears.
var visibleAttrRE = regexp.MustCompile(`\b(?:alt|aria-label|data-label|title|placeholder)="([^"]*)"`)

// markerRE is a message the catalog lacks, as i18n shows it: "[caseload.title]".
var markerRE = regexp.MustCompile(`\[[a-z][a-z0-9_]*(?:\.[a-z0-9_\-]+)+\]`)

// leftovers are the English words on a page's visible text, once the
// fixture's own text (names, a note's body) and the report's words
// (progress.In: the words of another area, spoken there) are set aside.
func leftovers(body string, setAside []string) []string {
	var text strings.Builder
	for _, m := range visibleAttrRE.FindAllStringSubmatch(body, -1) {
		text.WriteString(" " + m[1] + " ")
	}
	text.WriteString(tagRE.ReplaceAllString(body, " "))
	s := strings.ToLower(html.UnescapeString(text.String()))
	// The longest first, so a sentence goes before a word within it.
	sort.Slice(setAside, func(i, j int) bool { return len(setAside[i]) > len(setAside[j]) })
	for _, a := range setAside {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			s = strings.ReplaceAll(s, a, " ")
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, loc := range englishWords.FindAllStringIndex(s, -1) {
		if w := s[loc[0]:loc[1]]; !seen[w] {
			seen[w] = true
			// The word in its context, to find its template line.
			out = append(out, w+" («"+strings.Join(strings.Fields(s[max(0, loc[0]-40):min(len(s), loc[1]+40)]), " ")+"»)")
		}
	}
	return out
}

// reportWords are the words progress.In(es) says about the fixture's goals:
// they are the shared words' (shared/i18n/catalog), checked there, and
// still English until that catalog speaks Spanish.
func reportWords(e *env, goals ...string) []string {
	sp := progress.In(i18n.Spanish)
	var out []string
	for _, c := range []string{record.DecisionContinue, record.DecisionRaiseGoal, record.DecisionChangeInstruction,
		record.DecisionFixDeliveryFirst, record.DecisionReviewGoal, record.DecisionNotEnoughData} {
		out = append(out, sp.DecisionWords(c))
	}
	for _, s := range []string{progress.Green, progress.Yellow, progress.Red, progress.Grey} {
		w := sp.StatusWords(s)
		out = append(out, w, strings.SplitN(w, ":", 2)[0])
	}
	for _, c := range []string{"academic", "health", "family"} {
		out = append(out, sp.NoteCategoryWords(c))
	}
	for _, c := range []string{record.PhaseCICO, record.PhaseSelfManaged, record.PhaseFaded, record.PhaseGraduated} {
		out = append(out, sp.CICOPhaseWords(c))
	}
	m := sp.Measure("orf_wcpm")
	out = append(out, m.Name, m.Unit)
	for _, g := range goals {
		r := e.report("lincoln", "admin", g)
		out = append(out, sp.ReasonWords(r), sp.SufficiencyWords(r), sp.LightWords(r), sp.AttendanceWords(r.Delivery),
			sp.DeliveryShort(r.Delivery), r.Decision.Reason)
		out = append(out, strings.Split(sp.DeliveryShort(r.Delivery), ", ")...)
	}
	return out
}

var nextPhaseRE = regexp.MustCompile(`<td data-label="Siguiente fase">([^<]*)</td>`)

// TestSpanishPagesSayNoEnglish: every page of the console in Spanish holds
// no message the catalog lacks and no English word of the console's own.
func TestSpanishPagesSayNoEnglish(t *testing.T) {
	e := newEnv(t, false)
	e.seedCICO()
	e.exampleNorms()
	// A session of today, observed once, for the observation pages
	// (docs/decisions/0031) and the observed fidelity of the others.
	sess := e.addSession(e.ids.bluebirds, today(), record.SessionDelivered, allDone)
	observer := e.signedIn("lincoln", "admin")
	if p := observer.post("/sessions/"+sess+"/observe", observer.observeForm(sess, record.StepDone, record.StepSkipped)); p.status != http.StatusSeeOther {
		t.Fatalf("observe: %d %s", p.status, p.body)
	}
	fixture := []string{"District local norms 2026 (fictional)", "Good pacing; partner reading was cut short.", "Small Wins", "Lincoln Elementary", "Casey Coach", "Ana Rivera", "Ben Okafor", "Maya Lopez", "Theo Brown", "Iris Chen",
		"Maya", "Lopez", "Bluebirds", "Owls", "Phonics for Reading", "Review sounds", "Partner reading", "Maya read the whole passage aloud today.",
		adminSecret, anaSecret, "tablet", "(PDF)", "(CSV)", "CICO", "Tukey", "English", "OneRoster", "sourcedId", "docs/norms.md", "lincoln-elem", "admin", "ana", "ben"}
	setAside := append(fixture, reportWords(e, e.ids.goal1, e.ids.goal2, e.ids.goal3)...)
	// The CICO phase's words are the report's too.
	for _, st := range []string{e.ids.s1, e.ids.s3} {
		if ph := e.cicoReport(st, "2025-02-03", asOf).Phase; ph != nil {
			setAside = append(setAside, progress.In(i18n.Spanish).PhaseStatusWords(*ph))
		}
	}
	b := e.signedInLang("lincoln", "admin", "es-MX,es;q=0.9")
	q := "?as_of=" + asOf
	paths := []string{"/" + q, "/?as_of=" + asOf + "&decision=nothing", "/students/" + e.ids.s1 + q, "/students/" + e.ids.s2 + q,
		"/students/" + e.ids.s3 + q, "/meeting" + q, "/groups/" + e.ids.bluebirds + q, "/programs" + q,
		"/programs/" + e.ids.program + q, "/cico" + q, "/cico/" + e.ids.s1 + q, "/admin", "/admin/audit", "/account",
		"/students/" + e.ids.goal1, "/no/such/page", "/?page=x",
		"/observations", "/groups/" + e.ids.bluebirds + "/observe", "/sessions/" + sess + "/observe", "/groups/" + e.ids.bluebirds + "?observed=" + sess,
		"/students/" + e.ids.s1 + "/goals/new", "/students/" + e.ids.s1 + "/goals/" + e.ids.goal1 + "/edit",
		"/groups/" + e.ids.owls + "/observe"}
	// The forms' answers: the goal form's suggestions and a refused save,
	// an observation missing a mark.
	posts := map[string]func() page{
		"goal form suggestions": func() page {
			f := b.get("/students/" + e.ids.s1 + "/goals/new")
			return b.post("/students/"+e.ids.s1+"/goals/new", url.Values{"csrf": {csrf(t, f)}, "measure": {"orf_wcpm"}, "direction": {"up"},
				"start_date": {"2025-09-08"}, "baseline_scores": {"80, 85, 90"}, "goal_date": {"2026-05-18"}, "status": {"active"}, "use": {"ambitious"}})
		},
		"goal form refused": func() page {
			f := b.get("/students/" + e.ids.s1 + "/goals/new")
			return b.post("/students/"+e.ids.s1+"/goals/new", url.Values{"csrf": {csrf(t, f)}, "measure": {"orf_wcpm"}, "direction": {"up"},
				"start_date": {"2025-09-08"}, "baseline_scores": {"x"}, "goal_date": {"2026-05-18"}, "status": {"active"}, "do": {"save"}})
		},
		"observation refused": func() page {
			f := b.observeForm(sess, record.StepDone, "")
			return b.post("/sessions/"+sess+"/observe", f)
		},
	}
	for name, post := range posts {
		p := post()
		if p.status != http.StatusOK && p.status != http.StatusBadRequest {
			t.Errorf("%s: %d", name, p.status)
		}
		if m := markerRE.FindAllString(p.body, -1); len(m) > 0 {
			t.Errorf("%s: messages the catalog lacks: %v", name, m)
		}
		if w := leftovers(p.body, setAside); len(w) > 0 {
			t.Errorf("%s (%d): English left: %v", name, p.status, w)
		}
	}
	for _, path := range paths {
		p := b.get(path)
		if lang := htmlLang(t, p); lang != "es" {
			t.Errorf("%s: lang=%q", path, lang)
		}
		if m := markerRE.FindAllString(p.body, -1); len(m) > 0 {
			t.Errorf("%s: messages the catalog lacks: %v", path, m)
		}
		aside := setAside
		// The list's "toward the next phase" cells are PhaseStatusWords of
		// the console's own status of each student: report words too.
		for _, m := range nextPhaseRE.FindAllStringSubmatch(p.body, -1) {
			aside = append(aside, html.UnescapeString(m[1]))
		}
		if w := leftovers(p.body, aside); len(w) > 0 {
			t.Errorf("%s (%d): English left: %v", path, p.status, w)
		}
	}
	// The sign-in page, before any user.
	if w := leftovers(e.browserLang("es").get("/login").body, setAside); len(w) > 0 {
		t.Errorf("/login: English left: %v", w)
	}
	// The check itself finds English: the same pages in English are full of it.
	if w := leftovers(e.signedInLang("lincoln", "admin", "en").get("/"+q).body, setAside); len(w) < 10 {
		t.Errorf("the English caseload shows only %v: the check would miss a leftover", w)
	}
}

// TestConsoleCatalogComplete: Spanish has every English message with the
// same placeholders, and every message id the templates and the Go code
// name is in the catalog (a missing one would show as "[id]").
func TestConsoleCatalogComplete(t *testing.T) {
	cat := i18n.MustLoad(os.DirFS("."), "catalog")
	if p := cat.Problems(); len(p) > 0 {
		t.Fatalf("the console's catalog is incomplete:\n%s", strings.Join(p, "\n"))
	}
	uses := regexp.MustCompile(`\{\{-?\s*(?:T|N|TH)\s+"([^"]+)"|\((?:T|N|TH) "([^"]+)"|\btrn?\([^,()]+, "([^"]+)"[,)]|newErr\([^,()]+, "([^"]+)"|\btrn?\([^,()]+, "([a-z_.]+\.)"\s*\+`)
	files, _ := filepath.Glob("templates/*.html")
	gos, _ := filepath.Glob("*.go")
	named := 0
	for _, f := range append(files, gos...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range uses.FindAllStringSubmatch(string(b), -1) {
			id := m[1] + m[2] + m[3] + m[4]
			named++
			if id != "" && !cat.Has(id) {
				t.Errorf("%s names %q, which the catalog lacks", f, id)
			}
			if m[5] != "" && !hasPrefix(cat, m[5]) {
				t.Errorf("%s names messages %q…, which the catalog lacks", f, m[5])
			}
		}
	}
	if named < 300 {
		t.Errorf("only %d message uses found: the scan is broken", named)
	}
	t.Logf("%d messages in the console's catalog, %d uses", len(cat.IDs()), named)
}

func hasPrefix(cat *i18n.Catalog, prefix string) bool {
	for _, id := range cat.IDs() {
		if strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}

// BenchmarkCaseloadSpanish is BenchmarkCaseload's 2,000-goal first page
// in each language: the words of a Spanish page (the catalog, dates in
// words, the decimal comma) must not cost the page its 100 ms budget
// (CONSOLE.md §5). cpu-ms/page is the process's CPU over the timed pages.
func BenchmarkCaseloadSpanish(b *testing.B) {
	e := newEnv(b, false)
	e.addGoals(b, 1997)
	for _, lang := range []string{"en", "es"} {
		br := e.browserLang(lang)
		if p := br.signIn("lincoln", "admin", pw); p.status != http.StatusSeeOther {
			b.Fatalf("sign-in: %d", p.status)
		}
		b.Run("lang="+lang, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				before := cpuTime()
				if p := br.get("/?as_of=" + asOf); p.status != http.StatusOK {
					b.Fatalf("caseload: %d", p.status)
				}
				cpu += cpuTime() - before
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/page")
		})
	}
}
