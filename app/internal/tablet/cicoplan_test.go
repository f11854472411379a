package tablet

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestCICOPlanTwoTablets: two tablets set up the same student's CICO plan
// offline, each with its own phase change. The real server accepts the new
// record type; because the plan's id is the student's (record.CICOPlanID),
// both write versions of one record: after syncing, both tablets hold the
// same single plan (the later writer's), and the earlier writer sees its
// version as a conflict to review, not silently dropped.
func TestCICOPlanTwoTablets(t *testing.T) {
	url := startServer(t)
	app := test.NewTempApp(t)
	ctx := context.Background()
	open := func(user string) *Tablet {
		tb, err := Open(app, testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tb.Close(); tb.Window.Close() })
		choosePIN(t, tb, testPIN)
		tb.enrolFromEnv(ctx, Config{Server: url, School: "lincoln", Username: user, Password: password})
		return tb
	}
	a, b := open("ana"), open("ben")
	st, err := repo.Put(ctx, a.Store, "", record.Student{GivenName: "Ava", FamilyName: "Martinez", Grade: "2"}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*Tablet{a, b, a} {
		if err := tb.Syncer.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	plan := func(phase, date string) record.CICOPlan {
		return record.CICOPlan{StudentID: st.ID, Expectations: []string{"Be kind"}, Periods: []string{"Morning", "Afternoon"},
			Phases: []record.CICOPhase{{Phase: phase, StartDate: date}}}
	}
	// B first, then A (later by the clock): A's version wins.
	if _, err := repo.Put(ctx, b.Store, record.CICOPlanID(st.ID), plan(record.PhaseSelfManaged, "2025-03-17"), false); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := repo.Put(ctx, a.Store, record.CICOPlanID(st.ID), plan(record.PhaseFaded, "2025-03-18"), false); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*Tablet{a, b, a} {
		if err := tb.Syncer.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := tb.Store.PendingCount(); n != 0 {
			t.Fatalf("%d versions not accepted by the server", n)
		}
	}
	for name, tb := range map[string]*Tablet{"A": a, "B": b} {
		plans := repo.ListByRef[record.CICOPlan](tb.Store, st.ID)
		if len(plans) != 1 || plans[0].Data.Phases[0].Phase != record.PhaseFaded {
			t.Fatalf("%s holds %+v", name, plans)
		}
	}
	cs, err := (&Sync{Store: b.Store, Syncer: b.Syncer}).Conflicts()
	if err != nil || len(cs) != 1 || cs[0].RecordID != record.CICOPlanID(st.ID) || !strings.HasPrefix(cs[0].Summary, "another tablet saved a newer version") {
		t.Fatalf("B's conflicts %+v (%v)", cs, err)
	}
}
