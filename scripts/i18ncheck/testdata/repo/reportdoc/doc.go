// Package reportdoc writes a PDF's footer.
package reportdoc

import "codeberg.org/go-pdf/fpdf"

func Footer(pdf *fpdf.Fpdf, page string) {
	pdf.SetFont("Liberation", "B", 9)
	pdf.CellFormat(0, 5, "Page "+page, "", 0, "C", false, 0, "")
	pdf.CellFormat(0, 5, page, "", 0, "C", false, 0, "")
}
