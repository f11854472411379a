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

// AuditEntry is one record's content handed out to one user.
type AuditEntry struct {
	// Seq orders entries of one At; set by the store, unique per store.
	Seq      int64
	At       time.Time // server time of the response, truncated to the millisecond
	SchoolID string
	UserID   string
	// DeviceID is the token's device, or a console session marker
	// ("console:" + a short hash of the session) for console pages.
	DeviceID string
	RecordID string
	Path     string // AuditPull, AuditReport, AuditConsole or AuditExport
}

// AuditCursor is the position after which a ListAudit page starts: entries
// are ordered by (At, Seq).
type AuditCursor struct {
	AtMS int64
	Seq  int64
}

// AuditQuery asks for one school's entries.
type AuditQuery struct {
	SchoolID string
	Since    time.Time    // entries at or after this time
	After    *AuditCursor // when set, only entries after it (the next page)
	Limit    int          // 1..MaxAuditPage
}

// AuditLog is the audit part of Store; both stores implement it and storetest
// checks them alike.
type AuditLog interface {
	// AppendAudit writes entries, all or none, in one transaction: the
	// batch of one response. It sets no Seq on the caller's slice.
	AppendAudit(ctx context.Context, entries []AuditEntry) error
	// ListAudit returns a page of a school's entries in (At, Seq) order and
	// whether more follow.
	ListAudit(ctx context.Context, q AuditQuery) (entries []AuditEntry, more bool, err error)
	// PurgeAudit deletes entries older than `before` (every school) and
	// returns how many.
	PurgeAudit(ctx context.Context, before time.Time) (int, error)
}

// ErrBadAuditEntry: AppendAudit was given an entry with a missing or
// malformed field; nothing was written.
var ErrBadAuditEntry = errors.New("store: malformed audit entry")

// CheckAuditEntry is the one shape rule both stores apply before writing:
// ids are canonical UUIDs, the device a UUID or a console marker, the path
// one of the fixed words. A NUL-free, bounded entry is what the stores can
// encode.
func CheckAuditEntry(e AuditEntry) error {
	okDevice := record.IsID(e.DeviceID) ||
		strings.HasPrefix(e.DeviceID, ConsoleMarkerPrefix) && len(e.DeviceID) <= 64 && !strings.ContainsRune(e.DeviceID, 0)
	switch {
	case !record.IsID(e.SchoolID), !record.IsID(e.UserID), !record.IsID(e.RecordID), !okDevice, e.At.UnixMilli() <= 0:
		return ErrBadAuditEntry
	}
	switch e.Path {
	case AuditPull, AuditReport, AuditConsole, AuditExport:
		return nil
	}
	return ErrBadAuditEntry
}

// ConsoleMarkerPrefix starts the DeviceID of entries made by console pages.
const ConsoleMarkerPrefix = "console:"

// RestrictedShown returns the ids of the records in envs whose restricted
// content is in them (restricted, not deleted): what a response carrying
// envs hands out. A record a viewer may not see is a tombstone by then (pull)
// or absent (other reads), so it is never counted.
func RestrictedShown(envs []record.Envelope) []string {
	var ids []string
	for i := range envs {
		if envs[i].Restricted && !envs[i].Deleted {
			ids = append(ids, envs[i].ID)
		}
	}
	return ids
}

// AuditBatch makes the entries of one response: one per record id, all
// stamped with the same time.
func AuditBatch(p Principal, deviceID, path string, at time.Time, ids []string) []AuditEntry {
	out := make([]AuditEntry, len(ids))
	at = at.UTC().Truncate(time.Millisecond)
	for i, id := range ids {
		out[i] = AuditEntry{At: at, SchoolID: p.School.ID, UserID: p.User.ID, DeviceID: deviceID, RecordID: id, Path: path}
	}
	return out
}
