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
	if got := fmt.Sprint(RestrictedShown(envs)); got != fmt.Sprint([]string{a}) {
		t.Errorf("RestrictedShown = %v, want [%s]", got, a)
	}
	if RestrictedShown(nil) != nil {
		t.Error("nothing shown must be nil (no batch)")
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
