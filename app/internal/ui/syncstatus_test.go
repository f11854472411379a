package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestOneSyncStatusAlwaysTrue: the Sync screen counts what waits as of now
// (it said "Nothing waiting" while a probe was unsent), words the last
// sync at the same instant as the header (never "just now" and "1 min ago"
// together), and never shows "Syncing…" beside an error.
func TestOneSyncStatusAlwaysTrue(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	f.sync.enrolment = Enrolment{Enrolled: true, ServerURL: "http://sync", Username: "ana", UserID: "u-ana"}
	f.sync.countPending = f.store.PendingCount
	a := f.start(landscape)
	n0, _ := f.store.PendingCount()
	a.SetSyncState(SyncState{Enrolled: true, Pending: 0, LastSuccess: f.clk.t.Add(-50 * time.Second)})
	// A probe saved after the last sync state: the header and the Sync
	// screen count it.
	must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-17", Score: 50}, false))
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	n := n0 + 1
	if want := plural(n, "change is", "changes are"); !strings.Contains(s.status.Text, want) || strings.Contains(s.status.Text, "Nothing waiting") {
		t.Fatalf("the Sync screen says %q, want %q", s.status.Text, want)
	}
	if !strings.Contains(a.SyncGlance(), "waiting") {
		t.Fatalf("the header says %q with a change waiting", a.SyncGlance())
	}

	// Across a minute boundary the two say the same.
	a.SetSyncState(SyncState{Enrolled: true, LastSuccess: f.clk.t.Add(-59 * time.Second)})
	f.sync.countPending = func() (int, error) { return 0, nil }
	a.SetSyncState(SyncState{Enrolled: true, LastSuccess: f.clk.t.Add(-59 * time.Second)})
	f.clk.add(2 * time.Second)
	s.refresh()
	glance := strings.TrimPrefix(a.SyncGlance(), "Synced ")
	if !strings.Contains(s.status.Text, "Last sync: "+glance+".") {
		t.Fatalf("header %q, Sync screen %q", a.SyncGlance(), s.status.Text)
	}

	// Today's sync line says what the header says, at a minute boundary too.
	a.SetSyncState(SyncState{Enrolled: true, LastSuccess: f.clk.t.Add(-59 * time.Second)})
	f.clk.add(2 * time.Second)
	a.Root(TabToday)
	if txt := a.Current().(*todayScreen).sync.Text; !strings.HasPrefix(txt, "Sync: "+a.SyncGlance()) {
		t.Fatalf("Today %q, header %q", txt, a.SyncGlance())
	}
	a.Root(TabSync)
	s = a.Current().(*syncScreen)

	// A sync running after a failed one: "Syncing…" alone.
	a.SetSyncState(SyncState{Enrolled: true, Syncing: true, Err: "Cannot reach the server."})
	if s.problem.Visible() || !strings.Contains(s.status.Text, "Syncing…") {
		t.Fatalf("while syncing: status %q, problem shown %v", s.status.Text, s.problem.Visible())
	}
	a.SetSyncState(SyncState{Enrolled: true, Err: "Cannot reach the server."})
	if !s.problem.Visible() || strings.Contains(s.status.Text, "Syncing…") {
		t.Fatalf("after the failure: status %q, problem shown %v", s.status.Text, s.problem.Visible())
	}
	a.Root(TabToday)
	a.SetSyncState(SyncState{Enrolled: true, Syncing: true, Err: "Cannot reach the server."})
	if txt := a.Current().(*todayScreen).sync.Text; strings.Contains(txt, "Syncing…") && strings.Contains(txt, "Cannot reach") {
		t.Fatalf("Today says both: %q", txt)
	}
}

// TestSyncNowStaysPut: an error coming and going, and "Syncing…", leave
// the Sync screen's Sync now button where it was.
func TestSyncNowStaysPut(t *testing.T) {
	f := newFixture(t)
	f.sync.enrolment = Enrolment{Enrolled: true, ServerURL: "http://sync", Username: "ana", UserID: "u-ana"}
	a := f.start(portrait)
	a.SetSyncState(SyncState{Enrolled: true, LastSuccess: f.clk.t})
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	objs := map[string]fyne.CanvasObject{"sync now": s.syncNow}
	before := positions(objs)
	for _, st := range []SyncState{
		{Enrolled: true, Syncing: true, LastSuccess: f.clk.t},
		{Enrolled: true, LastSuccess: f.clk.t, Err: "Cannot reach the server. Your work is saved on this tablet and will sync when the network is back."},
		{Enrolled: true, LastSuccess: f.clk.t, Pending: 3},
	} {
		a.SetSyncState(st)
		samePositions(t, fmt.Sprintf("state %+v", st), before, positions(objs))
	}
}
