package reportdoc

import (
	"embed"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
)

// The documents' own words (titles, headings, table heads, chart legends,
// the family documents' sentences) live in reportdoc/catalog, one file per
// area and language, where a translator edits them without reading Go
// (docs/decisions/0029, 0033). The report's words (decisions, measures,
// reasons, figures) come from progress.In.
//
//go:embed catalog/*.json
var catalogFS embed.FS

// catalog is every document's words, read once at start.
var catalog = i18n.MustLoad(catalogFS, "catalog")

// Catalog is the documents' catalog, for the completeness check that
// `make lint` runs over every catalog (ADR 0029).
func Catalog() *i18n.Catalog { return catalog }

// words says a document in one language: its own messages (catalog) and
// the report's words and figures (progress.Speaker).
type words struct {
	l  i18n.Lang
	sp progress.Speaker
}

func wordsIn(l i18n.Lang) words {
	sp := progress.In(l)
	return words{l: sp.Lang, sp: sp}
}

// T is the message id with args filled in.
func (w words) T(id string, args ...i18n.Args) string { return catalog.T(w.l, id, args...) }

// N is the plural message id for n.
func (w words) N(id string, n int, args ...i18n.Args) string { return catalog.N(w.l, id, n, args...) }

// num is a score by progress's one rounding rule, with the language's
// decimal mark.
func (w words) num(x float64) string { return w.sp.Number(progress.FormatScore(x)) }

// pct is a percentage with two decimals at most ("41.67%", "41,67%").
func (w words) pct(x float64) string { return w.sp.Number(progress.FormatPct(x)) }

// pctOf is a whole percentage, "n/a" (or its translation) when nothing was planned.
func (w words) pctOf(p *float64) string { return w.sp.Number(progress.FormatPctOf(p)) }

// dateArgs are a date's parts in the language, for the documents' own
// date patterns (catalog "doc.date.*"); the names come from the shared
// calendar catalog (i18n.Weekday, i18n.Month).
func (w words) dateArgs(t time.Time) i18n.Args {
	return i18n.Args{
		"Day": t.Day(), "Year": t.Year(),
		"Month": i18n.Month(w.l, t.Month()), "MonthShort": i18n.MonthShort(w.l, t.Month()),
		"Weekday": i18n.Weekday(w.l, t.Weekday()), "WeekdayShort": i18n.WeekdayShort(w.l, t.Weekday()),
	}
}

// date writes t with the documents' pattern id ("doc.date.full": "Tuesday
// 18 March 2025", "martes 18 de marzo de 2025").
func (w words) date(id string, t time.Time) string { return w.T(id, w.dateArgs(t)) }

// isoDate is a YYYY-MM-DD date as a document shows it with pattern id; a
// value that is not a date is shown as it is (a report tolerates records
// that fail validation, DOMAIN.md §2).
func (w words) isoDate(id, iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return w.date(id, t)
}

// longDate is a YYYY-MM-DD date as a letter writes it (i18n.DateLong:
// "March 17, 2025", "17 de marzo de 2025"); a value that is not a date is
// shown as it is.
func (w words) longDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return i18n.DateLong(w.l, t)
}

// FamilyLanguage reads a student's family_language (DOMAIN.md §2, §4.3):
// the language a family document is written in, and, when the family reads
// a language the product does not have, that language's name in English
// for the line saying why the document is in English ("" otherwise).
func FamilyLanguage(tag string) (lang i18n.Lang, missing string) {
	l, ok := i18n.Parse(tag)
	if ok || strings.TrimSpace(tag) == "" {
		return l, ""
	}
	if name := languageName(tag); name != "" {
		return i18n.English, name
	}
	return i18n.English, catalog.T(i18n.English, "family.your_language")
}

// languageName is a BCP 47 tag's language named in English, and in
// itself when the documents' font has its letters ("French (français)",
// "Vietnamese (Tiếng Việt)"; the region is left out: the language is what
// the family reads); "" when the tag names no language CLDR knows (the
// line then speaks of "your family's language").
func languageName(tag string) string {
	tag = strings.TrimSpace(tag)
	if len(tag) > 64 {
		return ""
	}
	t, err := language.Parse(tag)
	if err != nil {
		return ""
	}
	base, conf := t.Base()
	if conf == language.No {
		return ""
	}
	name := display.English.Languages().Name(base)
	if name == "" || name == display.English.Languages().Name(language.Und) {
		return ""
	}
	// The family may not read English: its language's own name too.
	if self := display.Self.Name(base); self != "" && !strings.EqualFold(self, name) && drawable(self) {
		return name + " (" + self + ")"
	}
	return name
}

// drawable says whether the documents' font (Liberation Sans: Latin, Greek,
// Cyrillic) has every letter of s.
func drawable(s string) bool {
	for _, r := range s {
		if !unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic, unicode.Common, unicode.Inherited) {
			return false
		}
	}
	return true
}

// inEnglishLine is the line a family document carries when it is in
// English only because the family's language is not one the product has;
// id is the document's message ("card.in_english", "letter.in_english").
func inEnglishLine(id, missing string) string {
	return catalog.T(i18n.English, id, i18n.Args{"Language": missing})
}
