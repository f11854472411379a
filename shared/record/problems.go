package record

import (
	"errors"
	"strconv"
	"strings"

	"smallwins/shared/i18n"
)

// A refusal of DOMAIN.md §2's rules is said from the catalog (shared/i18n/catalog,
// problems.<lang>.json): a FieldError keeps its rule and its arguments, so every surface says
// it in its person's language, and its Reason stays the English the API, the exports and the
// logs have always written (docs/decisions/0038).

// problemArgs are a refusal's arguments, written as the English says them: a name key
// (problem.name.*), a field path, a record type, figures.
type problemArgs map[string]string

// newFieldError is the refusal of rule (problem.<rule>) for field of a record of type typ.
func newFieldError(typ, field, rule string, args problemArgs) *FieldError {
	e := &FieldError{Type: typ, Field: field, Rule: rule, Args: args}
	e.Reason = e.In(i18n.English)
	return e
}

// In is the refusal's reason in language l, as Reason is in English: lower-case, no full stop
// ("given name is required", "falta el nombre"). A FieldError made without a rule says its
// Reason.
func (e *FieldError) In(l i18n.Lang) string {
	if e.Rule == "" {
		return e.Reason
	}
	a := make(i18n.Args, len(e.Args))
	for k, v := range e.Args {
		switch k {
		case "Name":
			a[k] = i18n.Shared.T(l, "problem.name."+v)
		case "Field":
			a[k] = fieldWords(l, v)
		case "Type":
			a[k] = i18n.Shared.T(l, "problem.type."+v)
		case "Min", "Max":
			// A bound is a figure (or a date, which has no decimal mark).
			a[k] = strings.Replace(v, ".", i18n.DecimalMark(l), 1)
		default:
			a[k] = v
		}
	}
	return i18n.Shared.T(l, "problem."+e.Rule, a)
}

// fieldWords names a field path in language l: English writes the path as DOMAIN.md does
// (the catalog's English is the path itself); a path the catalog does not know (a field of
// a newer version, in raw data) is named as the path.
func fieldWords(l i18n.Lang, path string) string {
	if id := "problem.field." + path; i18n.Shared.Has(id) {
		return i18n.Shared.T(l, id)
	}
	return i18n.Shared.T(l, "problem.field.other", i18n.Args{"Path": path})
}

// ProblemIn is err said for a person in language l: a refused payload's reason (a
// *FieldError anywhere in err's chain) in l, any other error's own text. It is "" for nil.
func ProblemIn(l i18n.Lang, err error) string {
	if err == nil {
		return ""
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.In(l)
	}
	return err.Error()
}

// figure writes a bound as the English of the rules does (no exponent, no trailing zeros).
func figure(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// rangeArgs are a range's bounds as a refusal's arguments, with field.
func rangeArgs(field string, r Range) problemArgs {
	return problemArgs{"Field": field, "Min": r.MinText(), "Max": r.MaxText()}
}

// ReadProblem reads back a refusal of raw data's bounds from its English reason, as a push's
// error message carries it over the wire ("probe.score must be between 0 and 10000"): those
// reasons name the type and the field by their codes, so the refusal can be said again in
// another language. Any other text is not read (ok false).
func ReadProblem(reason string) (fe *FieldError, ok bool) {
	id, args, ok := i18n.Shared.Match("problem.data_", reason)
	if !ok {
		return nil, false
	}
	a := make(problemArgs, len(args))
	for k, v := range args {
		a[k] = v.(string)
	}
	if _, known := registry[a["Type"]]; !known {
		return nil, false
	}
	field := a["Field"]
	if field == "" {
		field = "data"
	}
	return &FieldError{Type: a["Type"], Field: field, Reason: reason, Rule: id[len("problem."):], Args: a}, true
}
