package reportdoc

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"smallwins/shared/progress"
)

// longName is about 120 characters of accented Latin: the old layout cut
// such names by bytes, sometimes inside a character, and overflowed the page.
const longName = "Zoë Ñúñez-Bérénice Ångström-Łukasiewicz Øyelaran-Çelik Đorđević-Šťastná Żółkiewska-Ýmir Þórsdóttir-Ærenfeld Ğülşen-Dvořák"

func TestLongNameIsAbout120Characters(t *testing.T) {
	if n := utf8.RuneCountInString(longName); n < 110 || n > 130 {
		t.Fatalf("longName has %d characters", n)
	}
}

// placed is one line of text as fpdf placed it: page (from 1), the start of
// its baseline in PDF points (origin bottom left), and the text.
type placed struct {
	page int
	x, y float64
	text string
}

// tjRE matches fpdf's text operator for a UTF-8 font: BT x y Td (UTF-16BE)Tj ET.
var tjRE = regexp.MustCompile(`BT (-?[0-9.]+) (-?[0-9.]+) Td \(((?:\\.|[^\\)])*)\)Tj ET`)

// placedLines lays the report out, writes it uncompressed and reads back
// every line of text with its page and position.
func placedLines(t *testing.T, r progress.Report, meta DocMeta) ([]placed, int, []byte) {
	t.Helper()
	pdf, err := progressPDF(r, meta)
	if err != nil {
		t.Fatal(err)
	}
	pages := pdf.PageNo()
	pdf.SetCompression(false)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	// fpdf writes each page object followed by its content stream.
	chunks := bytes.Split(buf.Bytes(), []byte("<</Type /Page\n"))
	if len(chunks)-1 != pages {
		t.Fatalf("%d page objects, PageNo %d", len(chunks)-1, pages)
	}
	var out []placed
	for i, c := range chunks[1:] {
		for _, m := range tjRE.FindAllSubmatch(c, -1) {
			x, _ := strconv.ParseFloat(string(m[1]), 64)
			y, _ := strconv.ParseFloat(string(m[2]), 64)
			out = append(out, placed{page: i + 1, x: x, y: y, text: decodePDFString(t, m[3])})
		}
	}
	return out, pages, buf.Bytes()
}

// decodePDFString undoes fpdf's escaping and UTF-16BE encoding, failing the
// test on anything that is not whole characters.
func decodePDFString(t *testing.T, b []byte) string {
	t.Helper()
	var raw []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			i++
			if b[i] == 'r' {
				raw = append(raw, '\r')
				continue
			}
		}
		raw = append(raw, b[i])
	}
	if len(raw)%2 != 0 {
		t.Fatalf("odd UTF-16 length %d: % x", len(raw), raw)
	}
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
	}
	s := string(utf16.Decode(u))
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		t.Fatalf("a line holds a broken character: %q", s)
	}
	return s
}

func TestProgressPDFWrapsALongAccentedName(t *testing.T) {
	r := example51(t)
	lines, pages, _ := placedLines(t, r, DocMeta{Student: longName, School: "Lincoln Elementary", Generated: "2025-03-18"})

	// The title lines are those before the line under it (school, measure...).
	var title []string
	for _, l := range lines {
		if strings.HasPrefix(l.text, "Lincoln Elementary") {
			break
		}
		title = append(title, l.text)
	}
	if len(title) < 2 {
		t.Fatalf("the title was not wrapped: %q", title)
	}
	if got, want := strings.Join(title, " "), "Progress report: "+longName; got != want {
		t.Fatalf("title lines %q\njoined %q\nwant   %q", title, got, want)
	}
	// Each title line fits the text width, measured with the real metrics.
	m, err := progressPDF(progress.Report{}, DocMeta{})
	if err != nil {
		t.Fatal(err)
	}
	m.SetFont(font, "B", 18)
	for _, l := range title {
		if w := m.GetStringWidth(l); w > pageW-2*margin {
			t.Errorf("title line %q is %.1f pt wide, more than %.1f", l, w, pageW-2*margin)
		}
	}
	// The name is in the sufficiency statement too, whole after wrapping.
	var all []string
	for _, l := range lines {
		all = append(all, l.text)
	}
	if !strings.Contains(strings.Join(all, " "), "rate of progress, "+longName+" is not expected") {
		t.Error("the sufficiency statement lost the name")
	}
	// Later pages repeat the name in a header, shortened by whole characters.
	if pages < 2 {
		t.Fatalf("%d pages; the points table should reach page 2", pages)
	}
	for _, l := range lines {
		if l.page == 2 && strings.HasPrefix(l.text, "Progress report: ") {
			short := strings.TrimSuffix(l.text, "…")
			if short == l.text || !strings.HasPrefix("Progress report: "+longName, short) {
				t.Errorf("page 2 header %q is not a shortened title", l.text)
			}
			return
		}
	}
	t.Error("page 2 has no header")
}

// longHistory is a report with 200 weekly points and 200 notes on the data.
func longHistory(t *testing.T) progress.Report {
	r := example51(t)
	r.Points = nil
	for i := range 200 {
		aim := 44 + 2*float64(i)
		r.Points = append(r.Points, progress.Point{Date: fmt.Sprintf("W%03d", i+1), Week: float64(i + 1), Score: 45 + float64(i%17), Aimline: &aim, Position: "below"})
	}
	for i := range 200 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("warning number %d: the probe of week %d was given by a substitute, so its score is compared with care.", i+1, i+1))
	}
	return r
}

func TestProgressPDFLongHistoryBreaksOntoPages(t *testing.T) {
	r := longHistory(t)
	lines, pages, _ := placedLines(t, r, DocMeta{Student: "Ava Martinez", School: "Lincoln Elementary", Generated: "2025-03-18"})
	if pages < 5 {
		t.Fatalf("200 points and 200 notes on %d pages", pages)
	}
	footers := map[int]string{}
	dates := map[string]int{}
	heads := 0
	var text []string
	for _, l := range lines {
		// Every line starts inside the margins and its baseline is inside
		// the page's text area (the footer sits in the bottom margin's top).
		if l.x < margin-0.01 || l.x > pageW-margin || l.y < margin || l.y > pageH-margin {
			t.Errorf("page %d: %q placed at (%.1f, %.1f), outside the margins", l.page, l.text, l.x, l.y)
		}
		if strings.HasPrefix(l.text, "Page ") {
			footers[l.page] = l.text
		}
		if regexp.MustCompile(`^W[0-9]{3}$`).MatchString(l.text) {
			dates[l.text]++
		}
		if l.text == "Date" {
			heads++
		}
		text = append(text, l.text)
	}
	for p := 1; p <= pages; p++ {
		if want := fmt.Sprintf("Page %d of %d", p, pages); footers[p] != want {
			t.Errorf("page %d footer %q, want %q", p, footers[p], want)
		}
	}
	if len(dates) != 200 {
		t.Errorf("%d distinct points in the table, want 200", len(dates))
	}
	for d, n := range dates {
		if n != 1 {
			t.Errorf("point %s listed %d times", d, n)
		}
	}
	if heads < 2 {
		t.Errorf("the table's column heads appear %d times; they should repeat on each page it runs to", heads)
	}
	joined := strings.Join(text, " ")
	for _, i := range []int{1, 100, 200} {
		if !strings.Contains(joined, fmt.Sprintf("warning number %d: the probe of week %d was given by a substitute, so its score is compared with care.", i, i)) {
			t.Errorf("warning %d is missing or mangled", i)
		}
	}
}

// requireTool finds a poppler tool, or skips the test loudly; with CI=true
// it fails instead (scripts/deps.sh installs poppler-utils).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI (apt-get install poppler-utils): %v", name, err)
		}
		t.Skipf("\n*** SKIPPING: %s is not installed (make deps installs poppler-utils) ***\n", name)
	}
	return p
}

// pdfText runs pdftotext on the PDF and returns its words joined by single
// spaces, so a wrapped sentence reads as one.
func pdfText(t *testing.T, pdf []byte, args ...string) string {
	t.Helper()
	bin := requireTool(t, "pdftotext")
	cmd := exec.Command(bin, append(args, "-", "-")...)
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func TestProgressPDFTextByPoppler(t *testing.T) {
	r := example51(t)
	var buf bytes.Buffer
	if err := ProgressPDF(&buf, r, DocMeta{Student: longName, School: "Lincoln Elementary", Measure: "Oral reading fluency (words correct per minute)", Generated: "2025-03-18"}); err != nil {
		t.Fatal(err)
	}
	// -layout keeps a table row on one line.
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes(), "-layout")), " ")
	for _, want := range []string{
		"Progress report: " + longName,
		"Decision: Change the instruction",
		"is not expected to reach the goal of 78 by 2025-05-12 (projected 59.7)",
		"Baseline: 42 (median of 42, 45, 40).",
		"Present level: 51 (median of the last 3 points).",
		"Expected level on the aimline at 2025-03-17: 62.",
		"Goal: 78 by 2025-05-12.",
		// One rounding rule with the tablet (ADR 0630), and the tablet's
		// words (ADR 0651): a growth a week, no method's name, no colour code.
		"Growing 0.92 words correct a week (0.86 if unusual scores count for less); the goal needs 2.",
		"At this rate, 59.7 by the goal date.",
		"10 points after the baseline over 10 weeks. The light is red: the newest 3 of the last 4 points are below the aimline.",
		"2025-03-17 10 53 62 below", // the last row of the points table
		"Page 1 of 2", "Page 2 of 2",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q\n%s", want, text)
		}
	}
}

// bboxDoc is pdftotext -bbox's XHTML: pages with the boxes of their words.
type bboxDoc struct {
	Pages []struct {
		W     float64 `xml:"width,attr"`
		H     float64 `xml:"height,attr"`
		Words []struct {
			XMin float64 `xml:"xMin,attr"`
			YMin float64 `xml:"yMin,attr"`
			XMax float64 `xml:"xMax,attr"`
			YMax float64 `xml:"yMax,attr"`
			Text string  `xml:",chardata"`
		} `xml:"word"`
	} `xml:"body>doc>page"`
}

func TestProgressPDFPagesHoldTheirWordsByPoppler(t *testing.T) {
	r := longHistory(t)
	var buf bytes.Buffer
	if err := ProgressPDF(&buf, r, DocMeta{Student: longName, School: "Lincoln Elementary", Generated: "2025-03-18"}); err != nil {
		t.Fatal(err)
	}
	var doc bboxDoc
	if err := xml.Unmarshal([]byte(pdfText(t, buf.Bytes(), "-bbox")), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Pages) < 5 {
		t.Fatalf("poppler reads %d pages", len(doc.Pages))
	}
	for i, p := range doc.Pages {
		if p.W != pageW || p.H != pageH {
			t.Fatalf("page %d is %v×%v", i+1, p.W, p.H)
		}
		if len(p.Words) == 0 {
			t.Errorf("page %d is empty", i+1)
		}
		// Words are measured by poppler from the embedded font: each lies
		// within the margins (one point of slack for glyph side bearings).
		for _, w := range p.Words {
			if w.XMin < margin-1 || w.XMax > pageW-margin+1 || w.YMin < margin-1 || w.YMax > pageH-margin+1 {
				t.Errorf("page %d: %q at x %.1f–%.1f, y %.1f–%.1f leaves the text area", i+1, w.Text, w.XMin, w.XMax, w.YMin, w.YMax)
			}
		}
	}
}
