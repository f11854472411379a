package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"smallwins/shared/record"
)

// Audit of restricted content (issue 15 item 5, ADR 0021): an append-only
// record of every time the content of a restricted record (PROTOCOL §6) left
// the server, on any path. An entry says who got what record, when and how:
// never the content.

// Audit paths: how the content left. Fixed words, so an entry never holds a
// client-chosen string there.
const (
	AuditPull    = "pull"    // PROTOCOL §6 pull, to the author's devices or an admin's
	AuditReport  = "report"  // a report or document (PDF) that carries it
	AuditConsole = "console" // a console page (a student page's notes)
	AuditExport  = "export"  // an export endpoint (none carries it today: reportdoc leaves restricted records out)
)

// AuditRetention is how long entries are kept: the purge beat deletes older
// ones (issue 15: kept for 400 days).
const AuditRetention = 400 * 24 * time.Hour

// MaxAuditPage bounds one ListAudit page, whatever a caller asks for.
const MaxAuditPage = 1000

// MaxAuditBatch bounds the records of one batch: a pull page holds at most
// protocol.MaxPullLimit of them, and no other response more.
const MaxAuditBatch = 10000

// AuditBatch is what one response handed out, stored as one entry of the
// log (one write per response, whatever the number of records: ADR 0021).
type AuditBatch struct {
	At       time.Time // server time of the response; stored to the millisecond
	SchoolID string
	UserID   string
	// DeviceID is the token's device, or a console session marker
	// ("console:" + a short hash of the session) for console pages.
	DeviceID  string
	Path      string   // AuditPull, AuditReport, AuditConsole or AuditExport
	RecordIDs []string // the records whose restricted content it carried
}

// AuditEntry is one record of a batch, as the log is read: one line per
// record handed out.
type AuditEntry struct {
	// Seq identifies the batch (unique per store, increasing with each
	// append); Index is the record's place in it.
	Seq      int64
	Index    int
	At       time.Time // UTC, whole milliseconds
	SchoolID string
	UserID   string
	DeviceID string
	RecordID string
	Path     string
}

// Cursor is the position of e: the next page starts after it.
func (e AuditEntry) Cursor() AuditCursor {
	return AuditCursor{AtMS: e.At.UnixMilli(), Seq: e.Seq, Index: e.Index}
}

// AuditCursor is the position after which a ListAudit page starts: entries
// are ordered by (At, Seq, Index).
type AuditCursor struct {
	AtMS  int64
	Seq   int64
	Index int
}

// AuditQuery asks for one school's entries.
type AuditQuery struct {
	SchoolID string
	Since    time.Time    // entries at or after this time
	After    *AuditCursor // when set, only entries after it (the next page)
	Limit    int          // 1..MaxAuditPage entries (records, not batches)
}

// AuditLog is the audit of restricted content (ADR 0021), a role of Store;
// both stores implement it and storetest checks them alike.
type AuditLog interface {
	// AppendAudit writes what of one response's batch is news, in one
	// write: the records whose author (PROTOCOL §6) is not b.UserID and
	// that (b.UserID, b.DeviceID) was not already given on b.At's UTC day
	// (AuditDay), each once. Checking and marking a record as given is one
	// atomic step, so batches racing for the same record write it once.
	// A batch with nothing new writes nothing. ErrBadAuditEntry when a
	// field is malformed; then nothing is written.
	AppendAudit(ctx context.Context, b AuditBatch) error
	// ListAudit returns a page of a school's entries in (At, Seq, Index)
	// order, one per record, and whether more follow.
	ListAudit(ctx context.Context, q AuditQuery) (entries []AuditEntry, more bool, err error)
	// PurgeAudit deletes the batches older than `before` (every school)
	// and returns how many.
	PurgeAudit(ctx context.Context, before time.Time) (int, error)
	// ExpireAuditMarks deletes the marks AppendAudit keeps of what was
	// given on each day, for the days before before's UTC day (every
	// school), and returns how many. Only the current day's marks decide
	// anything; the purge beat keeps a day more (AuditMarkKeep).
	ExpireAuditMarks(ctx context.Context, before time.Time) (int, error)
}

// AuditMarkKeep is how long after its day ended a day's marks are kept: a
// batch stamped just before midnight may be appended just after it.
const AuditMarkKeep = 24 * time.Hour

// AuditDay is the UTC day of t, in days since the Unix epoch (0 for any
// earlier time; CheckAuditBatch refuses those): a record is written to the
// log once per (user, device, record, AuditDay).
func AuditDay(t time.Time) int64 {
	return max(t.UnixMilli(), 0) / (24 * time.Hour).Milliseconds()
}

// ErrBadAuditEntry: AppendAudit was given a batch with a missing or
// malformed field; nothing was written.
var ErrBadAuditEntry = errors.New("store: malformed audit entry")

// CheckAuditBatch is the one shape rule both stores apply before writing:
// ids are canonical UUIDs, the device a UUID or a console marker, the path
// one of the fixed words, at most MaxAuditBatch records. A NUL-free,
// bounded batch is what the stores can encode.
func CheckAuditBatch(b AuditBatch) error {
	okDevice := record.IsID(b.DeviceID) ||
		strings.HasPrefix(b.DeviceID, ConsoleMarkerPrefix) && len(b.DeviceID) <= 64 && !strings.ContainsRune(b.DeviceID, 0)
	switch {
	case !record.IsID(b.SchoolID), !record.IsID(b.UserID), !okDevice, b.At.UnixMilli() <= 0, len(b.RecordIDs) > MaxAuditBatch:
		return ErrBadAuditEntry
	}
	for _, id := range b.RecordIDs {
		if !record.IsID(id) {
			return ErrBadAuditEntry
		}
	}
	switch b.Path {
	case AuditPull, AuditReport, AuditConsole, AuditExport:
		return nil
	}
	return ErrBadAuditEntry
}

// ConsoleMarkerPrefix starts the DeviceID of entries made by console pages.
const ConsoleMarkerPrefix = "console:"

// RestrictedShown returns the ids of the records in envs whose restricted
// content is in them (restricted, not deleted) and that v may read without
// being their author: what a response carrying envs to v hands out that the
// log keeps. A record a viewer may not see is a tombstone by then (pull) or
// absent (other reads), so it is never counted; a viewer who sees no one
// else's restricted records (Viewer.SeesOthersRestricted) was handed only
// their own, which are not audited (issue 20: they wrote them), so nothing.
// For an admin, the store leaves out their own when it appends (AppendAudit
// knows the authors).
func RestrictedShown(v Viewer, envs []record.Envelope) []string {
	if !v.SeesOthersRestricted() {
		return nil
	}
	var ids []string
	for i := range envs {
		if envs[i].Restricted && !envs[i].Deleted {
			ids = append(ids, envs[i].ID)
		}
	}
	return ids
}

// NewAuditBatch is the batch of one response of p's: the records ids, handed
// out at `at` by path to deviceID.
func NewAuditBatch(p Principal, deviceID, path string, at time.Time, ids []string) AuditBatch {
	return AuditBatch{At: at.UTC().Truncate(time.Millisecond), SchoolID: p.School.ID, UserID: p.User.ID, DeviceID: deviceID, Path: path, RecordIDs: ids}
}
