package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/record"
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

// TestConsoleDocumentsInLanguage: the progress report PDF and the chart a
// Spanish console serves speak Spanish (reportdoc's DocMeta.Lang and
// Chart.Lang, docs/decisions/0033 and 0036); an English console's stay
// English.
func TestConsoleDocumentsInLanguage(t *testing.T) {
	e := newEnv(t, false)
	base := "/students/" + e.ids.s1 + "/goals/" + e.ids.goal1
	for _, c := range []struct {
		accept, pdfWord, svgWord, notWord string
	}{
		{"es-MX,es;q=0.9", "Decisión", "línea de meta", "Decision:"},
		{"en-US", "Decision", "aimline", "Decisión"},
	} {
		b := e.signedInLang("lincoln", "admin", c.accept)
		p := b.get(base + "/report.pdf?as_of=" + asOf)
		if p.status != http.StatusOK {
			t.Fatalf("%s: report.pdf %d", c.accept, p.status)
		}
		text := pdfWords(t, p.body)
		if !strings.Contains(text, c.pdfWord) || strings.Contains(text, c.notWord) {
			t.Errorf("%s: the progress PDF lacks %q or says %q: %s", c.accept, c.pdfWord, c.notWord, text)
		}
		svg := b.get(base + "/chart.svg?as_of=" + asOf)
		if svg.status != http.StatusOK || !strings.Contains(svg.body, c.svgWord) {
			t.Errorf("%s: the chart (%d) lacks %q", c.accept, svg.status, c.svgWord)
		}
	}
}

// TestConsoleFamilyCardInFamilyLanguage: the family card the console
// serves is in the student's family_language (DOMAIN.md §4.3,
// docs/decisions/0033), as the API's is, whatever the console's language.
func TestConsoleFamilyCardInFamilyLanguage(t *testing.T) {
	e := newEnv(t, false)
	student := uuid.NewString()
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{
		{ID: student, Type: record.TypeStudent, Data: json.RawMessage(`{"given_name":"José","family_name":"Núñez","grade":"2","family_language":"es-US"}`)},
		{ID: uuid.NewString(), Type: record.TypeCICOCard, Data: json.RawMessage(fmt.Sprintf(
			`{"student_id":%q,"date":"2025-03-04","expectations":["Ser amable"],"periods":["Mañana"],"ratings":[[2]]}`, student))},
	})
	p := e.signedInLang("lincoln", "admin", "en-US").get("/cico/" + student + "/card.pdf?date=2025-03-04")
	if p.status != http.StatusOK {
		t.Fatalf("card: %d %.200s", p.status, p.body)
	}
	if text := pdfWords(t, p.body); !strings.Contains(text, "Tarjeta diaria de conducta: José Núñez") {
		t.Errorf("the card for a Spanish-reading family is not in Spanish: %s", text)
	}
}
