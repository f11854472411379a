package console

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
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
	hlc                  string
	l                    i18n.Lang
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
		v := actionView{ID: e.ID, Text: a.Text, Due: a.DueDate, hlc: e.HLC, l: sc.l}
		if a.OwnerID != "" {
			v.Owner = sc.userName(a.OwnerID)
		}
		m.Actions = append(m.Actions, v)
	}
	// In the order written (action items are added and removed, not edited).
	sort.Slice(m.Actions, func(i, j int) bool { return m.Actions[i].hlc < m.Actions[j].hlc })
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
	f := ec.Request().PostForm
	a := record.MeetingAction{MeetingID: record.MeetingID(s.p.School.ID, day.String()), Text: strings.TrimSpace(f.Get("text")),
		OwnerID: f.Get("owner_id"), DueDate: f.Get("due_date")}
	if a.OwnerID != "" {
		if _, ok := sc.users[a.OwnerID]; !ok {
			return newErr(http.StatusBadRequest, "error.owner")
		}
	}
	if err := a.Validate(); err != nil {
		return newErr(http.StatusBadRequest, "error.action_invalid", i18n.Args{"Problem": err.Error()})
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

// handleActionRemove deletes an action item of the day's meeting (a
// tombstone, so tablets drop it too). Any other id is not found.
func (c *Console) handleActionRemove(ec echo.Context) error {
	s, sc, err := c.meetingForm(ec)
	if err != nil {
		return err
	}
	day, err := c.asOf(ec)
	if err != nil {
		return err
	}
	ctx := ec.Request().Context()
	id := ec.Request().PostForm.Get("id")
	if !record.IsID(id) {
		return errNotFound
	}
	envs, err := c.st.RecordsByID(ctx, s.p.School.ID, sc.v, id)
	if err != nil {
		return err
	}
	if len(envs) != 1 {
		return errNotFound
	}
	a, ok := record.DecodeAs[record.MeetingAction](envs[0])
	if !ok || a.MeetingID != record.MeetingID(s.p.School.ID, day.String()) {
		return errNotFound
	}
	if _, err := c.w.Write(ctx, s.p.School.ID, s.p.User, serverwriter.Draft{ID: id, Type: record.TypeMeetingAction, Deleted: true}); err != nil {
		return err
	}
	return ec.Redirect(http.StatusSeeOther, backTo(ec, "actions"))
}
