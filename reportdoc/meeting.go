package reportdoc

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
)

// MeetingDoc is a printable page set for the team meeting (CONSOLE.md §3
// `/meeting`: "printable agenda and minutes (PDF)"): a title, a line under
// it, and one section per goal. The console words it (the same sentences
// as its pages); this only lays it out, so the agenda and the minutes are
// one layout.
type MeetingDoc struct {
	Title    string // "Team meeting agenda"
	Subtitle string // school, date
	Empty    string // said when there is no section
	Sections []MeetingSection
	// Blank adds, under each section, ruled lines for notes taken by hand
	// (the agenda, printed before the meeting).
	Blank bool
	Date  string // YYYY-MM-DD: the document's creation date, so equal input gives equal bytes
}

// MeetingSection is one goal: a heading and its lines, each a paragraph.
type MeetingSection struct {
	Heading string
	Lines   []string
}

// MeetingPDF writes the document as PDF (US Letter, the progress report's
// fonts and margins, "Page n of N" on each page).
func MeetingPDF(w io.Writer, d MeetingDoc) error {
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
		pdf.CellFormat(0, 10, fmt.Sprintf("%s - page %d of %s", d.Title, pdf.PageNo(), nbAlias), "", 0, "C", false, 0, "")
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
	para(d.Title, 18, true)
	para(d.Subtitle, 10, false)
	pdf.Ln(8)
	if len(d.Sections) == 0 {
		para(d.Empty, 11, false)
	}
	const ruled = 3
	for i, s := range d.Sections {
		// A section starts on a new page when its heading and two lines
		// (and the ruled lines) would not fit: never a heading alone.
		need := 13*1.35 + 2*10*1.35
		if d.Blank {
			need += ruled * 18
		}
		if pdf.GetY()+need > pageH-margin-footerH {
			pdf.AddPage()
		}
		para(fmt.Sprintf("%d. %s", i+1, s.Heading), 13, true)
		for _, l := range s.Lines {
			para(l, 10, false)
		}
		if d.Blank {
			pdf.SetDrawColor(160, 160, 160)
			for j := 0; j < ruled; j++ {
				pdf.Ln(18)
				y := pdf.GetY()
				pdf.Line(margin, y, pageW-margin, y)
			}
			pdf.SetDrawColor(0, 0, 0)
		}
		pdf.Ln(10)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("reportdoc: meeting pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("reportdoc: meeting pdf: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
