package ui

import (
	"fmt"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// Share report: the tablet renders the goal's PDF (Config.ReportPDF, the
// server's renderer) and hands it to the platform through Fyne's file-save
// dialog: on a desktop a save dialog over the folders; on Android Fyne
// opens the system's save picker (mobile.ShowFileSavePicker: the Storage
// Access Framework), which saves to the device, a cloud drive or another
// app, and gives Fyne a content URI to write. One code path, the
// platform's own chooser (ADR 0632).

// shareReport renders and offers to save the report of one goal.
func (s *studentScreen) shareReport(gp goalProgress) {
	if s.a.cfg.ReportPDF == nil {
		return
	}
	school := ""
	if s.a.cfg.Sync != nil {
		school = s.a.cfg.Sync.Enrolment().School
	}
	data, err := s.a.cfg.ReportPDF(gp.Report, s.name, school)
	if err != nil {
		s.a.warn("The report could not be made on this tablet.")
		return
	}
	s.a.saveFile(reportFileName(s.name, gp.Report.AsOf), data)
}

// reportFileName is "progress-ana-lee-2025-03-17.pdf": letters and digits
// of the name, the rest as single dashes.
func reportFileName(student, asOf string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(student) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = "student"
	}
	return "progress-" + name + "-" + asOf + ".pdf"
}

// saveFile asks the platform where to save data (see above) and writes it
// there; the outcome is said on the status line.
func (a *App) saveFile(name string, data []byte) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			a.warn("The report was not saved: the place chosen cannot be written.")
			return
		}
		if w == nil {
			return // the person closed the dialog
		}
		a.writeSaved(w, data)
	}, a.win)
	d.SetFileName(name)
	// On Android the filter gives the picker its document type (a PDF).
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	d.Show()
}

// writeSaved writes data to the place chosen and says where.
func (a *App) writeSaved(w fyne.URIWriteCloser, data []byte) {
	_, err := w.Write(data)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		a.warn("The report was not saved: writing it failed.")
		return
	}
	a.say(fmt.Sprintf("Report saved as %s.", w.URI().Name()))
}
