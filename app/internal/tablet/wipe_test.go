package tablet

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/app/internal/ui"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// adminToken enrols a throwaway device as boss and returns its token.
func adminToken(t *testing.T, url string) string {
	t.Helper()
	body, _ := json.Marshal(protocol.EnrolRequest{School: "lincoln", Username: "boss", Password: password,
		DeviceID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9eaa", DeviceName: "admin"})
	resp, err := http.Post(url+"/v1/devices", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r protocol.EnrolResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Token == "" {
		t.Fatalf("admin enrol: %d %v", resp.StatusCode, err)
	}
	return r.Token
}

// TestRemoteWipeErasesTheTablet: PROTOCOL §13 and §9 end to end. An admin
// revokes a tablet with wipe; at its next sync the running app erases its
// store in one step (the file is gone, a new empty store with a new device
// id takes its place), says why on Today, and can be enrolled again.
func TestRemoteWipeErasesTheTablet(t *testing.T) {
	url := startServer(t)
	app := test.NewTempApp(t)
	ctx := context.Background()
	dir := t.TempDir()
	a, err := Open(app, testConfig(Config{DataDir: dir, Server: url, School: "lincoln", Username: "ana", Password: password}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { a.Close(); a.Window.Close() }()
	choosePIN(t, a, testPIN)
	waitFor(t, "enrolment", func() bool { e, _ := a.Store.Enrolment(); return e.Enrolled() })
	st, sy := a.Store, a.Syncer
	student, err := repo.Put(ctx, st, "", record.Student{GivenName: "Zephyrine", FamilyName: "Quillfeather", Grade: "2"}, false)
	if err != nil {
		t.Fatal(err)
	}
	oldDevice := st.DeviceID()
	// The loop may meet the wipe by itself (a sync it had queued) and erase
	// on its goroutine: from here the test reads a.Store and a.Syncer again
	// only after Erased. This State call orders the reads above before any
	// later state change of the loop (the race detector cannot see that the
	// server's answer comes after the DELETE below).
	_ = sy.State()

	req, _ := http.NewRequest(http.MethodDelete, url+"/v1/admin/devices/"+oldDevice+"?wipe=1", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken(t, url))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("wipe: %d", resp.StatusCode)
	}
	sy.SyncNow() // the loop's goroutine; the UI is the loop's to touch while it runs
	select {
	case <-a.Erased():
	case <-time.After(30 * time.Second):
		t.Fatal("the wiped tablet was not erased")
	}
	// The keys went with the file: the next person chooses a new PIN, and
	// the lock screen says why the tablet is empty.
	if !a.Lock.Showing() || a.UI != nil || !strings.Contains(a.Lock.Notice(), "erased this tablet") {
		t.Fatalf("after the wipe: lock showing %v, notice %q", a.Lock.Showing(), a.Lock.Notice())
	}
	if li, _ := a.Store.LockInfo(); li.HasPIN {
		t.Fatal("the erased tablet kept a PIN")
	}
	choosePIN(t, a, "739251")
	a.stop() // the new store's loop, so the test may read the UI without racing it
	if a.Store == st {
		t.Fatal("the old store is still in use")
	}
	if a.Store.DeviceID() == oldDevice {
		t.Error("the erased tablet kept its device id")
	}
	if _, ok := repo.Get[record.Student](a.Store, student.ID); ok {
		t.Error("the erased tablet still holds the student")
	}
	if e, _ := a.Store.Enrolment(); e.Enrolled() || e.Token != "" {
		t.Errorf("the erased tablet is still enrolled: %+v", e)
	}
	raw, err := os.ReadFile(a.path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("Quillfeather")) {
		t.Error("the new store file holds the old student's name")
	}
	if !strings.Contains(a.UI.NoticeText(), "erased this tablet") {
		t.Errorf("notice %q", a.UI.NoticeText())
	}
	// It can be enrolled again, as a new device.
	if err := a.UI.EnrolForTest(ui.EnrolForm{ServerURL: url, School: "lincoln", Username: "ana", Password: password}); err != nil {
		t.Fatalf("enrolling again after a wipe: %v", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
