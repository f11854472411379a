package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/store"
)

// letterFixture pushes, as ana, a student whose family reads tag, their
// plan, group and program, ten weekly probes (DOMAIN.md §5.1: the decision
// is change_instruction), three delivered sessions, a team decision and an
// open note; and, as ben, a restricted note. It returns the goal's id.
func letterFixture(t *testing.T, e *env, ana, ben device, given, tag string) string {
	t.Helper()
	group, program, plan, student, goal := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	typed := func(typ string, r record.Envelope) record.Envelope { r.Type = typ; return r }
	lang := ""
	if tag != "" {
		lang = fmt.Sprintf(`,"family_language":%q`, tag)
	}
	recs := []record.Envelope{
		typed("student", ana.rec(student, fmt.Sprintf(`{"given_name":%q,"family_name":"Muñoz","grade":"2"%s}`, given, lang))),
		typed("group", ana.rec(group, fmt.Sprintf(`{"name":"Bluebirds","program_id":%q,"student_ids":[%q]}`, program, student))),
		typed("program", ana.rec(program, `{"name":"Phonics","area":"reading","steps":[{"id":"a","text":"Review"}]}`)),
		typed("plan", ana.rec(plan, fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-03-03","sessions_per_week":1,"minutes_per_session":30}`, student, program, group))),
		typed("goal", ana.rec(goal, fmt.Sprintf(`{"student_id":%q,"plan_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[42,45,40],"goal_score":78.5,"goal_date":"2025-05-12"}`, student, plan))),
		typed("decision", ana.rec(uuid.NewString(), fmt.Sprintf(`{"goal_id":%q,"date":"2025-03-10","code":"change_instruction","rationale":"TEAM-RATIONALE-TEXT"}`, goal))),
		typed("note", ana.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"author_id":"ana","body":"OPEN-NOTE-BODY","category":"family"}`, student))),
	}
	for i, s := range []float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53} {
		recs = append(recs, typed("probe", ana.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":%q,"score":%v}`,
			student, time.Date(2025, 1, 13+7*i, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), s))))
	}
	for _, d := range []string{"2025-03-03", "2025-03-10", "2025-03-17"} {
		recs = append(recs, typed("session", ana.rec(uuid.NewString(), fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":%q,"status":"delivered","minutes":30,"attendance":[{"student_id":%q,"status":"present"}],"fidelity":[{"step_id":"a","status":"done"}]}`, group, program, d, student))))
	}
	if s, b := e.push(ana, recs...); s != 200 {
		t.Fatal(s, string(b))
	}
	secret := typed("note", ben.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"author_id":"ben","body":"SECRET-NOTE-BODY","category":"health"}`, student)))
	secret.Restricted = true
	if s, b := e.push(ben, secret); s != 200 {
		t.Fatal(s, string(b))
	}
	return goal
}

// pdfWords is what a reader of the PDF sees (pdftotext), its words joined
// by single spaces; the bytes themselves are checked by visibleText's
// callers where a secret must not hide in them either.
func pdfWords(t *testing.T, b []byte) string {
	t.Helper()
	text := visibleText(t, b)
	if strings.Contains(text[len(b):], "SECRET") || bytes.Contains(b, []byte("SECRET")) {
		t.Errorf("a restricted secret is in the PDF")
	}
	return strings.Join(strings.Fields(text[len(b):]), " ")
}

func letterURL(goal, asOf string) string {
	return "/v1/reports/family-letter.pdf?goal=" + goal + "&as_of=" + asOf
}

// TestFamilyLetterEndpoint: GET /v1/reports/family-letter.pdf gives the
// letter as a PDF in the student's family_language (Spanish, English with
// the line for French), read back with pdftotext; it never holds the team's
// decision, reason or rationale, nor any note, open or restricted; and the
// usual checks: no token 401, another school 404, unknown goal 404, bad
// parameters and hostile goal ids 400 invalid_request.
func TestFamilyLetterEndpoint(t *testing.T) {
	e := newEnv(t)
	ana, ben := e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben")
	es := letterFixture(t, e, ana, ben, "Ava", "es-MX")
	fr := letterFixture(t, e, ana, ben, "Léa", "fr")

	read := func(goal string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+letterURL(goal, "2025-03-17"), nil)
		req.Header.Set("Authorization", "Bearer "+ben.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
			t.Fatalf("GET letter: %d %q %.60q", resp.StatusCode, resp.Header.Get("Content-Type"), buf.Bytes())
		}
		if cd := resp.Header.Get("Content-Disposition"); cd != `inline; filename="family-letter-2025-03-17.pdf"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		return pdfWords(t, buf.Bytes())
	}
	spanish := read(es)
	for _, want := range []string{"Carta de progreso: Ava Muñoz", "lincoln - 17 de marzo de 2025", "Estimada familia:",
		"La meta es llegar a 78,5", "para el 12 de mayo de 2025.", "Ava empezó con 42", "y ahora está en 51.", "Asistencia",
		"Gracias por apoyar a Ava en casa."} {
		if !strings.Contains(spanish, want) {
			t.Errorf("the Spanish letter lacks %q\n%s", want, spanish)
		}
	}
	english := read(fr)
	for _, want := range []string{"This letter is in English because it is not yet available in French (français).", "Progress letter: Léa Muñoz",
		"The goal is to reach 78.5 words correct per minute by May 12, 2025.", "Attendance Léa attended 3 sessions"} {
		if !strings.Contains(english, want) {
			t.Errorf("the letter for a French-reading family lacks %q\n%s", want, english)
		}
	}
	for _, text := range []string{spanish, english} {
		for _, never := range []string{"change_instruction", "Change the instruction", "The last 4 points", "TEAM-RATIONALE-TEXT",
			"OPEN-NOTE-BODY", "SECRET-NOTE-BODY", "fidelity", "fidelidad", "aimline", "Fix delivery"} {
			if strings.Contains(text, never) {
				t.Errorf("the family letter holds %q\n%s", never, text)
			}
		}
	}

	s, b := e.do("GET", letterURL(es, "2025-03-17"), "", nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	w := e.enrol("washington", "admin")
	s, b = e.do("GET", letterURL(es, "2025-03-17"), w.token, nil)
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	s, b = e.do("GET", letterURL(uuid.NewString(), "2025-03-17"), ana.token, nil)
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	for _, asOf := range []string{"2025-02-30", "17/03/2025", "soon", "", "2025-03-17T00:00:00Z", "1999-12-31x"} {
		s, b = e.do("GET", letterURL(es, url.QueryEscape(asOf)), ana.token, nil)
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	}
	for _, goal := range []string{"", "ava", "../../v1/sync/pull", "' OR 1=1 --", strings.ToUpper(es), es + "0", "%00", strings.Repeat("a", 5000), "{" + es + "}"} {
		s, b = e.do("GET", "/v1/reports/family-letter.pdf?goal="+url.QueryEscape(goal), ana.token, nil)
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	}
	// as_of may be left out: the server's date.
	if s, b = e.do("GET", "/v1/reports/family-letter.pdf?goal="+es, ana.token, nil); s != 200 || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Errorf("without as_of: %d %.60q", s, b)
	}
}

// TestFamilyLetterConsoleSession: the console's student page links the
// letter, so a signed-in console (Config.SessionPrincipal, without a
// bearer token) reads it too; without a session it is 401.
func TestFamilyLetterConsoleSession(t *testing.T) {
	var e *env
	var ana device
	e = newEnvWith(t, Config{SessionPrincipal: func(r *http.Request) (store.Principal, error) {
		if ck, err := r.Cookie("test_session"); err != nil || ck.Value != "ana" {
			return store.Principal{}, store.ErrNotFound
		}
		return e.st.PrincipalByToken(r.Context(), auth.HashToken(ana.token), time.Now())
	}})
	ana, ben := e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben")
	goal := letterFixture(t, e, ana, ben, "Ava", "es")
	s, b := e.do("GET", letterURL(goal, "2025-03-17"), "", nil, "Cookie", "test_session=ana")
	if s != 200 || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("with a console session: %d %.60q", s, b)
	}
	if text := visibleText(t, b); !strings.Contains(text, "Carta de progreso") || strings.Contains(text, "SECRET-NOTE-BODY") {
		t.Errorf("the letter through a console session:\n%s", text)
	}
	s, b = e.do("GET", letterURL(goal, "2025-03-17"), "", nil, "Cookie", "test_session=mallory")
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
}

// TestCICOCardFamilyLanguage: the family card a tablet or the console
// fetches is in the student's family_language: Spanish for es-US, with
// Spanish dates and the decimal comma; English with the line for Somali.
func TestCICOCardFamilyLanguage(t *testing.T) {
	e := newEnv(t)
	ana := e.enrol("lincoln", "ana")
	typed := func(typ string, r record.Envelope) record.Envelope { r.Type = typ; return r }
	card := func(tag string) string {
		student := uuid.NewString()
		recs := []record.Envelope{
			typed("student", ana.rec(student, fmt.Sprintf(`{"given_name":"José","family_name":"Núñez","grade":"2","family_language":%q}`, tag))),
			typed("cico_card", ana.rec(uuid.NewString(), fmt.Sprintf(`{"student_id":%q,"date":"2025-03-04","expectations":["Ser amable","Estar listo"],"periods":["Mañana","Almuerzo"],"ratings":[[1,0],[null,1]]}`, student))),
		}
		if s, b := e.push(ana, recs...); s != 200 {
			t.Fatal(s, string(b))
		}
		s, b := e.do("GET", "/v1/reports/cico-card.pdf?student="+student+"&date=2025-03-04", ana.token, nil)
		if s != 200 || !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Fatalf("card: %d %.60q", s, b)
		}
		return pdfWords(t, b)
	}
	es := card("es-US")
	for _, want := range []string{"Tarjeta diaria de conducta: José Núñez", "martes 4 de marzo de 2025", "Mañana En parte (1) Todavía no (0)",
		"Hoy José obtuvo 2 de 6 puntos (33,33%).", "Mañana es un nuevo día."} {
		if !strings.Contains(es, want) {
			t.Errorf("the card for a Spanish-reading family lacks %q\n%s", want, es)
		}
	}
	so := card("so")
	for _, want := range []string{"Daily behaviour card: José Núñez", "This card is in English because it is not yet available in Somali (Soomaali).",
		"Today José earned 2 of 6 points (33.33%)."} {
		if !strings.Contains(so, want) {
			t.Errorf("the card for a Somali-reading family lacks %q\n%s", want, so)
		}
	}
}
