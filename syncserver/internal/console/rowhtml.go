package console

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// caseloadBody writes the caseload's table rows as HTML in Go rather than
// with html/template: the template's escaper is a reflective call per
// action, and 2,000 rows of 16 cells spent about 50 ms there (ADR 0012).
// Every value is escaped with template.HTMLEscapeString, which escapes
// < > & ' " and NUL, so it is safe both in element text and in the
// double-quoted attributes below; no value is written into a URL, script or
// style context except the student id in a path, which is path-escaped
// first, and the group's link, "/groups/" and a group id the store has
// (record ids are UUIDs). The same markup as before: the data-* hooks of CONSOLE.md §4 stay.
func caseloadBody(l i18n.Lang, rows []row) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 1400)
	esc := func(s string) { b.WriteString(template.HTMLEscapeString(s)) }
	// The words every row repeats, looked up once per page.
	w := func(id string) string { return template.HTMLEscapeString(tr(l, id)) }
	label := map[string]string{}
	for _, col := range caseloadColumns {
		label[col.Key] = w("caseload.col." + col.Key)
	}
	noneYet, on, last3, notSet, due := w("probe.none_yet"), w("caseload.on"), w("caseload.last3"), w("caseload.not_set"), w("caseload.due")
	overdue, noneDue, onTime := w("caseload.probe_overdue"), w("caseload.none_due"), w("caseload.on_time")
	date := dateMemo(l)
	// A cell's column name in data-label: at a phone's width each row is a
	// card and the CSS shows the name before the value (ADR 0018).
	cell := func(key string) { b.WriteString(`<td data-label="` + label[key] + `">`) }
	for _, r := range rows {
		b.WriteString(`<tr data-goal-id="`)
		esc(r.ID)
		b.WriteString(`" data-student-id="`)
		esc(r.StudentID)
		b.WriteString(`" data-decision="`)
		esc(r.Decision)
		b.WriteString(`" data-status="`)
		esc(r.Status)
		b.WriteString("\">\n  <td class=\"who\"><a href=\"/students/")
		esc(url.PathEscape(r.StudentID))
		b.WriteString(`">`)
		esc(r.Student)
		b.WriteString("</a></td>\n  ")
		cell("grade")
		esc(r.Grade)
		b.WriteString("</td>\n  ")
		cell("group")
		if r.GroupHref != "" {
			b.WriteString(`<a href="`)
			esc(r.GroupHref)
			b.WriteString(`">`)
			esc(r.Group)
			b.WriteString("</a>")
		} else {
			esc(r.Group)
		}
		b.WriteString("</td>\n  ")
		cell("interventionist")
		esc(r.Interventionist)
		b.WriteString("</td>\n  ")
		cell("measure")
		esc(r.Measure)
		b.WriteString("</td>\n  ")
		cell("last_probe")
		if r.LastDate == "" {
			b.WriteString(noneYet)
		} else {
			// The date in one piece (CSS .nw): an ISO date never breaks at
			// its hyphens.
			esc(r.LastScore)
			b.WriteString(" " + on + ` <span class="nw">`)
			esc(date(r.LastDate))
			b.WriteString("</span>")
		}
		b.WriteString("</td>\n  ")
		cell("points")
		b.WriteString(strconv.Itoa(r.Points))
		b.WriteString("</td>\n  ")
		cell("decision")
		b.WriteString(`<span class="light l-`)
		esc(r.Status)
		b.WriteString(`" aria-hidden="true"></span>`)
		esc(r.DecisionText)
		// The light's words, shown: the light is the last 3 points, not
		// the decision (the legend says so).
		b.WriteString(`<span class="lightword">` + last3 + " ")
		esc(lightWord(r.StatusText))
		b.WriteString("</span></td>\n  ")
		cell("delivery")
		// Each figure in one piece: the line breaks only between them.
		for i, part := range strings.Split(r.DeliveryShort, ", ") {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`<span class="nw">`)
			esc(part)
			b.WriteString("</span>")
		}
		b.WriteString("</td>\n  ")
		cell("next_review")
		if r.NextReview != "" {
			b.WriteString(`<span class="nw">`)
			esc(date(r.NextReview))
			b.WriteString("</span>")
		} else {
			b.WriteString(notSet)
		}
		if r.ReviewDue {
			b.WriteString(` <span class="tag">` + due + `</span>`)
		}
		b.WriteString("</td>\n  ")
		cell("probe")
		switch {
		case r.Overdue:
			b.WriteString(`<span class="tag warn">` + overdue + `</span>`)
		case r.Decision == record.DecisionReviewGoal:
			b.WriteString(noneDue) // the goal date has passed: reviewed, not probed
		default:
			b.WriteString(onTime)
		}
		b.WriteString("</td>\n</tr>\n")
	}
	if len(rows) == 0 {
		b.WriteString("<tr><td colspan=\"11\">" + w("caseload.no_match") + "</td></tr>\n")
	}
	return template.HTML(b.String()) // #nosec: built from escaped values only, above
}

// lightWord is the first words of a status's words ("On track: …" →
// "on track"), the light's name beside the decision.
func lightWord(words string) string {
	w, _, _ := strings.Cut(words, ":")
	return strings.ToLower(w)
}
