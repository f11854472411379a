package localstore

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"smallwins/app/internal/repo"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// TestConflictSaysWhoSavedTheNewerVersion: a newer version stamped by the
// school's server device (PROTOCOL §14: the console) is "the console", not
// "another tablet"; a tablet's is "another tablet".
func TestConflictSaysWhoSavedTheNewerVersion(t *testing.T) {
	const school = "00000000-0000-7000-8000-0000000000aa"
	s, _ := openTemp(t)
	if err := s.SetEnrolment(ctx, Enrolment{ServerURL: "https://sync", SchoolID: school, UserID: "u1", Token: "t"}); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Minute).UnixMilli()
	for i, c := range []struct{ node, want string }{
		{protocol.ServerDeviceID(school), "the console saved a newer version at "},
		{otherNode, "another tablet saved a newer version at "},
	} {
		d, _ := repo.Put(ctx, s, "", student("Local"), false)
		hlc := strings.Replace(remoteHLC(future+int64(i)*60000), otherNode, c.node, 1)
		newer := record.Envelope{ID: d.ID, Type: record.TypeStudent, HLC: hlc, Data: json.RawMessage(`{"given_name":"Remote","family_name":"X","grade":"1"}`), Seq: int64(4 + i)}
		if _, err := s.ApplyPull(ctx, []record.Envelope{newer}, int64(4+i), true); err != nil {
			t.Fatal(err)
		}
		cs, err := s.ConflictsOf(d.ID)
		if err != nil || len(cs) != 1 {
			t.Fatalf("conflicts %+v, %v", cs, err)
		}
		if got := cs[0].Summary(time.UTC); !strings.HasPrefix(got, c.want) {
			t.Errorf("node %s: %q, want %q…", c.node, got, c.want)
		}
	}
}
