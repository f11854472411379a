package syncclient

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// crashChildEnv makes the test binary a child that writes and syncs until
// it is killed (TestCrashSafety).
const crashChildEnv = "SYNCCLIENT_CRASH_CHILD"

// crashChild opens the store at $SYNCCLIENT_CRASH_STORE, then forever:
// writes a record (a new one or an edit), appends "id hlc" to the ack log
// once Put has returned (the tap is acknowledged), and syncs every few
// writes. The parent kills it with SIGKILL at a random moment.
func crashChild() int {
	st, err := localstore.Open(os.Getenv("SYNCCLIENT_CRASH_STORE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		return 3
	}
	ack, err := os.OpenFile(os.Getenv("SYNCCLIENT_CRASH_ACK"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return 4
	}
	sy := New(Config{Store: st, PullLimit: 97}) // small pages: many pull transactions to die in
	r := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	var ids []string
	for i := 0; ; i++ {
		id := ""
		if len(ids) > 0 && r.IntN(3) == 0 {
			id = ids[r.IntN(len(ids))]
		}
		d, err := repo.Put(context.Background(), st, id, record.Student{GivenName: fmt.Sprintf("n%d", i), FamilyName: "Crash", Grade: "1"}, false)
		if err != nil {
			fmt.Fprintln(os.Stderr, "child put:", err)
			return 5
		}
		if id == "" {
			ids = append(ids, d.ID)
		}
		if _, err := fmt.Fprintf(ack, "%s %s\n", d.ID, d.HLC); err != nil {
			return 6
		}
		if err := ack.Sync(); err != nil {
			return 7
		}
		if i%7 == 0 {
			_ = sy.SyncOnce(context.Background())
		}
	}
}

func TestCrashSafety(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	path := dir + "/tablet.db"
	ackPath := dir + "/acks.log"
	{ // enrol once, as the app would
		st, err := localstore.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(Config{Store: st}).Enrol(bg, EnrolParams{ServerURL: srv.URL, School: school, Username: "ana", Password: password, DeviceName: "crashy"}); err != nil {
			t.Fatal(err)
		}
		_ = st.Close()
	}
	// Another tablet's records, so that the crashing one dies in pulls too.
	other := newTablet(t, nil, Config{})
	other.enrol(srv, "ben")
	for i := 0; i < 1500; i++ {
		if _, err := repo.Put(bg, other.store, "", student(fmt.Sprint("other", i)), false); err != nil {
			t.Fatal(err)
		}
	}
	other.sync()
	peek := NewClient(srv.URL, srv.token("boss"), nil)
	r := rand.New(rand.NewPCG(7, 11))
	const rounds = 8
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"=1", "SYNCCLIENT_CRASH_STORE="+path, "SYNCCLIENT_CRASH_ACK="+ackPath)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a random moment once the child has made progress (its
		// start-up time varies with the machine's load).
		start := fileSize(ackPath)
		for deadline := time.Now().Add(30 * time.Second); fileSize(ackPath) == start && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(r.IntN(300)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: child exited by itself (%v): %s", round, err, stderr.String())
		}
		checkAfterCrash(t, path, ackPath, round, peek)
	}
	// Finally everything reaches the server intact.
	st, err := localstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := New(Config{Store: st}).SyncOnce(bg); err != nil {
		t.Fatal(err)
	}
	fresh := newTablet(t, nil, Config{})
	fresh.enrol(srv, "ben")
	fresh.sync()
	mine, _ := st.All()
	theirs, _ := fresh.store.All()
	if len(mine) == 0 || len(mine) != len(theirs) {
		t.Fatalf("crashed tablet holds %d records, the server %d", len(mine), len(theirs))
	}
	for i := range mine {
		if mine[i].ID != theirs[i].ID || mine[i].HLC != theirs[i].HLC {
			t.Fatalf("record %d differs: %s %s vs %s %s", i, mine[i].ID, mine[i].HLC, theirs[i].ID, theirs[i].HLC)
		}
	}
}

func checkAfterCrash(t *testing.T, path, ackPath string, round int, peek *Client) {
	t.Helper()
	st, err := localstore.Open(path)
	if err != nil {
		t.Fatalf("round %d: store does not open after kill -9: %v", round, err)
	}
	defer st.Close()
	f, err := os.Open(ackPath)
	if err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	defer f.Close()
	acked := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) != 2 {
			continue // a line cut by the kill was never acknowledged
		}
		e, err := st.Get(parts[0])
		if err != nil {
			t.Fatalf("round %d: acknowledged write %s lost: %v", round, parts[0], err)
		}
		if e.HLC < parts[1] {
			t.Fatalf("round %d: record %s went back from %s to %s", round, parts[0], parts[1], e.HLC)
		}
		acked++
	}
	if acked == 0 {
		t.Fatalf("round %d: the child acknowledged nothing", round)
	}
	// Outbox and records agree: every outbox entry names the stored version.
	n, _ := st.PendingCount()
	p, _ := st.Pending(0)
	if n != len(p) {
		t.Fatalf("round %d: outbox has %d entries but %d match their records", round, n, len(p))
	}
	// The cursor never runs ahead of what was applied: every version the
	// server holds at a seq up to the cursor is on the tablet (or a newer
	// local one is).
	m, err := st.SyncMeta()
	if err != nil || m.Cursor < 0 {
		t.Fatalf("round %d: sync meta %+v, %v", round, m, err)
	}
	for after := int64(0); after < m.Cursor; {
		page, err := peek.Pull(bg, after, 5000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Records {
			if e.Seq > m.Cursor {
				break
			}
			v, err := st.Version(e.ID)
			if err != nil || v.HLC < e.HLC {
				t.Fatalf("round %d: cursor %d passed seq %d (%s) but the tablet holds %q, %v", round, m.Cursor, e.Seq, e.ID, v.HLC, err)
			}
		}
		if !page.More {
			break
		}
		after = page.Cursor
	}
	// The next write after restart is newer than anything held.
	all, _ := st.All()
	maxHLC := ""
	for _, e := range all {
		if e.HLC > maxHLC {
			maxHLC = e.HLC
		}
	}
	w, err := st.Put(bg, "probe_after_crash", "", mustJSON(map[string]int{"round": round}), false)
	if err != nil || w.HLC <= maxHLC {
		t.Fatalf("round %d: write after restart %s, max held %s, %v", round, w.HLC, maxHLC, err)
	}
	if _, err := st.Delete(bg, w.ID); err != nil {
		t.Fatal(err)
	}
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
