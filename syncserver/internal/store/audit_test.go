package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/record"
)

func TestRestrictedShown(t *testing.T) {
	a, b, c, d := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	envs := []record.Envelope{
		{ID: a, Restricted: true, Data: []byte(`{"body":"x"}`)},                    // content: counted
		{ID: b, Restricted: true, Deleted: true},                                   // a deleted record carries nothing
		{ID: c, Data: []byte(`{"body":"open"}`)},                                   // open
		(record.Envelope{ID: d, Restricted: true, Data: []byte(`{}`)}).Tombstone(), // what a non-author's pull gets
	}
	admin := Viewer{UserID: uuid.NewString(), IsAdmin: true}
	if got := fmt.Sprint(RestrictedShown(admin, envs)); got != fmt.Sprint([]string{a}) {
		t.Errorf("RestrictedShown = %v, want [%s]", got, a)
	}
	if RestrictedShown(admin, nil) != nil {
		t.Error("nothing shown must be nil (no batch)")
	}
	// ADR 0021: an interventionist sees restricted content only as its
	// author, and the author's own reads are not audited.
	if got := RestrictedShown(Viewer{UserID: uuid.NewString()}, envs); got != nil {
		t.Errorf("an interventionist's own restricted records are audited: %v", got)
	}
}

func TestAuditDay(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want int64
	}{
		{time.Unix(0, 0), 0},
		{time.Date(1970, 1, 1, 23, 59, 59, 999e6, time.UTC), 0},
		{time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC), 1},
		// The UTC day, whatever the zone the time is given in.
		{time.Date(2026, 3, 2, 23, 30, 0, 0, time.FixedZone("x", -3600)), 20515},
		{time.Date(2026, 3, 2, 0, 30, 0, 0, time.FixedZone("y", 3600)), 20513},
		{time.Unix(-5, 0), 0},
	} {
		if got := AuditDay(c.at); got != c.want {
			t.Errorf("AuditDay(%v) = %d, want %d", c.at, got, c.want)
		}
	}
}

func TestCheckAuditBatchBounds(t *testing.T) {
	ids := make([]string, MaxAuditBatch)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	p := Principal{School: School{ID: uuid.NewString()}, User: User{ID: uuid.NewString()}}
	for _, dev := range []string{uuid.NewString(), ConsoleMarkerPrefix + "0123456789ab"} {
		if err := CheckAuditBatch(NewAuditBatch(p, dev, AuditPull, time.Now(), ids)); err != nil {
			t.Errorf("a full batch from %s: %v", dev, err)
		}
	}
	if err := CheckAuditBatch(NewAuditBatch(p, uuid.NewString(), AuditPull, time.Now(), append(ids, uuid.NewString()))); !errors.Is(err, ErrBadAuditEntry) {
		t.Errorf("one over the bound: %v", err)
	}
	if b := NewAuditBatch(p, "", AuditPull, time.Date(2026, 1, 1, 0, 0, 0, 123456789, time.FixedZone("x", 3600)), nil); b.At.Nanosecond() != 123000000 || b.At.Location() != time.UTC {
		t.Errorf("batch time %v: want UTC whole milliseconds", b.At)
	}
}
