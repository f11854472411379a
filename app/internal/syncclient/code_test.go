package syncclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"smallwins/shared/protocol"
)

// admin sends an admin request as boss and decodes the answer into out.
func (s *server) admin(method, path string, body, out any) {
	s.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, s.URL+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+s.token("boss"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		s.t.Fatalf("%s %s: %d", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			s.t.Fatal(err)
		}
	}
}

// TestEnrolWithACode: a tablet enrols with the one-time code an admin
// made for Ana (PROTOCOL §13), without her password, and syncs as her; the
// same code on a second tablet is refused in plain words.
func TestEnrolWithACode(t *testing.T) {
	srv := newServer(t)
	var users struct {
		Users []protocol.User `json:"users"`
	}
	srv.admin("GET", "/v1/admin/users", nil, &users)
	var anaID string
	for _, u := range users.Users {
		if u.Username == "ana" {
			anaID = u.ID
		}
	}
	var code struct {
		Code string `json:"code"`
	}
	srv.admin("POST", "/v1/admin/enrolment-codes", map[string]any{"user_id": anaID}, &code)
	if code.Code == "" {
		t.Fatal("no code")
	}

	a := newTablet(t, nil, Config{})
	e, err := a.syncer.Enrol(context.Background(), EnrolParams{ServerURL: srv.URL, School: school, Code: code.Code, DeviceName: "Room 12"})
	if err != nil {
		t.Fatalf("enrol with a code: %v", err)
	}
	if e.UserID != anaID || e.Username != "ana" || e.Token == "" {
		t.Fatalf("enrolled as %+v", e)
	}
	if err := a.syncer.SyncOnce(context.Background()); err != nil {
		t.Fatalf("sync after enrolling with a code: %v", err)
	}

	b := newTablet(t, nil, Config{})
	_, err = b.syncer.Enrol(context.Background(), EnrolParams{ServerURL: srv.URL, School: school, Code: code.Code, DeviceName: "Room 14"})
	if pe := AsProtocolError(err); pe == nil || pe.Code != protocol.CodeUnauthorized {
		t.Fatalf("a used code: %v", err)
	}
	if msg := PlainEnrolError(err, true); !strings.Contains(msg, "enrolment code") {
		t.Errorf("a refused code reads %q", msg)
	}
}

// TestWipeStopsTheSyncer: after an admin's revoke with wipe (PROTOCOL §13),
// the next sync ends in ErrDeviceWiped (not "enrol again"), said in plain
// words, and Run stops instead of retrying.
func TestWipeStopsTheSyncer(t *testing.T) {
	srv := newServer(t)
	a := newTablet(t, nil, Config{})
	a.enrol(srv, "ana")
	a.sync()
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/v1/admin/devices/"+a.store.DeviceID()+"?wipe=1", nil)
	req.Header.Set("Authorization", "Bearer "+srv.token("boss"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("wipe: %d", resp.StatusCode)
	}
	err = a.syncer.SyncOnce(context.Background())
	if !errors.Is(err, ErrDeviceWiped) || errors.Is(err, ErrEnrolmentNeeded) {
		t.Fatalf("sync after a wipe: %v", err)
	}
	if msg := PlainError(err); !strings.Contains(msg, "erased this tablet") {
		t.Errorf("plain words: %q", msg)
	}
	done := make(chan error, 1)
	go func() { done <- a.syncer.Run(context.Background()) }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrDeviceWiped) {
			t.Fatalf("Run ended with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run goes on after a wipe")
	}
}
