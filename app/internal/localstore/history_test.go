package localstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestHistoryKeepsCorrectedVersions: a version corrected later (a probe
// typed wrong, fixed an hour on) is kept, on disk, newest first; quick
// successive taps keep nothing; CICO cards keep nothing; at most
// historyPerRecord per record.
func TestHistoryKeepsCorrectedVersions(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 17, 10, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "tablet.db")
	s, err := OpenWith(path, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	p := record.Probe{StudentID: NewID(), Measure: "orf_wcpm", Date: "2025-03-17", Score: 25}
	first := must(repo.Put(ctx, s, "", p, false))
	now = now.Add(5 * time.Second)
	p.Score = 26 // a quick second tap: no history
	must(repo.Put(ctx, s, first.ID, p, false))
	if h, err := s.History(first.ID); err != nil || len(h) != 0 {
		t.Fatalf("history after a quick re-save: %d (%v)", len(h), err)
	}
	for i := 0; i < historyPerRecord+2; i++ {
		now = now.Add(time.Hour)
		p.Score = float64(30 + i)
		must(repo.Put(ctx, s, first.ID, p, false))
	}
	now = now.Add(time.Hour)
	if _, err := s.Delete(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	// A CICO card filled period by period keeps no history.
	card := record.CICOCard{StudentID: p.StudentID, Date: "2025-03-17", Expectations: []string{"Be safe"}, Periods: []string{"Arrival"},
		Ratings: [][]*float64{{nil}}}
	c := must(repo.Put(ctx, s, "", card, false))
	now = now.Add(2 * time.Hour)
	two := 2.0
	card.Ratings[0][0] = &two
	must(repo.Put(ctx, s, c.ID, card, false))
	// A session: taps 20 minutes apart while it runs keep nothing; a
	// correction of the delivered session keeps the delivered version.
	ss := record.Session{GroupID: NewID(), ProgramID: NewID(), Date: "2025-03-17", Status: record.SessionInProgress,
		Attendance: []record.Attendance{}, Fidelity: []record.StepMark{}}
	sess := must(repo.Put(ctx, s, "", ss, false))
	now = now.Add(20 * time.Minute)
	ss.Fidelity = []record.StepMark{{StepID: "s1", Status: record.StepDone}}
	must(repo.Put(ctx, s, sess.ID, ss, false))
	now = now.Add(20 * time.Minute)
	ss.Status, ss.Minutes = record.SessionDelivered, 30
	must(repo.Put(ctx, s, sess.ID, ss, false))
	now = now.Add(24 * time.Hour)
	ss.Note = "corrected"
	must(repo.Put(ctx, s, sess.ID, ss, false))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h, err := s.History(first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != historyPerRecord {
		t.Fatalf("%d versions kept, want %d", len(h), historyPerRecord)
	}
	var scores []float64
	for _, e := range h {
		d, ok := repo.Decode[record.Probe](e)
		if !ok {
			t.Fatalf("undecodable history %+v", e)
		}
		scores = append(scores, d.Data.Score)
	}
	// The deleted version (36) is newest; the oldest ones went first.
	if want := []float64{36, 35, 34, 33, 32}; !equal(scores, want) {
		t.Fatalf("history scores %v, want %v", scores, want)
	}
	if hc, _ := s.History(c.ID); len(hc) != 0 {
		t.Fatalf("a CICO card kept %d versions", len(hc))
	}
	if hs, _ := s.History(sess.ID); len(hs) != 1 || !strings.Contains(string(hs[0].Data), `"delivered"`) {
		t.Fatalf("session history %d: want only the delivered version before the correction", len(hs))
	}
	if n, _ := s.PendingCount(); n != 3 {
		t.Fatalf("pending %d: history must not be queued", n)
	}
	if _, err := s.History("not-an-id"); err == nil {
		t.Fatal("a bad id was accepted")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestHistoryGoesWithAPulledTombstone: a note deleted on another tablet, or
// redacted for this one (a restricted note, PROTOCOL §6), leaves no earlier
// version behind in the local history.
func TestHistoryGoesWithAPulledTombstone(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 17, 10, 0, 0, 0, time.UTC)
	s, err := OpenWith(filepath.Join(t.TempDir(), "tablet.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := record.Note{StudentID: NewID(), AuthorID: "u1", Body: "Hearing test Friday", Category: record.NoteHealth}
	d := must(repo.PutNote(ctx, s, "", n, true))
	now = now.Add(time.Hour)
	n.Body = "Hearing test Monday"
	must(repo.PutNote(ctx, s, d.ID, n, true))
	if h, _ := s.History(d.ID); len(h) != 1 {
		t.Fatalf("history %d, want the first version", len(h))
	}
	tomb := record.Envelope{ID: d.ID, Type: record.TypeNote, HLC: remoteHLC(now.Add(time.Hour).UnixMilli()), Deleted: true, Seq: 9}
	if _, err := s.ApplyPull(ctx, []record.Envelope{tomb}, 9, true); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.History(d.ID); len(h) != 0 {
		t.Fatalf("a redacted note left %d versions in the history", len(h))
	}
}
