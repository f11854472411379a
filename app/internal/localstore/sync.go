package localstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// Enrolment is what the device keeps from POST /v1/devices (PROTOCOL §4).
// The token is a secret: never log it.
type Enrolment struct {
	ServerURL  string    `json:"server_url"`
	DeviceName string    `json:"device_name"`
	SchoolID   string    `json:"school_id"`
	SchoolSlug string    `json:"school_slug"`
	SchoolName string    `json:"school_name"`
	UserID     string    `json:"user_id"`
	Username   string    `json:"username"`
	UserName   string    `json:"user_name"`
	Role       string    `json:"role"`
	Token      string    `json:"token"`
	EnrolledAt time.Time `json:"enrolled_at"`
	// Needed is set when the server refused the token (401): the person must
	// enrol again; all local data is kept (PROTOCOL §9).
	Needed bool `json:"needed,omitempty"`
}

// Enrolled reports whether the device holds a usable token.
func (e Enrolment) Enrolled() bool { return e.Token != "" && !e.Needed }

// Enrolment returns the saved enrolment (zero when never enrolled).
func (s *Store) Enrolment() (Enrolment, error) {
	var e Enrolment
	err := s.db.View(func(tx *bolt.Tx) error {
		v, err := s.get(tx, bMeta, kEnrolment)
		if err != nil || v == nil {
			return err
		}
		return json.Unmarshal(v, &e)
	})
	if err != nil {
		return Enrolment{}, fmt.Errorf("localstore: enrolment: %w", err)
	}
	return e, nil
}

// SetEnrolment saves an enrolment. A change of school starts a fresh pull
// (cursor 0); records already held stay. A new server URL alone keeps the
// cursor: a moved or restarted server is the same store, and a restored one
// shows a new epoch (PROTOCOL §7).
func (s *Store) SetEnrolment(ctx context.Context, e Enrolment) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localstore: set enrolment: %w", err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("localstore: set enrolment: %w", err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		var old Enrolment
		v, err := s.get(tx, bMeta, kEnrolment)
		if err != nil {
			return err
		}
		if v != nil {
			_ = json.Unmarshal(v, &old)
		}
		if old.SchoolID != e.SchoolID {
			if err := m.Put(kCursor, []byte("0")); err != nil {
				return err
			}
			if err := m.Delete(kEpoch); err != nil {
				return err
			}
		}
		if err := putHint(tx, e); err != nil {
			return err
		}
		return s.put(tx, bMeta, kEnrolment, b)
	})
	if err != nil {
		return fmt.Errorf("localstore: set enrolment: %w", err)
	}
	return nil
}

// MarkEnrolmentNeeded records a refused token (401): the token is dropped,
// the rest of the enrolment (server, school, user) stays to prefill the
// enrolment screen, and every record, outbox entry and conflict is kept.
func (s *Store) MarkEnrolmentNeeded(ctx context.Context) error {
	e, err := s.Enrolment()
	if err != nil {
		return err
	}
	e.Token, e.Needed = "", true
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("localstore: mark enrolment needed: %w", err)
	}
	if err := s.update(func(tx *bolt.Tx) error { return s.put(tx, bMeta, kEnrolment, b) }); err != nil {
		return fmt.Errorf("localstore: mark enrolment needed: %w", err)
	}
	return nil
}

// SyncMeta is the sync bookkeeping kept in meta.
type SyncMeta struct {
	Cursor    int64     // the last seq pulled and applied
	Epoch     string    // the server epoch last seen ("" before the first sync)
	Resyncing bool      // a full pull from 0 after a 410 is under way
	LastSync  time.Time // the end of the last complete sync (zero if never)
}

// SyncMeta returns the cursor, epoch and resync state.
func (s *Store) SyncMeta() (SyncMeta, error) {
	var m SyncMeta
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		m, err = readSyncMeta(tx)
		return err
	})
	if err != nil {
		return SyncMeta{}, fmt.Errorf("localstore: sync meta: %w", err)
	}
	return m, nil
}

func readSyncMeta(tx *bolt.Tx) (SyncMeta, error) {
	mb := tx.Bucket(bMeta)
	var m SyncMeta
	if v := mb.Get(kCursor); v != nil {
		c, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return m, fmt.Errorf("cursor: %w", err)
		}
		m.Cursor = c
	}
	m.Epoch = string(mb.Get(kEpoch))
	m.Resyncing = mb.Get(kResyncing) != nil
	if v := mb.Get(kLastSync); v != nil {
		if ms, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			m.LastSync = time.UnixMilli(ms)
		}
	}
	return m, nil
}

// MarkSynced records the end of a complete sync.
func (s *Store) MarkSynced(ctx context.Context, at time.Time) error {
	err := s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Put(kLastSync, []byte(strconv.FormatInt(at.UnixMilli(), 10)))
	})
	if err != nil {
		return fmt.Errorf("localstore: mark synced: %w", err)
	}
	return nil
}

// Pending returns the versions waiting for the server's acknowledgement (the
// outbox), oldest HLC first, without seq. limit ≤ 0 means all.
func (s *Store) Pending(limit int) ([]record.Envelope, error) {
	var out []record.Envelope
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bOutbox).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			e, _, err := s.getEnv(tx, k)
			if err != nil {
				return err
			}
			if e == nil || e.HLC != string(v) {
				continue // cannot happen: outbox and records change together
			}
			e.Seq = 0
			out = append(out, *e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: pending: %w", err)
	}
	sortByHLC(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// PendingCount is the number of versions in the outbox.
func (s *Store) PendingCount() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bOutbox).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("localstore: pending count: %w", err)
	}
	return n, nil
}

// AckSummary counts what AckPush did.
type AckSummary struct {
	Acked      int // applied or unchanged: left the outbox
	Superseded int // kept as conflict losers
	Stale      int // the outbox had moved on (a newer local edit): untouched
}

// AckPush applies a push response (PROTOCOL §5, §9) in one transaction:
// applied and unchanged versions leave the outbox, superseded ones are kept
// as conflict losers (the pull brings the winner). An outbox entry changes
// only if it still holds the very HLC that was sent, so an edit made while
// the push was in flight stays queued.
func (s *Store) AckPush(ctx context.Context, sent []record.Envelope, results []protocol.PushResult) (AckSummary, error) {
	var sum AckSummary
	if len(results) != len(sent) {
		return sum, fmt.Errorf("localstore: ack push: %d results for %d records", len(results), len(sent))
	}
	at := s.now()
	err := s.update(func(tx *bolt.Tx) error {
		sum = AckSummary{}
		ob := tx.Bucket(bOutbox)
		for i, r := range results {
			e := sent[i]
			if r.ID != e.ID {
				return fmt.Errorf("result %d is for %s, sent %s", i, r.ID, e.ID)
			}
			k, err := key(e.ID)
			if err != nil {
				return err
			}
			if string(ob.Get(k)) != e.HLC {
				sum.Stale++
				continue
			}
			if ts, err := hlc.Parse(r.HLC); err == nil {
				s.clock.Observe(ts)
				if err := raiseSeen(tx, r.HLC); err != nil {
					return err
				}
			}
			switch r.Outcome {
			case protocol.Applied, protocol.Unchanged:
				sum.Acked++
			case protocol.Superseded:
				sum.Superseded++
				if err := s.addConflict(tx, e, r.HLC, ReasonSuperseded, at, false); err != nil {
					return err
				}
			default:
				return fmt.Errorf("result %d: unknown outcome %q", i, r.Outcome)
			}
			if err := ob.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return AckSummary{}, fmt.Errorf("localstore: ack push: %w", err)
	}
	return sum, nil
}

// ApplySummary counts what ApplyPull did.
type ApplySummary struct {
	Applied     int // newer versions stored
	Ignored     int // not newer than the local version
	Overwritten int // unsynced local edits overwritten, kept as losers
	Dropped     int // synced records the server no longer has (end of a resync)
	Invalid     int // pulled envelopes breaking PROTOCOL §2, skipped
	// UnreadableQuarantine counts quarantined versions that could not be
	// read while a newer version of their record was applied: they stay
	// where they are (nothing is deleted), and the syncer says so.
	UnreadableQuarantine int
}

// ApplyPull stores one pulled page and its cursor in one transaction, cursor
// last (PROTOCOL §9). A pulled version is applied only if its HLC is greater
// than the local one; a tombstone with the local HLC is a restricted record
// redacted for this device and deletes the local copy (PROTOCOL §6). An
// unsynced local edit overwritten by the page is kept as a conflict loser.
// last marks the final page (more = false): a resync after a 410 then ends
// by dropping the synced records the server no longer has.
func (s *Store) ApplyPull(ctx context.Context, page []record.Envelope, cursor int64, last bool) (ApplySummary, error) {
	var sum ApplySummary
	if err := ctx.Err(); err != nil {
		return sum, fmt.Errorf("localstore: apply pull: %w", err)
	}
	at := s.now()
	err := s.update(func(tx *bolt.Tx) error {
		sum = ApplySummary{}
		meta, err := readSyncMeta(tx)
		if err != nil {
			return err
		}
		for i := range page {
			if err := s.applyPulled(tx, meta, page[i], at, &sum); err != nil {
				return err
			}
		}
		if last && meta.Resyncing {
			n, err := s.finishResync(tx)
			if err != nil {
				return err
			}
			sum.Dropped = n
		}
		return tx.Bucket(bMeta).Put(kCursor, []byte(strconv.FormatInt(cursor, 10)))
	})
	if err != nil {
		return ApplySummary{}, fmt.Errorf("localstore: apply pull: %w", err)
	}
	return sum, nil
}

// applyPulled applies one pulled envelope inside ApplyPull's transaction.
// Which version wins is protocol.Decide, the rule the server applies to a
// push: the pulled version is "applied" over the local one when its HLC is
// greater. The one exception is a tombstone with the local HLC: a restricted
// record redacted for this device, which deletes the local copy (PROTOCOL §6).
func (s *Store) applyPulled(tx *bolt.Tx, meta SyncMeta, p record.Envelope, at time.Time, sum *ApplySummary) error {
	if err := record.Validate(&p); err != nil {
		// A server bug must not wedge sync forever: skip it, move on.
		sum.Invalid++
		return nil
	}
	ts, _ := hlc.Parse(p.HLC)
	s.clock.Observe(ts)
	if err := raiseSeen(tx, p.HLC); err != nil {
		return err
	}
	k, _ := key(p.ID)
	if meta.Resyncing {
		if err := tx.Bucket(bResync).Put(k, []byte{1}); err != nil { // a non-empty value: Get of an empty one reads as absent
			return err
		}
	}
	local, _, err := s.getEnv(tx, k)
	if err != nil {
		return err
	}
	if local != nil {
		ob := tx.Bucket(bOutbox)
		outcome := protocol.Decide(local.HLC, p.HLC)
		redact := outcome == protocol.Unchanged && p.Deleted && !local.Deleted
		if outcome != protocol.Applied && !redact {
			if outcome == protocol.Unchanged && string(ob.Get(k)) == p.HLC {
				// The server holds our version: a push whose answer was lost.
				if err := ob.Delete(k); err != nil {
					return err
				}
			}
			sum.Ignored++
			return nil
		}
		if v := ob.Get(k); v != nil {
			if string(v) != p.HLC {
				if err := s.addConflict(tx, *local, p.HLC, ReasonOverwritten, at, p.Deleted); err != nil {
					return err
				}
				sum.Overwritten++
			}
			if err := ob.Delete(k); err != nil {
				return err
			}
		}
		if err := s.overwriteQuarantined(tx, k, p, at, sum); err != nil {
			return err
		}
	}
	if p.Deleted {
		// Deleted elsewhere, or redacted for this device (a
		// restricted note, PROTOCOL §6): its local history goes too.
		if err := dropHistory(tx, k); err != nil {
			return err
		}
	}
	if err := s.putEnv(tx, k, local, p); err != nil {
		return err
	}
	sum.Applied++
	return nil
}

// overwriteQuarantined keeps an older quarantined version of p's record as
// a conflict loser when p is applied over it, so it is not lost. An entry
// that cannot be read is left in place and counted, never skipped silently.
func (s *Store) overwriteQuarantined(tx *bolt.Tx, k []byte, p record.Envelope, at time.Time, sum *ApplySummary) error {
	qv, err := s.get(tx, bQuarantine, k)
	if err != nil || qv == nil {
		return err
	}
	var q Quarantined
	if err := json.Unmarshal(qv, &q); err != nil {
		sum.UnreadableQuarantine++
		return nil
	}
	if q.Record.HLC >= p.HLC {
		return nil
	}
	if err := s.addConflict(tx, q.Record, p.HLC, ReasonOverwritten, at, p.Deleted); err != nil {
		return err
	}
	return tx.Bucket(bQuarantine).Delete(k)
}

// StartResync begins the full pull that answers a 410 (PROTOCOL §6): the
// cursor goes to 0 and the ids pulled from now on are remembered, so that the
// final page can drop what the server no longer has.
func (s *Store) StartResync(ctx context.Context) error {
	err := s.update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bResync); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bResync); err != nil {
			return err
		}
		m := tx.Bucket(bMeta)
		if err := m.Put(kResyncing, []byte("1")); err != nil {
			return err
		}
		return m.Put(kCursor, []byte("0"))
	})
	if err != nil {
		return fmt.Errorf("localstore: start resync: %w", err)
	}
	return nil
}

// finishResync drops every record the full pull did not bring unless it has
// an unsynced or quarantined local version.
func (s *Store) finishResync(tx *bolt.Tx) (int, error) {
	rs, ob, qb := tx.Bucket(bResync), tx.Bucket(bOutbox), tx.Bucket(bQuarantine)
	var drop [][]byte
	err := tx.Bucket(bRecords).ForEach(func(k, _ []byte) error {
		if rs.Get(k) == nil && ob.Get(k) == nil && qb.Get(k) == nil {
			drop = append(drop, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range drop {
		prev, _, err := s.getEnv(tx, k)
		if err != nil {
			return 0, err
		}
		if err := removeEnv(tx, k, prev); err != nil {
			return 0, err
		}
		if err := dropHistory(tx, k); err != nil {
			return 0, err
		}
	}
	if err := tx.DeleteBucket(bResync); err != nil {
		return 0, err
	}
	if _, err := tx.CreateBucket(bResync); err != nil {
		return 0, err
	}
	return len(drop), tx.Bucket(bMeta).Delete(kResyncing)
}

// ObserveEpoch compares the server's epoch with the one last seen (PROTOCOL
// §7). The first one is simply saved. A different one means the server was
// restored from a backup: every version this device wrote itself goes back
// into the outbox, and the cursor goes to 0, in one transaction. It reports
// whether the epoch changed.
func (s *Store) ObserveEpoch(ctx context.Context, epoch string) (bool, error) {
	if epoch == "" {
		return false, nil
	}
	changed := false
	var cur string
	if err := s.db.View(func(tx *bolt.Tx) error { cur = string(tx.Bucket(bMeta).Get(kEpoch)); return nil }); err != nil {
		return false, fmt.Errorf("localstore: observe epoch: %w", err)
	}
	if cur == epoch {
		return false, nil
	}
	node := "-" + s.device.String()
	err := s.update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		old := string(m.Get(kEpoch))
		changed = old != "" && old != epoch
		if changed {
			ob := tx.Bucket(bOutbox)
			err := tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
				v, err := s.unseal(bRecords, k, v)
				if err != nil {
					return err
				}
				var e struct {
					HLC string `json:"hlc"`
				}
				if err := json.Unmarshal(v, &e); err != nil {
					return err
				}
				if len(e.HLC) == hlc.TextLen && e.HLC[19:] == node {
					return ob.Put(k, []byte(e.HLC))
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := m.Put(kCursor, []byte("0")); err != nil {
				return err
			}
		}
		return m.Put(kEpoch, []byte(epoch))
	})
	if err != nil {
		return false, fmt.Errorf("localstore: observe epoch: %w", err)
	}
	return changed, nil
}

// ReStamp answers a 422 clock_ahead (PROTOCOL §5): the clock takes the offset
// from serverTimeMS and falls back to the greatest HLC the server has shown
// or acknowledged (the seen mark, and every record not in the outbox), so it
// never goes below a version another device may hold; then every unsynced version
// gets a fresh HLC, all in one transaction. The refused HLCs were never
// accepted by the server, so giving them up loses nothing.
func (s *Store) ReStamp(ctx context.Context, serverTimeMS int64) (int, error) {
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
		n = 0
		ob := tx.Bucket(bOutbox)
		floor := ""
		err := tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
			if ob.Get(k) != nil {
				return nil
			}
			v, err := s.unseal(bRecords, k, v)
			if err != nil {
				return err
			}
			var e struct {
				HLC string `json:"hlc"`
			}
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if e.HLC > floor {
				floor = e.HLC
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Versions this device had sent and that the server holds may since
		// have been replaced locally by outbox versions: the seen mark keeps
		// their HLCs in the floor, so a re-stamped edit still beats them.
		if seen := string(tx.Bucket(bMeta).Get(kSeen)); seen > floor {
			floor = seen
		}
		st := hlc.State{OffsetMS: serverTimeMS - s.now().UnixMilli()}
		if ts, err := hlc.Parse(floor); err == nil {
			st.Wall, st.Logical = ts.Wall, ts.Logical
		}
		s.clock.Restore(st)
		var ks [][]byte
		if err := ob.ForEach(func(k, _ []byte) error { ks = append(ks, append([]byte(nil), k...)); return nil }); err != nil {
			return err
		}
		for _, k := range ks {
			e, _, err := s.getEnv(tx, k)
			if err != nil || e == nil {
				return fmt.Errorf("outbox entry %s without record: %v", idOf(k), err)
			}
			ne := *e
			ne.HLC = s.clock.Now().String()
			ne.Seq = 0
			if err := s.putEnv(tx, k, e, ne); err != nil {
				return err
			}
			if err := ob.Put(k, []byte(ne.HLC)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("localstore: re-stamp: %w", err)
	}
	return n, nil
}

// Quarantined is a version the server refused on its own (PROTOCOL §9): set
// aside so that it never blocks the rest of the queue, visible in the app.
type Quarantined struct {
	Record  record.Envelope `json:"record"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	At      time.Time       `json:"at"`
}

// Quarantine sets e aside with the server's error, in one transaction, if the
// outbox still holds that version. The local record stays as it is.
func (s *Store) Quarantine(ctx context.Context, e record.Envelope, code, message string) error {
	k, err := key(e.ID)
	if err != nil {
		return fmt.Errorf("localstore: quarantine: %w", err)
	}
	b, err := json.Marshal(Quarantined{Record: e, Code: code, Message: message, At: s.now()})
	if err != nil {
		return fmt.Errorf("localstore: quarantine: %w", err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		ob := tx.Bucket(bOutbox)
		if string(ob.Get(k)) != e.HLC {
			return nil
		}
		if err := ob.Delete(k); err != nil {
			return err
		}
		return s.put(tx, bQuarantine, k, b)
	})
	if err != nil {
		return fmt.Errorf("localstore: quarantine: %w", err)
	}
	return nil
}

// ListQuarantined returns the quarantined versions.
func (s *Store) ListQuarantined() ([]Quarantined, error) {
	var out []Quarantined
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bQuarantine).ForEach(func(k, v []byte) error {
			v, err := s.unseal(bQuarantine, k, v)
			if err != nil {
				return err
			}
			var q Quarantined
			if err := json.Unmarshal(v, &q); err != nil {
				return err
			}
			out = append(out, q)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: quarantined: %w", err)
	}
	return out, nil
}

// QuarantineCount is the number of quarantined versions.
func (s *Store) QuarantineCount() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bQuarantine).Stats().KeyN; return nil })
	if err != nil {
		return 0, fmt.Errorf("localstore: quarantine count: %w", err)
	}
	return n, nil
}

// RetryQuarantined puts a quarantined version back in the outbox (e.g. after
// a server upgrade), if it is still the local version of its record.
func (s *Store) RetryQuarantined(ctx context.Context, id string) error {
	k, err := key(id)
	if err != nil {
		return fmt.Errorf("localstore: retry quarantined: %w", err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		qb := tx.Bucket(bQuarantine)
		v, err := s.get(tx, bQuarantine, k)
		if err != nil {
			return err
		}
		if v == nil {
			return ErrNotFound
		}
		var q Quarantined
		if err := json.Unmarshal(v, &q); err != nil {
			return err
		}
		local, _, err := s.getEnv(tx, k)
		if err != nil {
			return err
		}
		if local != nil && local.HLC == q.Record.HLC {
			if err := tx.Bucket(bOutbox).Put(k, []byte(q.Record.HLC)); err != nil {
				return err
			}
		}
		return qb.Delete(k)
	})
	if err != nil {
		return fmt.Errorf("localstore: retry quarantined: %w", err)
	}
	return nil
}

// Conflict reasons.
const (
	// ReasonSuperseded: the push found a newer version on the server.
	ReasonSuperseded = "superseded"
	// ReasonOverwritten: a pull brought a newer version over an unsynced edit.
	ReasonOverwritten = "overwritten"
)

// Conflict is a losing version kept so that nothing is silently thrown away
// (PROTOCOL §9): the person sees it and may restore it as a new write.
type Conflict struct {
	ID        string          `json:"id"` // the conflict's own id
	Loser     record.Envelope `json:"loser"`
	WinnerHLC string          `json:"winner_hlc"`
	At        time.Time       `json:"at"` // when this device noticed
	Reason    string          `json:"reason"`
	// WinnerDeleted: the winning version is a deletion (known when a pull
	// brought it; a superseded push learns only the winner's HLC).
	WinnerDeleted bool `json:"winner_deleted,omitempty"`
	// ByServer: the winning version was written by the school's server
	// (its HLC node is protocol.ServerDeviceID of the enrolled school: the
	// console, a roster import). Worked out when conflicts are listed, from
	// the enrolment; not stored.
	ByServer bool `json:"-"`
}

// By is who saved the winning version, for a person: "the console" or
// "another tablet". The tablet holds no list of the school's devices or
// of who works in the console, so it names no one (ADR 0651).
func (c Conflict) By() string {
	if c.ByServer {
		return "the console"
	}
	return "another tablet"
}

// RecordID is the id of the record in conflict.
func (c Conflict) RecordID() string { return c.Loser.ID }

// WinnerTime is when the winning version was saved, by its writer's clock.
func (c Conflict) WinnerTime() time.Time {
	ts, err := hlc.Parse(c.WinnerHLC)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ts.Wall)
}

// WinnerDevice is the id of the device that saved the winning version.
func (c Conflict) WinnerDevice() string {
	ts, err := hlc.Parse(c.WinnerHLC)
	if err != nil {
		return ""
	}
	return ts.Node.String()
}

// Summary is the plain sentence shown to the person, e.g. "another tablet
// saved a newer version at 10:42", in loc (nil means local time).
func (c Conflict) Summary(loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	t := c.WinnerTime()
	if t.IsZero() {
		return c.By() + " saved a newer version"
	}
	t = t.In(loc)
	what := "saved a newer version"
	if c.WinnerDeleted {
		what = "deleted it"
	}
	if d := c.At.In(loc); d.Year() == t.Year() && d.YearDay() == t.YearDay() {
		return c.By() + " " + what + " at " + t.Format("15:04")
	}
	return c.By() + " " + what + " on " + t.Format("Jan 2 at 15:04")
}

func (s *Store) addConflict(tx *bolt.Tx, loser record.Envelope, winner, reason string, at time.Time, winnerDeleted bool) error {
	u, err := uuid.NewV7()
	if err != nil {
		return err
	}
	loser.Seq = 0
	b, err := json.Marshal(Conflict{ID: u.String(), Loser: loser, WinnerHLC: winner, At: at, Reason: reason, WinnerDeleted: winnerDeleted})
	if err != nil {
		return err
	}
	return s.put(tx, bConflicts, u[:], b)
}

// Conflicts returns the kept losers, oldest first.
func (s *Store) Conflicts() ([]Conflict, error) {
	var out []Conflict
	server := ""
	if e, err := s.Enrolment(); err == nil && e.SchoolID != "" {
		server = protocol.ServerDeviceID(e.SchoolID)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bConflicts).ForEach(func(k, v []byte) error {
			v, err := s.unseal(bConflicts, k, v)
			if err != nil {
				return err
			}
			var c Conflict
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			c.ByServer = server != "" && c.WinnerDevice() == server
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: conflicts: %w", err)
	}
	return out, nil
}

// ConflictsOf returns the kept losers of one record.
func (s *Store) ConflictsOf(recordID string) ([]Conflict, error) {
	all, err := s.Conflicts()
	if err != nil {
		return nil, err
	}
	var out []Conflict
	for _, c := range all {
		if c.Loser.ID == recordID {
			out = append(out, c)
		}
	}
	return out, nil
}

// ConflictCount is the number of kept losers.
func (s *Store) ConflictCount() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bConflicts).Stats().KeyN; return nil })
	if err != nil {
		return 0, fmt.Errorf("localstore: conflict count: %w", err)
	}
	return n, nil
}

// RestoreConflict writes the losing version's content as a new version (a
// fresh HLC, so it wins from now on) and removes the conflict, in one
// transaction. Restoring a losing tombstone deletes the record again.
func (s *Store) RestoreConflict(ctx context.Context, conflictID string) (record.Envelope, error) {
	ck, err := key(conflictID)
	if err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: restore conflict: %w", err)
	}
	var out record.Envelope
	err = s.update(func(tx *bolt.Tx) error {
		cb := tx.Bucket(bConflicts)
		v, err := s.get(tx, bConflicts, ck)
		if err != nil {
			return err
		}
		if v == nil {
			return ErrNotFound
		}
		var c Conflict
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		k, err := key(c.Loser.ID)
		if err != nil {
			return err
		}
		prev, _, err := s.getEnv(tx, k)
		if err != nil {
			return err
		}
		out = record.Envelope{ID: c.Loser.ID, Type: c.Loser.Type, HLC: s.clock.Now().String(),
			Deleted: c.Loser.Deleted, Data: c.Loser.Data, Restricted: c.Loser.Restricted}
		if out.Deleted {
			out.Data, out.Restricted = nil, false
		}
		if err := s.writeLocal(tx, k, prev, out); err != nil {
			return err
		}
		return cb.Delete(ck)
	})
	if err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: restore conflict: %w", err)
	}
	return out, nil
}

// DismissConflict forgets a kept loser (the person chose the winner).
func (s *Store) DismissConflict(ctx context.Context, conflictID string) error {
	ck, err := key(conflictID)
	if err != nil {
		return fmt.Errorf("localstore: dismiss conflict: %w", err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bConflicts).Get(ck) == nil {
			return ErrNotFound
		}
		return tx.Bucket(bConflicts).Delete(ck)
	})
	if err != nil {
		return fmt.Errorf("localstore: dismiss conflict: %w", err)
	}
	return nil
}

// raiseSeen keeps in meta the greatest HLC received from the server (pulled,
// or named in a push result): ReStamp's floor.
func raiseSeen(tx *bolt.Tx, h string) error {
	m := tx.Bucket(bMeta)
	if h > string(m.Get(kSeen)) {
		return m.Put(kSeen, []byte(h))
	}
	return nil
}
