package httpapi

import (
	"encoding/json"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
)

// TestErrorsStayEnglishOnTheWireAndReadBackInSpanish: through HTTP, a refused push and a
// refused enrolment answer in the English the API has always written (ADR 0029), with no id
// or argument of the catalog on the wire; a client holding that body (the tablet's
// quarantine, the console) says it in Spanish with protocol.MessageIn (ADR 0038).
func TestErrorsStayEnglishOnTheWireAndReadBackInSpanish(t *testing.T) {
	e := newEnv(t)
	d := e.enrol("lincoln", "ana")
	s, b := e.push(d, d.recOf("probe", `{"student_id":"01900000-0000-7000-8000-000000000001","measure":"orf_wcpm","date":"2025-03-03","score":20000}`))
	type wireCase struct {
		name             string
		status           int
		body             []byte
		code             protocol.Code
		english, spanish string
	}
	cases := []wireCase{{"push out of bounds", s, b, protocol.CodeInvalidRequest,
		"probe.score must be between 0 and 10000", "la puntuación de una prueba debe estar entre 0 y 10000"}}
	s, b = e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": "not the password",
		"device_id": "01900000-0000-7000-8000-0000000000e1", "device_name": "tablet"})
	cases = append(cases, wireCase{"wrong password", s, b, protocol.CodeUnauthorized,
		"wrong school, username or password", "la escuela, el usuario o la contraseña no son correctos"})
	for _, c := range cases {
		var raw map[string]map[string]any
		if err := json.Unmarshal(c.body, &raw); err != nil {
			t.Fatalf("%s: %s", c.name, c.body)
		}
		for k := range raw["error"] {
			if k != "code" && k != "message" && k != "index" {
				t.Errorf("%s: the wire carries %q: %s", c.name, k, c.body)
			}
		}
		var eb protocol.ErrorBody
		if err := json.Unmarshal(c.body, &eb); err != nil || eb.Error == nil || eb.Error.Code != c.code {
			t.Fatalf("%s: %d %s", c.name, c.status, c.body)
		}
		if eb.Error.Message != c.english {
			t.Errorf("%s: message %q, want %q", c.name, eb.Error.Message, c.english)
		}
		if got := protocol.MessageIn(i18n.Spanish, eb.Error); got != c.spanish {
			t.Errorf("%s: Spanish %q, want %q", c.name, got, c.spanish)
		}
	}
}
