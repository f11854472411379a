package localstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
	"pgregory.net/rapid"

	"smallwins/shared/record"
)

// wantDateIndex is the by_date index the live records call for,
// recomputed from the records themselves (All).
func wantDateIndex(t interface{ Fatal(...any) }, s *Store) []string {
	all, err := s.All()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range all {
		k, err := key(e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, dk := indexKeys(k, &e); dk != nil {
			out = append(out, string(dk))
		}
	}
	slices.Sort(out)
	return out
}

// dateIndex is the by_date bucket as stored.
func dateIndex(t interface{ Fatal(...any) }, s *Store) []string {
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bByDate).ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// byScan answers ListByRefDates and RefDates without the index (the path a
// store takes before its index is built), for comparison.
func byScan(s *Store, typ, ref, from, to string) (es []record.Envelope, ds []string, err error) {
	rk, err := key(ref)
	if err != nil {
		return nil, nil, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		if es, err = s.scanDates(tx, typ, rk, from, to); err != nil {
			return err
		}
		all, err := s.scanDates(tx, typ, rk, "", to)
		ds = newestDates(all, 0)
		return err
	})
	return es, ds, err
}

func ids(es []record.Envelope) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID + " " + e.HLC
	}
	return out
}

// TestDateIndexFollowsEveryWrite: after any sequence of local puts (typed,
// raw, with or without a date, moving a record to another owner or date),
// deletions, undos (PutIf back to the version before), pulled versions and
// tombstones, conflicts restored, resyncs and re-stamps, the by_date index
// is exactly what the live records call for, and every date read through it
// answers what a scan of the records answers.
func TestDateIndexFollowsEveryWrite(t *testing.T) {
	dir := t.TempDir()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		o := Options{KDF: cheapKDF}
		s, err := OpenWith(filepath.Join(dir, fmt.Sprintf("d%d.db", n)), o)
		if err != nil {
			rt.Fatal(err)
		}
		defer s.Close()
		if rapid.Bool().Draw(rt, "sealed") {
			if err := s.SetPIN(ctx, pin); err != nil {
				rt.Fatal(err)
			}
		}
		owners := []string{NewID(), NewID()}
		types := []string{record.TypeSession, record.TypeProbe, record.TypeCICOCard, record.TypeNote}
		dates := []string{"2025-03-14", "2025-03-17", "2025-03-18", "2025-03-24", "", "17/03/2025"}
		var made []string
		wall := int64(1700000000000)
		data := func(rt *rapid.T, typ string) json.RawMessage {
			field := record.OwnerField(typ)
			m := map[string]any{field: rapid.SampledFrom(owners).Draw(rt, "owner"), "status": "delivered"}
			if d := rapid.SampledFrom(dates).Draw(rt, "date"); d != "" {
				m["date"] = d
			}
			b, _ := json.Marshal(m)
			return b
		}
		pick := func(rt *rapid.T) (string, bool) {
			if len(made) == 0 {
				return "", false
			}
			return rapid.SampledFrom(made).Draw(rt, "id"), true
		}
		steps := rapid.IntRange(1, 25).Draw(rt, "steps")
		for i := 0; i < steps; i++ {
			switch op := rapid.IntRange(0, 7).Draw(rt, "op"); op {
			case 0, 1: // a local write: new, or a new version of an existing record
				typ := rapid.SampledFrom(types).Draw(rt, "type")
				id := ""
				if old, ok := pick(rt); ok && rapid.Bool().Draw(rt, "edit") {
					if e, err := s.Version(old); err == nil && !e.Deleted {
						id, typ = old, e.Type
					}
				}
				e, err := s.Put(ctx, typ, id, data(rt, typ), false)
				if err != nil {
					rt.Fatal(err)
				}
				if id == "" {
					made = append(made, e.ID)
				}
			case 2: // delete, then maybe undo it as the screens do (PutIf)
				id, ok := pick(rt)
				if !ok {
					continue
				}
				prev, err := s.Version(id)
				if err != nil || prev.Deleted {
					continue
				}
				tomb, err := s.Delete(ctx, id)
				if err != nil {
					rt.Fatal(err)
				}
				if rapid.Bool().Draw(rt, "undo") {
					if _, ok, err := s.PutIf(ctx, prev.Type, id, prev.Data, false, tomb.HLC); err != nil || !ok {
						rt.Fatalf("undo: %v %v", ok, err)
					}
				}
			case 3: // an edit undone: the version before comes back
				id, ok := pick(rt)
				if !ok {
					continue
				}
				prev, err := s.Version(id)
				if err != nil || prev.Deleted {
					continue
				}
				cur, err := s.Put(ctx, prev.Type, id, data(rt, prev.Type), false)
				if err != nil {
					rt.Fatal(err)
				}
				if _, ok, err := s.PutIf(ctx, prev.Type, id, prev.Data, false, cur.HLC); err != nil || !ok {
					rt.Fatalf("undo: %v %v", ok, err)
				}
			case 4, 5: // a pulled version (newer or older), or a tombstone
				wall += int64(rapid.IntRange(-2, 100000).Draw(rt, "dt"))
				typ := rapid.SampledFrom(types).Draw(rt, "type")
				id := NewID()
				if old, ok := pick(rt); ok && rapid.Bool().Draw(rt, "existing") {
					if e, err := s.Version(old); err == nil {
						id, typ = old, e.Type
					}
				}
				p := record.Envelope{ID: id, Type: typ, HLC: remoteHLC(wall)}
				if rapid.IntRange(0, 3).Draw(rt, "tomb") == 0 {
					p.Deleted = true
				} else {
					p.Data = data(rt, typ)
				}
				if _, err := s.ApplyPull(ctx, []record.Envelope{p}, wall, true); err != nil {
					rt.Fatal(err)
				}
				if !slices.Contains(made, id) {
					made = append(made, id)
				}
			case 6: // a kept conflict loser restored
				cs, err := s.Conflicts()
				if err != nil {
					rt.Fatal(err)
				}
				if len(cs) > 0 {
					if _, err := s.RestoreConflict(ctx, cs[0].ID); err != nil {
						rt.Fatal(err)
					}
				}
			case 7: // a full resync that brings nothing back, or a re-stamp
				if rapid.Bool().Draw(rt, "resync") {
					if err := s.StartResync(ctx); err != nil {
						rt.Fatal(err)
					}
					if _, err := s.ApplyPull(ctx, nil, wall, true); err != nil {
						rt.Fatal(err)
					}
				} else if _, err := s.ReStamp(ctx, wall+1000); err != nil {
					rt.Fatal(err)
				}
			}
			if got, want := dateIndex(rt, s), wantDateIndex(rt, s); !slices.Equal(got, want) {
				rt.Fatalf("after step %d the index holds\n%q\nthe records call for\n%q", i, got, want)
			}
		}
		for _, typ := range types {
			for _, ref := range owners {
				from := rapid.SampledFrom(dates[:4]).Draw(rt, "from")
				to := rapid.SampledFrom(append(dates[:4:4], "")).Draw(rt, "to")
				got, err := s.ListByRefDates(typ, ref, from, to)
				if err != nil {
					rt.Fatal(err)
				}
				gotDates, err := s.RefDates(typ, ref, to, 0)
				if err != nil {
					rt.Fatal(err)
				}
				want, wantDates, err := byScan(s, typ, ref, from, to)
				if err != nil {
					rt.Fatal(err)
				}
				if !slices.Equal(ids(got), ids(want)) || !slices.Equal(gotDates, wantDates) {
					rt.Fatalf("%s of %s in [%s, %s]: index %v %v, scan %v %v", typ, ref, from, to, ids(got), gotDates, ids(want), wantDates)
				}
			}
		}
	})
}

// datedSchool writes a group's sessions and a student's probes over a few
// weeks, and returns the group and the student.
func datedSchool(t *testing.T, s *Store) (group, student string) {
	t.Helper()
	group, student = NewID(), NewID()
	for d := 0; d < 21; d++ {
		date := record.Date(20164 + d).String() // from 2025-03-17
		if _, err := s.Put(ctx, record.TypeSession, "", json.RawMessage(`{"group_id":"`+group+`","date":"`+date+`","status":"delivered"}`), false); err != nil {
			t.Fatal(err)
		}
		if d%7 == 0 {
			for k := 0; k < 2; k++ { // two probes on the day
				if _, err := s.Put(ctx, record.TypeProbe, "", json.RawMessage(`{"student_id":"`+student+`","date":"`+date+`","measure":"orf_wcpm","score":40}`), false); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return group, student
}

// TestDateReads: a week of a group's sessions, a student's newest probe
// dates, open ends, and a date that is not one.
func TestDateReads(t *testing.T) {
	s, _ := openTemp(t)
	g, st := datedSchool(t, s)
	week, err := s.ListByRefDates(record.TypeSession, g, "2025-03-24", "2025-03-30")
	if err != nil || len(week) != 7 {
		t.Fatalf("a week: %d sessions, %v", len(week), err)
	}
	for i, e := range week {
		if d, _ := envDate(&e); d != record.Date(20171+i).String() {
			t.Fatalf("session %d dated %s", i, d)
		}
	}
	if ds, _ := s.RefDates(record.TypeProbe, st, "2025-04-05", 2); !slices.Equal(ds, []string{"2025-03-31", "2025-03-24"}) {
		t.Fatalf("newest probe dates: %v", ds)
	}
	if ds, _ := s.RefDates(record.TypeProbe, st, "", 0); !slices.Equal(ds, []string{"2025-03-31", "2025-03-24", "2025-03-17"}) {
		t.Fatalf("every probe date: %v", ds)
	}
	if ds, _ := s.RefDates(record.TypeProbe, st, "2025-03-16", 0); len(ds) != 0 {
		t.Fatalf("probe dates before the first: %v", ds)
	}
	if ps, _ := s.ListByRefDates(record.TypeProbe, st, "2025-03-31", ""); len(ps) != 2 {
		t.Fatalf("the probes of the last day: %d", len(ps))
	}
	if _, err := s.ListByRefDates(record.TypeSession, g, "17/03/2025", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a bad date: %v", err)
	}
	if ps, _ := s.ListByRefDates(record.TypeSession, st, "", ""); len(ps) != 0 {
		t.Fatalf("a student's sessions: %d", len(ps))
	}
}

// forgetDateIndex makes path's store look like one written by an app
// version without the date index: no by_date bucket, no marker.
func forgetDateIndex(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bByDate); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Delete(kDateIndex)
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestOldStoreGetsTheDateIndex: a plain store without the index gets it at
// open; a sealed one at its first unlock, answering the same by scanning
// until then; a store opened again keeps it.
func TestOldStoreGetsTheDateIndex(t *testing.T) {
	for _, sealed := range []bool{false, true} {
		t.Run(fmt.Sprintf("sealed=%v", sealed), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tablet.db")
			s := openOpts(t, path, Options{KDF: cheapKDF})
			if sealed {
				if err := s.SetPIN(ctx, pin); err != nil {
					t.Fatal(err)
				}
			}
			g, st := datedSchool(t, s)
			want := dateIndex(t, s)
			if len(want) != 21+6 {
				t.Fatalf("index of a new store: %d keys", len(want))
			}
			wantWeek, _ := s.ListByRefDates(record.TypeSession, g, "2025-03-24", "2025-03-30")
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			forgetDateIndex(t, path)
			s = openOpts(t, path, Options{KDF: cheapKDF})
			if sealed {
				if s.dated.Load() {
					t.Fatal("a locked sealed store claims an index it cannot have built")
				}
				if _, err := s.ListByRefDates(record.TypeSession, g, "", ""); !errors.Is(err, ErrLocked) {
					t.Fatalf("locked: %v", err)
				}
				if err := s.Unlock(ctx, pin); err != nil {
					t.Fatal(err)
				}
			}
			if !s.dated.Load() {
				t.Fatal("the index is not built")
			}
			if got := dateIndex(t, s); !slices.Equal(got, want) {
				t.Fatalf("rebuilt index: %d keys, want %d", len(got), len(want))
			}
			if got, _ := s.ListByRefDates(record.TypeSession, g, "2025-03-24", "2025-03-30"); !slices.Equal(ids(got), ids(wantWeek)) {
				t.Fatalf("a week after migration: %v", ids(got))
			}
			if ds, _ := s.RefDates(record.TypeProbe, st, "", 1); !slices.Equal(ds, []string{"2025-03-31"}) {
				t.Fatalf("newest probe date after migration: %v", ds)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openOpts(t, path, Options{KDF: cheapKDF})
			if s.dated.Load() != true {
				t.Fatal("the built index is not known at the next open")
			}
		})
	}
}

// TestDateReadsBeforeTheIndexAnswerTheSame: a store whose index is not
// built (a sealed store before its first unlock after the update, or one
// whose build failed) answers every date read as the index does, by
// scanning.
func TestDateReadsBeforeTheIndexAnswerTheSame(t *testing.T) {
	s, _ := openTemp(t)
	g, st := datedSchool(t, s)
	cases := []struct{ typ, ref, from, to string }{
		{record.TypeSession, g, "2025-03-24", "2025-03-30"},
		{record.TypeSession, g, "", "2025-03-18"},
		{record.TypeProbe, st, "2025-03-24", ""},
		{record.TypeProbe, st, "", ""},
	}
	type answer struct {
		ids, dates []string
	}
	read := func() []answer {
		var out []answer
		for _, c := range cases {
			es, err := s.ListByRefDates(c.typ, c.ref, c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			ds, err := s.RefDates(c.typ, c.ref, c.to, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(es) == 0 {
				t.Fatalf("%+v: nothing", c)
			}
			out = append(out, answer{ids(es), ds})
		}
		return out
	}
	want := read()
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bByDate); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bByDate); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Delete(kDateIndex)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(); !reflect.DeepEqual(got, want) {
		t.Fatalf("without the index:\n%v\nwith it:\n%v", got, want)
	}
}

// TestDateIndexKeysHoldNoText: the index keys of a sealed store are ids, a
// type and a date (TestNoBucketKeyHoldsText checks every bucket's shape).
func TestDateIndexKeysHoldNoText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	s := openOpts(t, path, Options{KDF: cheapKDF})
	if err := s.SetPIN(ctx, pin); err != nil {
		t.Fatal(err)
	}
	g, _ := datedSchool(t, s)
	if _, err := s.Put(ctx, record.TypeSession, "", json.RawMessage(`{"group_id":"`+g+`","date":"2025-05-01","status":"cancelled","cancel_reason":"`+noteText+`"}`), false); err != nil {
		t.Fatal(err)
	}
	for _, k := range dateIndex(t, s) {
		if strings.Contains(k, "cancel") || strings.Contains(k, "inhaler") || len(k) != 16+len(record.TypeSession)+1+dateLen+16 && len(k) != 16+len(record.TypeProbe)+1+dateLen+16 {
			t.Fatalf("index key %q", k)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoPlainText(t, path)
}
