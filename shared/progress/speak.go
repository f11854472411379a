package progress

import (
	"strings"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// Speaker says the report's words in one language: decision words, measure names, reasons and
// sentences, numbers and dates. Every surface (tablet, console, PDF, family documents) asks
// In(lang) rather than building a sentence itself, so a rule's wording has one home per language
// (shared/i18n/catalog: words, reasons, sentences, measures, records, warnings). The
// package-level English functions are In(i18n.English)'s; the report's JSON keeps English
// (docs/decisions/0029).
type Speaker struct{ Lang i18n.Lang }

// In is the Speaker for language l (English for a language the product does not speak).
func In(l i18n.Lang) Speaker { return Speaker{Lang: i18n.Lang(l.String())} }

// t is the catalog's message id in s's language.
func (s Speaker) t(id string, args ...i18n.Args) string { return i18n.Shared.T(s.Lang, id, args...) }

// n is the catalog's plural message id for count in s's language.
func (s Speaker) n(id string, count int, args ...i18n.Args) string {
	return i18n.Shared.N(s.Lang, id, count, args...)
}

// Figure is Figure(x, decimals) with the language's decimal mark.
func (s Speaker) Figure(x float64, decimals int) string {
	return i18n.Decimal(s.Lang, Figure(x, decimals))
}

// Number is a figure already written by one of the Format* rules ("1.4", "76.21%", "n/a"), in
// the language: its decimal mark, and its words for "n/a".
func (s Speaker) Number(figure string) string {
	if i := strings.Index(figure, "n/a"); i >= 0 { // the message is looked up only when needed
		figure = figure[:i] + s.t("figure.not_available") + figure[i+len("n/a"):]
	}
	return i18n.Decimal(s.Lang, figure)
}

// Measure is a measure's name, unit and counting words in the language (record.MeasureOf's in
// English, the words of the API and the CSV headers).
func (s Speaker) Measure(code string) record.Measure { return record.MeasureIn(s.Lang, code) }

// MeasureChoices is record.MeasureChoices in the language.
func (s Speaker) MeasureChoices(used []string) []record.Measure {
	return record.MeasureChoicesIn(s.Lang, used)
}

// NoteCategoryWords is record.NoteCategoryWords in the language.
func (s Speaker) NoteCategoryWords(code string) string {
	return record.NoteCategoryWordsIn(s.Lang, code)
}

// NoteCategoryCode is record.NoteCategoryCode for a form in the language.
func (s Speaker) NoteCategoryCode(words string) string {
	return record.NoteCategoryCodeIn(s.Lang, words)
}

// GoalStatusWords is record.GoalStatusWords in the language.
func (s Speaker) GoalStatusWords(status string) string {
	return record.GoalStatusWordsIn(s.Lang, status)
}

// TypeWords is record.TypeWords in the language.
func (s Speaker) TypeWords(typ string) string { return record.TypeWordsIn(s.Lang, typ) }

// Describe is a record's one-line description (Payload.Describe) in the language.
func (s Speaker) Describe(p record.Payload, n record.Namer) string {
	return record.DescribeIn(s.Lang, p, n)
}
