package storetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// testPushOutcomes: §5's three outcomes, each result carrying the HLC the
// server holds after the push, in request order.
func testPushOutcomes(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	a, b := uuid.NewString(), uuid.NewString()
	res := push(t, s, f, f.Ana, Env(a, HLC(10, 0), 1), Env(b, HLC(10, 0), 1))
	if res[0].Outcome != protocol.Applied || res[1].Outcome != protocol.Applied || res[0].HLC != HLC(10, 0) || res[1].HLC != HLC(10, 0) {
		t.Fatalf("first push: %+v", res)
	}
	res = push(t, s, f, f.Ana, Env(b, HLC(5, 0), 2), Env(a, HLC(10, 0), 9))
	if res[0].Outcome != protocol.Superseded || res[0].HLC != HLC(10, 0) {
		t.Errorf("older version: %+v", res[0])
	}
	if res[1].Outcome != protocol.Unchanged || res[1].HLC != HLC(10, 0) {
		t.Errorf("equal version: %+v", res[1])
	}
	// The node breaks ties of wall and logical (byte order of the text).
	tie := HLC(10, 0)[:20] + "ffffffff-ffff-7fff-bfff-ffffffffffff"
	res = push(t, s, f, f.Ana, Env(a, tie, 4))
	if res[0].Outcome != protocol.Applied || res[0].HLC != tie {
		t.Errorf("greater node: %+v", res[0])
	}
	res = push(t, s, f, f.Ana, Env(a, HLC(10, 1), 3))
	if res[0].Outcome != protocol.Applied || res[0].HLC != HLC(10, 1) {
		t.Errorf("newer version: %+v", res[0])
	}
	got, cursor := pullAll(t, s, f, f.Ana, 0)
	if len(got) != 2 || string(got[a].Data) != `{"v":3}` || string(got[b].Data) != `{"v":1}` || got[a].HLC != HLC(10, 1) || got[a].Type != "student" {
		t.Errorf("held: a=%+v b=%+v", got[a], got[b])
	}
	// Four versions were applied; a is the latest. Unchanged and superseded
	// pushes take no seq.
	if got[a].Seq <= got[b].Seq || cursor != got[a].Seq || cursor != 4 {
		t.Errorf("seqs: a=%d b=%d cursor=%d (want 4 applied versions, a latest)", got[a].Seq, got[b].Seq, cursor)
	}
	// A tombstone is a version like any other.
	if res := push(t, s, f, f.Ana, tomb(b, HLC(20, 0))); res[0].Outcome != protocol.Applied || res[0].HLC != HLC(20, 0) {
		t.Fatalf("tombstone: %+v", res)
	}
	got, _ = pullAll(t, s, f, f.Ana, cursor)
	if e := got[b]; len(got) != 1 || !e.Deleted || len(e.Data) != 0 || e.HLC != HLC(20, 0) || e.Seq != 5 {
		t.Errorf("pulled tombstone: %+v", got)
	}
	// An older live version does not resurrect it.
	if res := push(t, s, f, f.Ana, Env(b, HLC(15, 0), 7)); res[0].Outcome != protocol.Superseded || res[0].HLC != HLC(20, 0) {
		t.Errorf("older version of a deleted record: %+v", res[0])
	}
	// An empty batch is allowed and changes nothing.
	if res, err := s.Push(ctx, batch(f, f.Ana)); err != nil || len(res) != 0 {
		t.Errorf("empty batch: %+v, %v", res, err)
	}
	if _, c := pullAll(t, s, f, f.Ana, 0); c != 5 {
		t.Errorf("cursor %d after no-op pushes, want 5", c)
	}
}

// testSequences: seqs strictly increase per school, each school counting on
// its own; a batch's applied records take distinct seqs.
func testSequences(t *testing.T, s store.Store) {
	x, y := NewFixture(t, s, "x"), NewFixture(t, s, "y")
	var last int64
	for round := 0; round < 3; round++ {
		var recs []record.Envelope
		for i := 0; i < 4; i++ {
			recs = append(recs, Env(uuid.NewString(), HLC(int64(round), i), i))
		}
		push(t, s, x, x.Ana, recs...)
		got, _ := pullAll(t, s, x, x.Ana, last)
		if len(got) != 4 {
			t.Fatalf("round %d: pulled %d new records, want 4", round, len(got))
		}
		seen := map[int64]bool{}
		for _, e := range got {
			if e.Seq <= last || seen[e.Seq] {
				t.Fatalf("round %d: seq %d not new (last %d)", round, e.Seq, last)
			}
			seen[e.Seq] = true
		}
		for q := range seen {
			last = max(last, q)
		}
	}
	if last != 12 {
		t.Errorf("x's last seq %d, want 12", last)
	}
	// School y counts from its own start, untouched by x's twelve.
	push(t, s, y, y.Ana, Env(uuid.NewString(), HLC(0, 0), 0))
	if _, c := pullAll(t, s, y, y.Ana, 0); c != 1 {
		t.Errorf("y's first seq %d, want 1", c)
	}
	// x's pull after its last cursor sees none of y's records.
	if got, c := pullAll(t, s, x, x.Ana, last); len(got) != 0 || c != last {
		t.Errorf("x after %d: %d records, cursor %d", last, len(got), c)
	}
}

// testPullPaging: §6 paging by after and limit; a record changed several
// times appears once, at its latest seq.
func testPullPaging(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	var ids []string
	for i := 0; i < 25; i++ {
		ids = append(ids, uuid.NewString())
	}
	var recs []record.Envelope
	for i, id := range ids {
		recs = append(recs, Env(id, HLC(int64(i), 0), i))
	}
	push(t, s, f, f.Ana, recs...) // seqs 1..25
	// Change the first five twice more: they move to the end, appear once.
	for round := 1; round <= 2; round++ {
		recs = recs[:0]
		for i, id := range ids[:5] {
			recs = append(recs, Env(id, HLC(100*int64(round), i), 100*round+i))
		}
		push(t, s, f, f.Ana, recs...) // seqs 26..30, then 31..35
	}
	p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 0, Limit: 10, Viewer: store.ViewerOf(f.Ana)})
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, p, 0, 10)
	if len(p.Records) != 10 || !p.More || p.Records[0].ID != ids[5] {
		t.Fatalf("page 1: n=%d more=%v first=%s (want ids[5]: ids[0..4] moved past it)", len(p.Records), p.More, p.Records[0].ID)
	}
	all, cursor := pullAll(t, s, f, f.Ana, 0)
	if len(all) != 25 || cursor != 35 {
		t.Errorf("pulled %d records, cursor %d; want 25 records, cursor 35", len(all), cursor)
	}
	for i, id := range ids[:5] {
		if e := all[id]; string(e.Data) != `{"v":`+itoa(200+i)+`}` || e.Seq != int64(31+i) || e.HLC != HLC(200, i) {
			t.Errorf("re-written record %d: %+v, want its latest version at seq %d", i, e, 31+i)
		}
	}
	// A page that ends exactly at the last record says no more.
	p, err = s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 25, Limit: 10, Viewer: store.ViewerOf(f.Ana)})
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, p, 25, 10)
	if len(p.Records) != 5 || p.More || p.Cursor != 35 {
		t.Errorf("after 25 (the first rewrite's seqs are gone): n=%d more=%v cursor=%d; want 5, false, 35", len(p.Records), p.More, p.Cursor)
	}
	p, err = s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 30, Limit: 5, Viewer: store.ViewerOf(f.Ana)})
	if err != nil || len(p.Records) != 5 || p.More {
		t.Errorf("exactly limit left: n=%d more=%v err=%v", len(p.Records), p.More, err)
	}
	// Limit one walks record by record.
	n, after := 0, int64(0)
	for {
		p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: after, Limit: 1, Viewer: store.ViewerOf(f.Ana)})
		if err != nil {
			t.Fatal(err)
		}
		checkPage(t, p, after, 1)
		n += len(p.Records)
		after = p.Cursor
		if !p.More {
			break
		}
	}
	if n != 25 || after != 35 {
		t.Errorf("limit 1: %d records, cursor %d", n, after)
	}
	// Past the end, and a school with nothing.
	p, err = s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: cursor, Limit: 10, Viewer: store.ViewerOf(f.Ana)})
	if err != nil || len(p.Records) != 0 || p.More || p.Cursor != cursor {
		t.Errorf("at end: %+v, %v", p, err)
	}
	p, err = s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 1000, Limit: 10, Viewer: store.ViewerOf(f.Ana)})
	if err != nil || len(p.Records) != 0 || p.More || p.Cursor != 1000 {
		t.Errorf("past the end: %+v, %v", p, err)
	}
	empty := NewFixture(t, s, "empty")
	p, err = s.Pull(ctx, store.PullQuery{SchoolID: empty.School.ID, After: 0, Limit: 10, Viewer: store.ViewerOf(empty.Ana)})
	if err != nil || len(p.Records) != 0 || p.More || p.Cursor != 0 {
		t.Errorf("empty school: %+v, %v", p, err)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// testPullMaxBytes: the size cap stops a page before it grows past MaxBytes
// of JSON, but a page always holds at least one record when any is due.
func testPullMaxBytes(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	recs := KiBRecords(30, 1764000000000)
	push(t, s, f, f.Ana, recs...)
	p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 0, Limit: 100, MaxBytes: 1, Viewer: store.ViewerOf(f.Ana)})
	if err != nil || len(p.Records) != 1 || !p.More || p.Cursor != p.Records[0].Seq {
		t.Fatalf("MaxBytes 1: n=%d more=%v err=%v", len(p.Records), p.More, err)
	}
	const capBytes = 8 << 10 // about eight 1 KiB records
	after, total, pages := int64(0), 0, 0
	for {
		p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: after, Limit: 100, MaxBytes: capBytes, Viewer: store.ViewerOf(f.Ana)})
		if err != nil {
			t.Fatal(err)
		}
		checkPage(t, p, after, 100)
		raw, _ := json.Marshal(p.Records)
		if len(p.Records) > 1 && len(raw) > capBytes {
			t.Errorf("page of %d records is %d bytes of JSON, cap %d", len(p.Records), len(raw), capBytes)
		}
		if p.More && len(p.Records) < 3 {
			t.Errorf("page of %d records under an 8 KiB cap: far below it", len(p.Records))
		}
		total += len(p.Records)
		pages++
		after = p.Cursor
		if !p.More {
			break
		}
	}
	if total != 30 || pages < 4 {
		t.Errorf("%d records in %d pages, want 30 in at least 4", total, pages)
	}
}

// testTenantIsolation: §4, two schools with the same ids never see each
// other's data or HLCs.
func testTenantIsolation(t *testing.T, s store.Store) {
	x, y := NewFixture(t, s, "x"), NewFixture(t, s, "y")
	id, id2 := uuid.NewString(), uuid.NewString()
	push(t, s, x, x.Ana, Env(id, HLC(50, 0), 1), Env(id2, HLC(50, 0), 1))
	// School y pushes the same id with an older HLC: a new record there,
	// applied, and its result holds no trace of x's version.
	res := push(t, s, y, y.Ana, Env(id, HLC(1, 0), 2))
	if res[0].Outcome != protocol.Applied || res[0].HLC != HLC(1, 0) {
		t.Errorf("y's push saw x's record: %+v", res[0])
	}
	// y's equal and older versions of x's other id are new to y as well.
	if res := push(t, s, y, y.Ana, Env(id2, HLC(50, 0), 2)); res[0].Outcome != protocol.Applied {
		t.Errorf("y's push of x's exact version: %+v", res[0])
	}
	// x writes a newer version; y's records stay as they were, and the
	// reverse: y's newer tombstone does not delete x's record.
	push(t, s, x, x.Ana, Env(id, HLC(60, 0), 3))
	push(t, s, y, y.Ana, tomb(id2, HLC(70, 0)))
	if res := push(t, s, x, x.Ana, Env(id2, HLC(55, 0), 4)); res[0].Outcome != protocol.Applied || res[0].HLC != HLC(55, 0) {
		t.Errorf("x's push saw y's tombstone: %+v", res[0])
	}
	gx, cx := pullAll(t, s, x, x.Admin, 0)
	gy, cy := pullAll(t, s, y, y.Admin, 0)
	if len(gx) != 2 || string(gx[id].Data) != `{"v":3}` || gx[id].HLC != HLC(60, 0) || gx[id2].Deleted || gx[id2].HLC != HLC(55, 0) || cx != 4 {
		t.Errorf("x holds %+v, cursor %d", gx, cx)
	}
	if len(gy) != 2 || string(gy[id].Data) != `{"v":2}` || gy[id].HLC != HLC(1, 0) || !gy[id2].Deleted || gy[id2].HLC != HLC(70, 0) || cy != 3 {
		t.Errorf("y holds %+v, cursor %d", gy, cy)
	}
	if recs, _ := s.Records(ctx, y.School.ID, store.ViewerOf(y.Admin)); len(recs) != 1 || recs[0].ID != id || string(recs[0].Data) != `{"v":2}` {
		t.Errorf("Records(y) = %+v", recs)
	}
	// A viewer of y pulling with y's school id cannot name x's records.
	p, err := s.Pull(ctx, store.PullQuery{SchoolID: y.School.ID, After: 0, Limit: 100, Viewer: store.ViewerOf(x.Admin)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Records {
		if e.HLC == HLC(60, 0) || e.HLC == HLC(55, 0) || string(e.Data) == `{"v":3}` {
			t.Errorf("y's page holds x's version %+v", e)
		}
	}
}

// testRestricted: §6, content of a restricted record reaches only its
// author's devices and admins; others get a tombstone with the same id, type,
// hlc and seq.
func testRestricted(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	note := uuid.NewString()
	r := Env(note, HLC(1, 0), 1)
	r.Type, r.Restricted = "note", true
	push(t, s, f, f.Ana, r)
	plainID := uuid.NewString()
	push(t, s, f, f.Ana, Env(plainID, HLC(1, 0), 5))
	check := func(u store.User, wantContent bool) {
		t.Helper()
		got, _ := pullAll(t, s, f, u, 0)
		e := got[note]
		if wantContent && (e.Deleted || string(e.Data) != `{"v":1}` || !e.Restricted || e.Seq != 1) {
			t.Errorf("%s should see the note: %+v", u.Username, e)
		}
		if !wantContent && (!e.Deleted || len(e.Data) != 0 || e.Restricted || e.HLC != HLC(1, 0) || e.Type != "note" || e.Seq != 1) {
			t.Errorf("%s should get a tombstone: %+v", u.Username, e)
		}
		if p := got[plainID]; p.Deleted || string(p.Data) != `{"v":5}` {
			t.Errorf("%s: the plain record is %+v", u.Username, p)
		}
	}
	check(f.Ana, true)
	check(f.Admin, true)
	check(f.Ben, false)
	// Limit 1 from the note's own seq: the masked tombstone keeps the page
	// shape (cursor and more) the content would have had.
	p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 0, Limit: 1, Viewer: store.ViewerOf(f.Ben)})
	if err != nil || len(p.Records) != 1 || p.Records[0].ID != note || !p.Records[0].Deleted || p.Cursor != 1 || !p.More {
		t.Errorf("ben's first page: %+v, %v", p, err)
	}

	// Ben may not write it, in any way: a newer, an older or a deleting
	// version. The whole batch fails, nothing applied.
	before := snapshot(t, s, f)
	other := uuid.NewString()
	for _, v := range []record.Envelope{Env(note, HLC(9, 0), 7), Env(note, HLC(0, 0), 7), Env(note, HLC(1, 0), 7), tomb(note, HLC(9, 0))} {
		res, err := s.Push(ctx, batch(f, f.Ben, Env(other, HLC(9, 0), 1), v))
		var pe *protocol.Error
		if !errors.As(err, &pe) || pe.Code != protocol.CodeForbidden || pe.Index == nil || *pe.Index != 1 || res != nil {
			t.Errorf("ben writes ana's restricted note (%s): %v, %+v", v.HLC, err, res)
		}
	}
	if after := snapshot(t, s, f); after != before {
		t.Errorf("a forbidden batch changed the store:\n%s\n%s", before, after)
	}
	// Ben may not make Ana's ordinary record restricted either.
	v := Env(plainID, HLC(2, 0), 2)
	v.Restricted = true
	if _, err := s.Push(ctx, batch(f, f.Ben, v)); !protocol.IsCode(err, protocol.CodeForbidden) {
		t.Errorf("ben restricts ana's record: %v", err)
	}
	// But he may edit it unrestricted (it is not restricted).
	if res := push(t, s, f, f.Ben, Env(plainID, HLC(2, 0), 6)); res[0].Outcome != protocol.Applied {
		t.Errorf("ben edits ana's plain record: %+v", res)
	}
	// The author may edit it, keeping it restricted.
	r2 := Env(note, HLC(2, 0), 2)
	r2.Type, r2.Restricted = "note", true
	if res := push(t, s, f, f.Ana, r2); res[0].Outcome != protocol.Applied {
		t.Errorf("author edit: %+v", res)
	}
	if got, _ := pullAll(t, s, f, f.Ben, 1); !got[note].Deleted || got[note].HLC != HLC(2, 0) {
		t.Errorf("ben after the author's edit: %+v", got[note])
	}
	// An admin may write it; the admin's version has no flag, so it is
	// unrestricted and Ben sees it.
	if res := push(t, s, f, f.Admin, Env(note, HLC(3, 0), 3)); res[0].Outcome != protocol.Applied {
		t.Errorf("admin edit: %+v", res)
	}
	got, _ := pullAll(t, s, f, f.Ben, 0)
	if e := got[note]; e.Deleted || string(e.Data) != `{"v":3}` || e.Restricted {
		t.Errorf("unrestricted version hidden from ben: %+v", e)
	}
	// Records (for reports) includes restricted records, flagged.
	r4 := Env(uuid.NewString(), HLC(4, 0), 4)
	r4.Restricted = true
	push(t, s, f, f.Ben, r4)
	recs, _ := s.Records(ctx, f.School.ID, store.ViewerOf(f.Admin))
	flagged := 0
	for _, e := range recs {
		if e.Restricted {
			flagged++
			if e.ID != r4.ID || string(e.Data) != `{"v":4}` {
				t.Errorf("Records: restricted %+v", e)
			}
		}
	}
	if flagged != 1 || len(recs) != 3 {
		t.Errorf("Records: %d records, %d restricted; want 3, 1", len(recs), flagged)
	}
}

// testRestrictedAuthorship: the author is the user who pushed the first
// version; later writers (admins) do not take it over.
func testRestrictedAuthorship(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	id := uuid.NewString()
	push(t, s, f, f.Ben, Env(id, HLC(1, 0), 1)) // Ben creates it, plain
	v := Env(id, HLC(2, 0), 2)
	v.Restricted = true
	if res := push(t, s, f, f.Admin, v); res[0].Outcome != protocol.Applied { // an admin restricts it
		t.Fatalf("admin restricts: %+v", res)
	}
	if got, _ := pullAll(t, s, f, f.Ben, 0); got[id].Deleted || string(got[id].Data) != `{"v":2}` {
		t.Errorf("the author lost sight of his record: %+v", got[id])
	}
	if got, _ := pullAll(t, s, f, f.Ana, 0); !got[id].Deleted || len(got[id].Data) != 0 {
		t.Errorf("another interventionist sees it: %+v", got[id])
	}
	// Ben, the author, may unrestrict it; Ana may not touch it meanwhile.
	if _, err := s.Push(ctx, batch(f, f.Ana, Env(id, HLC(3, 0), 3))); !protocol.IsCode(err, protocol.CodeForbidden) {
		t.Errorf("ana writes ben's restricted record: %v", err)
	}
	if res := push(t, s, f, f.Ben, Env(id, HLC(3, 0), 4)); res[0].Outcome != protocol.Applied {
		t.Errorf("author unrestricts: %+v", res)
	}
	if got, _ := pullAll(t, s, f, f.Ana, 0); got[id].Deleted || string(got[id].Data) != `{"v":4}` {
		t.Errorf("unrestricted record hidden: %+v", got[id])
	}
	// A restricted tombstone by its author: others still get just a tombstone.
	d := tomb(id, HLC(4, 0))
	d.Restricted = true
	push(t, s, f, f.Ben, d)
	if got, _ := pullAll(t, s, f, f.Ana, 0); !got[id].Deleted || got[id].HLC != HLC(4, 0) || got[id].Restricted {
		t.Errorf("restricted tombstone to another: %+v", got[id])
	}
}

// testForbiddenAtomic: §5 atomicity, a batch refused at its last record
// leaves nothing of its earlier records, new or changed.
func testForbiddenAtomic(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	existing, note := uuid.NewString(), uuid.NewString()
	r := Env(note, HLC(1, 0), 1)
	r.Restricted = true
	push(t, s, f, f.Ana, Env(existing, HLC(1, 0), 1), r)
	before := snapshot(t, s, f)
	var recs []record.Envelope
	for i := 0; i < 20; i++ {
		recs = append(recs, Env(uuid.NewString(), HLC(5, i), i))
	}
	recs = append(recs, Env(existing, HLC(5, 0), 2), tomb(note, HLC(5, 0)))
	_, err := s.Push(ctx, batch(f, f.Ben, recs...))
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.CodeForbidden || pe.Index == nil || *pe.Index != 21 {
		t.Fatalf("push: %v, want forbidden at index 21", err)
	}
	if after := snapshot(t, s, f); after != before {
		t.Errorf("a forbidden batch changed the store:\n%s\n%s", before, after)
	}
	// The store still works and counts on from where it was.
	res := push(t, s, f, f.Ben, recs[:21]...)
	for _, r := range res {
		if r.Outcome != protocol.Applied {
			t.Fatalf("retry without the forbidden record: %+v", r)
		}
	}
	got, _ := pullAll(t, s, f, f.Admin, 2)
	if len(got) != 21 || string(got[existing].Data) != `{"v":2}` {
		t.Errorf("after the retry: %d new versions, existing = %s", len(got), got[existing].Data)
	}
}

// testPurge: §6 tombstone purge with stubs and the horizon.
func testPurge(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	a, b, c, d := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	push(t, s, f, f.Ana, Env(a, HLC(1, 0), 1), Env(b, HLC(1, 0), 1), Env(c, HLC(1, 0), 1), Env(d, HLC(1, 0), 1)) // 1..4
	push(t, s, f, f.Ana, tomb(a, HLC(5, 0)), tomb(d, HLC(5, 0)))                                                 // 5, 6
	push(t, s, f, f.Ana, Env(d, HLC(6, 0), 2))                                                                   // 7: d lives again
	_, cursor := pullAll(t, s, f, f.Ana, 0)
	if cursor != 7 {
		t.Fatalf("cursor %d, want 7", cursor)
	}
	if n, err := s.PurgeTombstones(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("purge of young tombstones: %d, %v", n, err)
	}
	// Before the purge every cursor is fine.
	if _, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 2, Limit: 10, Viewer: store.ViewerOf(f.Ana)}); err != nil {
		t.Errorf("pull before any purge: %v", err)
	}
	n, err := s.PurgeTombstones(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purge: %d, %v; want 1 (only a's tombstone is current)", n, err)
	}
	if n, _ := s.PurgeTombstones(ctx, time.Now().Add(time.Hour)); n != 0 {
		t.Errorf("second purge removed %d", n)
	}
	// The horizon is a's tombstone's seq, 5. ADR 0100: 0 < after < 5 → resync;
	// after = 0 is the resync itself; after ≥ 5 has seen the deletion.
	for _, after := range []int64{1, 2, 4} {
		if _, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: after, Limit: 10, Viewer: store.ViewerOf(f.Ana)}); !errors.Is(err, store.ErrResyncRequired) {
			t.Errorf("pull after %d, below the horizon: %v", after, err)
		}
	}
	for _, after := range []int64{5, 6, cursor} {
		if _, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: after, Limit: 10, Viewer: store.ViewerOf(f.Ana)}); err != nil {
			t.Errorf("pull after %d, at or past the horizon: %v", after, err)
		}
	}
	got, _ := pullAll(t, s, f, f.Ana, 0)
	if _, ok := got[a]; ok || len(got) != 3 || got[d].Deleted {
		t.Errorf("after purge, pull from 0: %v", got)
	}
	if recs, _ := s.Records(ctx, f.School.ID, store.ViewerOf(f.Admin)); len(recs) != 3 {
		t.Errorf("Records after purge: %d", len(recs))
	}
	// The stub still decides: older → superseded, equal → unchanged.
	if res := push(t, s, f, f.Ana, Env(a, HLC(2, 0), 9)); res[0].Outcome != protocol.Superseded || res[0].HLC != HLC(5, 0) {
		t.Errorf("old version of a purged record: %+v", res[0])
	}
	if res := push(t, s, f, f.Ana, tomb(a, HLC(5, 0))); res[0].Outcome != protocol.Unchanged || res[0].HLC != HLC(5, 0) {
		t.Errorf("same tombstone again: %+v", res[0])
	}
	if got, c := pullAll(t, s, f, f.Ana, 0); len(got) != 3 || c != cursor {
		t.Errorf("stub pushes changed something: %d records, cursor %d", len(got), c)
	}
	// Greater → applied, a live record again with a new seq.
	if res := push(t, s, f, f.Ana, Env(a, HLC(9, 0), 10)); res[0].Outcome != protocol.Applied || res[0].HLC != HLC(9, 0) {
		t.Errorf("newer version after purge: %+v", res[0])
	}
	if got, _ := pullAll(t, s, f, f.Ana, cursor); string(got[a].Data) != `{"v":10}` || got[a].Seq != 8 {
		t.Errorf("record not back: %+v", got[a])
	}
	// Deleted and purged again: the stub moves to the newer tombstone.
	push(t, s, f, f.Ana, tomb(a, HLC(10, 0))) // 9
	if n, _ := s.PurgeTombstones(ctx, time.Now().Add(time.Hour)); n != 1 {
		t.Errorf("second purge of a: %d", n)
	}
	if res := push(t, s, f, f.Ana, Env(a, HLC(9, 5), 11)); res[0].Outcome != protocol.Superseded || res[0].HLC != HLC(10, 0) {
		t.Errorf("after the second purge: %+v", res[0])
	}
	if _, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 8, Limit: 10, Viewer: store.ViewerOf(f.Ana)}); !errors.Is(err, store.ErrResyncRequired) {
		t.Errorf("the horizon did not rise to 9: %v", err)
	}
}

// testPurgeHorizonPerSchool: one school's purge never sends another school's
// devices to resync.
func testPurgeHorizonPerSchool(t *testing.T, s store.Store) {
	x, y := NewFixture(t, s, "x"), NewFixture(t, s, "y")
	for _, f := range []Fixture{x, y} {
		push(t, s, f, f.Ana, Env(uuid.NewString(), HLC(1, 0), 1), Env(uuid.NewString(), HLC(1, 0), 1), Env(uuid.NewString(), HLC(1, 0), 1))
	}
	id := uuid.NewString()
	push(t, s, x, x.Ana, Env(id, HLC(1, 0), 1))
	push(t, s, x, x.Ana, tomb(id, HLC(2, 0))) // x: seq 5
	if n, err := s.PurgeTombstones(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	if _, err := s.Pull(ctx, store.PullQuery{SchoolID: x.School.ID, After: 2, Limit: 10, Viewer: store.ViewerOf(x.Ana)}); !errors.Is(err, store.ErrResyncRequired) {
		t.Errorf("x below its horizon: %v", err)
	}
	if p, err := s.Pull(ctx, store.PullQuery{SchoolID: y.School.ID, After: 2, Limit: 10, Viewer: store.ViewerOf(y.Ana)}); err != nil || len(p.Records) != 1 {
		t.Errorf("y sent to resync by x's purge: %+v, %v", p, err)
	}
	// y's same id is not a stub of x's.
	if res := push(t, s, y, y.Ana, Env(id, HLC(1, 0), 1)); res[0].Outcome != protocol.Applied || res[0].HLC != HLC(1, 0) {
		t.Errorf("y's push of x's purged id: %+v", res[0])
	}
}

// testRecords: Records returns only current, non-deleted records of the
// school, filtered by type.
func testRecords(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	g := Env(uuid.NewString(), HLC(1, 0), 1)
	g.Type = "goal"
	p := Env(uuid.NewString(), HLC(1, 0), 4)
	p.Type = "probe"
	d := Env(uuid.NewString(), HLC(1, 0), 2)
	st := Env(uuid.NewString(), HLC(1, 0), 3)
	push(t, s, f, f.Ana, g, d, st, p)
	push(t, s, f, f.Ana, tomb(d.ID, HLC(2, 0)), Env(st.ID, HLC(2, 0), 30))
	goals, err := s.Records(ctx, f.School.ID, store.ViewerOf(f.Admin), "goal")
	if err != nil || len(goals) != 1 || goals[0].ID != g.ID || string(goals[0].Data) != `{"v":1}` || goals[0].Type != "goal" || goals[0].HLC != HLC(1, 0) {
		t.Errorf("Records(goal) = %+v, %v", goals, err)
	}
	all, _ := s.Records(ctx, f.School.ID, store.ViewerOf(f.Admin))
	byID := map[string]record.Envelope{}
	for _, e := range all {
		byID[e.ID] = e
	}
	if len(all) != 3 || string(byID[st.ID].Data) != `{"v":30}` {
		t.Errorf("Records() = %+v, want 3 current (the tombstone excluded)", all)
	}
	two, _ := s.Records(ctx, f.School.ID, store.ViewerOf(f.Admin), "goal", "probe")
	if len(two) != 2 {
		t.Errorf("Records(goal, probe) = %d records", len(two))
	}
	if none, err := s.Records(ctx, f.School.ID, store.ViewerOf(f.Admin), "nothing"); err != nil || len(none) != 0 {
		t.Errorf("Records(nothing) = %+v, %v", none, err)
	}
	if none, err := s.Records(ctx, uuid.NewString(), store.Viewer{IsAdmin: true}); err != nil || len(none) != 0 {
		t.Errorf("Records of an unknown school = %+v, %v", none, err)
	}
}
