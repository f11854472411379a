package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"smallwins/shared/hlc"
	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// A meeting is a school's day (ADR 0017): its attendees are the `meeting`
// record whose id is record.MeetingID(school, day), its action items the
// `meeting_action` records that name that id, found through the store's
// reference index. Both are written by serverwriter like the meeting's
// decisions: they survive a restart, every instance sees them, and two
// browsers saving the attendees at once keep the later save
// (last-writer-wins), as two tablets editing one record would.

// maxActions bounds a meeting's action items: the page and the minutes
// list them all, so a script posting items without end must not grow them
// without end. (Two items added at the same moment may pass it by one.)
const maxActions = 100

// meetingView is the meeting of a day as the page and the minutes show it.
type meetingView struct {
	ID        string
	Date      string
	Attendees []attendee // every user who may attend, the chosen ones checked
	Names     []string   // the chosen attendees' names, in the order saved
	Actions   []actionView
	owners    []option // the users an owner is chosen from (enabled ones)
}

type attendee struct {
	ID, Name string
	Here     bool
}

type actionView struct {
	ID, Text, Owner, Due string
	OwnerID              string // the owner chosen in the item's edit form
	OwnerDisabled        bool   // the owner's account is disabled: the form still offers them, so an edit keeps them
	HLC                  string // the version shown: an edit is written over it only (ADR 0039)
	written              int64  // when the item was added, ms (actionWritten)
	l                    i18n.Lang
}

// actionWritten is when an action item was first written, in ms since
// the epoch, so an edited item keeps its place in the list: the console
// names its items with time-ordered UUIDs (v7, serverwriter), whose first
// 48 bits are that time; an item named otherwise (a tablet's) is placed
// by its version's HLC.
func actionWritten(id, version string) int64 {
	if u, err := uuid.Parse(id); err == nil && u.Version() == 7 {
		return int64(u[0])<<40 | int64(u[1])<<32 | int64(u[2])<<24 | int64(u[3])<<16 | int64(u[4])<<8 | int64(u[5])
	}
	if ts, err := hlc.Parse(version); err == nil {
		return ts.Wall
	}
	return 0
}

// Line is the action item in one sentence.
func (a actionView) Line() string {
	s := strings.TrimSpace(a.Text)
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	if a.Owner != "" {
		s += " " + tr(a.l, "meeting.decided.owner", i18n.Args{"Name": a.Owner})
	}
	if a.Due != "" {
		s += " " + tr(a.l, "meeting.action_due", i18n.Args{"Date": showDate(a.l, a.Due)})
	}
	return s
}

// meetingOf reads the meeting of day: two indexed reads (the meeting
// record by id, its action items by reference), never the whole school.
func (c *Console) meetingOf(ctx context.Context, sc *scope, day progress.Date) (meetingView, error) {
	school := sc.p.School.ID
	m := meetingView{ID: record.MeetingID(school, day.String()), Date: day.String()}
	envs, err := c.st.RecordsByID(ctx, school, sc.v, m.ID)
	if err != nil {
		return m, err
	}
	chosen := map[string]bool{}
	for _, e := range envs {
		if mt, ok := record.DecodeAs[record.Meeting](e); ok {
			for _, id := range mt.AttendeeIDs {
				if !chosen[id] {
					chosen[id] = true
					m.Names = append(m.Names, sc.userName(id))
				}
			}
		}
	}
	for _, u := range sc.users {
		if !u.Disabled {
			m.owners = append(m.owners, option{u.ID, u.Name})
		}
		if !u.Disabled || chosen[u.ID] {
			m.Attendees = append(m.Attendees, attendee{ID: u.ID, Name: u.Name, Here: chosen[u.ID]})
		}
	}
	sort.Slice(m.owners, func(i, j int) bool { return m.owners[i].Label < m.owners[j].Label })
	sort.Slice(m.Attendees, func(i, j int) bool {
		a, b := m.Attendees[i], m.Attendees[j]
		return a.Name < b.Name || a.Name == b.Name && a.ID < b.ID
	})
	acts, err := c.st.RecordsByRef(ctx, school, sc.v, m.ID, record.TypeMeetingAction)
	if err != nil {
		return m, err
	}
	for _, e := range acts {
		a, ok := record.DecodeAs[record.MeetingAction](e)
		if !ok || a.MeetingID != m.ID {
			continue
		}
		v := actionView{ID: e.ID, Text: a.Text, Due: a.DueDate, OwnerID: a.OwnerID, HLC: e.HLC, written: actionWritten(e.ID, e.HLC), l: sc.l}
		if a.OwnerID != "" {
			v.Owner = sc.userName(a.OwnerID)
			v.OwnerDisabled = sc.users[a.OwnerID].Disabled
		}
		m.Actions = append(m.Actions, v)
	}
	// In the order added: an edit keeps the item's place.
	sort.Slice(m.Actions, func(i, j int) bool {
		a, b := &m.Actions[i], &m.Actions[j]
		if a.written != b.written {
			return a.written < b.written
		}
		return a.ID < b.ID
	})
	return m, nil
}

// handleAttendees saves who is at the day's meeting: the checked users,
// each a user of the school, as the meeting record.
func (c *Console) handleAttendees(ec echo.Context) error {
	s, sc, err := c.meetingForm(ec)
	if err != nil {
		return err
	}
	day, err := c.asOf(ec)
	if err != nil {
		return err
	}
	ids := ec.Request().PostForm["attendee"]
	if len(ids) > record.MaxAttendees {
		return newErr(http.StatusBadRequest, "error.attendees_many")
	}
	m := record.Meeting{Date: day.String(), AttendeeIDs: []string{}}
	seen := map[string]bool{}
	for _, id := range ids {
		if _, ok := sc.users[id]; !ok {
			return newErr(http.StatusBadRequest, "error.attendee")
		}
		if !seen[id] {
			seen[id] = true
			m.AttendeeIDs = append(m.AttendeeIDs, id)
		}
	}
	if err := m.Validate(); err != nil {
		return newErr(http.StatusBadRequest, "error.attendees_invalid", i18n.Args{"Problem": err.Error()})
	}
	id := record.MeetingID(s.p.School.ID, m.Date)
	if _, err := c.w.Write(ec.Request().Context(), s.p.School.ID, s.p.User, serverwriter.Draft{ID: id, Type: record.TypeMeeting, Data: m}); err != nil {
		return err
	}
	return ec.Redirect(http.StatusSeeOther, backTo(ec, "attendees"))
}

// actionFromForm is the action item a form asks for: its text (1–500
// characters), an owner who is a user of the school or nobody, a due
// date or none, as the record's rules (DOMAIN.md §2) check them; refused
// in the page's language, with the catalog's message id of the form.
func actionFromForm(sc *scope, f url.Values, meetingID, refused string) (record.MeetingAction, error) {
	a := record.MeetingAction{MeetingID: meetingID, Text: strings.TrimSpace(f.Get("text")), OwnerID: f.Get("owner_id"), DueDate: f.Get("due_date")}
	if a.OwnerID != "" {
		if _, ok := sc.users[a.OwnerID]; !ok {
			return a, newErr(http.StatusBadRequest, "error.owner")
		}
	}
	if err := a.Validate(); err != nil {
		return a, newErr(http.StatusBadRequest, refused, i18n.Args{"Problem": progress.In(sc.l).ProblemSentence(err)})
	}
	return a, nil
}

// handleActionAdd adds an action item to the day's meeting.
func (c *Console) handleActionAdd(ec echo.Context) error {
	s, sc, err := c.meetingForm(ec)
	if err != nil {
		return err
	}
	day, err := c.asOf(ec)
	if err != nil {
		return err
	}
	a, err := actionFromForm(sc, ec.Request().PostForm, record.MeetingID(s.p.School.ID, day.String()), "error.action_invalid")
	if err != nil {
		return err
	}
	c.actionMu.Lock()
	defer c.actionMu.Unlock()
	held, err := c.st.RecordsByRef(ec.Request().Context(), s.p.School.ID, sc.v, a.MeetingID, record.TypeMeetingAction)
	if err != nil {
		return err
	}
	if len(held) >= maxActions {
		return newErr(http.StatusBadRequest, "error.actions_many")
	}
	if _, err := c.w.Write(ec.Request().Context(), s.p.School.ID, s.p.User, serverwriter.Draft{Type: record.TypeMeetingAction, Data: a}); err != nil {
		return err
	}
	return ec.Redirect(http.StatusSeeOther, backTo(ec, "actions"))
}

// errActionChanged answers an edit or removal of an action item that was
// changed or removed since the page was read (ADR 0039).
var errActionChanged = newErr(http.StatusConflict, "error.action_changed")

// heldAction is the live action item id of the meeting meetingID, as the
// store holds it now; any other id (another meeting's, another school's,
// a removed item, another type) is not found. Called under actionMu, so
// what it finds is what the write that follows replaces.
func (c *Console) heldAction(ctx context.Context, s *session, sc *scope, id, meetingID string) (record.Envelope, error) {
	if !record.IsID(id) {
		return record.Envelope{}, errNotFound
	}
	envs, err := c.st.RecordsByID(ctx, s.p.School.ID, sc.v, id)
	if err != nil {
		return record.Envelope{}, err
	}
	if len(envs) != 1 || envs[0].Deleted || envs[0].Type != record.TypeMeetingAction {
		return record.Envelope{}, errNotFound
	}
	a, ok := record.DecodeAs[record.MeetingAction](envs[0])
	if !ok || a.MeetingID != meetingID {
		return record.Envelope{}, errNotFound
	}
	return envs[0], nil
}

// writeAction writes an edit or a removal of an action item of the day's
// meeting, under the lock that checks and writes the meeting's limit
// (actionMu), so an edit and a removal of one item, or an edit and an add,
// never interleave: an edit after a removal finds nothing (404) and never
// brings the item back. The write is over the version the page showed
// (`hlc`, else the one just read): a tablet's or another instance's write
// in between is a 409 and changes nothing.
func (c *Console) writeAction(ec echo.Context, deleted bool) error {
	s, sc, err := c.meetingForm(ec)
	if err != nil {
		return err
	}
	day, err := c.asOf(ec)
	if err != nil {
		return err
	}
	ctx, f := ec.Request().Context(), ec.Request().PostForm
	meetingID := record.MeetingID(s.p.School.ID, day.String())
	c.actionMu.Lock()
	defer c.actionMu.Unlock()
	held, err := c.heldAction(ctx, s, sc, f.Get("id"), meetingID)
	if err != nil {
		return err
	}
	d := serverwriter.Draft{ID: held.ID, Type: record.TypeMeetingAction, Deleted: deleted, IfHLC: held.HLC}
	if v := f.Get("hlc"); v != "" {
		d.IfHLC = v
	}
	if !deleted {
		if d.Data, err = actionFromForm(sc, f, meetingID, "error.action_not_saved"); err != nil {
			return err
		}
	}
	if _, err := c.w.Write(ctx, s.p.School.ID, s.p.User, d); errors.Is(err, store.ErrChanged) {
		return errActionChanged
	} else if err != nil {
		return err
	}
	return ec.Redirect(http.StatusSeeOther, backTo(ec, "actions"))
}

// handleActionEdit corrects an action item of the day's meeting: its
// text, owner and due date, as adding checks them.
func (c *Console) handleActionEdit(ec echo.Context) error { return c.writeAction(ec, false) }

// handleActionRemove deletes an action item of the day's meeting (a
// tombstone, so tablets drop it too). Any other id is not found.
func (c *Console) handleActionRemove(ec echo.Context) error { return c.writeAction(ec, true) }
