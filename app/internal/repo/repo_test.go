package repo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

var ctx = context.Background()

func open(t *testing.T) *localstore.Store {
	t.Helper()
	s, err := localstore.Open(filepath.Join(t.TempDir(), "tablet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestGetByType: a record is read only as its own type, and a reference to
// a record not arrived yet is simply absent.
func TestGetByType(t *testing.T) {
	s := open(t)
	d, err := repo.Put(ctx, s, "", record.Student{GivenName: "Ann", FamilyName: "Lopez", Grade: "3"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := repo.Get[record.Student](s, d.ID); !ok || got.Data.GivenName != "Ann" || got.HLC == "" {
		t.Fatalf("Get = %+v, %v", got, ok)
	}
	if _, ok := repo.Get[record.Group](s, d.ID); ok {
		t.Fatal("a student read as a group")
	}
	if _, ok := repo.Get[record.Student](s, localstore.NewID()); ok {
		t.Fatal("an absent record was found")
	}
	if _, ok := repo.Get[record.Student](s, ""); ok {
		t.Fatal("an empty reference was found")
	}
}

// TestListsSkipUndecodable: one record another app version wrote with a
// field of another type hides nothing else (DOMAIN.md §2).
func TestListsSkipUndecodable(t *testing.T) {
	s := open(t)
	student := localstore.NewID()
	if _, err := repo.Put(ctx, s, "", record.Probe{StudentID: student, Measure: "maze", Date: "2025-03-17", Score: 12}, false); err != nil {
		t.Fatal(err)
	}
	bad := json.RawMessage(`{"student_id":"` + student + `","measure":"maze","date":"2025-03-18","score":"twelve"}`)
	if _, err := s.Put(ctx, record.TypeProbe, "", bad, false); err != nil {
		t.Fatal(err)
	}
	if ps := repo.ListByRef[record.Probe](s, student); len(ps) != 1 || ps[0].Data.Score != 12 {
		t.Fatalf("probes %+v", ps)
	}
	if ps := repo.List[record.Probe](s); len(ps) != 1 {
		t.Fatalf("all probes %+v", ps)
	}
}

// TestPutRefusesInvalid: the store's validation reaches the caller as a
// *record.FieldError, and nothing is written.
func TestPutRefusesInvalid(t *testing.T) {
	s := open(t)
	_, err := repo.Put(ctx, s, "", record.Plan{StudentID: localstore.NewID(), ProgramID: localstore.NewID(), StartDate: "2025-03-17"}, false)
	var fe *record.FieldError
	if !errors.As(err, &fe) || fe.Field != "sessions_per_week" {
		t.Fatalf("refusal %v", err)
	}
	if ps := repo.List[record.Plan](s); len(ps) != 0 {
		t.Fatal("the refused plan was written")
	}
}

// TestNoteRestriction: health and family notes are restricted whatever the
// caller says, and an edit never lifts a restriction by accident.
func TestNoteRestriction(t *testing.T) {
	s := open(t)
	st := localstore.NewID()
	if d, err := repo.PutNote(ctx, s, "", record.Note{StudentID: st, AuthorID: "u1", Body: "inhaler", Category: record.NoteHealth}, false); err != nil || !d.Restricted {
		t.Fatalf("health note: %+v, %v", d, err)
	}
	n := record.Note{StudentID: st, AuthorID: "u1", Body: "court date", Category: record.NoteOther}
	d, err := repo.PutNote(ctx, s, "", n, true) // a legal matter: marked by hand
	if err != nil || !d.Restricted {
		t.Fatalf("put = %+v, %v", d, err)
	}
	n.Body = "court date moved"
	d2, err := repo.PutNote(ctx, s, d.ID, n, false)
	if err != nil || !d2.Restricted {
		t.Fatalf("an edit lifted the restriction: %+v, %v", d2, err)
	}
	if e, _ := s.Get(d.ID); !e.Restricted {
		t.Fatal("stored version not restricted")
	}
	if d, _ := repo.PutNote(ctx, s, "", record.Note{StudentID: st, AuthorID: "u1", Body: "reads well", Category: record.NoteAcademic}, false); d.Restricted {
		t.Fatal("an academic note was restricted")
	}
}

// failingReader is a store whose every read fails, as a damaged file would.
type failingReader struct{}

func (failingReader) Get(string) (record.Envelope, error) {
	return record.Envelope{}, errors.New("disk I/O")
}
func (failingReader) List(string) ([]record.Envelope, error) {
	return nil, errors.New("disk I/O")
}
func (failingReader) ListByRef(string, string) ([]record.Envelope, error) {
	return nil, errors.New("disk I/O")
}

// A store error that a read turns into "no records" is logged, not lost.
func TestReadErrorsAreLogged(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	if got := repo.List[record.Student](failingReader{}); got != nil {
		t.Fatalf("List = %v, want no records", got)
	}
	if got := repo.ListByRef[record.Probe](failingReader{}, "018b0000-0000-7000-8000-000000000001"); got != nil {
		t.Fatalf("ListByRef = %v, want no records", got)
	}
	out := buf.String()
	for _, want := range []string{"type=student", "type=probe", "disk I/O"} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q lacks %q", out, want)
		}
	}
}

// TestNewestByRef: the newest records are read back whole days at a time
// until the caller has enough, and all of them when it never has.
func TestNewestByRef(t *testing.T) {
	s := open(t)
	st := localstore.NewID()
	for d := 0; d < 30; d++ { // a probe a day for 30 days, two on every fifth
		date := record.Date(20164 + d).String()
		for k := 0; k <= btoi(d%5 == 0); k++ {
			if _, err := repo.Put(ctx, s, "", record.Probe{StudentID: st, Measure: "orf_wcpm", Date: date, Score: float64(d)}, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	reads := 0
	got := repo.NewestByRef(s, record.TypeProbe, st, "2025-04-10", func(es []record.Envelope) bool {
		reads++
		return len(es) >= 6
	})
	ps := repo.DecodeAll[record.Probe](got)
	// 2025-04-10 is day 24: days 24 down to 21 are 4 dates, 4 probes; the
	// next read takes 16 dates back to day 9: 19 probes (two on days 10, 15
	// and 20).
	if reads != 2 || len(ps) != 19 || ps[0].Data.Date != "2025-03-26" || ps[len(ps)-1].Data.Date != "2025-04-10" {
		t.Fatalf("%d reads, %d probes from %s to %s", reads, len(ps), ps[0].Data.Date, ps[len(ps)-1].Data.Date)
	}
	if all := repo.NewestByRef(s, record.TypeProbe, st, "", func([]record.Envelope) bool { return false }); len(all) != 36 {
		t.Fatalf("never enough: %d of 36 probes", len(all))
	}
	if week := repo.ListByRefDates[record.Probe](s, st, "2025-03-24", "2025-03-30"); len(week) != 8 {
		t.Fatalf("a week: %d probes", len(week))
	}
	if none := repo.NewestByRef(s, record.TypeProbe, st, "2025-03-16", func([]record.Envelope) bool { return true }); none != nil {
		t.Fatalf("before the first probe: %d", len(none))
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
