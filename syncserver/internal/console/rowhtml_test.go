package console

import (
	"smallwins/shared/i18n"

	"html"
	"regexp"
	"strings"
	"testing"
)

// TestCaseloadBodyEscapesEverything: caseloadBody writes HTML by hand, so
// hostile text in every field (a student's name is typed by a person on a
// tablet) must come out as text: the markup has exactly the tags and quotes
// of a benign row, and every cell unescapes to the value given.
func TestCaseloadBodyEscapesEverything(t *testing.T) {
	benign := row{ID: "g", StudentID: "s", Decision: "continue", Status: "green", Student: "Ana", Grade: "2", Group: "Owls",
		Interventionist: "Ben", Measure: "Oral reading fluency", LastProbe: "50 on 2025-03-10", StatusText: "On track",
		DecisionText: "Continue", NextReview: "2025-04-01", Points: 10, ReviewDue: true,
		LastDate: "2025-03-10", LastScore: "50", DeliveryShort: "attendance 90%, dose 90%, fidelity 90%"}
	hostile := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `' onmouseover='x`, `&amp;`, "a\x00b", `</td></tr><tr>`}
	tags := regexp.MustCompile(`<[^>]*>`)
	want := caseloadBody(i18n.English, []row{benign})
	for _, h := range hostile {
		r := benign
		for _, f := range []*string{&r.ID, &r.StudentID, &r.Decision, &r.Status, &r.Student, &r.Grade, &r.Group, &r.Interventionist,
			&r.Measure, &r.LastProbe, &r.StatusText, &r.DecisionText, &r.NextReview, &r.LastDate, &r.LastScore} {
			*f = h
		}
		got := string(caseloadBody(i18n.English, []row{r}))
		if a, b := len(tags.FindAllString(got, -1)), len(tags.FindAllString(string(want), -1)); a != b {
			t.Errorf("%q: %d tags, a benign row has %d:\n%s", h, a, b, got)
		}
		if a, b := strings.Count(got, `"`), strings.Count(string(want), `"`); a != b {
			t.Errorf("%q: %d quotes, a benign row has %d", h, a, b)
		}
		// The student's cell: the link's text is the name, unescaped.
		m := regexp.MustCompile(`<td class="who"><a href="/students/[^"]*">([^<]*)</a></td>`).FindStringSubmatch(got)
		if m == nil || html.UnescapeString(m[1]) != strings.ReplaceAll(h, "\x00", "\uFFFD") && html.UnescapeString(m[1]) != h {
			t.Errorf("%q: student cell %q", h, m)
		}
	}
	if got := string(caseloadBody(i18n.English, nil)); !strings.Contains(got, "No goals match.") {
		t.Errorf("empty: %s", got)
	}
}

// FuzzCaseloadBody: whatever text a record holds, a row has a benign row's
// markup (tags and quotes) and its cells read back as the text.
func FuzzCaseloadBody(f *testing.F) {
	for _, s := range []string{"Ana", `<script>alert(1)</script>`, `"><img src=x>`, "a\x00b", "&amp;&#34;", "\u2028", "</td>"} {
		f.Add(s)
	}
	tags := regexp.MustCompile(`<[^>]*>`)
	benign := row{ID: "g", StudentID: "s", Decision: "continue", Status: "green", Student: "Ana", Grade: "2", Group: "Owls", GroupHref: "/groups/x",
		Interventionist: "Ben", Measure: "M", LastProbe: "50", StatusText: "On", DecisionText: "C", NextReview: "R", ReviewDue: true, Overdue: true,
		LastDate: "2025-03-10", LastScore: "50", DeliveryShort: "D"}
	want := string(caseloadBody(i18n.English, []row{benign}))
	wantTags, wantQuotes := len(tags.FindAllString(want, -1)), strings.Count(want, `"`)
	f.Fuzz(func(t *testing.T, s string) {
		r := benign
		// (DeliveryShort is progress's words, split at its commas into
		// pieces: not record text, and its markup follows the figures.)
		r.Student, r.Group, r.Interventionist, r.Grade, r.LastDate, r.LastScore, r.DecisionText, r.StatusText, r.NextReview = s, s, s, s, s, s, s, s, s
		got := string(caseloadBody(i18n.English, []row{r}))
		if n := len(tags.FindAllString(got, -1)); n != wantTags {
			t.Fatalf("%q: %d tags, want %d:\n%s", s, n, wantTags, got)
		}
		if n := strings.Count(got, `"`); n != wantQuotes {
			t.Fatalf("%q: %d quotes, want %d", s, n, wantQuotes)
		}
		m := regexp.MustCompile(`<td class="who"><a href="/students/s">([^<]*)</a></td>`).FindStringSubmatch(got)
		// (NUL is written as U+FFFD, as html/template does.)
		if m == nil || !strings.ContainsRune(s, 0) && html.UnescapeString(m[1]) != s {
			t.Fatalf("%q: the student cell reads %q", s, m)
		}
	})
}
