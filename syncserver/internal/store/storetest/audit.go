package storetest

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// ADR 0021: the audit of restricted content.

func listAll(t *testing.T, s store.Store, q store.AuditQuery) []store.AuditEntry {
	t.Helper()
	var all []store.AuditEntry
	for range 100000 {
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
		c := page[len(page)-1].Cursor()
		q.After = &c
	}
	t.Fatal("list audit never ends")
	return nil
}

// entriesOf is what listing a batch must give: one entry per record.
func entriesOf(b store.AuditBatch) []store.AuditEntry {
	out := make([]store.AuditEntry, len(b.RecordIDs))
	for i, id := range b.RecordIDs {
		out[i] = store.AuditEntry{Index: i, At: b.At, SchoolID: b.SchoolID, UserID: b.UserID, DeviceID: b.DeviceID, RecordID: id, Path: b.Path}
	}
	return out
}

// sameEntry compares all but Seq (the store's).
func sameEntry(a, b store.AuditEntry) bool {
	a.Seq, b.Seq = 0, 0
	return a.At.Equal(b.At) && a.Index == b.Index && a.SchoolID == b.SchoolID && a.UserID == b.UserID && a.DeviceID == b.DeviceID && a.RecordID == b.RecordID && a.Path == b.Path
}

func newIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	return ids
}

func testAudit(t *testing.T, s store.Store) {
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")
	dev := uuid.NewString()
	p := store.Principal{School: f.School, User: f.Ana, DeviceID: dev}
	ids := newIDs(3)

	// One response's batch, then a console page and a report later.
	pull := store.NewAuditBatch(p, dev, store.AuditPull, base.Add(123456*time.Microsecond), ids)
	console := store.NewAuditBatch(store.Principal{School: f.School, User: f.Admin}, store.ConsoleMarkerPrefix+"0123456789ab", store.AuditConsole, base.Add(time.Hour), ids[:1])
	report := store.NewAuditBatch(store.Principal{School: f.School, User: f.Admin}, uuid.NewString(), store.AuditReport, base.Add(2*time.Hour), ids[1:2])
	theirs := store.NewAuditBatch(store.Principal{School: other.School, User: other.Ana}, dev, store.AuditPull, base, ids)
	for _, b := range []store.AuditBatch{pull, console, report, theirs} {
		if err := s.AppendAudit(ctx, b); err != nil {
			t.Fatalf("append audit: %v", err)
		}
	}
	if err := s.AppendAudit(ctx, store.NewAuditBatch(p, dev, store.AuditPull, base, nil)); err != nil {
		t.Errorf("a batch without records: %v", err)
	}
	want := append(append(entriesOf(pull), entriesOf(console)...), entriesOf(report)...)
	got := listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: 100})
	if len(got) != len(want) {
		t.Fatalf("listed %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !sameEntry(got[i], want[i]) {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
		if got[i].At.Nanosecond()%int(time.Millisecond) != 0 || got[i].At.Location() != time.UTC {
			t.Errorf("entry %d time %v is not whole UTC milliseconds", i, got[i].At)
		}
	}
	// One batch, one Seq; batches, distinct increasing ones.
	if got[0].Seq != got[1].Seq || got[1].Seq != got[2].Seq || got[3].Seq == got[2].Seq || got[4].Seq == got[3].Seq {
		t.Errorf("seqs %d %d %d %d %d", got[0].Seq, got[1].Seq, got[2].Seq, got[3].Seq, got[4].Seq)
	}

	// Paging by one, cursors inside a batch included, gives the same.
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
	// Extreme cursors are not errors: past the end is an empty page, before
	// the start the whole log.
	for _, c := range []store.AuditCursor{{AtMS: math.MaxInt64, Seq: math.MaxInt64, Index: math.MaxInt32}, {AtMS: math.MinInt64, Seq: math.MinInt64, Index: math.MinInt32}, {AtMS: -1, Seq: 5, Index: -7}} {
		page, more, err := s.ListAudit(ctx, store.AuditQuery{SchoolID: f.School.ID, Limit: 10, After: &c})
		wantN := 0
		if c.AtMS < 0 {
			wantN = len(want)
		}
		if err != nil || len(page) != wantN || more {
			t.Errorf("cursor %+v: %d entries, more %v, %v", c, len(page), more, err)
		}
	}
	if page, _, err := s.ListAudit(ctx, store.AuditQuery{SchoolID: f.School.ID, Limit: 10, Since: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}); err != nil || len(page) != 0 {
		t.Errorf("since year 9999: %d entries, %v", len(page), err)
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

	// A malformed batch is refused whole: nothing of it is written.
	for name, mut := range map[string]func(*store.AuditBatch){
		"path":      func(b *store.AuditBatch) { b.Path = "email" },
		"record":    func(b *store.AuditBatch) { b.RecordIDs[1] = "not-an-id" },
		"upper":     func(b *store.AuditBatch) { b.RecordIDs[0] = "A" + b.RecordIDs[0][1:] },
		"user":      func(b *store.AuditBatch) { b.UserID = "" },
		"school":    func(b *store.AuditBatch) { b.SchoolID = "lincoln" },
		"device":    func(b *store.AuditBatch) { b.DeviceID = "laptop" },
		"nul":       func(b *store.AuditBatch) { b.DeviceID = store.ConsoleMarkerPrefix + "a\x00b" },
		"long":      func(b *store.AuditBatch) { b.DeviceID = store.ConsoleMarkerPrefix + string(make([]byte, 100)) },
		"zero time": func(b *store.AuditBatch) { b.At = time.Time{} },
		"too many":  func(b *store.AuditBatch) { b.RecordIDs = newIDs(store.MaxAuditBatch + 1) },
	} {
		b := store.NewAuditBatch(p, dev, store.AuditPull, base.Add(3*time.Hour), newIDs(2))
		mut(&b)
		if err := s.AppendAudit(ctx, b); !errors.Is(err, store.ErrBadAuditEntry) {
			t.Errorf("%s: append = %v, want ErrBadAuditEntry", name, err)
		}
	}
	if n := len(listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: 100})); n != len(want) {
		t.Errorf("refused batches wrote entries: %d, want %d", n, len(want))
	}

	// Retention: the purge deletes the batches older than its cut, every
	// school, and nothing newer.
	n, err := s.PurgeAudit(ctx, base.Add(90*time.Minute))
	if err != nil || n != 3 {
		t.Fatalf("purge = %d, %v; want 3 (the pull of each school and the console page)", n, err)
	}
	if left := listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: 100}); len(left) != 1 || !sameEntry(left[0], entriesOf(report)[0]) {
		t.Errorf("after the purge: %+v", left)
	}
	if left := listAll(t, s, store.AuditQuery{SchoolID: other.School.ID, Limit: 100}); len(left) != 0 {
		t.Errorf("the other school after the purge: %+v", left)
	}
	if n, err := s.PurgeAudit(ctx, base.Add(90*time.Minute)); err != nil || n != 0 {
		t.Errorf("a second purge = %d, %v", n, err)
	}
}

// testAuditLargeBatch: a whole pull page (the largest batch) is one append
// and reads back in order across pages of the biggest size.
func testAuditLargeBatch(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	ids := newIDs(store.MaxAuditBatch)
	b := store.NewAuditBatch(store.Principal{School: f.School, User: f.Admin}, uuid.NewString(), store.AuditPull, time.Now(), ids)
	if err := s.AppendAudit(ctx, b); err != nil {
		t.Fatal(err)
	}
	got := listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: store.MaxAuditPage + 1})
	if len(got) != len(ids) {
		t.Fatalf("%d entries, want %d", len(got), len(ids))
	}
	for i := range ids {
		if got[i].RecordID != ids[i] || got[i].Index != i {
			t.Fatalf("entry %d = %+v, want record %s", i, got[i], ids[i])
		}
	}
	// Its marks, with a few more of that day, expire whole (more than one
	// chunk of a store that deletes them in chunks).
	more := store.NewAuditBatch(store.Principal{School: f.School, User: f.Admin}, uuid.NewString(), store.AuditPull, b.At, ids[:5])
	if err := s.AppendAudit(ctx, more); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ExpireAuditMarks(ctx, b.At.Add(24*time.Hour)); err != nil || n != len(ids)+5 {
		t.Errorf("expired %d marks, %v; want %d", n, err, len(ids)+5)
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
				// Batches of different writers share milliseconds: Seq
				// alone orders them.
				errs <- s.AppendAudit(ctx, store.NewAuditBatch(store.Principal{School: f.School, User: f.Ana}, dev, store.AuditPull,
					at.Add(time.Duration(b%2+w%2)*time.Millisecond), newIDs(per)))
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

// restrictedBy pushes n restricted notes as u and returns their ids: u is
// their author (PROTOCOL §6).
func restrictedBy(t *testing.T, s store.Store, f Fixture, u store.User, n int) []string {
	t.Helper()
	recs := make([]record.Envelope, n)
	out := make([]string, n)
	for i := range recs {
		recs[i] = Env(uuid.NewString(), HLC(int64(i), 0), i)
		recs[i].Type, recs[i].Restricted = "note", true
		out[i] = recs[i].ID
	}
	push(t, s, f, u, recs...)
	return out
}

// countAudit is how many entries a school's log holds.
func countAudit(t *testing.T, s store.Store, schoolID string) int {
	t.Helper()
	return len(listAll(t, s, store.AuditQuery{SchoolID: schoolID, Limit: store.MaxAuditPage}))
}

// testAuditOncePerDay (ADR 0021): the author's reads of
// their own restricted records write nothing, and anyone else's repeated
// reads of a record write one entry per (user, device, record, UTC day),
// also when the reads race.
func testAuditOncePerDay(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")
	bens, admins := restrictedBy(t, s, f, f.Ben, 3), restrictedBy(t, s, f, f.Admin, 2)
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	tablet, laptop := uuid.NewString(), uuid.NewString()
	as := func(u store.User) store.Principal { return store.Principal{School: f.School, User: u} }
	appendN := func(name string, b store.AuditBatch, want int) {
		t.Helper()
		before := countAudit(t, s, b.SchoolID)
		if err := s.AppendAudit(ctx, b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := countAudit(t, s, b.SchoolID) - before; n != want {
			t.Errorf("%s wrote %d entries, want %d", name, n, want)
		}
	}

	// Their authors, however often: nothing (an admin's own notes too).
	for range 3 {
		appendN("ben's own notes", store.NewAuditBatch(as(f.Ben), tablet, store.AuditPull, day.Add(8*time.Hour), bens), 0)
		appendN("the admin's own notes", store.NewAuditBatch(as(f.Admin), tablet, store.AuditPull, day.Add(8*time.Hour), admins), 0)
	}
	// The admin reads Ben's notes (and her own): Ben's, once a day per device.
	all := append(append([]string(nil), bens...), admins...)
	appendN("the admin's first read", store.NewAuditBatch(as(f.Admin), tablet, store.AuditPull, day.Add(9*time.Hour), all), 3)
	appendN("the same day again", store.NewAuditBatch(as(f.Admin), tablet, store.AuditPull, day.Add(23*time.Hour), all), 0)
	appendN("the same day, another path", store.NewAuditBatch(as(f.Admin), tablet, store.AuditReport, day.Add(23*time.Hour), bens[:1]), 0)
	// A record not read before that day, and one twice in a batch: once.
	fresh := uuid.NewString() // no such record: not the reader's, so it counts
	appendN("one new record", store.NewAuditBatch(as(f.Admin), tablet, store.AuditPull, day.Add(23*time.Hour), append([]string{fresh, fresh}, bens...)), 1)
	appendN("another device", store.NewAuditBatch(as(f.Admin), laptop, store.AuditPull, day.Add(10*time.Hour), all), 3)
	appendN("a console session", store.NewAuditBatch(as(f.Admin), store.ConsoleMarkerPrefix+"0123456789ab", store.AuditConsole, day.Add(10*time.Hour), all), 3)
	appendN("the next day", store.NewAuditBatch(as(f.Admin), tablet, store.AuditPull, day.Add(24*time.Hour), all), 3)
	// Another user is another reader; another school another log.
	appendN("ana, same device", store.NewAuditBatch(as(f.Ana), tablet, store.AuditPull, day.Add(11*time.Hour), bens), 3)
	theirs := store.NewAuditBatch(store.Principal{School: other.School, User: other.Admin}, tablet, store.AuditPull, day.Add(9*time.Hour), all)
	appendN("the other school", theirs, 5)
	if n := countAudit(t, s, f.School.ID); n != 3+1+3+3+3+3 {
		t.Errorf("the school's log holds %d entries", n)
	}

	// The entries say who read what first that day.
	got := listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Since: day.Add(9 * time.Hour), Limit: 3})
	if len(got) < 3 || got[0].UserID != f.Admin.ID || got[0].DeviceID != tablet || got[0].Path != store.AuditPull ||
		!got[0].At.Equal(day.Add(9*time.Hour)) || got[0].RecordID != bens[0] || got[2].RecordID != bens[2] {
		t.Errorf("first entries: %+v", got[:min(3, len(got))])
	}

	// Concurrent reads of the same records by the same device on the same
	// day (two parallel pulls of an admin's tablet) write each record once.
	racer := uuid.NewString()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.AppendAudit(ctx, store.NewAuditBatch(as(f.Admin), racer, store.AuditPull, day.Add(time.Duration(12*60+i)*time.Minute), all))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, e := range listAll(t, s, store.AuditQuery{SchoolID: f.School.ID, Limit: store.MaxAuditPage}) {
		if e.DeviceID == racer {
			n++
		}
	}
	if n != len(bens) {
		t.Errorf("8 racing reads wrote %d entries, want %d", n, len(bens))
	}

	// The marks of a day are expired once it is over (every school); the
	// entries stay. A batch stamped that day is then news again: the marks
	// were really deleted. The next day's marks stay.
	entries := countAudit(t, s, f.School.ID)
	if n, err := s.ExpireAuditMarks(ctx, day.Add(24*time.Hour)); err != nil || n != 4+3+3+3+3+5 {
		t.Errorf("expire the first day's marks = %d, %v; want 21", n, err)
	}
	if n := countAudit(t, s, f.School.ID); n != entries {
		t.Errorf("expiring marks changed the log: %d entries, want %d", n, entries)
	}
	appendN("the first day after its marks expired", store.NewAuditBatch(as(f.Admin), tablet, store.AuditPull, day.Add(23*time.Hour), all), 3)
	appendN("the next day, marks kept", store.NewAuditBatch(as(f.Admin), tablet, store.AuditPull, day.Add(25*time.Hour), all), 0)
	if n, err := s.ExpireAuditMarks(ctx, day.Add(24*time.Hour)); err != nil || n != 3 {
		t.Errorf("expire again = %d, %v; want the 3 new marks", n, err)
	}
	if n, err := s.ExpireAuditMarks(ctx, day.Add(48*time.Hour)); err != nil || n != 3 {
		t.Errorf("expire the next day = %d, %v; want 3", n, err)
	}
}
