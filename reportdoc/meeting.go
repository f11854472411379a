package reportdoc

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"

	"smallwins/shared/i18n"
)

// MeetingDoc is a printable page set for the team meeting (CONSOLE.md §3
// `/meeting`: "printable agenda and minutes (PDF)"): a title, a line under
// it, unnumbered preamble sections (the minutes' attendees and action
// items), then one numbered section per goal. The console words it (the
// same sentences as its pages); this only lays it out, so the agenda and
// the minutes are one layout.
type MeetingDoc struct {
	Title    string // "Team meeting agenda"
	Subtitle string // school, date
	Empty    string // said when there is no numbered section
	Preamble []MeetingSection
	Sections []MeetingSection
	// Blank adds, under each section, ruled lines for notes taken by hand
	// (the agenda, printed before the meeting).
	Blank bool
	// Cards lays each numbered section out as a card of half a page (the
	// agenda, ADR 0017): two goals a page, each with its chart, its lines
	// and, with Blank, ruled lines in what is left of its half.
	Cards bool
	Date  string // YYYY-MM-DD: the document's creation date, so equal input gives equal bytes
	// Lang is the language of what this package words itself (the page
	// footer, the charts); "" is English. The console words the rest.
	Lang i18n.Lang
}

// MeetingSection is one goal (or a preamble part): a heading and its
// lines, each a paragraph, and optionally the goal's chart.
type MeetingSection struct {
	Heading string
	Lines   []string
	// Chart, when set, is drawn under the heading: the goal's chart, the
	// progress report's drawing (ADR 0019), in print type.
	Chart *Chart
}

// The agenda card's geometry, in points: two cards fit below the title on
// page 1 and on every later page.
const (
	cardH      = 300.0
	cardChartH = 168.0
	// cardChartDPI is lower than the report's chartDPI: a 7-inch chart at
	// 150 dpi prints sharp enough beside hand-written notes and costs
	// about half the time to draw, and an agenda draws up to 50 of them.
	cardChartDPI = 150
)

// MeetingPDF writes the document as PDF (US Letter, the progress report's
// fonts and margins, "Page n of N" on each page).
func MeetingPDF(w io.Writer, d MeetingDoc) error {
	charts, err := meetingCharts(d.Sections, d.Lang)
	if err != nil {
		return err
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	pdf.AliasNbPages(nbAlias)
	pdf.AddUTF8FontFromBytes(font, "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes(font, "B", liberationsansbold.TTF)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+footerH)
	pdf.SetCellMargin(0)
	pdf.SetTitle(d.Title, true)
	pdf.SetCreator("Small Wins", true)
	if t, err := time.Parse("2006-01-02", d.Date); err == nil {
		pdf.SetCreationDate(t)
		pdf.SetModificationDate(t)
	}
	pdf.SetFooterFunc(func() {
		pdf.SetY(pageH - margin - 10)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 10, catalog.T(d.Lang, "meeting.page", i18n.Args{"Title": d.Title, "Page": pdf.PageNo(), "Pages": nbAlias}), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	para := func(s string, size float64, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(font, style, size)
		pdf.MultiCell(0, size*1.35, s, "", "L", false)
	}
	bottom := pageH - margin - footerH
	ruledLines := func(n int) {
		pdf.SetDrawColor(160, 160, 160)
		for j := 0; j < n; j++ {
			pdf.Ln(18)
			y := pdf.GetY()
			pdf.Line(margin, y, pageW-margin, y)
		}
		pdf.SetDrawColor(0, 0, 0)
	}
	para(d.Title, 18, true)
	para(d.Subtitle, 10, false)
	pdf.Ln(8)
	for _, s := range d.Preamble {
		if pdf.GetY()+13*1.35+10*1.35 > bottom {
			pdf.AddPage()
		}
		para(s.Heading, 13, true)
		for _, l := range s.Lines {
			para(l, 10, false)
		}
		pdf.Ln(10)
	}
	if len(d.Sections) == 0 {
		para(d.Empty, 11, false)
	}
	const ruled = 3
	for i, s := range d.Sections {
		// A section starts on a new page when it would not fit: a card
		// when its half page would not, another when its heading and two
		// lines (and the ruled lines) would not: never a heading alone.
		need := 13*1.35 + 2*10*1.35
		if d.Cards {
			need = cardH
		} else if d.Blank {
			need += ruled * 18
		}
		if pdf.GetY()+need > bottom {
			pdf.AddPage()
		}
		top, page := pdf.GetY(), pdf.PageNo()
		para(fmt.Sprintf("%d. %s", i+1, s.Heading), 13, true)
		if png := charts[i]; png != nil {
			name := fmt.Sprintf("chart%d", i)
			opt := fpdf.ImageOptions{ImageType: "PNG"}
			pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(png))
			pdf.ImageOptions(name, margin, pdf.GetY()+2, chartW, cardChartH, false, opt, 0, "")
			pdf.SetY(pdf.GetY() + 2 + cardChartH + 4)
		}
		for _, l := range s.Lines {
			para(l, 10, false)
		}
		switch {
		case d.Cards:
			// The rest of the half page: ruled lines for notes, then the
			// next card starts at the half's end (or where the text ran to).
			if d.Blank {
				ruledLines(min(ruled, max(0, int((top+cardH-pdf.GetY()-10)/18))))
			}
			if end := top + cardH; pdf.PageNo() == page && pdf.GetY() < end {
				pdf.SetY(end)
			}
		case d.Blank:
			ruledLines(ruled)
			pdf.Ln(10)
		default:
			pdf.Ln(10)
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("reportdoc: meeting pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("reportdoc: meeting pdf: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// meetingCharts draws each section's chart as a PNG, a few at a time
// (drawing is CPU work; the layout is not), nil for a section without one.
func meetingCharts(secs []MeetingSection, lang i18n.Lang) ([][]byte, error) {
	out := make([][]byte, len(secs))
	errs := make([]error, len(secs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(1, runtime.GOMAXPROCS(0)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ch := *secs[i].Chart
				if ch.Lang == "" {
					ch.Lang = lang
				}
				out[i], errs[i] = chartPNG(ch, chartW/72, cardChartH/72, cardChartDPI, printStyle)
			}
		}()
	}
	for i, s := range secs {
		if s.Chart != nil {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("reportdoc: meeting chart: %w", err)
		}
	}
	return out, nil
}
