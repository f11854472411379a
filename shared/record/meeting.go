package record

import (
	"strconv"

	"github.com/google/uuid"
)

// The team meeting's own records (ADR 0017): who attended a school's
// meeting on a day, and the action items the team agreed. The console
// writes them under the server's device id like its decisions (CONSOLE.md
// §1 "Records, not side channels"), so they survive restarts, reach every
// instance and every tablet, and obey last-writer-wins. They are types of
// this app version; an older app or server stores and syncs them without
// interpreting them (PROTOCOL §2).
const (
	TypeMeeting       = "meeting"
	TypeMeetingAction = "meeting_action"
)

// MaxAttendees bounds a meeting's attendee list (a school's staff).
const MaxAttendees = 200

// Meeting is a `meeting` record: the school's team meeting on Date. A
// school has one meeting a day: its id is MeetingID(school, date), so two
// browsers saving the attendees of one day write versions of one record
// and the later one wins, instead of two meetings side by side.
type Meeting struct {
	Date        string   `json:"date"`
	AttendeeIDs []string `json:"attendee_ids"` // user ids, in the order chosen
}

// MeetingAction is a `meeting_action` record: one thing the team agreed
// to do, with who does it and by when. It belongs to the meeting of its
// MeetingID (the meeting record need not exist: a team may write actions
// before choosing attendees).
type MeetingAction struct {
	MeetingID string `json:"meeting_id"`
	Text      string `json:"text"`
	OwnerID   string `json:"owner_id,omitempty"` // a user id
	DueDate   string `json:"due_date,omitempty"`
}

// meetingSpace is the UUID namespace of MeetingID (a fixed random UUID).
var meetingSpace = uuid.MustParse("2b8e4f61-9c3d-4a57-8e12-6d0f3a9b7c45")

// MeetingID is the id of the meeting of school schoolID on date: a
// name-based UUID (version 5), the same on every server instance.
func MeetingID(schoolID, date string) string {
	return uuid.NewSHA1(meetingSpace, []byte(schoolID+"\x00"+date)).String()
}

// RecordType is TypeMeeting.
func (Meeting) RecordType() string { return TypeMeeting }

// RecordType is TypeMeetingAction.
func (MeetingAction) RecordType() string { return TypeMeetingAction }

// Refs: none (attendees are users, not records).
func (Meeting) Refs() []Ref { return nil }

// Owner: meetings are listed by type.
func (Meeting) Owner() (Ref, bool) { return Ref{}, false }

// Refs: the meeting.
func (a MeetingAction) Refs() []Ref { return refs{}.add("meeting_id", TypeMeeting, a.MeetingID) }

// Owner: action items are listed by type (the server finds a meeting's
// through the meeting_id index).
func (MeetingAction) Owner() (Ref, bool) { return Ref{}, false }

// Title is "": a meeting is named by its date.
func (Meeting) Title() string { return "" }

// Title is the action's text.
func (a MeetingAction) Title() string { return a.Text }

// Describe: "Team meeting on Mon 17 Mar".
func (m Meeting) Describe(n Namer) string { return "Team meeting on " + n.Date(m.Date) }

// Describe: "Action item: Call the family".
func (a MeetingAction) Describe(Namer) string { return "Action item: " + a.Text }

// Validate checks a meeting: a date and at most MaxAttendees user ids,
// each named once.
func (m Meeting) Validate() error {
	c := check{typ: TypeMeeting}
	c.date("date", "date", m.Date, true)
	if len(m.AttendeeIDs) > MaxAttendees {
		c.bad("attendee_ids", "meeting_attendees", problemArgs{"Max": strconv.Itoa(MaxAttendees)})
	}
	seen := make(map[string]bool, len(m.AttendeeIDs))
	for _, id := range m.AttendeeIDs {
		c.text("attendee_ids", "each_attendee", id, 1, 100)
		if seen[id] {
			c.bad("attendee_ids", "attendee_twice")
		}
		seen[id] = true
	}
	m.bounds(&c)
	return c.result()
}

// Validate checks an action item: its meeting, 1–500 characters of text,
// an owner of at most 100 characters and a due date.
func (a MeetingAction) Validate() error {
	c := check{typ: TypeMeetingAction}
	c.id("meeting_id", "meeting", a.MeetingID)
	c.text("text", "text", a.Text, 1, 500)
	c.text("owner_id", "owner", a.OwnerID, 0, 100)
	c.date("due_date", "due_date", a.DueDate, false)
	a.bounds(&c)
	return c.result()
}

func (m Meeting) bounds(c *check) { c.dateIn("date", m.Date) }

func (a MeetingAction) bounds(c *check) { c.dateIn("due_date", a.DueDate) }
