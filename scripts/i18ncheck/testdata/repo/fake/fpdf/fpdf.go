// Package fpdf stands in for go-pdf/fpdf.
package fpdf

type Fpdf struct{}

func (f *Fpdf) CellFormat(w, h float64, txtStr, borderStr string, ln int, alignStr string, fill bool, link int, linkStr string) {
}

func (f *Fpdf) SetFont(family, style string, size float64) {}
