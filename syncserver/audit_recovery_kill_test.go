package main

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// TestAuditAndRecoveryKeySurviveKill (ADR 0020, 0021): against the real binary on
// bbolt and on PostgreSQL, an audit entry and a recovery key written before
// a kill -9 are there after the restart.
func TestAuditAndRecoveryKeySurviveKill(t *testing.T) {
	for _, c := range []struct {
		name  string
		store func(t *testing.T) []string
	}{
		{"bbolt", func(t *testing.T) []string {
			db := filepath.Join(t.TempDir(), "s.db")
			setup(t, db)
			addBen(t, "--db", db)
			return []string{"--db", db}
		}},
		{"postgres", func(t *testing.T) []string {
			url := pgSetup(t)
			addBen(t, "--postgres", url)
			return []string{"--postgres", url}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--listen", "127.0.0.1:0"}, c.store(t)...)
			p := serve(t, nil, args...)
			tok, dev := enrol(t, p.url)
			// Ben writes the note; the admin's tablet pulls it (an author's
			// own pull is not audited: ADR 0021).
			benTok, benDev := enrolAs(t, p.url, "ben", "password-456")
			note := record.Envelope{ID: uuid.NewString(), Type: "note", HLC: hlc.NewClock(benDev, hlc.State{}, nil).Now().String(),
				Restricted: true, Data: []byte(`{"student_id":"` + uuid.NewString() + `","author_id":"x","body":"KILL-SECRET"}`)}
			if resp, err := request("POST", p.url+"/v1/sync/push", benTok, protocol.PushRequest{Records: []record.Envelope{note}}); err != nil || resp.StatusCode != 200 {
				t.Fatalf("push: %v %v", resp, err)
			}
			if got, _ := pullIDs(t, p.url, tok); got[note.ID] == "" {
				t.Fatal("the admin's pull lacks the note")
			}
			const key = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA"
			if resp, err := request("PUT", p.url+"/v1/device/recovery-key", tok, map[string]string{"recovery_key": key}); err != nil || resp.StatusCode != 204 {
				t.Fatalf("put key: %v %v", resp, err)
			}
			p.cmd.Process.Kill() // kill -9
			p.cmd.Wait()
			first := p

			p = serve(t, nil, args...)
			resp, err := request("GET", p.url+"/v1/admin/audit", tok, nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var a struct {
				Entries []json.RawMessage `json:"entries"`
			}
			if err := json.Unmarshal(body, &a); err != nil || resp.StatusCode != 200 || len(a.Entries) != 1 {
				t.Fatalf("audit after the restart: %d %s", resp.StatusCode, body)
			}
			if !strings.Contains(string(body), `"record_id":"`+note.ID+`"`) || !strings.Contains(string(body), `"device_id":"`+dev.String()+`"`) ||
				!strings.Contains(string(body), `"path":"pull"`) || strings.Contains(string(body), "KILL-SECRET") {
				t.Fatalf("audit after the restart: %s", body)
			}
			resp, err = request("GET", p.url+"/v1/device/recovery-key", tok, nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), key) {
				t.Fatalf("key after the restart: %d %s", resp.StatusCode, body)
			}
			// Nothing of it in either process's log.
			for _, q := range []*proc{first, p} {
				q.mu.Lock()
				logs := q.stderr.String()
				q.mu.Unlock()
				if strings.Contains(logs, key) || strings.Contains(logs, "KILL-SECRET") || !strings.Contains(logs, "request") {
					t.Error("a server log holds the key or the note, or logs no request at all")
				}
			}
		})
	}
}

// addBen adds the interventionist ben (password-456) to lincoln-elem with
// the command line, on the store the flags name.
func addBen(t *testing.T, storeFlags ...string) {
	t.Helper()
	args := append([]string{"user", "add", "--school", "lincoln-elem", "--username", "ben", "--name", "Ben", "--role", "interventionist"}, storeFlags...)
	if out, err := cli(t, "password-456\n", nil, args...); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
}

// enrolAs enrols a new device of user.
func enrolAs(t *testing.T, url, user, password string) (token string, dev uuid.UUID) {
	t.Helper()
	dev = uuid.New()
	resp, err := request("POST", url+"/v1/devices", "", protocol.EnrolRequest{School: "lincoln-elem", Username: user, Password: password, DeviceID: dev.String(), DeviceName: "t"})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r protocol.EnrolResponse
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&r) != nil {
		t.Fatalf("enrol %s: %d", user, resp.StatusCode)
	}
	return r.Token, dev
}
