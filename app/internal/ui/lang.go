package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"smallwins/app/internal/applang"
	"smallwins/shared/i18n"
)

// languageKey is the preference holding the language chosen on the Sync screen: "" follows the
// device, "en" or "es" (docs/decisions/0034-tablet-language-choice.md). It is a setting of the
// device, like the session to resume, so it lives in the app's preferences, readable before the
// PIN opens the store, and an erase keeps it.
const languageKey = "app.language"

// UseStoredLanguage makes the app speak the language stored in p (the device's when none is
// stored). The tablet calls it before it builds the lock screen, the first screen shown.
func UseStoredLanguage(p fyne.Preferences) error {
	return applang.Use(applang.Choose(storedLanguage(p)))
}

func storedLanguage(p fyne.Preferences) string {
	if p == nil {
		return ""
	}
	return p.String(languageKey)
}

// dateWords are a date's parts in the app's language, for the date patterns of the catalog.
func dateWords(t time.Time) map[string]any {
	l := applang.Current()
	return map[string]any{
		"Day":          t.Day(),
		"Year":         t.Year(),
		"Month":        i18n.Month(l, t.Month()),
		"MonthShort":   i18n.MonthShort(l, t.Month()),
		"Weekday":      i18n.Weekday(l, t.Weekday()),
		"WeekdayShort": i18n.WeekdayShort(l, t.Weekday()),
		"Time":         t.Format("15:04"),
	}
}

// shortDate is "Tue 4 Mar" ("mar 4 mar" in Spanish).
func shortDate(t time.Time) string { return lang.L("date.weekday_day", dateWords(t)) }

// longDate is "Monday 2 January" ("lunes 2 de enero").
func longDate(t time.Time) string { return lang.L("date.weekday_day_long", dateWords(t)) }

// shortDateTime is "Mon 2 Jan 15:04".
func shortDateTime(t time.Time) string { return lang.L("date.weekday_day_time", dateWords(t)) }
