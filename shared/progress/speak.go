package progress

import (
	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// Speaker says the report's words in one language: decision words, measure names, reasons and
// sentences, numbers and dates. Every surface (tablet, console, PDF, family documents) asks
// In(lang) rather than building a sentence itself, so a rule's wording has one home per language
// (shared/i18n/catalog). The package-level English functions are In(i18n.English)'s.
type Speaker struct{ Lang i18n.Lang }

// In is the Speaker for language l (English for a language the product does not speak).
func In(l i18n.Lang) Speaker { return Speaker{Lang: i18n.Lang(l.String())} }

// Figure is Figure(x, decimals) with the language's decimal mark.
func (s Speaker) Figure(x float64, decimals int) string {
	return i18n.Decimal(s.Lang, Figure(x, decimals))
}

// Number is a figure already written by one of the Format* rules ("1.4", "n/a"), in the language.
func (s Speaker) Number(figure string) string {
	if figure == "n/a" {
		return i18n.Shared.T(s.Lang, "figure.not_available")
	}
	return i18n.Decimal(s.Lang, figure)
}

// Measure is a measure's name, unit and counting words in the language.
func (s Speaker) Measure(code string) record.Measure { return record.MeasureOf(code) }

func (s Speaker) DecisionWords(code string) string       { return DecisionWords(code) }
func (s Speaker) StatusWords(status string) string       { return StatusWords(status) }
func (s Speaker) SufficiencyWords(r Report) string       { return SufficiencyWords(r) }
func (s Speaker) ReasonWords(r Report) string            { return ReasonWords(r) }
func (s Speaker) LightWords(r Report) string             { return LightWords(r) }
func (s Speaker) CICOPhaseWords(phase string) string     { return CICOPhaseWords(phase) }
func (s Speaker) PhaseStatusWords(st PhaseStatus) string { return PhaseStatusWords(st) }
func (s Speaker) PhaseWords(ph Phase) string             { return PhaseWords(ph) }
func (s Speaker) AttendanceWords(d *Delivery) string     { return AttendanceWords(d) }
func (s Speaker) DeliveryShort(d *Delivery) string       { return DeliveryShort(d) }
func (s Speaker) ROISentence(r Report) string            { return ROISentence(r) }
func (s Speaker) GrowthSentence(r Report) string         { return GrowthSentence(r) }
func (s Speaker) ProjectionSentence(r Report) string     { return ProjectionSentence(r) }
func (s Speaker) NoteCategoryWords(code string) string   { return record.NoteCategoryWords(code) }
func (s Speaker) StepSentence(n int, name string, f StepFid, recent bool) string {
	return StepSentence(n, name, f, recent)
}
