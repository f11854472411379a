package tablet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/app/internal/serverproc"
	"smallwins/app/internal/ui"
	"smallwins/shared/record"
)

// serverBin is the real sync server, built once (STYLE §4).
var serverBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tablet-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if bin := os.Getenv("TABLET_TEST_SERVER_BIN"); bin != "" {
		serverBin = bin // a server built elsewhere (another branch, a debug build)
	} else if serverBin, err = serverproc.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

const password = "correct horse battery"

// startServer runs a real syncserver with school "lincoln" and users ana
// and ben, and returns its URL.
func startServer(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "server.db")
	if err := serverproc.Setup(serverBin, db, "lincoln", "Lincoln Elementary", password,
		serverproc.User{Username: "ana", Name: "Ana", Role: "interventionist"},
		serverproc.User{Username: "ben", Name: "Ben", Role: "interventionist"},
		serverproc.User{Username: "boss", Name: "Boss", Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	srv, err := serverproc.Start(serverBin, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv.URL
}

// TestTwoTabletsThroughTheRealServer: tablet A is enrolled from the
// environment settings, runs a session offline-first and syncs; tablet B
// enrols through the Sync screen and sees the session on Today. Both then
// edit one student; the loser sees "another tablet saved a newer version"
// and restores its version, which wins on the next sync.
func TestTwoTabletsThroughTheRealServer(t *testing.T) {
	url := startServer(t)
	app := test.NewTempApp(t)
	ctx := context.Background()

	a, err := Open(app, testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { a.Close(); a.Window.Close() }()
	choosePIN(t, a, testPIN)
	a.Window.Resize(fyne.NewSize(1280, 800))
	// Data entered before enrolment.
	st, err := repo.Put(ctx, a.Store, "", record.Student{GivenName: "Ava", FamilyName: "Martinez", Grade: "2"}, false)
	if err != nil {
		t.Fatal(err)
	}
	prog, _ := repo.Put(ctx, a.Store, "", record.Program{Name: "Phonics", Area: record.AreaReading,
		Steps: []record.Step{{ID: "a", Text: "Warm-up"}, {ID: "b", Text: "Practice"}}}, false)
	wd := record.Weekday(time.Now())
	grp, _ := repo.Put(ctx, a.Store, "", record.Group{Name: "Bluebirds", ProgramID: prog.ID, StudentIDs: []string{st.ID},
		Schedule: []record.ScheduleSlot{{Weekday: wd, Start: "09:00"}}}, false)

	a.enrolFromEnv(ctx, Config{Server: url, School: "lincoln", Username: "ana", Password: password})
	if e, _ := a.Store.Enrolment(); !e.Enrolled() || e.Username != "ana" {
		t.Fatalf("not enrolled from the environment: %+v", e)
	}
	if err := a.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// The session: start, mark, finish, sync.
	a.UI.Root(ui.TabToday)
	sess, err := repo.Put(ctx, a.Store, "", record.Session{GroupID: grp.ID, ProgramID: prog.ID, Date: time.Now().Format("2006-01-02"),
		Status: record.SessionDelivered, Minutes: 25, Attendance: []record.Attendance{{StudentID: st.ID, Status: record.Present}},
		Fidelity: []record.StepMark{{StepID: "a", Status: record.StepDone}, {StepID: "b", Status: record.StepDone}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.Store.PendingCount(); n != 0 {
		t.Fatalf("%d still pending after sync", n)
	}

	// Tablet B enrols through the Sync screen.
	b, err := Open(app, testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { b.Close(); b.Window.Close() }()
	choosePIN(t, b, "739251")
	if err := b.UI.EnrolForTest(ui.EnrolForm{ServerURL: url, School: "lincoln", Username: "ben", Password: "wrong"}); err == nil ||
		err.Error() != "The school, user name or password is not right." {
		t.Fatalf("a wrong password says %v", err)
	}
	if err := b.UI.EnrolForTest(ui.EnrolForm{ServerURL: url, School: "lincoln", Username: "ben", Password: password}); err != nil {
		t.Fatal(err)
	}
	if err := b.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	got, ok := repo.Get[record.Session](b.Store, sess.ID)
	if !ok || got.Data.Minutes != 25 {
		t.Fatalf("B does not hold A's session: %v", ok)
	}
	if !strings.Contains(b.UI.SyncGlance(), "Synced") {
		t.Fatalf("B's header says %q", b.UI.SyncGlance())
	}

	// Both edit Ava offline; A syncs first, B's older edit loses.
	ava, _ := repo.Get[record.Student](b.Store, st.ID)
	ava.Data.PreferredName = "Avi"
	if _, err := repo.Put(ctx, b.Store, st.ID, ava.Data, false); err != nil {
		t.Fatal(err)
	}
	// A's edit must be later than B's by the clock, not only in program
	// order: in the same millisecond the HLC's node id would decide.
	time.Sleep(5 * time.Millisecond)
	ava2, _ := repo.Get[record.Student](a.Store, st.ID)
	ava2.Data.Grade = "3"
	if _, err := repo.Put(ctx, a.Store, st.ID, ava2.Data, false); err != nil {
		t.Fatal(err)
	}
	if err := a.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	cs, err := (&Sync{Store: b.Store, Syncer: b.Syncer}).Conflicts()
	if err != nil || len(cs) != 1 || !strings.HasPrefix(cs[0].Summary, "another tablet saved a newer version") {
		t.Fatalf("B's conflicts %+v (%v)", cs, err)
	}
	if b.UI.SyncGlance() != "1 to review" {
		t.Fatalf("B's header says %q", b.UI.SyncGlance())
	}
	if err := (&Sync{Store: b.Store, Syncer: b.Syncer}).RestoreConflict(ctx, cs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	final, _ := repo.Get[record.Student](a.Store, st.ID)
	if final.Data.PreferredName != "Avi" {
		t.Fatalf("A holds %+v after B restored its version", final.Data)
	}
}
