package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/uuid"

	"smallwins/syncserver/internal/httpapi"
)

func enrolStatus(t *testing.T, url, user, password string) int {
	t.Helper()
	resp, err := request("POST", url+"/v1/devices", "", map[string]any{"school": "lincoln-elem", "username": user, "password": password,
		"device_id": uuid.NewString(), "device_name": "t"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestCLIUserListSet: `user list` and `user set` on a stopped server's
// store, with the HTTP API's rules, and the result seen by `serve`.
func TestCLIUserListSet(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	setup(t, db)
	if out, err := cli(t, "password-456\n", nil, "user", "add", "--school", "lincoln-elem", "--username", "ana", "--name", "Ana", "--role", "interventionist", "--db", db); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	out, err := cli(t, "", nil, "user", "list", "--school", "lincoln-elem", "--db", db)
	if err != nil || !strings.Contains(out, "USERNAME") || strings.Index(out, "ana ") > strings.Index(out, "rivera ") || strings.Contains(out, "$2a$") {
		t.Fatalf("user list: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"--role", "superuser"}, "role must be admin or interventionist"},
		{"short\n", []string{"--password-stdin"}, "at least 8 characters"},
		{"", []string{"--disabled", "maybe"}, "true or false"},
		{"", nil, "nothing to change"},
	} {
		args := append([]string{"user", "set", "--school", "lincoln-elem", "--username", "ana", "--db", db}, tc.args...)
		if out, err := cli(t, tc.stdin, nil, args...); err == nil || !strings.Contains(out, tc.want) {
			t.Errorf("user set %v: %v %s, want an error saying %q", tc.args, err, out, tc.want)
		}
	}
	if out, err := cli(t, "", nil, "user", "set", "--school", "lincoln-elem", "--username", "nobody", "--name", "N", "--db", db); err == nil || !strings.Contains(out, "no user") {
		t.Errorf("unknown user: %v %s", err, out)
	}
	if out, err := cli(t, "", nil, "user", "set", "--school", "lincoln-elem", "--username", "ana", "--disabled", "true", "--name", "Ana Rivera", "--db", db); err != nil || !strings.Contains(out, "disabled true") {
		t.Fatalf("disable: %v %s", err, out)
	}
	if out, _ := cli(t, "", nil, "user", "list", "--school", "lincoln-elem", "--db", db); !strings.Contains(out, "Ana Rivera") || !strings.Contains(out, "true") {
		t.Errorf("user list after disabling:\n%s", out)
	}
	p := serve(t, nil, "--listen", "127.0.0.1:0", "--db", db)
	if s := enrolStatus(t, p.url, "ana", "password-456"); s != 401 {
		t.Errorf("a disabled user enrols: %d, want 401", s)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()
	if out, err := cli(t, "a-new-passphrase\n", nil, "user", "set", "--school", "lincoln-elem", "--username", "ana", "--disabled", "false", "--password-stdin", "--db", db); err != nil {
		t.Fatalf("enable with a new password: %v %s", err, out)
	}
	p = serve(t, nil, "--listen", "127.0.0.1:0", "--db", db)
	if s := enrolStatus(t, p.url, "ana", "password-456"); s != 401 {
		t.Errorf("the old password: %d, want 401", s)
	}
	if s := enrolStatus(t, p.url, "ana", "a-new-passphrase"); s != 201 {
		t.Errorf("the new password: %d, want 201", s)
	}
}

// TestAdminAcrossInstances: PROTOCOL §13 on two server processes sharing one
// PostgreSQL database. A user disabled on A is refused on B at its very
// next request; a device wiped on A answers device_wiped on B; one code
// raced over both instances enrols exactly once.
func TestAdminAcrossInstances(t *testing.T) {
	url := pgSetup(t)
	if out, err := cli(t, "password-456\n", nil, "user", "add", "--postgres", url, "--school", "lincoln-elem", "--username", "ana", "--name", "Ana", "--role", "interventionist"); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	a := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	b := serve(t, nil, "--listen", "127.0.0.1:0", "--postgres", url)
	admin, _ := enrol(t, a.url)
	resp, err := request("GET", a.url+"/v1/admin/users", admin, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ul httpapi.UsersResponse
	json.NewDecoder(resp.Body).Decode(&ul)
	resp.Body.Close()
	var anaID string
	for _, u := range ul.Users {
		if u.Username == "ana" {
			anaID = u.ID
		}
	}
	if anaID == "" {
		t.Fatalf("ana not listed: %+v", ul)
	}
	code := func() string {
		resp, err := request("POST", a.url+"/v1/admin/enrolment-codes", admin, map[string]any{"user_id": anaID})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var cr httpapi.CodeResponse
		if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&cr) != nil {
			t.Fatalf("code: %d", resp.StatusCode)
		}
		return cr.Code
	}
	// One code, 20 enrolments over both instances: one 201.
	c := code()
	var mu sync.Mutex
	counts := map[int]int{}
	tokens := []string{}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := request("POST", []string{a.url, b.url}[i%2]+"/v1/devices", "", map[string]any{"school": "lincoln-elem", "code": c,
				"device_id": uuid.NewString(), "device_name": "t"})
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			counts[resp.StatusCode]++
			var er struct{ Token string }
			if resp.StatusCode == 201 && json.NewDecoder(resp.Body).Decode(&er) == nil {
				tokens = append(tokens, er.Token)
			}
		}()
	}
	wg.Wait()
	if counts[201] != 1 || len(tokens) != 1 || counts[401]+counts[429] != 19 {
		t.Fatalf("one code over two instances: %v", counts)
	}
	anaTok := tokens[0]
	if resp, _ := request("GET", b.url+"/v1/sync/pull", anaTok, nil); resp.StatusCode != 200 {
		t.Fatalf("before disabling: %d", resp.StatusCode)
	}
	resp, err = request("PATCH", a.url+"/v1/admin/users/"+anaID, admin, map[string]any{"disabled": true})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("disable: %v %d", err, resp.StatusCode)
	}
	if resp, _ := request("GET", b.url+"/v1/sync/pull", anaTok, nil); resp.StatusCode != 401 {
		t.Fatalf("after disabling on A, B answers %d", resp.StatusCode)
	}
	// The admin's own device, wiped on A, is told so on B.
	other, dev := enrol(t, b.url)
	resp, err = request("DELETE", a.url+"/v1/admin/devices/"+dev.String()+"?wipe=1", admin, nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("wipe: %v %d", err, resp.StatusCode)
	}
	resp, _ = request("GET", b.url+"/v1/sync/pull", other, nil)
	var eb struct{ Error struct{ Code string } }
	json.NewDecoder(resp.Body).Decode(&eb)
	resp.Body.Close()
	if resp.StatusCode != 401 || eb.Error.Code != "device_wiped" {
		t.Fatalf("wiped on A, B answers %d %q, want 401 device_wiped", resp.StatusCode, eb.Error.Code)
	}
}
