package localstore

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"smallwins/app/internal/repo"
	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tablet.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

func reopen(t *testing.T, s *Store, path string) *Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s2.Close() })
	return s2
}

var ctx = context.Background()

func student(name string) record.Student {
	return record.Student{GivenName: name, FamilyName: "Lopez", Grade: "3"}
}

func TestPutGetReopenKeepsDataDeviceAndClock(t *testing.T) {
	s, path := openTemp(t)
	dev := s.DeviceID()
	d, err := repo.Put(ctx, s, "", student("Maya"), false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(d.HLC, "-"+dev) {
		t.Fatalf("hlc %s not stamped by device %s", d.HLC, dev)
	}
	s = reopen(t, s, path)
	if s.DeviceID() != dev {
		t.Fatalf("device id changed across reopen: %s → %s", dev, s.DeviceID())
	}
	got, ok := repo.Get[record.Student](s, d.ID)
	if !ok || got.Data.GivenName != "Maya" || got.HLC != d.HLC {
		t.Fatalf("after reopen got %+v, %v", got, ok)
	}
	if n, _ := s.PendingCount(); n != 1 {
		t.Fatalf("pending = %d, want 1", n)
	}
	d2, err := repo.Put(ctx, s, d.ID, student("Maia"), false)
	if err != nil {
		t.Fatal(err)
	}
	if d2.HLC <= d.HLC {
		t.Fatalf("clock went backwards across reopen: %s then %s", d.HLC, d2.HLC)
	}
}

func TestClockStateSurvivesABackwardsDeviceClock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	ahead := time.Now().Add(48 * time.Hour)
	s, err := OpenWith(path, Options{Now: func() time.Time { return ahead }})
	if err != nil {
		t.Fatal(err)
	}
	e1, err := s.Put(ctx, "thing", "", json.RawMessage(`{"a":1}`), false)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	s, err = Open(path) // the clock is back to now: two days behind the saved state
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e2, err := s.Put(ctx, "thing", "", json.RawMessage(`{"a":2}`), false)
	if err != nil {
		t.Fatal(err)
	}
	if e2.HLC <= e1.HLC {
		t.Fatalf("HLC not monotonic across restart with a clock going back: %s then %s", e1.HLC, e2.HLC)
	}
}

func TestUnknownFieldsSurviveTypedEdit(t *testing.T) {
	s, _ := openTemp(t)
	id := NewID()
	// A newer app wrote a field this one does not know.
	page := []record.Envelope{{ID: id, Type: record.TypeStudent, HLC: "1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6",
		Data: json.RawMessage(`{"given_name":"Ana","family_name":"Ruiz","grade":"2","pronouns":"she/her","extra":{"x":[1,2]}}`)}}
	if _, err := s.ApplyPull(ctx, page, 1, true); err != nil {
		t.Fatal(err)
	}
	st, ok := repo.Get[record.Student](s, id)
	if !ok {
		t.Fatal("the pulled student does not decode")
	}
	st.Data.Grade = "3"
	if _, err := repo.Put(ctx, s, id, st.Data, false); err != nil {
		t.Fatal(err)
	}
	e, _ := s.Get(id)
	var m map[string]any
	_ = json.Unmarshal(e.Data, &m)
	if m["pronouns"] != "she/her" || m["extra"] == nil || m["grade"] != "3" {
		t.Fatalf("unknown fields lost or edit missing: %s", e.Data)
	}
}

func TestDeleteAndLists(t *testing.T) {
	s, _ := openTemp(t)
	a, _ := repo.Put(ctx, s, "", student("Ann"), false)
	b, _ := repo.Put(ctx, s, "", student("Bo"), false)
	if _, err := s.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted record still visible: %v", err)
	}
	v, err := s.Version(a.ID)
	if err != nil || !v.Deleted {
		t.Fatalf("tombstone not kept: %+v %v", v, err)
	}
	list := repo.List[record.Student](s)
	if len(list) != 1 || list[0].ID != b.ID {
		t.Fatalf("list = %+v", list)
	}
	if _, err := s.Delete(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if n, _ := s.PendingCount(); n != 2 {
		t.Fatalf("pending = %d, want 2 (one tombstone, one student)", n)
	}
}

func TestValidationRefusesBeforeWriting(t *testing.T) {
	s, _ := openTemp(t)
	_, err := repo.Put(ctx, s, "", record.Student{GivenName: "X", FamilyName: "Y", Grade: "13"}, false)
	var fe *record.FieldError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != "grade" {
		t.Fatalf("grade 13 accepted, or refused without its field: %v", err)
	}
	if n, _ := s.PendingCount(); n != 0 {
		t.Fatalf("a refused write reached the outbox")
	}
}

// TestBoundsRefusedBeforeWriting: the app's write path refuses a record
// outside DOMAIN.md §2's bounds (ADR 0022) with a clear error naming the
// field, and writes nothing: a tablet cannot make the chart attack's
// probes.
func TestBoundsRefusedBeforeWriting(t *testing.T) {
	s, _ := openTemp(t)
	stu := NewID()
	probe := func(score float64) record.Probe {
		return record.Probe{StudentID: stu, Measure: "orf_wcpm", Date: "2025-03-03", Score: score}
	}
	roi := 2000.0
	for _, c := range []struct {
		p      record.Payload
		field  string
		reason string
	}{
		{probe(1e308), "score", "score must be between 0 and 10000"},
		{probe(-1.7e308), "score", "score must be between 0 and 10000"},
		{probe(math.Inf(1)), "score", "score must be a finite number between 0 and 10000"},
		{probe(math.NaN()), "score", "score must be a finite number between 0 and 10000"},
		{record.Probe{StudentID: stu, Measure: "orf_wcpm", Date: "2025-03-03", Score: 40, Seconds: 601}, "seconds", "seconds must be between 1 and 600"},
		{record.Probe{StudentID: stu, Measure: "orf_wcpm", Date: "1900-01-01", Score: 40}, "date", "date must be between 2000-01-01 and 2100-12-31"},
		{record.Goal{StudentID: stu, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06", BaselineScores: []float64{40}, GoalScore: 70, GoalDate: "2025-05-12", TypicalROI: &roi},
			"typical_roi", "typical_roi must be between -1000 and 1000"},
	} {
		_, err := s.Put(ctx, c.p.RecordType(), "", c.p, false)
		var fe *record.FieldError
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != c.field || fe.Reason != c.reason {
			t.Errorf("%+v: %v, want %s: %s", c.p, err, c.field, c.reason)
		}
	}
	if n, _ := s.PendingCount(); n != 0 {
		t.Fatalf("a refused write reached the outbox")
	}
	if l, _ := s.List(record.TypeProbe); len(l) != 0 {
		t.Fatalf("a refused probe was stored")
	}
}

func sampleSchool(t *testing.T, s *Store) (prog, g1, g2 string, studs []string) {
	t.Helper()
	p, err := repo.Put(ctx, s, "", record.Program{Name: "Phonics 2", Area: record.AreaReading,
		Steps: []record.Step{{ID: "s1", Text: "Review"}, {ID: "s2", Text: "Model"}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Ann", "Bo", "Cy"} {
		d, err := repo.Put(ctx, s, "", student(n), false)
		if err != nil {
			t.Fatal(err)
		}
		studs = append(studs, d.ID)
	}
	missing := NewID() // a student another tablet created, not arrived yet
	a, err := repo.Put(ctx, s, "", record.Group{Name: "Bluebirds", ProgramID: p.ID, StudentIDs: []string{studs[0], missing, studs[1]},
		Schedule: []record.ScheduleSlot{{Weekday: 1, Start: "10:30"}, {Weekday: 3, Start: "10:30"}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := repo.Put(ctx, s, "", record.Group{Name: "Owls", ProgramID: p.ID, StudentIDs: []string{studs[2]},
		Schedule: []record.ScheduleSlot{{Weekday: 1, Start: "09:00"}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID, a.ID, b.ID, studs
}

// TestListsByOwner: the store lists records under their owner
// (record.Payload.Owner: a student's probes, a group's sessions) and moves
// the index entry when the owner changes. The screens' own queries (Today's
// groups, the session in progress) are tested in package ui.
func TestListsByOwner(t *testing.T) {
	s, _ := openTemp(t)
	prog, g1, g2, studs := sampleSchool(t, s)
	sess := record.Session{GroupID: g1, ProgramID: prog, Date: "2025-01-13", Status: record.SessionInProgress,
		StartedAt:  "2025-01-13T10:31:00-05:00",
		Attendance: []record.Attendance{{StudentID: studs[0], Status: record.Present}},
		Fidelity:   []record.StepMark{}}
	sd, err := repo.Put(ctx, s, "", sess, false)
	if err != nil {
		t.Fatal(err)
	}
	sess.Status, sess.Minutes = record.SessionDelivered, 30
	if _, err := repo.Put(ctx, s, sd.ID, sess, false); err != nil {
		t.Fatal(err)
	}
	if all := repo.ListByRef[record.Session](s, g1); len(all) != 1 || all[0].Data.Status != record.SessionDelivered {
		t.Fatalf("group sessions = %+v", all)
	}
	if other := repo.ListByRef[record.Session](s, g2); len(other) != 0 {
		t.Fatalf("the other group has %d sessions", len(other))
	}

	st := studs[0]
	for _, p := range []record.Probe{
		{StudentID: st, Measure: "orf_wcpm", Date: "2025-01-20", Score: 44},
		{StudentID: st, Measure: "orf_wcpm", Date: "2025-01-13", Score: 40},
		{StudentID: studs[1], Measure: "orf_wcpm", Date: "2025-01-13", Score: 10},
	} {
		if _, err := repo.Put(ctx, s, "", p, false); err != nil {
			t.Fatal(err)
		}
	}
	ps := repo.ListByRef[record.Probe](s, st)
	if len(ps) != 2 || ps[0].Data.Date != "2025-01-20" {
		t.Fatalf("probes (in the order written) = %+v", ps)
	}
	if _, err := repo.Put(ctx, s, "", record.Goal{StudentID: st, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06",
		BaselineScores: []float64{40, 42, 45}, GoalScore: 78, GoalDate: "2025-05-12"}, false); err != nil {
		t.Fatal(err)
	}
	if gs := repo.ListByRef[record.Goal](s, st); len(gs) != 1 {
		t.Fatalf("goals = %d", len(gs))
	}
	if _, err := repo.Put(ctx, s, "", record.Plan{StudentID: st, ProgramID: prog, GroupID: g1, StartDate: "2025-01-06", SessionsPerWeek: 4, MinutesPerSession: 30}, false); err != nil {
		t.Fatal(err)
	}
	if ps := repo.ListByRef[record.Plan](s, st); len(ps) != 1 {
		t.Fatalf("plans = %d", len(ps))
	}
	n, err := repo.PutNote(ctx, s, "", record.Note{StudentID: st, AuthorID: "u1", Body: "asthma inhaler in bag", Category: record.NoteHealth}, false)
	if err != nil || !n.Restricted {
		t.Fatalf("health note not restricted: %+v %v", n, err)
	}
	if ns := repo.ListByRef[record.Note](s, st); len(ns) != 1 || !ns[0].Restricted {
		t.Fatalf("notes = %+v", ns)
	}
	two := 2.0
	if _, err := repo.Put(ctx, s, "", record.CICOCard{StudentID: st, Date: "2025-01-13", Expectations: []string{"Be safe"},
		Periods: []string{"AM", "PM"}, Ratings: [][]*float64{{&two}, {nil}}}, false); err != nil {
		t.Fatal(err)
	}
	if cs := repo.ListByRef[record.CICOCard](s, st); len(cs) != 1 || len(cs[0].Data.Periods) != 2 {
		t.Fatalf("cards = %+v", cs)
	}
	if _, err := repo.Put(ctx, s, "", record.Decision{StudentID: st, Date: "2025-03-17", Code: record.DecisionContinue}, false); err != nil {
		t.Fatal(err)
	}
	if ds := repo.ListByRef[record.Decision](s, st); len(ds) != 1 {
		t.Fatalf("decisions = %d", len(ds))
	}
	if _, err := repo.Put(ctx, s, "", record.CalendarBreak{Name: "Spring", StartDate: "2025-03-24", EndDate: "2025-03-28"}, false); err != nil {
		t.Fatal(err)
	}
	if bs := repo.List[record.CalendarBreak](s); len(bs) != 1 {
		t.Fatalf("breaks = %d", len(bs))
	}
	// Moving a probe to another student moves its index entry.
	p0 := ps[0]
	p0.Data.StudentID = studs[2]
	if _, err := repo.Put(ctx, s, p0.ID, p0.Data, false); err != nil {
		t.Fatal(err)
	}
	if ps := repo.ListByRef[record.Probe](s, st); len(ps) != 1 {
		t.Fatalf("probe still listed under its old student: %d", len(ps))
	}
	if ps := repo.ListByRef[record.Probe](s, studs[2]); len(ps) != 1 {
		t.Fatalf("probe not listed under its new student: %d", len(ps))
	}
}

// TestPutChecksTheType: a payload written under another type's name is
// refused, so the index never holds a probe filed as a student.
func TestPutChecksTheType(t *testing.T) {
	s, _ := openTemp(t)
	_, err := s.Put(ctx, record.TypeProbe, "", student("Ann"), false)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("a student written as a probe: %v", err)
	}
}

const otherNode = "5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"

func remoteHLC(wall int64) string {
	return strings.Replace("WWWWWWWWWWWWW-00000-"+otherNode, "WWWWWWWWWWWWW", itoa13(wall), 1)
}

func itoa13(v int64) string {
	b := []byte("0000000000000")
	for i := 12; i >= 0 && v > 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b)
}

func TestApplyPullRules(t *testing.T) {
	s, path := openTemp(t)
	d, _ := repo.Put(ctx, s, "", student("Local"), false)
	// An older remote version is ignored and the local edit stays queued.
	old := record.Envelope{ID: d.ID, Type: record.TypeStudent, HLC: remoteHLC(1600000000000), Data: json.RawMessage(`{"given_name":"Old","family_name":"X","grade":"1"}`), Seq: 3}
	sum, err := s.ApplyPull(ctx, []record.Envelope{old}, 3, true)
	if err != nil || sum.Ignored != 1 {
		t.Fatalf("sum = %+v, %v", sum, err)
	}
	if got, _ := repo.Get[record.Student](s, d.ID); got.Data.GivenName != "Local" {
		t.Fatal("older pulled version overwrote the local one")
	}
	// A newer one overwrites the unsynced edit, which is kept as a loser.
	future := time.Now().Add(time.Minute).UnixMilli()
	newer := record.Envelope{ID: d.ID, Type: record.TypeStudent, HLC: remoteHLC(future), Data: json.RawMessage(`{"given_name":"Remote","family_name":"X","grade":"1"}`), Seq: 4}
	sum, err = s.ApplyPull(ctx, []record.Envelope{newer}, 4, true)
	if err != nil || sum.Applied != 1 || sum.Overwritten != 1 {
		t.Fatalf("sum = %+v, %v", sum, err)
	}
	cs, _ := s.Conflicts()
	if len(cs) != 1 || cs[0].Loser.HLC != d.HLC || cs[0].WinnerHLC != newer.HLC || cs[0].Reason != ReasonOverwritten {
		t.Fatalf("conflicts = %+v", cs)
	}
	if !strings.HasPrefix(cs[0].Summary(time.UTC), "another tablet saved a newer version at ") {
		t.Fatalf("summary = %q", cs[0].Summary(time.UTC))
	}
	if n, _ := s.PendingCount(); n != 0 {
		t.Fatalf("overwritten edit still queued")
	}
	// The clock observed the pulled HLC: the next local write is newer.
	w, _ := repo.Put(ctx, s, "", student("Next"), false)
	if w.HLC <= newer.HLC {
		t.Fatalf("clock did not observe pulled hlc: %s <= %s", w.HLC, newer.HLC)
	}
	s = reopen(t, s, path)
	m, _ := s.SyncMeta()
	if m.Cursor != 4 {
		t.Fatalf("cursor = %d", m.Cursor)
	}
	// Restore the loser as a new write.
	cs, _ = s.Conflicts()
	r, err := s.RestoreConflict(ctx, cs[0].ID)
	if err != nil || r.HLC <= newer.HLC {
		t.Fatalf("restore = %+v, %v", r, err)
	}
	if got, _ := repo.Get[record.Student](s, d.ID); got.Data.GivenName != "Local" {
		t.Fatalf("restore did not bring back the losing content: %+v", got)
	}
	if n, _ := s.ConflictCount(); n != 0 {
		t.Fatalf("conflict not cleared after restore")
	}
}

func TestRedactedTombstoneDeletesLocalCopy(t *testing.T) {
	s, _ := openTemp(t)
	id := NewID()
	h := remoteHLC(1700000000000)
	full := record.Envelope{ID: id, Type: record.TypeNote, HLC: h, Restricted: true,
		Data: json.RawMessage(`{"student_id":"` + NewID() + `","author_id":"u","body":"private","category":"health"}`)}
	if _, err := s.ApplyPull(ctx, []record.Envelope{full}, 1, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyPull(ctx, []record.Envelope{full.Tombstone()}, 2, true); err != nil {
		t.Fatal(err)
	}
	v, _ := s.Version(id)
	if !v.Deleted || len(v.Data) != 0 {
		t.Fatalf("restricted content still on the tablet: %+v", v)
	}
}

func TestAckPush(t *testing.T) {
	s, _ := openTemp(t)
	a, _ := repo.Put(ctx, s, "", student("A"), false)
	b, _ := repo.Put(ctx, s, "", student("B"), false)
	c, _ := repo.Put(ctx, s, "", student("C"), false)
	sent, _ := s.Pending(0)
	if len(sent) != 3 {
		t.Fatalf("pending = %d", len(sent))
	}
	// An edit of C while the push is in flight.
	c2, _ := repo.Put(ctx, s, c.ID, student("C2"), false)
	res := make([]protocol.PushResult, len(sent))
	for i, e := range sent {
		res[i] = protocol.PushResult{ID: e.ID, Outcome: protocol.Applied, HLC: e.HLC}
		if e.ID == b.ID {
			res[i] = protocol.PushResult{ID: e.ID, Outcome: protocol.Superseded, HLC: remoteHLC(time.Now().Add(time.Minute).UnixMilli())}
		}
	}
	sum, err := s.AckPush(ctx, sent, res)
	if err != nil || sum.Acked != 1 || sum.Superseded != 1 || sum.Stale != 1 {
		t.Fatalf("sum = %+v, %v", sum, err)
	}
	left, _ := s.Pending(0)
	if len(left) != 1 || left[0].ID != c.ID || left[0].HLC != c2.HLC {
		t.Fatalf("outbox = %+v", left)
	}
	cs, _ := s.ConflictsOf(b.ID)
	if len(cs) != 1 || cs[0].Reason != ReasonSuperseded {
		t.Fatalf("superseded version not kept: %+v", cs)
	}
	_ = a
}

func TestResyncDropsOnlySyncedRecordsTheServerLacks(t *testing.T) {
	s, _ := openTemp(t)
	keep := record.Envelope{ID: NewID(), Type: "thing", HLC: remoteHLC(1700000000000), Data: json.RawMessage(`{}`)}
	gone := record.Envelope{ID: NewID(), Type: "thing", HLC: remoteHLC(1700000000001), Data: json.RawMessage(`{}`)}
	if _, err := s.ApplyPull(ctx, []record.Envelope{keep, gone}, 10, true); err != nil {
		t.Fatal(err)
	}
	mine, _ := s.Put(ctx, "thing", "", json.RawMessage(`{"x":1}`), false)
	if err := s.StartResync(ctx); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.SyncMeta(); m.Cursor != 0 || !m.Resyncing {
		t.Fatalf("meta = %+v", m)
	}
	if _, err := s.ApplyPull(ctx, []record.Envelope{keep}, 5, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Version(gone.ID); err != nil {
		t.Fatal("dropped before the last page")
	}
	sum, err := s.ApplyPull(ctx, nil, 5, true)
	if err != nil || sum.Dropped != 1 {
		t.Fatalf("sum = %+v, %v", sum, err)
	}
	if _, err := s.Version(gone.ID); !errors.Is(err, ErrNotFound) {
		t.Fatal("record the server no longer has was kept")
	}
	if _, err := s.Get(mine.ID); err != nil {
		t.Fatal("unsynced write dropped by resync")
	}
	if _, err := s.Get(keep.ID); err != nil {
		t.Fatal("record the server has was dropped")
	}
}

func TestEpochChangeQueuesOwnVersions(t *testing.T) {
	s, _ := openTemp(t)
	if ch, _ := s.ObserveEpoch(ctx, "e1"); ch {
		t.Fatal("first epoch counted as a change")
	}
	mine, _ := s.Put(ctx, "thing", "", json.RawMessage(`{}`), false)
	sent, _ := s.Pending(0)
	_, _ = s.AckPush(ctx, sent, []protocol.PushResult{{ID: mine.ID, Outcome: protocol.Applied, HLC: mine.HLC}})
	theirs := record.Envelope{ID: NewID(), Type: "thing", HLC: remoteHLC(1700000000000), Data: json.RawMessage(`{}`)}
	_, _ = s.ApplyPull(ctx, []record.Envelope{theirs}, 7, true)
	if n, _ := s.PendingCount(); n != 0 {
		t.Fatalf("pending = %d", n)
	}
	ch, err := s.ObserveEpoch(ctx, "e2")
	if err != nil || !ch {
		t.Fatalf("epoch change not seen: %v", err)
	}
	p, _ := s.Pending(0)
	if len(p) != 1 || p[0].ID != mine.ID {
		t.Fatalf("re-queued = %+v", p)
	}
	if m, _ := s.SyncMeta(); m.Cursor != 0 || m.Epoch != "e2" {
		t.Fatalf("meta = %+v", m)
	}
}

func TestReStampAfterClockAhead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	yearAhead := time.Now().Add(365 * 24 * time.Hour)
	s, err := OpenWith(path, Options{Now: func() time.Time { return yearAhead }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	synced := record.Envelope{ID: NewID(), Type: "thing", HLC: remoteHLC(time.Now().UnixMilli()), Data: json.RawMessage(`{}`)}
	_, _ = s.ApplyPull(ctx, []record.Envelope{synced}, 1, true)
	e, _ := s.Put(ctx, "thing", "", json.RawMessage(`{"v":1}`), false)
	serverNow := time.Now().UnixMilli()
	n, err := s.ReStamp(ctx, serverNow)
	if err != nil || n != 1 {
		t.Fatalf("restamp = %d, %v", n, err)
	}
	got, _ := s.Get(e.ID)
	if got.HLC >= e.HLC || got.HLC <= synced.HLC {
		t.Fatalf("re-stamped %s: want below %s and above %s", got.HLC, e.HLC, synced.HLC)
	}
	p, _ := s.Pending(0)
	if len(p) != 1 || p[0].HLC != got.HLC {
		t.Fatalf("outbox not re-stamped: %+v", p)
	}
	if string(got.Data) != `{"v":1}` {
		t.Fatalf("data changed: %s", got.Data)
	}
}

func TestQuarantine(t *testing.T) {
	s, _ := openTemp(t)
	e, _ := s.Put(ctx, "thing", "", json.RawMessage(`{}`), false)
	if err := s.Quarantine(ctx, e, "too_large", "over the limit"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingCount(); n != 0 {
		t.Fatal("quarantined record still queued")
	}
	q, _ := s.ListQuarantined()
	if len(q) != 1 || q[0].Code != "too_large" || q[0].Record.ID != e.ID {
		t.Fatalf("quarantine = %+v", q)
	}
	if err := s.RetryQuarantined(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingCount(); n != 1 {
		t.Fatal("retry did not queue the record")
	}
	if n, _ := s.QuarantineCount(); n != 0 {
		t.Fatal("retry left the quarantine entry")
	}
}

func TestEnrolmentKeptAndMarkedNeeded(t *testing.T) {
	s, path := openTemp(t)
	if e, _ := s.Enrolment(); e.Enrolled() {
		t.Fatal("new store enrolled")
	}
	if err := s.SetEnrolment(ctx, Enrolment{ServerURL: "http://x", SchoolID: "s", Token: "t0ken", UserName: "Ana"}); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, path)
	if e, _ := s.Enrolment(); !e.Enrolled() || e.UserName != "Ana" {
		t.Fatalf("enrolment = %+v", e)
	}
	_, _ = s.Put(ctx, "thing", "", json.RawMessage(`{}`), false)
	if err := s.MarkEnrolmentNeeded(ctx); err != nil {
		t.Fatal(err)
	}
	e, _ := s.Enrolment()
	if e.Enrolled() || !e.Needed || e.Token != "" || e.ServerURL != "http://x" {
		t.Fatalf("enrolment after 401 = %+v", e)
	}
	if n, _ := s.PendingCount(); n != 1 {
		t.Fatal("local data dropped on 401")
	}
}

// A version the server acknowledged, then edited locally: after a re-stamp
// the edit must still beat the acknowledged version, or the server would
// answer superseded and the pull would never bring a "winner" back.
func TestReStampStaysAboveAcknowledgedVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	var skew time.Duration
	s, err := OpenWith(path, Options{Now: func() time.Time { return time.Now().Add(skew) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	skew = 3 * time.Minute // within the server's bound: accepted
	e, _ := s.Put(ctx, "thing", "", json.RawMessage(`{"v":1}`), false)
	sent, _ := s.Pending(0)
	if _, err := s.AckPush(ctx, sent, []protocol.PushResult{{ID: e.ID, Outcome: protocol.Applied, HLC: e.HLC}}); err != nil {
		t.Fatal(err)
	}
	skew = 365 * 24 * time.Hour
	edit, _ := s.Put(ctx, "thing", e.ID, json.RawMessage(`{"v":2}`), false)
	if _, err := s.ReStamp(ctx, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(e.ID)
	if got.HLC <= e.HLC || got.HLC >= edit.HLC {
		t.Fatalf("re-stamped edit %s: want above the acknowledged %s and below the refused %s", got.HLC, e.HLC, edit.HLC)
	}
}

func TestConflictSummaryForADeletion(t *testing.T) {
	s, _ := openTemp(t)
	d, _ := repo.Put(ctx, s, "", student("Gone"), false)
	tomb := record.Envelope{ID: d.ID, Type: record.TypeStudent, HLC: remoteHLC(time.Now().Add(time.Minute).UnixMilli()), Deleted: true}
	if _, err := s.ApplyPull(ctx, []record.Envelope{tomb}, 1, true); err != nil {
		t.Fatal(err)
	}
	cs, _ := s.Conflicts()
	if len(cs) != 1 || !cs[0].WinnerDeleted || !strings.HasPrefix(cs[0].Summary(time.UTC), "another tablet deleted it at ") {
		t.Fatalf("conflicts = %+v", cs)
	}
	if _, err := s.RestoreConflict(ctx, cs[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, ok := repo.Get[record.Student](s, d.ID); !ok || got.Data.GivenName != "Gone" {
		t.Fatalf("restore after a deletion: %+v, %v", got, ok)
	}
}

// A quarantined version that cannot be read is neither lost nor skipped
// silently when a pull brings a newer version of its record: it stays in
// place and the pull's summary counts it (the syncer logs the count).
func TestApplyPullCountsAnUnreadableQuarantineEntry(t *testing.T) {
	s, _ := openTemp(t)
	e, _ := s.Put(ctx, "thing", "", json.RawMessage(`{"v":1}`), false)
	if err := s.Quarantine(ctx, e, "too_large", "over the limit"); err != nil {
		t.Fatal(err)
	}
	k, _ := key(e.ID)
	if err := s.update(func(tx *bolt.Tx) error { return s.put(tx, bQuarantine, k, []byte("{broken")) }); err != nil {
		t.Fatal(err)
	}
	ts, _ := hlc.Parse(e.HLC)
	newer := record.Envelope{ID: e.ID, Type: "thing", Data: json.RawMessage(`{"v":2}`),
		HLC: hlc.Timestamp{Wall: ts.Wall + 1000, Node: uuid.New()}.String()}
	sum, err := s.ApplyPull(ctx, []record.Envelope{newer}, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Applied != 1 || sum.UnreadableQuarantine != 1 {
		t.Fatalf("summary = %+v, want the newer version applied and 1 unreadable quarantine entry", sum)
	}
	if n, _ := s.QuarantineCount(); n != 1 {
		t.Fatalf("the unreadable quarantine entry was removed (count %d)", n)
	}
	if got, _ := s.Get(e.ID); got.HLC != newer.HLC {
		t.Fatalf("held %s, want the pulled %s", got.HLC, newer.HLC)
	}
}
