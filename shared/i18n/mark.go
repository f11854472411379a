package i18n

// DecimalMark is the mark language l writes between a number's whole part and its decimals
// ("." in English, "," in Spanish), for text that carries figures already written with ".":
// Decimal's rule, one mark.
func DecimalMark(l Lang) string {
	if m := marks[l.orEnglish()]; m != "" {
		return m
	}
	return "."
}
