package reportdoc

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestMeetingPDF: every section's heading and lines are in the text, in
// order; a long agenda flows onto numbered pages; an empty one says so.
func TestMeetingPDF(t *testing.T) {
	d := MeetingDoc{Title: "Team meeting agenda", Subtitle: "Lincoln Elementary - 2025-03-17", Blank: true, Date: "2025-03-17"}
	for i := 0; i < 14; i++ {
		d.Sections = append(d.Sections, MeetingSection{Heading: fmt.Sprintf("Élodie Núñez-%d - Oral reading fluency", i),
			Lines: []string{"Change the instruction. The last 4 points are all below the aimline.", "Its review is due."}})
	}
	var buf bytes.Buffer
	if err := MeetingPDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
	last := -1
	for i := range d.Sections {
		at := strings.Index(text, fmt.Sprintf("%d. Élodie Núñez-%d - Oral reading fluency Change the instruction.", i+1, i))
		if at < 0 || at < last {
			t.Fatalf("section %d missing or out of order in %s", i, text)
		}
		last = at
	}
	pages := regexp.MustCompile(`Team meeting agenda - page (\d+) of (\d+)`).FindAllStringSubmatch(text, -1)
	if len(pages) < 2 || pages[0][1] != "1" || pages[len(pages)-1][1] != pages[len(pages)-1][2] || pages[0][2] != fmt.Sprint(len(pages)) {
		t.Errorf("page numbers %v in %s", pages, text)
	}
	buf.Reset()
	if err := MeetingPDF(&buf, MeetingDoc{Title: "Minutes", Empty: "No decision was recorded on 2025-03-17."}); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, buf.Bytes()); !strings.Contains(text, "No decision was recorded on 2025-03-17.") {
		t.Errorf("empty minutes: %s", text)
	}
}

// TestMeetingPDFCards: the agenda's cards are two a page, each with its
// chart (one image per card), in order.
func TestMeetingPDFCards(t *testing.T) {
	d := MeetingDoc{Title: "Team meeting agenda", Subtitle: "Lincoln Elementary - 2025-03-17", Blank: true, Cards: true, Date: "2025-03-17"}
	const n = 5
	for i := 0; i < n; i++ {
		r := example51(t)
		r.Points = r.Points[:len(r.Points)-i] // a chart of its own (equal images are stored once)
		d.Sections = append(d.Sections, MeetingSection{Heading: fmt.Sprintf("Student %d - Oral reading fluency", i), Chart: &Chart{Report: r},
			Lines: []string{"Change the instruction. The last 4 points are all below the aimline.", "Delivery: attendance 61%, dose 50%, fidelity 92%."}})
	}
	var buf bytes.Buffer
	if err := MeetingPDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(buf.Bytes(), []byte("/Subtype /Image")); got != n {
		t.Errorf("%d images, want one chart per card (%d)", got, n)
	}
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
	if !strings.HasPrefix(text, "Team meeting agenda Lincoln Elementary - 2025-03-17 1. Student 0") {
		t.Errorf("the first card does not follow the title: %.200s", text)
	}
	pages := regexp.MustCompile(`Team meeting agenda - page (\d+) of (\d+)`).FindAllStringSubmatch(text, -1)
	if want := (n + 1) / 2; len(pages) != want {
		t.Errorf("%d pages for %d cards, want %d (two a page)", len(pages), n, want)
	}
	// Page by page: cards 1–2, 3–4, 5.
	for p, want := range [][]int{{1, 2}, {3, 4}, {5}} {
		pt := strings.Join(strings.Fields(pdfText(t, buf.Bytes(), "-f", fmt.Sprint(p+1), "-l", fmt.Sprint(p+1))), " ")
		for _, c := range want {
			if !strings.Contains(pt, fmt.Sprintf("%d. Student %d", c, c-1)) {
				t.Errorf("page %d lacks card %d: %s", p+1, c, pt)
			}
		}
		if strings.Count(pt, ". Student ") != len(want) {
			t.Errorf("page %d holds %d cards, want %d", p+1, strings.Count(pt, ". Student "), len(want))
		}
	}
}

// TestMeetingPDFPreamble: the minutes' attendees and action items come
// before the numbered decisions, unnumbered, and an empty list of
// decisions still says so after them.
func TestMeetingPDFPreamble(t *testing.T) {
	d := MeetingDoc{Title: "Team meeting minutes", Subtitle: "Lincoln Elementary - 2025-03-17", Empty: "No decision was recorded on 2025-03-17.",
		Preamble: []MeetingSection{{Heading: "Attendees", Lines: []string{"Casey Coach, Ana Rivera."}},
			{Heading: "Action items", Lines: []string{"1. Call the family. Owner: Ana Rivera. Due 2025-03-24."}}}}
	var buf bytes.Buffer
	if err := MeetingPDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
	if want := "Team meeting minutes Lincoln Elementary - 2025-03-17 Attendees Casey Coach, Ana Rivera. Action items 1. Call the family. Owner: Ana Rivera. Due 2025-03-24. No decision was recorded on 2025-03-17."; !strings.HasPrefix(text, want) {
		t.Errorf("minutes:\n%s\nwant\n%s", text, want)
	}
}
