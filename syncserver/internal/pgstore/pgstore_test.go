package pgstore

import (
	"bytes"
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

func openTemp(t *testing.T) store.Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, openTemp) }

// TestConcurrentOpenMigratesOnce: instances starting at once on a fresh
// database all come up, and the schema is applied exactly once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var n, distinct int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&n, &distinct); err != nil || n != len(ms) || distinct != n {
		t.Fatalf("%d migrations applied %d times (%d distinct), %v", len(ms), n, distinct, err)
	}
	e1, _ := s.Epoch(context.Background())
	s2, _ := Open(context.Background(), url)
	defer s2.Close()
	if e2, _ := s2.Epoch(context.Background()); e1 == "" || e1 != e2 {
		t.Fatalf("epoch differs between instances: %q %q", e1, e2)
	}
}

// Records written before migration 3 (refs NULL) get their refs at the next
// Open, and the reads find them.
func TestBackfillRefs(t *testing.T) {
	url := pgtest.URL(t)
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	check := storetest.IndexedData(t, s)
	if _, err := s.pool.Exec(context.Background(), `UPDATE records SET refs = NULL`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(t, s)
	var left int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*) FROM records WHERE refs IS NULL`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d records without refs, %v", left, err)
	}
}

// TestAuditAndKeysSurviveRestart: what one server instance wrote, the next
// one started on the same database reads (ADR 0021: the audit survives
// restarts).
func TestAuditAndKeysSurviveRestart(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.NewFixture(t, s, "lincoln")
	dev, rec := uuid.NewString(), uuid.NewString()
	now := time.Now()
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: dev, TokenHash: []byte("hash-0123456789abcdef0123456789ab"), At: now}); err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{9}, 32)
	if err := s.PutRecoveryKey(ctx, store.RecoveryKey{SchoolID: f.School.ID, DeviceID: dev, UserID: f.Ana.ID, Key: key, At: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAudit(ctx, store.NewAuditBatch(store.Principal{School: f.School, User: f.Ana}, dev, store.AuditPull, now, []string{rec})); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, err := s2.RecoveryKey(ctx, f.School.ID, dev, f.Ana.ID); err != nil || !bytes.Equal(got, key) {
		t.Errorf("key after restart: %x, %v", got, err)
	}
	entries, _, err := s2.ListAudit(ctx, store.AuditQuery{SchoolID: f.School.ID, Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].RecordID != rec || !entries[0].At.Equal(now.UTC().Truncate(time.Millisecond)) {
		t.Errorf("audit after restart: %+v, %v", entries, err)
	}
}
