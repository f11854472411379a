package console_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

var (
	cicoIDRE    = regexp.MustCompile(`<tr data-student-id="([^"]+)"`)
	cicoTotalRE = regexp.MustCompile(`<tbody data-total="(\d+)"`)
	hrefRelRE   = regexp.MustCompile(`<a href="([^"]+)" rel="(prev|next)"`)
)

// cicoPage is /cico's rows (student ids, in order), data-total and the
// pager's links.
func cicoPage(t *testing.T, b *browser, path string) (ids []string, total string, links map[string]string) {
	t.Helper()
	p := b.get(path)
	if p.status != http.StatusOK {
		t.Fatalf("%s: %d %s", path, p.status, p.body)
	}
	for _, m := range cicoIDRE.FindAllStringSubmatch(p.body, -1) {
		ids = append(ids, m[1])
	}
	if m := cicoTotalRE.FindStringSubmatch(p.body); m != nil {
		total = m[1]
	}
	links = map[string]string{}
	for _, m := range hrefRelRE.FindAllStringSubmatch(p.body, -1) {
		links[m[2]] = html.UnescapeString(m[1])
	}
	return ids, total, links
}

// TestCICOPaged: /cico at a school's scale is the caseload's pages (50
// rows, ?page=N, links that keep the date and the search, data-total over
// the whole list) and its name search (ADR 0039); a bad page is a 400,
// never a 500; a page past the end is the last; scope holds.
func TestCICOPaged(t *testing.T) {
	e := newEnv(t, false)
	e.addGoals(t, 117) // 120 students in all
	n := e.addCICOCardsOf(t, 1, "2025-03-10")
	if n != 120 {
		t.Fatalf("%d CICO students, want 120", n)
	}
	admin := e.signedIn("lincoln", "admin")
	q := "?as_of=" + asOf
	seen := map[string]bool{}
	var pages [][]string
	path := "/cico" + q
	for i := 0; i < 4 && path != ""; i++ {
		ids, total, links := cicoPage(t, admin, path)
		if total != "120" {
			t.Errorf("%s: data-total=%q, want 120 (the whole list)", path, total)
		}
		for _, id := range ids {
			if seen[id] {
				t.Errorf("%s repeats %s", path, id)
			}
			seen[id] = true
		}
		pages = append(pages, ids)
		if next := links["next"]; next != "" && !strings.Contains(next, "as_of="+asOf) {
			t.Errorf("the next link %q drops the date", next)
		}
		path = links["next"]
	}
	if len(pages) != 3 || len(pages[0]) != 50 || len(pages[1]) != 50 || len(pages[2]) != 20 || len(seen) != 120 {
		t.Fatalf("pages of %v rows, %d students; want 50, 50, 20 and 120", lens(pages), len(seen))
	}
	// The last page links back and not on; page 2 both ways.
	if _, _, links := cicoPage(t, admin, "/cico"+q+"&page=3"); links["next"] != "" || links["prev"] != "/cico?as_of="+asOf+"&page=2" {
		t.Errorf("page 3's links %v", links)
	}
	if _, _, links := cicoPage(t, admin, "/cico"+q+"&page=2"); links["prev"] != "/cico?as_of="+asOf || links["next"] != "/cico?as_of="+asOf+"&page=3" {
		t.Errorf("page 2's links %v", links)
	}
	// Past the end: the last page.
	if ids, _, _ := cicoPage(t, admin, "/cico"+q+"&page=1000000000"); strings.Join(ids, ",") != strings.Join(pages[2], ",") {
		t.Errorf("a page past the end shows %d rows, not the last page", len(ids))
	}
	// Not a whole number ≥ 1: a clear 400 in words, nothing else.
	for _, bad := range []string{"0", "-1", "1e9", "abc", "99999999999999999999999", "%00"} {
		p := admin.get("/cico" + q + "&page=" + bad)
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, "page must be a whole number") {
			t.Errorf("page=%s: %d", bad, p.status)
		}
	}
	if p := admin.get("/cico" + q + "&q=" + strings.Repeat("a", 101)); p.status != http.StatusBadRequest {
		t.Errorf("a 101-character search: %d", p.status)
	}
	// Search: every word of it somewhere in the name, any case; the pages
	// of a search keep it.
	if ids, total, _ := cicoPage(t, admin, "/cico"+q+"&q=LOPEZ+maya"); len(ids) != 1 || ids[0] != e.ids.s1 || total != "1" {
		t.Errorf("q=LOPEZ maya: %v (total %s), want Maya Lopez alone", ids, total)
	}
	ids, total, links := cicoPage(t, admin, "/cico"+q+"&q=student")
	if total != "117" || len(ids) != 50 || !strings.Contains(links["next"], "q=student") {
		t.Errorf("q=student: %d rows of %s, next %q", len(ids), total, links["next"])
	}
	if p := admin.get("/cico" + q + "&q=zzz"); !strings.Contains(p.body, "No student on CICO matches the search.") || !strings.Contains(p.body, `data-total="0"`) {
		t.Errorf("a search that finds nobody does not say so")
	}
	// Scope: Ben has no student of Ana's new groups, nor does another
	// school's admin, searched or paged.
	delete(seen, e.ids.s1)
	delete(seen, e.ids.s2)
	delete(seen, e.ids.s3)
	for _, who := range []*browser{e.signedIn("lincoln", "ben"), e.signedIn("washington", "admin")} {
		for _, path := range []string{"/cico" + q, "/cico" + q + "&q=student", "/cico" + q + "&page=2"} {
			ids, _, _ := cicoPage(t, who, path)
			for _, id := range ids {
				if seen[id] {
					t.Errorf("%s shows a student out of scope: %s", path, id)
				}
			}
		}
	}
}

// TestCICOListsWhatTheReportsCount: the list reads a card's student
// without decoding the card; a student with no plan is listed only for a
// card the reports count — not for a restricted one, nor one out of
// bounds — as when every card was decoded (ADR 0039).
func TestCICOListsWhatTheReportsCount(t *testing.T) {
	e := newEnv(t, false)
	sc, _ := e.st.SchoolBySlug(t.Context(), "lincoln")
	clock := hlc.NewClock(uuid.New(), hlc.State{}, nil)
	card := func(student, date string, restricted bool) record.Envelope {
		return record.Envelope{ID: uuid.NewString(), Type: record.TypeCICOCard, HLC: clock.Now().String(), Restricted: restricted,
			Data: json.RawMessage(`{"student_id":"` + student + `","date":"` + date + `","expectations":["Be safe"],"periods":["Morning"],"ratings":[[2]]}`)}
	}
	push := func(recs ...record.Envelope) {
		if _, err := e.st.Push(t.Context(), store.PushBatch{SchoolID: sc.ID, Pusher: e.users["lincoln/admin"].ID, PusherIsAdmin: true, Records: recs, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	// s2 has no plan: a restricted card, and one dated in 1900 (out of
	// DOMAIN §2's bounds, pushed as an old tablet might).
	push(card(e.ids.s2, "2025-03-17", true), card(e.ids.s2, "1900-01-01", false))
	ids, _, _ := cicoPage(t, e.signedIn("lincoln", "admin"), "/cico?as_of="+asOf)
	if len(ids) != 0 {
		t.Fatalf("listed %v for cards the reports do not count", ids)
	}
	push(card(e.ids.s2, "2025-03-17", false))
	if ids, _, _ := cicoPage(t, e.signedIn("lincoln", "admin"), "/cico?as_of="+asOf); len(ids) != 1 || ids[0] != e.ids.s2 {
		t.Errorf("listed %v, want s2 for its card", ids)
	}
}

func lens(pages [][]string) []int {
	var out []int
	for _, p := range pages {
		out = append(out, len(p))
	}
	return out
}

// TestCICOPagedSpanish: the pager, the search and the counts of /cico in
// Spanish, with no English left.
func TestCICOPagedSpanish(t *testing.T) {
	e := newEnv(t, false)
	e.addGoals(t, 57)
	e.addCICOCardsOf(t, 1, "2025-03-10")
	b := e.signedInLang("lincoln", "admin", "es-MX,es;q=0.9")
	q := "?as_of=" + asOf
	aside := []string{"Student", "Maya Lopez", "Theo Brown", "Iris Chen", "CICO", "Small Wins", "Lincoln Elementary", "admin"}
	for path, want := range map[string][]string{
		"/cico" + q:                  {"60 estudiantes con CICO.", "Estudiantes 1–50 de 60, página 1 de 2.", "Página siguiente", "Buscar"},
		"/cico" + q + "&page=2":      {"Estudiantes 51–60 de 60, página 2 de 2.", "Página anterior"},
		"/cico" + q + "&q=maya":      {"1 de 60 estudiantes con CICO coinciden con la búsqueda."},
		"/cico" + q + "&q=zzz":       {"Ningún estudiante con CICO coincide con la búsqueda."},
		"/cico" + q + "&page=abc":    {},
		"/cico" + q + "&page=2&q=st": {},
	} {
		p := b.get(path)
		body := html.UnescapeString(p.body)
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
		if m := markerRE.FindAllString(p.body, -1); len(m) > 0 {
			t.Errorf("%s: messages the catalog lacks: %v", path, m)
		}
		a := aside
		for _, m := range nextPhaseRE.FindAllStringSubmatch(p.body, -1) {
			a = append(a, html.UnescapeString(m[1]))
		}
		if w := leftovers(p.body, a); len(w) > 0 {
			t.Errorf("%s (%d): English left: %v", path, p.status, w)
		}
	}
}
