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
