package console

import "errors"

// The pages of ADR 0027 (programs, CICO) share partial templates
// (templates/outcomes.html), parsed with each page that uses them.
var extraPages = map[string][]string{
	"programs":    {"templates/outcomes.html"},
	"program":     {"templates/outcomes.html"},
	"cico":        nil,
	"cicostudent": nil,
	// Observations and the goal form (ADR 0031).
	"observe":      nil,
	"observations": nil,
	"groupobserve": nil,
	"goalform":     nil,
	// Pages that show observed fidelity (templates/observedpart.html).
	"student": {"templates/observedpart.html"},
	"group":   {"templates/observedpart.html"},
	"meeting": {"templates/observedpart.html"},
}

// parsePages adds the pages of extraPages to c.pages; New calls it.
func (c *Console) parsePages() {
	for name, partials := range extraPages {
		files := append([]string{"templates/layout.html", "templates/" + name + ".html"}, partials...)
		c.addPage(name, files...)
	}
}

// dict makes a map of its key, value pairs, for a partial template's
// arguments.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: an odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, errors.New("dict: a key that is not a string")
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
