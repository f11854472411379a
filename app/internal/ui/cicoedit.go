package ui

import (
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// deleteCardButton deletes the day's CICO card (a card started on the
// wrong student or day), with the undo bar (ADR 0620). Each tap on a box is
// already a new version of the card, and tapping on round the cycle undoes
// a rating; this removes the whole card.
func (s *cicoScreen) deleteCardButton() *Button {
	s.del = newImportant(lang.L("cico.delete"), widget.DangerImportance, func() {
		m := s.m
		if m == nil || m.id == "" {
			s.a.say(lang.L("cico.delete.nothing"))
			return
		}
		reload := func() { s.m = loadCICO(s.a.cfg.Records, m.studentID, m.date) }
		if s.a.deleteUndoableThen(lang.L("cico.deleted", map[string]any{"Date": prettyDate(m.date)}), m.id, reload) {
			reload()
			s.refresh()
		}
	})
	return s.del
}
