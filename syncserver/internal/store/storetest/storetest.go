// Package storetest is the conformance suite every store.Store passes:
// boltstore and pgstore run the same Run, so a bug fixed in one becomes a
// case here and both are checked.
//
// Nothing here knows how a store keeps its data: every case goes through the
// store.Store interface only, and asserts what PROTOCOL.md promises (§4
// tokens and tenancy, §5 push outcomes and atomicity, §6 pull, restricted
// records, tombstones and the purge horizon, §7 epoch).
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// Run runs the suite. open returns a fresh, empty store; it is called once per
// case (the caller closes it, e.g. with t.Cleanup). The whole suite takes well
// under a second on bbolt, so a store may run it under -race in every build.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	// §4: schools, users, tokens, devices, failed logins; §7: epoch.
	t.Run("SchoolsAndUsers", func(t *testing.T) { testSchoolsAndUsers(t, open(t)) })
	t.Run("TokensAndDevices", func(t *testing.T) { testTokens(t, open(t)) })
	t.Run("LoginAttempts", func(t *testing.T) { testLoginAttempts(t, open(t)) })
	t.Run("LoginAttemptsConcurrent", func(t *testing.T) { testLoginAttemptsConcurrent(t, open(t)) })
	t.Run("Epoch", func(t *testing.T) { testEpoch(t, open(t)) })
	// §13: administration.
	t.Run("UserAdmin", func(t *testing.T) { testUserAdmin(t, open(t)) })
	t.Run("DisableRacesEnrol", func(t *testing.T) { testDisableRacesEnrol(t, open(t)) })
	t.Run("EnrolmentCodes", func(t *testing.T) { testEnrolmentCodes(t, open(t)) })
	t.Run("EnrolmentCodeRace", func(t *testing.T) { testEnrolmentCodeRace(t, open(t)) })
	t.Run("Wipe", func(t *testing.T) { testWipe(t, open(t)) })
	t.Run("WipeBounded", func(t *testing.T) { testWipeBounded(t, open(t)) })
	// CONSOLE.md §2: console sessions.
	t.Run("ConsoleSessions", func(t *testing.T) { testConsoleSessions(t, open(t)) })
	t.Run("ConsoleSessionsDisabled", func(t *testing.T) { testConsoleSessionsDisabled(t, open(t)) })
	t.Run("ConsoleLanguage", func(t *testing.T) { testConsoleLanguage(t, open(t)) })
	t.Run("AttemptsWhileClearing", func(t *testing.T) { testAttemptsWhileClearing(t, open(t)) })
	t.Run("TextFields", func(t *testing.T) { testTextFields(t, open(t)) })
	// ADR 0020 and 0021: recovery keys and the audit of restricted content.
	t.Run("RecoveryKeys", func(t *testing.T) { testRecoveryKeys(t, open(t)) })
	t.Run("RecoveryKeyRevokeRace", func(t *testing.T) { testRecoveryKeyRevokeRace(t, open(t)) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open(t)) })
	t.Run("AuditLargeBatch", func(t *testing.T) { testAuditLargeBatch(t, open(t)) })
	t.Run("AuditConcurrent", func(t *testing.T) { testAuditConcurrent(t, open(t)) })
	t.Run("AuditOncePerDay", func(t *testing.T) { testAuditOncePerDay(t, open(t)) })
	// §5, §6: records.
	t.Run("PushOutcomes", func(t *testing.T) { testPushOutcomes(t, open(t)) })
	t.Run("Sequences", func(t *testing.T) { testSequences(t, open(t)) })
	t.Run("SchoolVersion", func(t *testing.T) { testSchoolVersion(t, open(t)) })
	t.Run("ConditionalPush", func(t *testing.T) { testConditionalPush(t, open(t)) })
	t.Run("DuplicateIDs", func(t *testing.T) { testDuplicateIDs(t, open(t)) })
	t.Run("PullPaging", func(t *testing.T) { testPullPaging(t, open(t)) })
	t.Run("PullMaxBytes", func(t *testing.T) { testPullMaxBytes(t, open(t)) })
	t.Run("TenantIsolation", func(t *testing.T) { testTenantIsolation(t, open(t)) })
	t.Run("Restricted", func(t *testing.T) { testRestricted(t, open(t)) })
	t.Run("RestrictedAuthorship", func(t *testing.T) { testRestrictedAuthorship(t, open(t)) })
	t.Run("ForbiddenBatchIsAtomic", func(t *testing.T) { testForbiddenAtomic(t, open(t)) })
	t.Run("TombstonePurge", func(t *testing.T) { testPurge(t, open(t)) })
	t.Run("PurgeHorizonPerSchool", func(t *testing.T) { testPurgeHorizonPerSchool(t, open(t)) })
	t.Run("Records", func(t *testing.T) { testRecords(t, open(t)) })
	t.Run("ReadIndexes", func(t *testing.T) { testReadIndexes(t, open(t)) })
	t.Run("ViewerRule", testViewerRule)
	// Properties and concurrency.
	t.Run("LWWProperty", func(t *testing.T) { testLWWProperty(t, open) })
	t.Run("ConcurrentNoSkip", func(t *testing.T) { testConcurrentNoSkip(t, open(t)) })
	t.Run("ConcurrentSchools", func(t *testing.T) { testConcurrentSchools(t, open(t)) })
}

var ctx = context.Background()

// Fixture is a school with an admin and two interventionists.
type Fixture struct {
	School          store.School
	Admin, Ana, Ben store.User
}

// NewFixture creates a school named slug with three users: Admin (admin),
// Ana and Ben (interventionists).
func NewFixture(t testing.TB, s store.Store, slug string) Fixture {
	t.Helper()
	sc, err := s.CreateSchool(ctx, store.School{Slug: slug, Name: "School " + slug})
	if err != nil {
		t.Fatalf("create school: %v", err)
	}
	f := Fixture{School: sc}
	mk := func(name, role string) store.User {
		u, err := s.CreateUser(ctx, store.User{SchoolID: sc.ID, Username: name, Name: name, Role: role, PasswordHash: []byte("h")})
		if err != nil {
			t.Fatalf("create user %s: %v", name, err)
		}
		return u
	}
	f.Admin, f.Ana, f.Ben = mk("admin", protocol.RoleAdmin), mk("ana", protocol.RoleInterventionist), mk("ben", protocol.RoleInterventionist)
	return f
}

// tb is what push and pullAll need of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// node is a fixed device id for HLCs in these tests.
var node = uuid.MustParse("0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00")

// HLC returns a valid HLC text at wall ms offset w and logical l.
func HLC(w int64, l int) string {
	return hlc.Timestamp{Wall: 1764000000000 + w, Logical: l, Node: node}.String()
}

// Env returns a record version with a small data object {"v":v}.
func Env(id, h string, v int) record.Envelope {
	return record.Envelope{ID: id, Type: "student", HLC: h, Data: []byte(fmt.Sprintf(`{"v":%d}`, v))}
}

// tomb returns a tombstone version.
func tomb(id, h string) record.Envelope {
	return record.Envelope{ID: id, Type: "student", HLC: h, Deleted: true}
}

func batch(f Fixture, u store.User, recs ...record.Envelope) store.PushBatch {
	return store.PushBatch{SchoolID: f.School.ID, Pusher: u.ID, PusherIsAdmin: u.IsAdmin(), Records: recs, At: time.Now()}
}

func push(t tb, s store.Store, f Fixture, u store.User, recs ...record.Envelope) []protocol.PushResult {
	t.Helper()
	reply, err := s.Push(ctx, batch(f, u, recs...))
	res := reply.Results
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	if len(res) != len(recs) {
		t.Fatalf("push: %d results for %d records", len(res), len(recs))
	}
	for i := range res {
		if res[i].ID != recs[i].ID {
			t.Fatalf("push: result %d is for %s, want %s (request order)", i, res[i].ID, recs[i].ID)
		}
	}
	return res
}

// pullAll pulls everything after `after` as viewer u, checking the page
// invariants of §6 on every page.
func pullAll(t tb, s store.Store, f Fixture, u store.User, after int64) (map[string]record.Envelope, int64) {
	t.Helper()
	got := map[string]record.Envelope{}
	for {
		p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: after, Limit: 7, MaxBytes: 1 << 20, Viewer: store.ViewerOf(u)})
		if err != nil {
			t.Fatalf("pull: %v", err)
		}
		checkPage(t, p, after, 7)
		for _, e := range p.Records {
			got[e.ID] = e
		}
		after = p.Cursor
		if !p.More {
			return got, after
		}
	}
}

// checkPage checks one page: ascending seqs after the cursor, the cursor at
// the last record, at most limit records, each id once, more only with a full
// or size-capped page.
func checkPage(t tb, p store.PullPage, after int64, limit int) {
	t.Helper()
	if len(p.Records) > limit {
		t.Fatalf("page of %d records, limit %d", len(p.Records), limit)
	}
	if len(p.Records) == 0 {
		if p.Cursor != after || p.More {
			t.Fatalf("empty page: cursor %d (after %d), more %v", p.Cursor, after, p.More)
		}
		return
	}
	prev := after
	ids := map[string]bool{}
	for _, e := range p.Records {
		if e.Seq <= prev {
			t.Fatalf("seq %d after %d: not ascending past the cursor", e.Seq, prev)
		}
		if ids[e.ID] {
			t.Fatalf("id %s twice in one page", e.ID)
		}
		ids[e.ID] = true
		prev = e.Seq
	}
	if p.Cursor != prev {
		t.Fatalf("cursor %d, last seq %d", p.Cursor, prev)
	}
}

// snapshot is everything an admin can pull plus the report view: what a
// failed push must leave as it was.
func snapshot(t tb, s store.Store, f Fixture) string {
	t.Helper()
	got, cursor := pullAll(t, s, f, f.Admin, 0)
	recs, err := s.Records(ctx, f.School.ID, store.ViewerOf(f.Admin))
	if err != nil {
		t.Fatalf("records: %v", err)
	}
	raw, _ := json.Marshal(struct {
		Pulled  map[string]record.Envelope
		Cursor  int64
		Records int
	}{got, cursor, len(recs)})
	return string(raw)
}

// KiBRecords returns n session records of about 1 KiB each, with UUIDv7 ids
// and HLCs at wall ms `wall`: the benchmarks' workload for every store.
func KiBRecords(n int, wall int64) []record.Envelope {
	pad := strings.Repeat("x", 900)
	out := make([]record.Envelope, n)
	for i := range out {
		id, _ := uuid.NewV7()
		out[i] = record.Envelope{ID: id.String(), Type: "session", HLC: hlc.Timestamp{Wall: wall, Logical: i, Node: node}.String(),
			Data: []byte(fmt.Sprintf(`{"group_id":"%s","status":"delivered","note":"%s"}`, id, pad))}
	}
	return out
}

// BenchPull100k measures an empty reader pulling 100,000 ~1 KiB records in
// pages of 5000 from s: every store's pull benchmark.
func BenchPull100k(b *testing.B, s store.Store) {
	f := NewFixture(b, s, "bench")
	for i := 0; i < 100; i++ {
		if _, err := s.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: KiBRecords(1000, 1764000000000+int64(i))}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		after := int64(0)
		for {
			p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: after, Limit: 5000, MaxBytes: 8 << 20, Viewer: store.ViewerOf(f.Ana)})
			if err != nil {
				b.Fatal(err)
			}
			n += len(p.Records)
			after = p.Cursor
			if !p.More {
				break
			}
		}
	}
	if n != 100000*b.N {
		b.Fatalf("pulled %d records, want %d", n, 100000*b.N)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/100k")
}
