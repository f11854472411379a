package ui

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzDecodeProbeDraft: whatever bytes are in the drafts bucket (a torn
// write, another app version), decoding never panics and never yields a
// tally out of bounds, another student's, or one from the future.
func FuzzDecodeProbeDraft(f *testing.F) {
	now := monday10
	good, _ := json.Marshal(probeDraft{StudentID: "s1", Started: now.Add(-time.Minute), Errors: 3})
	f.Add(good)
	f.Add([]byte(`{"student_id":"s1","started":"2025-03-17T09:59:00Z","errors":-4}`))
	f.Add([]byte(`{"student_id":"s2","started":"2025-03-17T09:59:00Z","errors":1}`))
	f.Add([]byte(`{"student_id":"s1","started":"2099-01-01T00:00:00Z","errors":1}`))
	f.Add([]byte(`{"student_id":"s1","started":"2025-03-17T09:59:00Z","stopped":"2025-03-17T09:00:00Z"}`))
	f.Add([]byte(`not json`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, ok := decodeProbeDraft(b, "s1", now, draftKeptFor)
		if !ok {
			return
		}
		if d.StudentID != "s1" || d.Errors < 0 || d.Errors > 1000 || d.Started.After(now) || now.Sub(d.Started) > draftKeptFor {
			t.Fatalf("accepted %+v from %q", d, b)
		}
		if !d.Stopped.IsZero() && d.Stopped.Before(d.Started) {
			t.Fatalf("accepted a stop before the start: %+v", d)
		}
	})
}

// TestDecodeProbeDraftRefusesHostileStates: the seed cases, named.
func TestDecodeProbeDraftRefusesHostileStates(t *testing.T) {
	now := monday10
	for name, b := range map[string]string{
		"negative errors": `{"student_id":"s1","started":"2025-03-17T09:59:00+00:00","errors":-4}`,
		"huge errors":     `{"student_id":"s1","started":"2025-03-17T09:59:00+00:00","errors":100000}`,
		"other student":   `{"student_id":"s2","started":"2025-03-17T09:59:00+00:00","errors":1}`,
		"future":          `{"student_id":"s1","started":"2099-01-01T00:00:00Z","errors":1}`,
		"garbage":         `{"student_id":`,
	} {
		if d, ok := decodeProbeDraft([]byte(b), "s1", now, draftKeptFor); ok {
			t.Errorf("%s: accepted %+v", name, d)
		}
	}
	b, _ := json.Marshal(probeDraft{StudentID: "s1", Started: now.Add(-time.Minute), Errors: 3})
	if d, ok := decodeProbeDraft(b, "s1", now, draftKeptFor); !ok || d.Errors != 3 {
		t.Fatalf("a good draft: %+v %v", d, ok)
	}
}
