package ui

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// Correcting a finished session (ADR 0620): "Reopen to correct" turns a
// delivered or cancelled session back into the running screen; leaving it
// or finishing again saves it finished, and the undo bar can put back the
// version from before the reopening. "Delete session" writes a tombstone,
// also with undo. Each step is a new version (ADR 0620).

// Reopen makes a finished session editable again: status in_progress, its
// minutes kept (the finish dialog proposes them again), and minutes
// received by late students turned back into the minute they came (ADR
// 0602's interim meaning), so that finishing again gives the same figures.
// before is the version being reopened (undo writes it back).
func (m *sessionModel) Reopen(ctx context.Context) error {
	if m.running() {
		return errors.New("the session is already open")
	}
	before, err := m.rec.Get(m.id)
	if err != nil {
		return err
	}
	prev := m.s
	if err := m.mutate(ctx, func(s *record.Session) {
		s.Status = record.SessionInProgress
		for k := range s.Attendance {
			a := &s.Attendance[k]
			if a.Status == record.Late && a.Minutes != nil {
				a.Minutes = ptr(math.Max(0, s.Minutes-*a.Minutes))
			}
		}
	}); err != nil {
		return err
	}
	m.reopened = &reopened{env: before, s: prev}
	return nil
}

// reopened is what a corrected session was before it was reopened.
type reopened struct {
	env record.Envelope // the stored version, written back by an undo
	s   record.Session
}

// closeReopened saves a reopened session finished again as it was before
// (delivered with its minutes, or cancelled with its reason), keeping the
// corrections: leaving the screen is how a person says "done correcting".
func (m *sessionModel) closeReopened(ctx context.Context) error {
	if m.reopened == nil || !m.running() {
		return nil
	}
	prev := m.reopened.s
	if prev.Status == record.SessionCancelled {
		return m.Cancel(ctx, prev.CancelReason)
	}
	mins := m.s.Minutes
	if mins <= 0 {
		mins = prev.Minutes
	}
	return m.Finish(ctx, mins)
}

// restore writes back the version from before the reopening, as a new
// version, and shows it.
func (m *sessionModel) restore(ctx context.Context) error {
	if m.reopened == nil {
		return nil
	}
	env := m.reopened.env
	if _, err := m.rec.Put(ctx, env.Type, env.ID, json.RawMessage(env.Data), env.Restricted); err != nil {
		return err
	}
	if d, ok := repo.Get[record.Session](m.rec, m.id); ok {
		m.s = d.Data
	}
	m.reopened = nil
	return nil
}

// editButtons are the finished view's Reopen and Delete.
func (s *sessionScreen) editButtons() fyne.CanvasObject {
	s.reopen = NewButton(lang.L("session.reopen"), s.tapReopen)
	s.deleteBtn = newImportant(lang.L("session.delete"), widget.DangerImportance, s.tapDelete)
	return container.NewGridWithColumns(2, s.reopen, s.deleteBtn)
}

func (s *sessionScreen) tapReopen() {
	if err := s.m.Reopen(context.Background()); err != nil {
		s.a.warn(lang.L("session.not_reopened", map[string]any{"Why": PlainError(err)}))
		return
	}
	s.a.setResume(s.m.id)
	s.refresh()
	s.offerRestore(lang.L("session.reopened"))
}

// offerRestore offers to put back the version from before the reopening.
func (s *sessionScreen) offerRestore(msg string) {
	s.a.undo.offer(msg, func() error {
		if err := s.m.restore(context.Background()); err != nil {
			return err
		}
		s.a.clearResume(s.m.id)
		return nil
	})
}

// tapDelete asks once before a whole session goes, saying what goes with
// it: a session holds the taps of a whole lesson (ADR 0650: it went on one
// tap). The deletion then offers Undo like every other.
func (s *sessionScreen) tapDelete() {
	s.a.ask(lang.L("session.delete.title"), sessionLoss(s.m.groupName, s.m.s), lang.L("session.delete.keep"), lang.L("session.delete"), widget.DangerImportance, s.deleteNow)
}

// sessionLoss says what deleting a session takes out of the records.
func sessionLoss(group string, ss record.Session) string {
	what := lang.L("session.loss.what", map[string]any{"Group": group, "Date": prettyDate(ss.Date)})
	var parts []string
	if n := len(ss.Attendance); n > 0 {
		parts = append(parts, lang.N("session.loss.attendance", n, map[string]any{"Count": n}))
	}
	if ss.Status == record.SessionCancelled {
		parts = append(parts, lang.L("session.loss.cancellation", map[string]any{"Reason": ss.CancelReason}))
	} else {
		if n := len(ss.Fidelity); n > 0 {
			parts = append(parts, lang.N("session.loss.steps", n, map[string]any{"Count": n}))
		}
		switch {
		case ss.Minutes == 1:
			parts = append(parts, lang.L("session.loss.minute_one"))
		case ss.Minutes > 0:
			parts = append(parts, lang.L("session.loss.minutes", map[string]any{"Min": sayMin(ss.Minutes)}))
		}
	}
	if strings.TrimSpace(ss.Note) != "" {
		parts = append(parts, lang.L("session.loss.note"))
	}
	if len(parts) > 0 {
		what = lang.L("session.loss.with", map[string]any{"What": what, "Parts": joinAnd(parts)})
	}
	return lang.L("session.loss.sentence", map[string]any{"What": what})
}

// joinAnd is "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	return lang.L("session.join_and", map[string]any{"List": strings.Join(parts[:len(parts)-1], ", "), "Last": parts[len(parts)-1]})
}

// deleteNow writes the session's tombstone, with Undo, and leaves it.
func (s *sessionScreen) deleteNow() {
	what := lang.L("session.deleted", map[string]any{"Date": prettyDate(s.m.s.Date)})
	if !s.a.deleteUndoable(what, s.m.id) {
		return
	}
	s.a.clearResume(s.m.id)
	if len(s.a.stack) > 1 {
		s.a.Back()
	} else {
		s.a.Root(TabToday)
	}
}

// minutesRow is, while a session is corrected, the minutes a late or
// early-leaving student was with the group: there is no tap time to go by
// afterwards (ADR 0602), so the person says it. Elsewhere it is empty.
func (s *sessionScreen) minutesRow(i int) fyne.CanvasObject {
	s.popReceived, s.popSaveMins = nil, nil
	at := s.m.s.Attendance[i]
	if s.m.reopened == nil || (at.Status != record.Late && at.Status != record.LeftEarly) {
		return container.NewVBox()
	}
	s.popReceived = widget.NewEntry()
	s.popReceived.SetPlaceHolder(lang.L("session.received.placeholder"))
	if r, ok := s.m.received(i); ok {
		s.popReceived.SetText(sayNum(r))
	}
	s.popSaveMins = NewButton(lang.L("session.received.save"), func() {
		v, err := parseFigure(s.popReceived.Text)
		if err != nil || v < 0 || v > s.m.s.Minutes {
			s.a.warn(lang.L("session.received.range", map[string]any{"Max": sayNum(s.m.s.Minutes)}))
			return
		}
		if err := s.m.SetReceived(context.Background(), i, v); err != nil {
			s.a.warn(notSavedWords(err))
			return
		}
		s.closePopup()
		s.refresh()
	})
	return container.NewBorder(nil, nil, widget.NewLabel(lang.L("session.received.label")), s.popSaveMins, s.popReceived)
}

// received is the minutes student i is counted for when the corrected
// session is finished again with its minutes; false when not known (the
// whole session will count).
func (m *sessionModel) received(i int) (float64, bool) {
	a := m.s.Attendance[i]
	if a.Minutes == nil {
		return 0, false
	}
	if a.Status == record.Late {
		return math.Max(0, m.s.Minutes-*a.Minutes), true // Minutes holds the arrival minute
	}
	return math.Min(*a.Minutes, m.s.Minutes), true
}

// SetReceived records that student i (late or left early) was with the
// group v minutes, in the running session's terms: a late student's
// arrival minute, an early leaver's leaving minute (ADR 0602).
func (m *sessionModel) SetReceived(ctx context.Context, i int, v float64) error {
	if i < 0 || i >= len(m.s.Attendance) {
		return errors.New("no such student")
	}
	return m.mutate(ctx, func(s *record.Session) {
		a := &s.Attendance[i]
		switch a.Status {
		case record.Late:
			a.Minutes = ptr(math.Max(0, s.Minutes-v))
		case record.LeftEarly:
			a.Minutes = ptr(v)
		}
	})
}
