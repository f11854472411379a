package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/record"
)

// TestMeetingPDFsInSpanish: the agenda and the minutes follow the request's
// language (docs/decisions/0036): catalog words, Spanish dates, the report's
// words in Spanish, no message the catalog lacks, no English of the
// console's own, and never a restricted decision in either language.
func TestMeetingPDFsInSpanish(t *testing.T) {
	e := newEnv(t, false)
	es := e.signedInLang("lincoln", "admin", "es-MX,es;q=0.9")
	en := e.signedInLang("lincoln", "admin", "en")
	ana := e.users["lincoln/ana"].ID

	// Today's meeting: attendees, an action item, a decision recorded in the
	// console, and a restricted one from a tablet.
	page := es.get("/meeting")
	tok := csrf(t, page)
	if r := es.post("/meeting/attendees", url.Values{"csrf": {tok}, "attendee": {ana}}); r.status != http.StatusSeeOther {
		t.Fatalf("attendees: %d", r.status)
	}
	if r := es.post("/meeting/actions", url.Values{"csrf": {tok}, "text": {"Llamar a la familia de Maya"}, "owner_id": {ana}, "due_date": {"2025-04-02"}}); r.status != http.StatusSeeOther {
		t.Fatalf("action: %d", r.status)
	}
	const why = "Dos sesiones diarias de lectura en pareja."
	if r := es.post("/meeting/decisions", url.Values{"csrf": {tok}, "goal_id": {e.ids.goal1}, "code": {"change_instruction"},
		"rationale": {why}, "next_review_date": {"2025-04-14"}, "owner_id": {ana}}); r.status != http.StatusSeeOther {
		t.Fatalf("decision: %d", r.status)
	}
	today := time.Now().UTC().Format("2006-01-02")
	const secret = "RESTRICTED-DECISION-Marrowbone"
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{{ID: uuid.NewString(), Type: "decision", Restricted: true,
		Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":%q,"code":"continue","rationale":%q}`, e.ids.s3, e.ids.goal3, today, secret))}})

	fixture := []string{"Lincoln Elementary", "Ana Rivera", "Ben Okafor", "Maya Lopez", "Theo Brown", "Iris Chen", "Bluebirds", "Owls",
		"Llamar a la familia de Maya", why, "Small Wins"}
	setAside := append(fixture, reportWords(e, e.ids.goal1, e.ids.goal2, e.ids.goal3)...)
	check := func(name, text string, want []string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", name, w, text)
			}
		}
		if m := markerRE.FindAllString(text, -1); len(m) > 0 {
			t.Errorf("%s: messages the catalog lacks: %v", name, m)
		}
		if w := leftovers(text, setAside); len(w) > 0 {
			t.Errorf("%s: English left: %v\n%s", name, w, text)
		}
	}

	// The agenda of the fixture's day, whole and filtered by a group.
	p := es.get("/meeting/agenda.pdf?as_of=" + asOf)
	if p.status != http.StatusOK || !strings.Contains(p.header.Get("Content-Disposition"), "agenda-reunion-2025-03-17.pdf") {
		t.Fatalf("agenda: %d %s", p.status, p.header.Get("Content-Disposition"))
	}
	check("agenda", pdfWords(t, p.body), []string{"Agenda de la reunión del equipo", "Lincoln Elementary - 17 mar 2025",
		"Maya Lopez - Fluidez en la lectura oral", "Grupo: Bluebirds. Intervencionista: Ana Rivera. Última prueba:",
		"Implementación: asistencia 20%, dosis 20%, fidelidad 92%.", "Agenda de la reunión del equipo - página 1 de 2"})
	p = es.get("/meeting/agenda.pdf?as_of=" + asOf + "&group=" + e.ids.bluebirds)
	check("filtered agenda", pdfWords(t, p.body), []string{"Lincoln Elementary - 17 mar 2025 - filtrada por grupo Bluebirds"})

	// Today's minutes, in Spanish.
	m := es.get("/meeting/minutes.pdf")
	if m.status != http.StatusOK || !strings.Contains(m.header.Get("Content-Disposition"), "acta-reunion-"+today+".pdf") {
		t.Fatalf("minutes: %d %s", m.status, m.header.Get("Content-Disposition"))
	}
	text := pdfWords(t, m.body)
	check("minutes", text, []string{"Acta de la reunión del equipo", "Asistentes Ana Rivera.",
		"Tareas 1. Llamar a la familia de Maya. Responsable: Ana Rivera. Fecha límite: 2 abr 2025.", "Decisiones",
		"1. Maya Lopez - Fluidez en la lectura oral Decisión: Cambiar la enseñanza. Por qué: " + why +
			" Próxima revisión: 14 abr 2025. Responsable: Ana Rivera."})
	if strings.Contains(text, "2025-04-14") {
		t.Errorf("an ISO date in the Spanish minutes: %s", text)
	}
	// A restricted decision is in neither language's minutes.
	for lang, b := range map[string]*browser{"es": es, "en": en} {
		text := pdfWords(t, b.get("/meeting/minutes.pdf").body)
		if strings.Contains(text, secret) || strings.Contains(text, "Iris") || !strings.Contains(text, "Maya Lopez") {
			t.Errorf("%s minutes: a restricted decision, or not the recorded one: %s", lang, text)
		}
	}
	// A day without decisions or a meeting.
	check("empty minutes", pdfWords(t, es.get("/meeting/minutes.pdf?as_of=2025-01-01").body),
		[]string{"No se registró ninguna decisión el 1 ene 2025.", "Asistentes No se registró ninguna.", "Tareas No se registró ninguna."})

	// The check finds English where there is English: the same minutes in English.
	if w := leftovers(pdfWords(t, en.get("/meeting/minutes.pdf").body), setAside); len(w) < 5 {
		t.Errorf("the English minutes show only %v: the check would miss a leftover", w)
	}
}
