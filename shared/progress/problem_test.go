package progress

import (
	"errors"
	"fmt"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// TestSpeakerProblem: a refused save, a server's answer and any other error, said in the
// Speaker's language; English is what the screens showed before.
func TestSpeakerProblem(t *testing.T) {
	refused := fmt.Errorf("localstore: put: %w", record.Goal{StudentID: "x"}.Validate())
	server := protocol.Problem(protocol.CodeUnauthorized, "server.login.bad_credentials")
	cases := []struct {
		err    error
		en, es string
	}{
		{refused, "student is required", "falta el estudiante"},
		{server, "wrong school, username or password", "la escuela, el usuario o la contraseña no son correctos"},
		{errors.New("disk full"), "disk full", "disk full"},
	}
	for _, c := range cases {
		if got := In(i18n.English).Problem(c.err); got != c.en {
			t.Errorf("English %q, want %q", got, c.en)
		}
		if got := In(i18n.Spanish).Problem(c.err); got != c.es {
			t.Errorf("Spanish %q, want %q", got, c.es)
		}
	}
	area := record.Program{Name: "P", Area: "art", Steps: []record.Step{{ID: "a"}}}.Validate()
	if got, want := In(i18n.Spanish).ProblemSentence(area), "El área debe ser uno de estos valores: [reading math behavior other]."; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got := In(i18n.English).ProblemSentence(refused); got != "Student is required." {
		t.Errorf("%q", got)
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"  falta el nombre": "Falta el nombre.",
		"área vacía":        "Área vacía.",
		"¿listo?":           "¿listo?",
		"done.":             "Done.",
	} {
		if got := Sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
