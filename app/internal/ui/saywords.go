package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"smallwins/app/internal/applang"
	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// The session, student, progress and CICO screens say numbers, dates and
// the report's words in the app's language (docs/decisions/0029): the
// words of the report come from progress.In, never from a sentence built
// here, and a figure keeps the one rounding rule (ADR 0630) with only its
// decimal mark following the language.

// inAppLang is the report's words in the language the app speaks now.
func inAppLang() progress.Speaker { return progress.In(applang.Current()) }

// sayNum is a score as fmtNum rounds it, with the language's decimal mark.
func sayNum(v float64) string { return inAppLang().Number(fmtNum(v)) }

// sayMin is minutes as fmtMin rounds them, in the language.
func sayMin(v float64) string { return inAppLang().Number(fmtMin(v)) }

// sayFigure is a figure already written by one of progress's Format rules
// ("57.5%", "1.4"), with the language's decimal mark.
func sayFigure(figure string) string { return inAppLang().Number(figure) }

// Short dates ("Tue 4 Mar") are prettyDate's, the app's one short date;
// a card's heading writes the day out.

// cardDay is a card's day as its heading says it: "Monday 10 March".
func cardDay(t time.Time) string {
	l := applang.Current()
	return lang.L("cico.day", map[string]any{"Weekday": i18n.Weekday(l, t.Weekday()), "Day": t.Day(), "Month": i18n.Month(l, t.Month())})
}

// notSavedWords is the message of a write that failed, with its reason.
func notSavedWords(err error) string {
	return lang.L("session.not_saved", map[string]any{"Why": PlainError(err)})
}

// parseFigure reads a number typed by a person, with either decimal mark
// ("1.5" or "1,5"): the app writes numbers in its language's way, and a
// number it wrote must read back.
func parseFigure(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	return strconv.ParseFloat(s, 64)
}

// sayDateTime is when a note was written ("Mon 7 Dec 15:04"): the app's
// short date (prettyDate) and the time.
func sayDateTime(t time.Time) string {
	return lang.L("student.note.date_time", map[string]any{"Date": prettyDate(record.DateOf(t).String()), "Time": t.Format("15:04")})
}

// goalStatusWords names a goal's status for a person ("Met", "Alcanzada"):
// the shared words of the status (one home, shared/i18n/catalog), a code
// this version does not know shown as itself.
func goalStatusWords(status string) string { return inAppLang().GoalStatusWords(status) }
