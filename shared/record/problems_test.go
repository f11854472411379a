package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"smallwins/shared/i18n"
)

// englishLeft finds English words that have no place in a Spanish sentence (codes such as
// in_progress or YYYY-MM-DD are written as they are and are not words of this list).
var englishLeft = regexp.MustCompile(`(?i)\b(must|is|are|required|needed|needs|between|characters|each|the|and|or|of|number|date|more|than|at most|rows?|has|an)\b`)

// TestProblemsInEveryLanguage: every refusal is said in every language from the catalog,
// with no missing message ("[id]") and, in Spanish, no English left over.
func TestProblemsInEveryLanguage(t *testing.T) {
	for _, c := range problemCases() {
		en := ProblemIn(i18n.English, c.err)
		var fe *FieldError
		errors.As(c.err, &fe)
		if en != fe.Reason {
			t.Errorf("%s: English %q, Reason %q", c.name, en, fe.Reason)
		}
		for _, l := range i18n.Supported {
			got := ProblemIn(l, c.err)
			if got == "" || strings.Contains(got, "[") && !strings.Contains(fe.Reason, "[") {
				t.Errorf("%s in %s: %q", c.name, l, got)
			}
			if strings.Contains(got, "[problem.") {
				t.Errorf("%s in %s: a message is missing: %q", c.name, l, got)
			}
			if l == i18n.English {
				continue
			}
			if got == en {
				t.Errorf("%s in %s is the English %q", c.name, l, got)
			}
			// The allowed codes of a one_of are codes, written as they are.
			words := got
			if i := strings.Index(words, "["); i >= 0 {
				words = words[:i]
			}
			if m := englishLeft.FindString(words); m != "" {
				t.Errorf("%s in %s: %q has the English word %q", c.name, l, got, m)
			}
		}
	}
}

// TestProblemsSpanish: a representative set said exactly.
func TestProblemsSpanish(t *testing.T) {
	want := map[string]string{
		"no given name":          "falta el nombre",
		"long family name":       "el apellido debe tener de 1 a 100 caracteres",
		"grade 13":               "el grado debe ser PK, K o de 1 a 12",
		"program area":           "el área debe ser uno de estos valores: [reading math behavior other]",
		"plan end":               "la fecha de fin debe ser una fecha AAAA-MM-DD",
		"late without minutes":   "faltan los minutos de un estudiante que llegó tarde o se fue temprano",
		"goal date order":        "la fecha de la meta debe ser posterior a la fecha de inicio",
		"plan goal 0":            "la meta debe ser de 1 a 100 %",
		"percentiles repeat":     "los percentiles deben ir en aumento estricto (fila 3)",
		"meeting too many":       "una reunión tiene como máximo 200 asistentes",
		"plan empty expectation": "falta el texto de cada expectativa",
		"norm roi":               "el crecimiento semanal debe estar entre -1000 y 1000",
		"bound finite":           "el número de sesiones por semana debe ser un número finito entre -1000000 y 1000000",
		"bound date":             "la fecha debe estar entre 2000-01-01 y 2100-12-31",
		"data range":             "la puntuación de una prueba debe estar entre 0 y 10000",
		"data unknown field":     "el campo extra.deep de una prueba debe estar entre -1000000 y 1000000",
		"data odd name finite":   "un número en los datos de una meta debe ser un número finito entre -1000000 y 1000000",
	}
	seen := 0
	for _, c := range problemCases() {
		w, ok := want[c.name]
		if !ok {
			continue
		}
		seen++
		if got := ProblemIn(i18n.Spanish, c.err); got != w {
			t.Errorf("%s: %q, want %q", c.name, got, w)
		}
	}
	if seen != len(want) {
		t.Fatalf("%d of %d cases found", seen, len(want))
	}
	// A decimal bound takes the language's decimal mark.
	fe := newFieldError(TypeGoal, "typical_roi", "range", rangeArgs("typical_roi", Range{-0.5, 2.5}))
	if got, w := fe.In(i18n.Spanish), "el crecimiento típico debe estar entre -0,5 y 2,5"; got != w {
		t.Errorf("%q, want %q", got, w)
	}
	if got, w := fe.Reason, "typical_roi must be between -0.5 and 2.5"; got != w {
		t.Errorf("%q, want %q", got, w)
	}
}

// TestProblemInThroughWrapping: a refusal wrapped by a store or a screen is still found;
// any other error says its own text.
func TestProblemInThroughWrapping(t *testing.T) {
	err := fmt.Errorf("localstore: put %s: %w", uid1, Student{Grade: "K"}.Validate())
	if got := ProblemIn(i18n.Spanish, err); got != "falta el nombre" {
		t.Fatalf("wrapped: %q", got)
	}
	if got := ProblemIn(i18n.Spanish, errors.Join(errors.New("x"), err)); got != "falta el nombre" {
		t.Fatalf("joined: %q", got)
	}
	other := errors.New("disk full")
	if ProblemIn(i18n.Spanish, other) != "disk full" || ProblemIn(i18n.Spanish, nil) != "" {
		t.Fatal("an unknown error is not said as it is")
	}
	if got := (&FieldError{Reason: "made elsewhere"}).In(i18n.Spanish); got != "made elsewhere" {
		t.Fatalf("a FieldError without a rule: %q", got)
	}
}

// TestProblemCatalog: the catalog is complete, its English names a field and a type as
// DOMAIN.md writes them, and every type and bounded field has its words.
func TestProblemCatalog(t *testing.T) {
	if p := i18n.Shared.Problems(); len(p) > 0 {
		t.Fatalf("catalog problems: %v", p)
	}
	for _, id := range i18n.Shared.IDs() {
		for _, pre := range []string{"problem.field.", "problem.type."} {
			if code, ok := strings.CutPrefix(id, pre); ok && code != "other" {
				if en := i18n.Shared.T(i18n.English, id); en != code {
					t.Errorf("%s is %q in English, want the code %q", id, en, code)
				}
			}
		}
	}
	for _, typ := range Types() {
		if !i18n.Shared.Has("problem.type." + typ) {
			t.Errorf("no problem.type.%s", typ)
		}
		for path := range numberBounds[typ] {
			if !i18n.Shared.Has("problem.field." + path) {
				t.Errorf("no problem.field.%s", path)
			}
		}
		for path := range dateFields[typ] {
			if !i18n.Shared.Has("problem.field." + path) {
				t.Errorf("no problem.field.%s", path)
			}
		}
	}
}

// FuzzProblemIn: whatever data a record holds, its refusal is said in every language without
// a panic and without a missing message.
func FuzzProblemIn(f *testing.F) {
	for _, seed := range []string{`{}`, `{"score":1e400}`, `{"grade":"13"}`, `{"rows":[{"percentile":5},{"percentile":1}]}`,
		`{"attendee_ids":["a","a"]}`, `{"ratings":[[3]]}`, `{"x":{"Y":-5e6}}`} {
		for i := range Types() {
			f.Add(uint8(i), []byte(seed))
		}
	}
	types := Types()
	f.Fuzz(func(t *testing.T, ti uint8, data []byte) {
		typ := types[int(ti)%len(types)]
		errs := []error{DataBounds(typ, json.RawMessage(data))}
		if p, err := Decode(typ, json.RawMessage(data)); err == nil {
			errs = append(errs, p.Validate())
		}
		for _, err := range errs {
			var fe *FieldError
			if !errors.As(err, &fe) {
				continue
			}
			for _, l := range i18n.Supported {
				if got := ProblemIn(l, err); got == "" || strings.Contains(got, "[problem.") {
					t.Fatalf("%s %s in %s: %q", typ, data, l, got)
				}
			}
		}
	})
}

// TestEveryRuleHasACase: every rule and name of the catalog is said by some case above, and
// every case's rule and name is in the catalog (a rule's id is built at run time, so the lint
// cannot check it).
func TestEveryRuleHasACase(t *testing.T) {
	used := map[string]bool{}
	for _, c := range problemCases() {
		var fe *FieldError
		if !errors.As(c.err, &fe) {
			continue
		}
		used["problem."+fe.Rule] = true
		if n, ok := fe.Args["Name"]; ok {
			used["problem.name."+n] = true
		}
	}
	for id := range used {
		if !i18n.Shared.Has(id) {
			t.Errorf("%s is not in the catalog", id)
		}
	}
	for _, id := range i18n.Shared.IDs() {
		if !strings.HasPrefix(id, "problem.") || strings.HasPrefix(id, "problem.field.") || strings.HasPrefix(id, "problem.type.") {
			continue
		}
		if !used[id] {
			t.Errorf("%s has no case", id)
		}
	}
}
