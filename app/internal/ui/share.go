package ui

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2/lang"
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
		s.a.warn(lang.L("share.not_made"))
		return
	}
	name := reportFileName(s.name, gp.Report.AsOf)
	s.a.saveDocument(name, data, func(err error) {
		if err != nil {
			s.a.warn(lang.L("share.not_saved", map[string]any{"Why": PlainError(err)}))
			return
		}
		s.a.say(lang.L("share.saved", map[string]any{"Name": name}))
	})
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
