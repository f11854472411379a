package localstore

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
)

// The history of a record on this tablet (ADR 0620: "the record's version
// history is kept"). The server keeps one version per record (PROTOCOL §1),
// so the tablet keeps, in the same transaction as an edit or a deletion
// made here, the version it replaced: a probe typed wrong and corrected
// still shows what was first typed. History is local: never synced, read by
// no report, gone with the file when the tablet is erased (ADR 0620).
//
// Bounded: a version is kept only when the edit comes at least
// historyAfter after it (a correction, not the taps of a session being run
// or a card being filled; never a session still in progress), at most
// historyPerRecord per record (the
// oldest go first), and never for CICO cards (each rating is an edit of
// the day's card by design; the undo covers a mistaken tap or deletion).
const (
	historyAfter     = 10 * 60 * 1000 // ms between the replaced version and the edit
	historyPerRecord = 5
)

// keepHistory stores prev under k when e, written on this device, replaces
// it in a way worth remembering.
func (s *Store) keepHistory(tx *bolt.Tx, k []byte, prev *record.Envelope, e record.Envelope) error {
	if prev == nil || prev.Deleted || prev.Type == record.TypeCICOCard || runningSession(prev) {
		return nil
	}
	was, err1 := hlc.Parse(prev.HLC)
	now, err2 := hlc.Parse(e.HLC)
	if err1 != nil || err2 != nil || now.Wall-was.Wall < historyAfter {
		return nil
	}
	v, err := json.Marshal(prev)
	if err != nil {
		return err
	}
	b := tx.Bucket(bHistory)
	// The old version is what a person wrote: sealed like the record (ADR 0610).
	if err := s.put(tx, bHistory, append(append([]byte{}, k...), prev.HLC...), v); err != nil {
		return err
	}
	// Drop the oldest beyond the bound (keys sort by HLC within a record).
	var keys [][]byte
	c := b.Cursor()
	for hk, _ := c.Seek(k); hk != nil && bytes.HasPrefix(hk, k); hk, _ = c.Next() {
		keys = append(keys, append([]byte{}, hk...))
	}
	for len(keys) > historyPerRecord {
		if err := b.Delete(keys[0]); err != nil {
			return err
		}
		keys = keys[1:]
	}
	return nil
}

// runningSession: the version is a session still being run, whose taps
// (minutes apart while teaching) are the session being recorded, not
// corrections of it.
func runningSession(e *record.Envelope) bool {
	if e.Type != record.TypeSession {
		return false
	}
	var s struct {
		Status string `json:"status"`
	}
	return json.Unmarshal(e.Data, &s) == nil && s.Status == record.SessionInProgress
}

// History returns the earlier versions of id kept on this tablet, newest
// first (none for a record never corrected here).
func (s *Store) History(id string) ([]record.Envelope, error) {
	k, err := key(id)
	if err != nil {
		return nil, fmt.Errorf("localstore: history: %w", err)
	}
	var out []record.Envelope
	err = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bHistory).Cursor()
		for hk, v := c.Seek(k); hk != nil && bytes.HasPrefix(hk, k); hk, v = c.Next() {
			v, err := s.unseal(bHistory, hk, v)
			if err != nil {
				return err
			}
			var e record.Envelope
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode history of %s: %w", id, err)
			}
			out = append([]record.Envelope{e}, out...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: history %s: %w", id, err)
	}
	return out, nil
}

// dropHistory forgets the versions kept for k: the record was deleted on
// another device or redacted for this one (a restricted note, PROTOCOL §6),
// and what it held must not outlive it here.
func dropHistory(tx *bolt.Tx, k []byte) error {
	b := tx.Bucket(bHistory)
	var keys [][]byte
	c := b.Cursor()
	for hk, _ := c.Seek(k); hk != nil && bytes.HasPrefix(hk, k); hk, _ = c.Next() {
		keys = append(keys, append([]byte{}, hk...))
	}
	for _, hk := range keys {
		if err := b.Delete(hk); err != nil {
			return err
		}
	}
	return nil
}
