package localstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"smallwins/shared/record"
)

// The date index (ADR 0652). Screens ask for one week of a group's
// sessions (My week), the last few days of a group (Today) or a student's
// newest probes (the lights, Probes due); reading a reference's whole
// history for that decoded — and, in a sealed store, opened — two years of
// records. by_date holds, for every live record that hangs off another
// (record.OwnerField) and has a `date`, the key
//
//	ref id(16) ‖ type ‖ 0x00 ‖ date "YYYY-MM-DD"(10) ‖ id(16) → ∅
//
// so a date range is one cursor walk. Like by_ref it is written by reindex,
// in the transaction of the version it indexes. Its keys hold ids, a type
// name and a date, never a name or text: they stay clear in a sealed store
// (ADR 0610).

// dateIndexVersion is meta's kDateIndex once by_date is whole. A later
// change of the key layout raises it, and the index is built again.
const dateIndexVersion = "1"

// dateLen is the length of "YYYY-MM-DD".
const dateLen = 10

// dateOf is a record's data's `date`, when it is a date (record.ParseDate:
// exactly YYYY-MM-DD). A record without one is in no date range.
func dateOf(m map[string]json.RawMessage) (string, bool) {
	raw, ok := m["date"]
	if !ok {
		return "", false
	}
	var d string
	if json.Unmarshal(raw, &d) != nil || !isDate(d) {
		return "", false
	}
	return d, true
}

// isDate: exactly YYYY-MM-DD, a real day.
func isDate(d string) bool {
	_, err := record.ParseDate(d)
	return err == nil && len(d) == dateLen
}

// envDate is e's date (dateOf over its data).
func envDate(e *record.Envelope) (string, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(e.Data, &m) != nil {
		return "", false
	}
	return dateOf(m)
}

func dateKey(ref []byte, typ, date string, k []byte) []byte {
	out := make([]byte, 0, 16+len(typ)+1+dateLen+16)
	out = append(out, ref...)
	out = append(out, typ...)
	out = append(out, 0)
	out = append(out, date...)
	return append(out, k...)
}

// openDateIndex builds the index in Open's transaction when the values can
// be read (a store without a PIN); a sealed store's waits for its key.
func (s *Store) openDateIndex(tx *bolt.Tx) error {
	if string(tx.Bucket(bMeta).Get(kDateIndex)) == dateIndexVersion {
		s.dated.Store(true)
		return nil
	}
	if s.keyed.Load() {
		return nil
	}
	if err := s.buildDateIndex(tx); err != nil {
		return fmt.Errorf("date index: %w", err)
	}
	s.dated.Store(true)
	return nil
}

// unlockedDateIndex builds the index of a sealed store written by an
// app version without it, once its key is known, in one transaction. A
// failure leaves the index unbuilt: the date reads then scan (slower, the
// same answers) and the next unlock tries again; the unlock itself stands.
func (s *Store) unlockedDateIndex() {
	if s.dated.Load() {
		return
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if string(tx.Bucket(bMeta).Get(kDateIndex)) != dateIndexVersion {
			return s.buildDateIndex(tx)
		}
		return nil
	})
	if err != nil {
		slog.Warn("localstore: the date index could not be built; date reads scan", "err", err.Error())
		return
	}
	s.dated.Store(true)
}

// buildDateIndex empties by_date and indexes every live record again, then
// marks the index whole: all in tx, so a crash leaves either the old state
// or the whole index. A record that does not open (ErrTampered) is left
// out, as every list leaves it out.
func (s *Store) buildDateIndex(tx *bolt.Tx) error {
	if err := tx.DeleteBucket(bByDate); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
		return err
	}
	bd, err := tx.CreateBucket(bByDate)
	if err != nil {
		return err
	}
	// by_ref holds exactly the records that can have a date entry.
	c := tx.Bucket(bByRef).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) < 16+1+16 {
			continue
		}
		id := k[len(k)-16:]
		e, _, err := s.getEnv(tx, id)
		if errors.Is(err, ErrTampered) {
			continue
		}
		if err != nil {
			return err
		}
		if _, _, dk := indexKeys(id, e); dk != nil {
			if err := bd.Put(dk, nil); err != nil {
				return err
			}
		}
	}
	return tx.Bucket(bMeta).Put(kDateIndex, []byte(dateIndexVersion))
}

// checkDate accepts "" (an open end) or a date.
func checkDate(d string) error {
	if d == "" {
		return nil
	}
	if _, err := record.ParseDate(d); err != nil || len(d) != dateLen {
		return fmt.Errorf("%w: %q is not a date YYYY-MM-DD", ErrInvalid, d)
	}
	return nil
}

// ListByRefDates returns the live records of type typ under ref (as
// ListByRef: a group's sessions, a student's probes) whose data's `date`
// lies in [from, to] ("" leaves that end open), in date order, then id
// order. A record without a date is in no range.
func (s *Store) ListByRefDates(typ, ref, from, to string) ([]record.Envelope, error) {
	rk, err := key(ref)
	if err == nil {
		err = checkDate(from)
	}
	if err == nil {
		err = checkDate(to)
	}
	if err != nil {
		return nil, fmt.Errorf("localstore: list %s by date: %w", typ, err)
	}
	var out []record.Envelope
	err = s.db.View(func(tx *bolt.Tx) error {
		if !indexed(tx) {
			var err error
			out, err = s.scanDates(tx, typ, rk, from, to)
			return err
		}
		prefix := refKey(rk, typ, nil)
		c := tx.Bucket(bByDate).Cursor()
		for k, _ := c.Seek(append(append([]byte(nil), prefix...), from...)); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			rest := k[len(prefix):]
			if len(rest) != dateLen+16 {
				continue
			}
			if to != "" && string(rest[:dateLen]) > to {
				break
			}
			e, err := s.listed(tx, rest[dateLen:])
			if err != nil {
				return err
			}
			if e != nil {
				out = append(out, *e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: list %s of %s by date: %w", typ, ref, err)
	}
	return out, nil
}

// RefDates returns the distinct dates of typ's live records under ref
// that fall on or before to ("" for no bound), newest first, at most n (n
// <= 0: all). The index alone answers: nothing is decoded. A caller wanting
// "the newest records" reads these dates, then ListByRefDates from the
// oldest of them.
func (s *Store) RefDates(typ, ref, to string, n int) ([]string, error) {
	rk, err := key(ref)
	if err == nil {
		err = checkDate(to)
	}
	if err != nil {
		return nil, fmt.Errorf("localstore: dates of %s: %w", typ, err)
	}
	var out []string
	err = s.db.View(func(tx *bolt.Tx) error {
		if !indexed(tx) {
			es, err := s.scanDates(tx, typ, rk, "", to)
			out = newestDates(es, n)
			return err
		}
		prefix := refKey(rk, typ, nil)
		c := tx.Bucket(bByDate).Cursor()
		// The first key after every key dated `to`: any id sorts below
		// seventeen 0xff bytes.
		seek := append(append([]byte(nil), prefix...), to...)
		if to == "" {
			seek = append(seek, 0xff)
		} else {
			seek = append(seek, bytes.Repeat([]byte{0xff}, 17)...)
		}
		k, _ := c.Seek(seek)
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && (n <= 0 || len(out) < n); k, _ = c.Prev() {
			rest := k[len(prefix):]
			if len(rest) != dateLen+16 {
				continue
			}
			if d := string(rest[:dateLen]); len(out) == 0 || out[len(out)-1] != d {
				out = append(out, d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: dates of %s of %s: %w", typ, ref, err)
	}
	return out, nil
}

// indexed reports whether tx sees a whole date index: read from the
// transaction's own snapshot, so that a read begun before the index was
// built never walks a half-empty bucket.
func indexed(tx *bolt.Tx) bool {
	return string(tx.Bucket(bMeta).Get(kDateIndex)) == dateIndexVersion
}

// newestDates is RefDates over records in date order (scanDates).
func newestDates(es []record.Envelope, n int) []string {
	var out []string
	for i := len(es) - 1; i >= 0 && (n <= 0 || len(out) < n); i-- {
		if d, _ := envDate(&es[i]); len(out) == 0 || out[len(out)-1] != d {
			out = append(out, d)
		}
	}
	return out
}

// scanDates is the date reads without the index: every record of typ
// under ref decoded and filtered, in date then id order.
func (s *Store) scanDates(tx *bolt.Tx, typ string, rk []byte, from, to string) ([]record.Envelope, error) {
	type dated struct {
		date string
		e    record.Envelope
	}
	var all []dated
	prefix := refKey(rk, typ, nil)
	c := tx.Bucket(bByRef).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		e, err := s.listed(tx, k[len(prefix):])
		if err != nil {
			return nil, err
		}
		if e == nil {
			continue
		}
		d, ok := envDate(e)
		if !ok || d < from || (to != "" && d > to) {
			continue
		}
		all = append(all, dated{d, *e})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].date < all[j].date }) // ids already in order
	out := make([]record.Envelope, len(all))
	for i, x := range all {
		out[i] = x.e
	}
	return out, nil
}
