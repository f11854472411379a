package boltstore

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// TestAuditAndKeysSurviveReopen: audit entries, their marks and recovery
// keys are in the file, and a file written before they existed gains their
// buckets at Open.
func TestAuditAndKeysSurviveReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.NewFixture(t, s, "lincoln")
	s.Close()
	// As a file of the previous version: without the two buckets.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bAudit, bRecoveryKeys, bAuditMarks} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	dev := uuid.NewString()
	now := time.Now()
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: dev, TokenHash: []byte("hash-0123456789abcdef0123456789ab"), At: now}); err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{9}, 32)
	if err := s.PutRecoveryKey(ctx, store.RecoveryKey{SchoolID: f.School.ID, DeviceID: dev, UserID: f.Ana.ID, Key: key, At: now}); err != nil {
		t.Fatal(err)
	}
	rec := uuid.NewString()
	if err := s.AppendAudit(ctx, store.NewAuditBatch(store.Principal{School: f.School, User: f.Ana}, dev, store.AuditPull, now, []string{rec})); err != nil {
		t.Fatal(err)
	}
	s.Close()

	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.RecoveryKey(ctx, f.School.ID, dev, f.Ana.ID); err != nil || !bytes.Equal(got, key) {
		t.Errorf("key after reopen: %x, %v", got, err)
	}
	// The day's marks are in the file too: the same read again, after the
	// reopen, writes nothing (ADR 0021).
	if err := s.AppendAudit(ctx, store.NewAuditBatch(store.Principal{School: f.School, User: f.Ana}, dev, store.AuditPull, now, []string{rec})); err != nil {
		t.Fatal(err)
	}
	entries, _, err := s.ListAudit(ctx, store.AuditQuery{SchoolID: f.School.ID, Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].RecordID != rec || entries[0].DeviceID != dev || !entries[0].At.Equal(now.UTC().Truncate(time.Millisecond)) {
		t.Errorf("audit after reopen: %+v, %v", entries, err)
	}
}
