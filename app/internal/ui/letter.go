package ui

import (
	"bytes"
	"strings"

	"fyne.io/fyne/v2/lang"

	"smallwins/app/internal/repo"
	"smallwins/reportdoc"
	"smallwins/shared/record"
)

// Family letter: the goal's family progress letter (DOMAIN.md §4.3), written
// by reportdoc's renderer (the one behind the server's family-letter.pdf)
// from the report this screen already computed, in the student's
// family_language whatever the app's own language (ADR 0033), and handed to
// the platform's save/share like Share report (ADR 0632).

// familyLetterDoc is the letter of one goal: the report shown on the screen,
// the student's name and family language as this tablet holds them.
func (s *studentScreen) familyLetterDoc(gp goalProgress) reportdoc.FamilyLetterDoc {
	doc := reportdoc.FamilyLetterDoc{Report: gp.Report, Generated: gp.Report.AsOf}
	if gp.ds != nil {
		doc.Calendar = gp.ds.Calendar
	}
	// A student not synced yet is "Your child" in the letter, never the
	// screen's "Student not synced yet".
	if st, ok := repo.Get[record.Student](s.a.cfg.Records, s.id); ok {
		doc.Student = st.Data.DisplayName()
		doc.FamilyLanguage = st.Data.FamilyLanguage
	}
	if e := s.a.cfg.Sync; e != nil {
		doc.School = e.Enrolment().School
	}
	return doc
}

// shareLetter renders the family letter of one goal and offers to save it.
func (s *studentScreen) shareLetter(gp goalProgress) {
	doc := s.familyLetterDoc(gp)
	var buf bytes.Buffer
	if err := reportdoc.FamilyLetterPDF(&buf, doc); err != nil {
		s.a.warn(lang.L("letter.failed"))
		return
	}
	name := letterFileName(doc.Student, doc.Generated)
	s.a.saveDocument(name, buf.Bytes(), func(err error) {
		if err != nil {
			s.a.warn(notSavedWords(err))
			return
		}
		s.a.say(lang.L("letter.saved", map[string]any{"Name": name}))
	})
}

// letterFileName is "family-letter-ana-lee-2025-03-17.pdf" in the app's
// language: the report's file name rule (reportFileName) for the name and
// date, the catalog's word for the document; the date alone for a student
// not synced yet.
func letterFileName(student, asOf string) string {
	if strings.TrimSpace(student) == "" {
		return lang.L("letter.file.anonymous", map[string]any{"Date": asOf})
	}
	slug := strings.TrimSuffix(strings.TrimPrefix(reportFileName(student, asOf), "progress-"), ".pdf")
	return lang.L("letter.file.name", map[string]any{"Slug": slug})
}
