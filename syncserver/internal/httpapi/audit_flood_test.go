package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/store"
)

// ADR 0021: the audit log stays readable and bounded. An
// author's tablet pulling its own restricted notes again and again writes
// nothing; an admin's repeated pulls write each record once per device and
// day.

// testClock is the server's clock: the real time moved by a settable
// offset, never behind it (a server ahead of its tablets accepts their
// pushes), and at least an hour from a UTC midnight, so "the same day" holds
// for the length of a test.
type testClock struct{ offset atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	if h := time.Now().UTC().Hour(); h == 0 || h == 23 {
		c.offset.Store(int64(2 * time.Hour))
	}
	return c
}

func (c *testClock) now() time.Time      { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) add(d time.Duration) { c.offset.Add(int64(d)) }

// onBothStoresWith is onBothStores with a server clock the test moves.
func onBothStoresWith(t *testing.T, test func(t *testing.T, e *env, clock *testClock)) {
	t.Run("bbolt", func(t *testing.T) {
		st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
		if err != nil {
			t.Fatal(err)
		}
		c := newTestClock()
		test(t, newEnvOnWith(t, st, Config{Now: c.now}), c)
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := pgstore.Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		c := newTestClock()
		test(t, newEnvOnWith(t, st, Config{Now: c.now}), c)
	})
}

// auditCount is how many entries the admin's school log holds, read
// through GET /v1/admin/audit in pages of 1,000.
func (e *env) auditCount(adminTok string) int {
	e.t.Helper()
	n := 0
	for q := "?limit=1000"; ; {
		s, r := e.audit(adminTok, q)
		if s != 200 {
			e.t.Fatalf("audit: %d", s)
		}
		n += len(r.Entries)
		if !r.More {
			return n
		}
		q = "?limit=1000&after=" + r.Next
	}
}

// pullEverything pulls from 0 in pages of the largest size, as a tablet's
// first sync (or a hostile loop) does, and returns how many records came.
func (e *env) pullEverything(d device) int {
	e.t.Helper()
	n, err := pullPages(e.srv.URL, d.token)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// pullPages is pullEverything for any goroutine: errors are returned.
func pullPages(url, token string) (int, error) {
	n := 0
	for after := int64(0); ; {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/sync/pull?after=%d&limit=%d", url, after, protocol.MaxPullLimit), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return n, err
		}
		var p protocol.PullResponse
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil {
			return n, fmt.Errorf("pull: %s, %v", resp.Status, err)
		}
		n += len(p.Records)
		if after = p.Cursor; !p.More {
			return n, nil
		}
	}
}

const floodNotes = 5000

func TestAuditFlood(t *testing.T) { onBothStoresWith(t, testAuditFlood) }

func testAuditFlood(t *testing.T, e *env, clock *testClock) {
	ben, admin := e.enrol("lincoln", "ben"), e.enrol("lincoln", "admin")
	for range floodNotes / 500 { // PROTOCOL §5: at most 1,000 records a push
		e.restrictedNotes(ben, 500, "SECRET")
	}
	e.restrictedNotes(admin, 2, "ADMIN-OWN")

	// The author's tablet pulls its own 5,000 restricted notes three times:
	// nothing written. So does the admin's own restricted note.
	for range 3 {
		if n := e.pullEverything(ben); n < floodNotes {
			t.Fatalf("ben pulled %d records", n)
		}
	}
	if n := e.auditCount(admin.token); n != 0 {
		t.Errorf("the author's own pulls wrote %d entries, want 0", n)
	}
	// The admin's tablet pulls twice on one day: each of Ben's notes once.
	e.pullEverything(admin)
	e.pullEverything(admin)
	if n := e.auditCount(admin.token); n != floodNotes {
		t.Errorf("two pulls by an admin on one day wrote %d entries, want %d", n, floodNotes)
	}
	// Two parallel pulls by another of the admin's tablets: once each.
	second := e.enrol("lincoln", "admin")
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := pullPages(e.srv.URL, second.token); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := e.auditCount(admin.token); n != 2*floodNotes {
		t.Errorf("after two parallel pulls of another tablet: %d entries, want %d", n, 2*floodNotes)
	}
	// The next day, the first pull is written again.
	clock.add(24 * time.Hour)
	e.pullEverything(admin)
	if n := e.auditCount(admin.token); n != 3*floodNotes {
		t.Errorf("after a pull the next day: %d entries, want %d", n, 3*floodNotes)
	}
	// Still ids only, and the entries of one pull share its time.
	s, r := e.audit(admin.token, "?limit=2")
	if s != 200 || len(r.Entries) != 2 || r.Entries[0].UserID == "" || r.Entries[0].At != r.Entries[1].At || r.Entries[0].Path != store.AuditPull {
		t.Errorf("first entries: %d %+v", s, r)
	}
}
