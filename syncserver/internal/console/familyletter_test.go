package console_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestStudentPageLinksFamilyLetter: each goal on the student page links its
// family letter (DOMAIN.md §4.3, ADR 0033), as of the page's date, in the
// page's words.
func TestStudentPageLinksFamilyLetter(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	p := b.get("/students/" + e.ids.s1 + "?as_of=" + asOf)
	if p.status != http.StatusOK {
		t.Fatalf("student page: %d", p.status)
	}
	link := `<a href="/v1/reports/family-letter.pdf?goal=` + e.ids.goal1 + `&amp;as_of=` + asOf + `">Family letter (PDF)</a>`
	if !strings.Contains(p.body, link) {
		t.Errorf("the student page lacks %s", link)
	}
}
