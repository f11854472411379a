package i18n

import (
	"embed"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

//go:embed catalog/*.json
var catalogFS embed.FS

// Shared is the catalog of words every surface shares: month and weekday names, date patterns,
// decision words, measure names and the report's sentences (shared/i18n/catalog).
var Shared = MustLoad(catalogFS, "catalog")

// marks holds each language's decimal mark, read once from CLDR through x/text.
var marks = func() map[Lang]string {
	m := map[Lang]string{}
	for _, l := range Supported {
		s := message.NewPrinter(l.Tag()).Sprint(number.Decimal(1.5, number.MinFractionDigits(1), number.NoSeparator()))
		m[l] = strings.Trim(s, "15")
	}
	return m
}()

// Decimal rewrites a number already written by the product's one rounding rule (progress.Figure:
// ASCII digits, an optional '-', at most one '.') with l's decimal mark: "1.4" is "1,4" in
// Spanish. Rounding stays in one place; only the mark follows the language.
func Decimal(l Lang, figure string) string {
	mark := marks[l.orEnglish()]
	if mark == "." || mark == "" {
		return figure
	}
	return strings.Replace(figure, ".", mark, 1)
}

// Int writes a whole number for language l (no grouping: counts in the product stay small and a
// grouped "1.234" would read as a decimal in English).
func Int(l Lang, n int) string { return strconv.Itoa(n) }

// Month is the month's name in l ("December", "diciembre").
func Month(l Lang, m time.Month) string {
	return Shared.T(l, "month."+strconv.Itoa(int(m)))
}

// MonthShort is the month's short name in l ("Dec", "dic").
func MonthShort(l Lang, m time.Month) string {
	return Shared.T(l, "month.short."+strconv.Itoa(int(m)))
}

// Weekday is the weekday's name in l ("Monday", "lunes").
func Weekday(l Lang, d time.Weekday) string {
	return Shared.T(l, "weekday."+strconv.Itoa(int(d)))
}

// WeekdayShort is the weekday's short name in l ("Mon", "lun").
func WeekdayShort(l Lang, d time.Weekday) string {
	return Shared.T(l, "weekday.short."+strconv.Itoa(int(d)))
}

func dateArgs(l Lang, t time.Time) Args {
	return Args{
		"Day":          t.Day(),
		"Year":         t.Year(),
		"Month":        Month(l, t.Month()),
		"MonthShort":   MonthShort(l, t.Month()),
		"Weekday":      Weekday(l, t.Weekday()),
		"WeekdayShort": WeekdayShort(l, t.Weekday()),
	}
}

// DateLong is a date as a letter writes it: "December 7, 2026", "7 de diciembre de 2026".
func DateLong(l Lang, t time.Time) string { return Shared.T(l, "date.long", dateArgs(l, t)) }

// DateMedium is a date in a table or a heading: "Dec 7, 2026", "7 dic 2026".
func DateMedium(l Lang, t time.Time) string { return Shared.T(l, "date.medium", dateArgs(l, t)) }

// DayMonth is a date within the school year: "Dec 7", "7 dic".
func DayMonth(l Lang, t time.Time) string { return Shared.T(l, "date.day_month", dateArgs(l, t)) }

// WeekdayDate is a day on a schedule: "Mon, Dec 7", "lun 7 dic".
func WeekdayDate(l Lang, t time.Time) string {
	return Shared.T(l, "date.weekday_day_month", dateArgs(l, t))
}

// WeekdayDateLong is a day written out: "Monday, December 7", "lunes 7 de diciembre".
func WeekdayDateLong(l Lang, t time.Time) string {
	return Shared.T(l, "date.weekday_long", dateArgs(l, t))
}
