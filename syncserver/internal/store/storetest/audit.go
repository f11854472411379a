package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/syncserver/internal/store"
)

// Issue 15 item 5, ADR 0021: the audit of restricted content.

func listAll(t *testing.T, s store.Store, q store.AuditQuery) []store.AuditEntry {
	t.Helper()
	var all []store.AuditEntry
	for range 10000 {
		page, more, err := s.ListAudit(ctx, q)
		if err != nil {
			t.Fatalf("list audit: %v", err)
		}
		if len(page) > max(q.Limit, 1) {
			t.Fatalf("page of %d entries for limit %d", len(page), q.Limit)
		}
		all = append(all, page...)
		if !more {
			return all
		}
		if len(page) == 0 {
			t.Fatal("more with an empty page")
		}
		last := page[len(page)-1]
		q.After = &store.AuditCursor{AtMS: last.At.UnixMilli(), Seq: last.Seq}
	}
	t.Fatal("list audit never ends")
	return nil
}

// sameEntry compares all but Seq.
func sameEntry(a, b store.AuditEntry) bool {
	a.Seq, b.Seq = 0, 0
	return a.At.Equal(b.At) && a.SchoolID == b.SchoolID && a.UserID == b.UserID && a.DeviceID == b.DeviceID && a.RecordID == b.RecordID && a.Path == b.Path
}

func testAudit(t *testing.T, s store.Store) {
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")
	dev := uuid.NewString()
	p := store.Principal{School: f.School, User: f.Ana, DeviceID: dev}
	ids := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}

	// One response's batch, then a console page and a report later.
	pull := store.AuditBatch(p, dev, store.AuditPull, base.Add(123456*time.Microsecond), ids)
	console := store.AuditBatch(store.Principal{School: f.School, User: f.Admin}, store.ConsoleMarkerPrefix+"0123456789ab", store.AuditConsole, base.Add(time.Hour), ids[:1])
	report := store.AuditBatch(store.Principal{School: f.School, User: f.Admin}, uuid.NewString(), store.AuditReport, base.Add(2*time.Hour), ids[1:2])
	theirs := store.AuditBatch(store.Principal{School: other.School, User: other.Ana}, dev, store.AuditPull, base, ids)
	for _, b := range [][]store.AuditEntry{pull, console, report, theirs} {
		if err := s.AppendAudit(ctx, b); err != nil {
			t.Fatalf("append audit: %v", err)
		}
	}
	if err := s.AppendAudit(ctx, nil); err != nil {
		t.Errorf("an empty batch: %v", err)
	}
	want := append(append(append([]store.AuditEntry{}, pull...), console...), report...)
	got := listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: 100})
	if len(got) != len(want) {
		t.Fatalf("listed %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !sameEntry(got[i], want[i]) {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
		if got[i].At.Nanosecond()%int(time.Millisecond) != 0 {
			t.Errorf("entry %d time %v is not whole milliseconds", i, got[i].At)
		}
	}
	// Entries of one batch keep their order, and seqs are distinct.
	for i := 1; i < len(got); i++ {
		if got[i].At.Equal(got[i-1].At) && got[i].Seq <= got[i-1].Seq {
			t.Errorf("seq order broken at %d: %d after %d", i, got[i].Seq, got[i-1].Seq)
		}
	}

	// Paging by one gives the same, in the same order.
	if paged := listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: 1}); fmt.Sprint(paged) != fmt.Sprint(got) {
		t.Errorf("paged by one:\n%v\nwant\n%v", paged, got)
	}
	// Since: from the console entry on.
	if since := listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Since: base.Add(time.Hour), Limit: 10}); len(since) != 2 || since[0].Path != store.AuditConsole {
		t.Errorf("since an hour later: %+v", since)
	}
	// A cursor before Since does not widen the page.
	if q := (store.AuditQuery{SchoolID: f.School.ID, Since: base.Add(time.Hour), Limit: 10, After: &store.AuditCursor{}}); len(listAll(t, s, q)) != 2 {
		t.Error("a cursor before since widened the page")
	}
	// Limits are bounded whatever is asked.
	if page, more, err := s.ListAudit(ctx, store.AuditQuery{SchoolID: f.School.ID, Limit: -5}); err != nil || len(page) != 1 || !more {
		t.Errorf("limit -5: %d entries, more %v, %v", len(page), more, err)
	}
	// Tenancy: another school sees only its own; a malformed id nothing.
	if theirsGot := listAll(t, s, store.AuditQuery{SchoolID: other.School.ID, Limit: 100}); len(theirsGot) != 3 || theirsGot[0].SchoolID != other.School.ID {
		t.Errorf("the other school's entries: %+v", theirsGot)
	}
	for _, id := range []string{"", "x", uuid.NewString(), f.School.ID[:35] + "\x00"} {
		if page, _, err := s.ListAudit(ctx, store.AuditQuery{SchoolID: id, Limit: 10}); err != nil || len(page) != 0 {
			t.Errorf("school %q: %d entries, %v", id, len(page), err)
		}
	}

	// A malformed entry fails its whole batch: nothing of it is written.
	for name, mut := range map[string]func(*store.AuditEntry){
		"path":      func(e *store.AuditEntry) { e.Path = "email" },
		"record":    func(e *store.AuditEntry) { e.RecordID = "not-an-id" },
		"user":      func(e *store.AuditEntry) { e.UserID = "" },
		"device":    func(e *store.AuditEntry) { e.DeviceID = "laptop" },
		"nul":       func(e *store.AuditEntry) { e.DeviceID = store.ConsoleMarkerPrefix + "a\x00b" },
		"long":      func(e *store.AuditEntry) { e.DeviceID = store.ConsoleMarkerPrefix + string(make([]byte, 100)) },
		"zero time": func(e *store.AuditEntry) { e.At = time.Time{} },
	} {
		b := store.AuditBatch(p, dev, store.AuditPull, base.Add(3*time.Hour), []string{uuid.NewString(), uuid.NewString()})
		mut(&b[1])
		if err := s.AppendAudit(ctx, b); !errors.Is(err, store.ErrBadAuditEntry) {
			t.Errorf("%s: append = %v, want ErrBadAuditEntry", name, err)
		}
	}
	if n := len(listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: 100})); n != len(want) {
		t.Errorf("refused batches wrote entries: %d, want %d", n, len(want))
	}

	// Retention: the purge deletes what is older than its cut, every
	// school, and nothing newer.
	n, err := s.PurgeAudit(ctx, base.Add(90*time.Minute))
	if err != nil || n != 3+3+1 {
		t.Fatalf("purge = %d, %v; want 7 (3 pulls of each school and the console entry)", n, err)
	}
	if left := listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: 100}); len(left) != 1 || !sameEntry(left[0], report[0]) {
		t.Errorf("after the purge: %+v", left)
	}
	if left := listAll(t, s, store.AuditQuery{SchoolID: other.School.ID, Limit: 100}); len(left) != 0 {
		t.Errorf("the other school after the purge: %+v", left)
	}
	if n, err := s.PurgeAudit(ctx, base.Add(90*time.Minute)); err != nil || n != 0 {
		t.Errorf("a second purge = %d, %v", n, err)
	}
}

// testAuditConcurrent: concurrent appends (pulls of many tablets at once)
// all land, with distinct positions, and paging sees each once.
func testAuditConcurrent(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	const writers, batches, per = 8, 10, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dev := uuid.NewString()
			for b := range batches {
				ids := make([]string, per)
				for i := range ids {
					ids[i] = uuid.NewString()
				}
				// Every batch of one writer shares a millisecond with
				// the others': Seq alone orders them.
				errs <- s.AppendAudit(ctx, store.AuditBatch(store.Principal{School: f.School, User: f.Ana}, dev, store.AuditPull, at.Add(time.Duration(b%2+w%2)*time.Millisecond), ids))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: 7})
	seen := map[string]bool{}
	for _, e := range got {
		if seen[e.RecordID] {
			t.Errorf("record %s listed twice", e.RecordID)
		}
		seen[e.RecordID] = true
	}
	if len(seen) != writers*batches*per {
		t.Errorf("%d distinct entries, want %d", len(seen), writers*batches*per)
	}
}
