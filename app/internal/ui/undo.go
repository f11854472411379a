package ui

import (
	"context"
	"encoding/json"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smallwins/shared/record"
)

// undoFor is how long the undo bar stays (when the app has a ticker).
const undoFor = 10 * time.Second

// undoBar offers to undo the last edit or deletion. It floats above the
// bottom navigation in a layer of its own, so showing or hiding it never
// moves the screen under the person's finger (ADR 0620). Undo is a new
// write, never a rollback: it writes the previous version back as a new
// version (records are last-writer-wins, PROTOCOL §1), so the change and its
// undo both sync like any other edit (ADR 0620).
type undoBar struct {
	a     *App
	layer *fyne.Container // the overlay over the whole window
	panel *fyne.Container
	text  *widget.Label
	undo  *Button
	close *Button
	act   func() error
	stop  func()
	// offers counts the offers made, so a form can tell that its save
	// offered an undo (which says what was saved).
	offers int
}

func newUndoBar(a *App, nav fyne.CanvasObject) *undoBar {
	u := &undoBar{a: a}
	u.text = wrapLabel("")
	u.undo = newImportant(lang.L("undo.undo"), widget.HighImportance, u.tapUndo)
	u.close = NewButton("✕", u.hide)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor = theme.Color(theme.ColorNameShadow)
	bg.StrokeWidth = 1
	bg.CornerRadius = 8
	u.panel = container.NewStack(bg, container.NewPadded(
		container.NewBorder(nil, nil, nil, container.NewHBox(u.undo, u.close), u.text)))
	u.panel.Hide()
	u.layer = container.New(&aboveLayout{below: nav}, u.panel)
	return u
}

// label writes the bar's button in the app's language (after a change of language).
func (u *undoBar) label() { u.undo.SetText(lang.L("undo.undo")) }

// aboveLayout places its one object across the bottom of the window, just
// above `below` (the navigation bar), at its own height: an overlay, so the
// screen beneath keeps its size and place.
type aboveLayout struct{ below fyne.CanvasObject }

func (l *aboveLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding() * 2
	for _, o := range objs {
		h := o.MinSize().Height
		w := size.Width - 2*pad
		if w > 720 {
			w = 720
		}
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, size.Height-l.below.Size().Height-h-pad))
	}
}

func (l *aboveLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

// offer shows msg with Undo; act writes the previous state back.
func (u *undoBar) offer(msg string, act func() error) {
	u.stopTimer()
	u.offers++
	u.act = act
	u.text.SetText(msg)
	u.undo.Show()
	u.panel.Show()
	u.layer.Refresh()
	u.stop = u.a.tick(undoFor, u.expire)
}

// expire is the timer's end: the bar goes, unless the lock screen covers
// the app then. A person who locks (or is locked out) right after a
// deletion gets the whole time again after the PIN (resume).
func (u *undoBar) expire() {
	if u.a.win.Content() != u.a.frame {
		u.stopTimer()
		return
	}
	u.hide()
}

// resume gives a bar still up its whole time again when the app is shown
// after the lock.
func (u *undoBar) resume() {
	if u.panel.Visible() {
		u.stopTimer()
		u.stop = u.a.tick(undoFor, u.expire)
	}
}

func (u *undoBar) hide() {
	u.stopTimer()
	u.act = nil
	u.panel.Hide()
	u.layer.Refresh()
}

func (u *undoBar) stopTimer() {
	if u.stop != nil {
		u.stop()
		u.stop = nil
	}
}

func (u *undoBar) tapUndo() {
	act := u.act
	if act == nil {
		return
	}
	u.act = nil
	if err := act(); err != nil {
		u.hide()
		u.a.warn(lang.L("undo.not_undone", map[string]any{"Why": PlainError(err)}))
		return
	}
	// Said in the bar itself (no message under the header that would push
	// the screen down); the bar goes with ✕, the next action or its timer.
	u.text.SetText(lang.L("undo.undone"))
	u.undo.Hide()
	u.a.clearConfirmation() // "Saved." is no longer true beside "Undone."
	u.layer.Refresh()
	if s := u.a.current(); s != nil {
		s.refresh() // e.g. a deleted probe is back in the student's list
	}
}

// UndoText is the undo bar's message ("" when hidden; tests).
func (a *App) UndoText() string {
	if !a.undo.panel.Visible() {
		return ""
	}
	return a.undo.text.Text
}

// errChangedSince: the record changed again after the action to undo.
var errChangedSince = langErr("undo.changed_since")

// langErr is an error whose sentence is a catalog message, said in the language of the moment
// it is shown.
type langErr string

func (e langErr) Error() string { return lang.L(string(e)) }
func (e langErr) Plain() string { return lang.L(string(e)) }

// offerUndo shows the undo bar for a write of record id that left it at
// version hlc (a tombstone's HLC after a delete). prev is the version
// before (nil when the write created the record: undo deletes it). Undo
// refuses when the record has changed again since (another tap or a pull),
// rather than silently overwriting that change.
func (a *App) offerUndo(msg, id, hlc string, prev *record.Envelope) {
	a.undo.offer(msg, a.restorer(id, hlc, prev))
}

// restorer is offerUndo's action: write prev back over id (delete id when
// prev is nil), only if id is still at version hlc — checked in the write's
// own transaction, so a pull landing meanwhile is never overwritten.
func (a *App) restorer(id, hlc string, prev *record.Envelope) func() error {
	return func() error {
		ctx := context.Background()
		var ok bool
		var err error
		if prev == nil || prev.Deleted {
			_, ok, err = a.cfg.Records.DeleteIf(ctx, id, hlc)
		} else {
			_, ok, err = a.cfg.Records.PutIf(ctx, prev.Type, prev.ID, json.RawMessage(prev.Data), prev.Restricted, hlc)
		}
		if err != nil {
			return err
		}
		if !ok {
			return errChangedSince
		}
		return nil
	}
}

// putUndoable writes v over record id (which must exist), keeping it
// restricted if it was, and offers to undo it; the previous version is read
// in the same breath. It returns false
// when the write failed (the warning is shown).
func (a *App) putUndoable(msg, typ, id string, v any, restricted bool) bool {
	prev, err := a.cfg.Records.Get(id)
	if err != nil {
		a.warn(lang.L("undo.not_saved_gone"))
		return false
	}
	// An edit never lifts a restriction (PROTOCOL §6): a restricted record
	// edited here stays restricted, whatever its type.
	e, err := a.cfg.Records.Put(context.Background(), typ, id, v, restricted || prev.Restricted)
	if err != nil {
		a.warn(lang.L("common.not_saved", map[string]any{"Why": PlainError(err)}))
		return false
	}
	a.offerUndo(msg, id, e.HLC, &prev)
	return true
}

// deleteUndoable writes a tombstone for id and offers to undo it.
func (a *App) deleteUndoable(msg, id string) bool {
	return a.deleteUndoableThen(msg, id, nil)
}

// deleteUndoableThen is deleteUndoable with a step after an undo (a screen
// that holds the record reloads it).
func (a *App) deleteUndoableThen(msg, id string, after func()) bool {
	prev, err := a.cfg.Records.Get(id)
	if err != nil {
		a.warn(lang.L("undo.not_deleted_gone"))
		return false
	}
	e, err := a.cfg.Records.Delete(context.Background(), id)
	if err != nil {
		a.warn(lang.L("undo.not_deleted", map[string]any{"Why": PlainError(err)}))
		return false
	}
	restore := a.restorer(id, e.HLC, &prev)
	a.undo.offer(msg, func() error {
		if err := restore(); err != nil {
			return err
		}
		if after != nil {
			after()
		}
		return nil
	})
	return true
}
