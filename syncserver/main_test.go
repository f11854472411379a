package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/pgtest"
)

var bin string

// TestMain builds the real binary once: these tests drive it as the
// black-box tests do, through PROTOCOL §11 and the HTTP API.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "syncserver-bin")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "syncserver")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	pgtest.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

func cli(t testing.TB, stdin string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func setup(t *testing.T, db string) {
	t.Helper()
	if out, err := cli(t, "", nil, "school", "add", "--slug", "lincoln-elem", "--name", "Lincoln Elementary", "--db", db); err != nil {
		t.Fatalf("school add: %v %s", err, out)
	}
	if out, err := cli(t, "password-123\n", nil, "user", "add", "--school", "lincoln-elem", "--username", "rivera", "--name", "Ana Rivera", "--role", "admin", "--db", db); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
}

type proc struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
	mu     *sync.Mutex
}

func serve(t testing.TB, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, _ := cmd.StdoutPipe()
	p := &proc{cmd: cmd, stderr: &bytes.Buffer{}, mu: &sync.Mutex{}}
	cmd.Stderr = syncWriter{p.mu, p.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			select {
			case line <- s.Text():
			default:
			}
		}
	}()
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "listening on http://") {
			t.Fatalf("first line %q", l)
		}
		p.url = strings.TrimPrefix(l, "listening on ")
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("no listening line; stderr: %s", p.stderr)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return p
}

type syncWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (s syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

func enrol(t *testing.T, url string) (token string, dev uuid.UUID) {
	t.Helper()
	dev = uuid.New()
	body, _ := json.Marshal(protocol.EnrolRequest{School: "lincoln-elem", Username: "rivera", Password: "password-123", DeviceID: dev.String(), DeviceName: "t"})
	resp, err := http.Post(url+"/v1/devices", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r protocol.EnrolResponse
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&r) != nil {
		t.Fatalf("enrol: %d", resp.StatusCode)
	}
	return r.Token, dev
}

func request(method, url, token string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return http.DefaultClient.Do(req)
}

func pullIDs(t *testing.T, url, token string) (map[string]string, string) {
	t.Helper()
	got := map[string]string{}
	after := int64(0)
	for {
		resp, err := request("GET", fmt.Sprintf("%s/v1/sync/pull?after=%d&limit=5000", url, after), token, nil)
		if err != nil {
			t.Fatal(err)
		}
		var p protocol.PullResponse
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("pull %d %v", resp.StatusCode, err)
		}
		for _, r := range p.Records {
			got[r.ID] = r.HLC
		}
		after = p.Cursor
		if !p.More {
			return got, p.Epoch
		}
	}
}

func TestCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	setup(t, db)
	if out, err := cli(t, "password-123\n", nil, "user", "add", "--school", "lincoln-elem", "--username", "rivera", "--name", "X", "--role", "admin", "--db", db); err == nil || !strings.Contains(out, "already exists") {
		t.Errorf("duplicate user: %v %s", err, out)
	}
	if out, err := cli(t, "short\n", nil, "user", "add", "--school", "lincoln-elem", "--username", "x", "--name", "X", "--role", "admin", "--db", db); err == nil || !strings.Contains(out, "8 characters") {
		t.Errorf("short password: %v %s", err, out)
	}
	if out, err := cli(t, "", nil, "frobnicate"); err == nil || !strings.Contains(out, "usage") {
		t.Errorf("unknown command: %v %s", err, out)
	}
	// SYNCSERVER_DB names the store; the --db flag beats it.
	if out, err := cli(t, "", []string{"SYNCSERVER_DB=" + db}, "school", "add", "--slug", "env-school", "--name", "E"); err != nil {
		t.Fatalf("env db: %v %s", err, out)
	}
	other := filepath.Join(t.TempDir(), "other.db")
	if out, err := cli(t, "", []string{"SYNCSERVER_DB=" + db}, "school", "add", "--slug", "env-school", "--name", "E", "--db", other); err != nil {
		t.Fatalf("flag beats env: %v %s", err, out)
	}
	p := serve(t, []string{"SYNCSERVER_LISTEN=127.0.0.1:0", "SYNCSERVER_DB=" + db})
	tok, _ := enrol(t, p.url)
	_, epoch1 := pullIDs(t, p.url, tok)
	// The file is locked while serving.
	if out, err := cli(t, "", nil, "epoch", "new", "--db", db); err == nil || !strings.Contains(out, "locked") {
		t.Errorf("epoch new while serving: %v %s", err, out)
	}
	// SIGTERM: a clean exit.
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
	if out, err := cli(t, "", nil, "epoch", "new", "--db", db); err != nil {
		t.Fatalf("epoch new: %v %s", err, out)
	}
	p = serve(t, nil, "--listen", "127.0.0.1:0", "--db", db)
	if _, epoch2 := pullIDs(t, p.url, tok); epoch2 == epoch1 || epoch2 == "" {
		t.Errorf("epoch unchanged: %s", epoch2)
	}
	// A port in use: a clear error, non-zero exit.
	out, err := cli(t, "", nil, "serve", "--listen", strings.TrimPrefix(p.url, "http://"), "--db", filepath.Join(t.TempDir(), "x.db"))
	if err == nil || !strings.Contains(out, "cannot listen") {
		t.Errorf("port in use: %v %s", err, out)
	}
}

// TestCrashKeepsAcknowledgedPushes kill -9s the server during concurrent
// pushes, several times, and finds every record whose push got a 200.
func TestCrashKeepsAcknowledgedPushes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	setup(t, db)
	acked := map[string]string{}
	var mu sync.Mutex
	var tok string
	var dev uuid.UUID
	for round := 0; round < 4; round++ {
		p := serve(t, nil, "--listen", "127.0.0.1:0", "--db", db)
		if tok == "" {
			tok, dev = enrol(t, p.url)
		}
		clock := hlc.NewClock(dev, hlc.State{}, nil)
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					var recs []record.Envelope
					for i := 0; i < 50; i++ {
						recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: "note", HLC: clock.Now().String(), Data: []byte(`{"body":"x"}`)})
					}
					resp, err := request("POST", p.url+"/v1/sync/push", tok, protocol.PushRequest{Records: recs})
					if err != nil {
						return // the server died
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == 200 {
						mu.Lock()
						for _, r := range recs {
							acked[r.ID] = r.HLC
						}
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(150+rand.IntN(250)) * time.Millisecond)
		p.cmd.Process.Kill() // kill -9
		p.cmd.Wait()
		wg.Wait()
	}
	p := serve(t, nil, "--listen", "127.0.0.1:0", "--db", db)
	got, _ := pullIDs(t, p.url, tok)
	if len(acked) == 0 {
		t.Fatal("no push was acknowledged")
	}
	for id, h := range acked {
		if got[id] != h {
			t.Fatalf("acknowledged record %s lost (have %d of %d)", id, len(got), len(acked))
		}
	}
	t.Logf("%d acknowledged records survived 4 kill -9s; %d held", len(acked), len(got))
}
