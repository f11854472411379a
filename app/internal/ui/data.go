// Package ui holds the tablet's screens (a file each), their view models and
// the interfaces they need. It imports no storage, network or app driver
// package: tablet passes in the real implementations (STYLE §2), and tests
// run every screen headless with fyne.io/fyne/v2/test.
package ui

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Records is the local store as the screens use it. Put writes one version
// in one durable transaction (PROTOCOL §3) after checking DOMAIN.md §2's
// rules; a refused payload returns an error wrapping a *record.FieldError
// (PlainError says why in words). Get returns an error for a record this
// device does not hold (yet): screens show what they can.
type Records interface {
	Get(id string) (record.Envelope, error)
	List(typ string) ([]record.Envelope, error)
	ListByRef(typ, ref string) ([]record.Envelope, error)
	// ListByRefDates and RefDates read a reference's records by their date
	// (the store's date index, ADR 0652): one week of a group's sessions,
	// a student's newest probes, without two years of history
	// (repo.DateReader).
	ListByRefDates(typ, ref, from, to string) ([]record.Envelope, error)
	RefDates(typ, ref, to string, n int) ([]string, error)
	Put(ctx context.Context, typ, id string, data any, restricted bool) (record.Envelope, error)
	// Delete writes a tombstone (PROTOCOL §2): the record is gone from
	// every list, and an undo writes its previous version back (undo.go).
	Delete(ctx context.Context, id string) (record.Envelope, error)
	// PutIf and DeleteIf write only while the record is still at version
	// want (its HLC, a tombstone's included; "" for none), checked in the
	// write's own transaction; ok false: it changed, nothing was written.
	// An undo uses them so that it never overwrites a later change.
	PutIf(ctx context.Context, typ, id string, data any, restricted bool, want string) (record.Envelope, bool, error)
	DeleteIf(ctx context.Context, id, want string) (record.Envelope, bool, error)
	// History is the earlier versions of a record that edits on this
	// tablet replaced, newest first (ADR 0620).
	History(id string) ([]record.Envelope, error)
	DeviceID() string
	// Drafts: work in progress kept durably on this tablet and never
	// synced (a probe's error tally, ADR 0620).
	PutDraft(ctx context.Context, key string, value []byte) error
	Draft(key string) (value []byte, ok bool, err error)
	DeleteDraft(ctx context.Context, key string) error
}

// Plainer is implemented by errors that carry a sentence for a person.
type Plainer interface{ Plain() string }

// PlainError is the sentence shown for err: a refused payload's reason, or
// the sentence an error carries.
func PlainError(err error) string {
	var fe *record.FieldError
	if errors.As(err, &fe) {
		return inAppLang().ProblemSentence(err)
	}
	var p Plainer
	if errors.As(err, &p) {
		return p.Plain()
	}
	return lang.L("common.could_not_save")
}

// Sentence turns a validation reason ("given name is required") into a
// sentence for a person ("Given name is required.").
func Sentence(reason string) string {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return lang.L("common.something_missing")
	}
	return progress.Sentence(reason)
}

// Sync is the sync machinery as the screens use it. All methods may block on
// the local store only, never on the network, except Enrol.
type Sync interface {
	// SyncNow asks for a sync at once; the result arrives via App.SetSyncState.
	SyncNow()
	// Enrol enrols this tablet (PROTOCOL §4). Its error's Error() is a
	// sentence for a person.
	Enrol(ctx context.Context, f EnrolForm) error
	// Erase removes everything this tablet holds (records, unsent changes,
	// token) and starts over as a new device (sign out, or a remote wipe).
	Erase(ctx context.Context) error
	// Unsent is how many changes on this tablet the server has not
	// accepted: waiting to be sent or refused (what erasing would lose).
	Unsent() int
	Enrolment() Enrolment
	Conflicts() ([]Conflict, error)
	RestoreConflict(ctx context.Context, id string) error
	DismissConflict(ctx context.Context, id string) error
	Quarantined() ([]Quarantined, error)
	RetryQuarantined(ctx context.Context, id string) error
}

// PendingCounter is implemented by a Sync that can count the changes
// waiting to be sent as of now (tablet's does, from the outbox): the screens
// then never say "Nothing waiting" while a save made since the last sync
// waits.
type PendingCounter interface {
	PendingCount() (int, error)
}

// SyncState is the sync state shown in the header and on the Sync screen.
type SyncState struct {
	Enrolled    bool
	Syncing     bool
	LastSuccess time.Time
	Pending     int
	Conflicts   int
	Quarantined int
	Err         string // a sentence; "" when fine
}

// EnrolForm is what the enrolment form collects.
type EnrolForm struct {
	ServerURL, School, Username, Password string
	// Code is an enrolment code from the coordinator (PROTOCOL §13): with
	// it, no password is typed on a shared tablet.
	Code string
}

// Enrolment is who this tablet belongs to.
type Enrolment struct {
	Enrolled   bool
	Needed     bool // the server refused the token: enrol again
	ServerURL  string
	School     string // name or slug
	Username   string
	UserID     string
	Role       string // "admin" sees every restricted note
	DeviceName string
}

// Conflict is a losing version kept after a sync ("another tablet saved a
// newer version"), which the person may restore.
type Conflict struct {
	ID       string
	RecordID string
	Type     string
	Summary  string // "another tablet saved a newer version at 10:42"
	// By is who saved the newer version, in words: "the console" or
	// "another tablet" ("" when not known: another tablet).
	By      string
	Deleted bool // the losing version was a deletion
	// Mine is the losing version itself (this tablet's), shown beside the
	// newer one the store holds; zero when not known.
	Mine record.Envelope
}

// Quarantined is a version the server refused; it waits on the tablet.
type Quarantined struct {
	RecordID string
	Type     string
	Code     string
	Message  string
	At       time.Time
}

// --- dates: record.Date is the one date type --------------------------------

// prettyDate is "Tue 4 Mar" in the app's language; text that is not a date is shown as it is.
func prettyDate(s string) string {
	d, err := record.ParseDate(s)
	if err != nil {
		return s
	}
	return shortDate(d.Time())
}

// fmtNum, fmtPct and fmtMin are the app's names for the one formatting
// rule of shared/progress (ADR 0630), which the PDF and the console use
// too: a score at most one decimal, a percentage and minutes whole (the
// room's percentages are whole, ADR 0651).
func fmtNum(v float64) string { return progress.FormatScore(v) }

func fmtPct(v float64) string { return progress.FormatPctWhole(v) }

// fmtShare is a share of a count as a whole percentage that is never
// "100%" while one step was skipped, nor "0%" while one was done (249 of
// 250 is 99.6%).
func fmtShare(v float64) string { return progress.FormatPctWholeAgainst(v, 0, 100) }

// pctAgainstGoal is a percentage beside the goal it is judged against and
// the verdict (met is the exact rule's, progress.MeetsGoal): whole, never
// rounded onto or past the goal, and never on the other side of the goal
// from the verdict because of floating point (29 of 50 is 57.99999…%).
func pctAgainstGoal(pct, goal float64, met bool) string {
	switch {
	case met && pct < goal:
		pct = goal
	case !met && pct >= goal:
		return lang.L("common.just_under", map[string]any{"Goal": sayFigure(progress.FormatPct(goal))})
	}
	return progress.FormatPctWholeAgainst(pct, goal)
}

func fmtMin(v float64) string { return progress.FormatMinutes(v) }

func ptr[T any](v T) *T { return &v }

// plural is "1 session" or "3 sessions".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// studentName is the student's display name, or a placeholder for a
// student this tablet has not received yet (DOMAIN.md §2).
func studentName(r Records, id string) string {
	return refName(r, record.Ref{Field: "student_id", Type: record.TypeStudent, ID: id})
}

// refName is a referenced record's title ("Ana Lee", "Bluebirds"), or
// "Student not synced yet" when this tablet does not hold it (yet).
func refName(r Records, ref record.Ref) string {
	if ref.ID != "" {
		if e, err := r.Get(ref.ID); err == nil && e.Type == ref.Type {
			if p, err := record.Decode(e.Type, e.Data); err == nil && p.Title() != "" {
				return p.Title()
			}
		}
	}
	return lang.L("common.not_synced_yet", map[string]any{"What": typeWords(ref.Type)})
}

// typeWords names a record type for a person in the app's language ("Student", "Estudiante").
func typeWords(typ string) string { return record.TypeWordsIn(applang.Current(), typ) }

func sortDocs[T any](ds []repo.Doc[T], less func(a, b T) bool) {
	sort.SliceStable(ds, func(i, j int) bool { return less(ds[i].Data, ds[j].Data) })
}
