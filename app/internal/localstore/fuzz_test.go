package localstore

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"smallwins/shared/record"
)

// FuzzApplyPull feeds arbitrary pulled pages (outside input: the server's
// answer) to ApplyPull: it must never panic, never store an envelope that
// breaks PROTOCOL §2, and keep the cursor.
func FuzzApplyPull(f *testing.F) {
	f.Add([]byte(`[{"id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00","type":"student","hlc":"1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6","deleted":false,"data":{"given_name":"A"},"seq":1}]`))
	f.Add([]byte(`[{"id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00","type":"note","hlc":"1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6","deleted":true,"seq":2}]`))
	f.Add([]byte(`[{"id":"not-a-uuid","type":"X","hlc":"1","data":[1]}]`))
	f.Add([]byte(`[{"id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00","type":"plan","hlc":"1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6","data":{"student_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01"}}]`))
	s, err := Open(filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	var cursor int64
	f.Fuzz(func(t *testing.T, page []byte) {
		envs, err := decodePage(page)
		if err != nil {
			return
		}
		cursor++
		if _, err := s.ApplyPull(ctx, envs, cursor, true); err != nil {
			t.Fatalf("apply: %v", err)
		}
		all, err := s.All()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range all {
			if !validStored(e) {
				t.Fatalf("stored an invalid envelope: %+v", e)
			}
		}
		if m, _ := s.SyncMeta(); m.Cursor != cursor {
			t.Fatalf("cursor %d, want %d", m.Cursor, cursor)
		}
	})
}

func decodePage(b []byte) ([]record.Envelope, error) {
	var es []record.Envelope
	err := json.Unmarshal(b, &es)
	return es, err
}

func validStored(e record.Envelope) bool {
	c := e
	return record.Validate(&c) == nil
}

// FuzzIndexFields: the fast read of a record's owner and date (JSON v2,
// three members) gives what decoding member by member gives, for any data
// a sync may bring: repeated names, members of another type, escapes, bad
// UTF-8, dates that are not dates.
func FuzzIndexFields(f *testing.F) {
	for _, s := range []string{
		`{"student_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","date":"2025-03-17","score":4}`,
		`{"group_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","date":"2025-02-30"}`,
		`{"student_id":"a","student_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","date":"2025-03-17"}`,
		`{"student_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","date":20250317}`,
		`{"student_id":7,"date":"2025-03-17"}`,
		`{"\u0073tudent_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","Date":"2025-03-17"}`,
		`{"student_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","date":null}`,
		"{\"student_id\":\"\xff\",\"date\":\"2025-03-17\"}",
		`[1]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, field := range []string{"student_id", "group_id"} {
			ref, date := indexFields(data, field)
			wantRef, wantDate := indexFieldsByMember(data, field)
			// A ref that is not an id is no ref: only ids are compared.
			if (record.IsID(ref) || record.IsID(wantRef)) && ref != wantRef || date != wantDate {
				t.Fatalf("%s of %q: %q %q, member by member %q %q", field, data, ref, date, wantRef, wantDate)
			}
		}
	})
}
