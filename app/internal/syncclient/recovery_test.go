package syncclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/vault"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// cheapKDF: these tests are about the recovery path, not the cost of a guess.
var cheapKDF = &vault.Params{Time: 1, MemoryKiB: 64, Threads: 1}

const (
	oldPIN = "482916"
	newPIN = "739251"
)

// fakeRecoveryServer is the server contract of the recovery key (ADR 0020),
// small enough to read: enrolment (one user, any device id), the two
// recovery-key endpoints, and an empty pull. offline makes PUT answer 503.
type fakeRecoveryServer struct {
	mu      sync.Mutex
	device  string // the device id of the last enrolment
	token   string
	key     string // base64url, as PUT gave it
	offline bool
	tokens  int
}

func (f *fakeRecoveryServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fail := func(status int, code protocol.Code) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(protocol.ErrorBody{Error: &protocol.Error{Code: code, Message: string(code)}})
	}
	if r.URL.Path == "/v1/devices" {
		var req protocol.EnrolRequest
		if json.NewDecoder(r.Body).Decode(&req) != nil || req.School != school ||
			!((req.Username == "ana" && req.Password == password) || req.Code == "7KQ4M-2XD9P-WHR3T") {
			fail(http.StatusUnauthorized, protocol.CodeUnauthorized)
			return
		}
		f.tokens++
		f.device, f.token = req.DeviceID, "tok-"+strings.Repeat("x", f.tokens)
		_ = json.NewEncoder(w).Encode(protocol.EnrolResponse{Token: f.token, ServerTimeMS: time.Now().UnixMilli(),
			User:   protocol.User{ID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e02", Username: "ana", Role: "interventionist"},
			School: protocol.School{ID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01", Slug: school, Name: "Lincoln"}})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		fail(http.StatusUnauthorized, protocol.CodeUnauthorized)
		return
	}
	switch {
	case r.URL.Path == "/v1/device/recovery-key" && r.Method == http.MethodPut:
		if f.offline {
			fail(http.StatusServiceUnavailable, protocol.CodeUnavailable)
			return
		}
		var b struct {
			RecoveryKey string `json:"recovery_key"`
		}
		raw, _ := io.ReadAll(r.Body)
		if json.Unmarshal(raw, &b) != nil || len(b.RecoveryKey) != 43 || strings.ContainsAny(b.RecoveryKey, "=+/") {
			fail(http.StatusBadRequest, protocol.CodeInvalidRequest)
			return
		}
		f.key = b.RecoveryKey
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/v1/device/recovery-key" && r.Method == http.MethodGet:
		if f.key == "" {
			fail(http.StatusNotFound, protocol.CodeNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"recovery_key": f.key})
	case r.URL.Path == "/v1/sync/push":
		var req protocol.PushRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		res := make([]protocol.PushResult, len(req.Records))
		for i, e := range req.Records {
			res[i] = protocol.PushResult{ID: e.ID, Outcome: protocol.Applied, HLC: e.HLC}
		}
		_ = json.NewEncoder(w).Encode(protocol.PushResponse{Results: res, ServerTimeMS: time.Now().UnixMilli(), Epoch: "e1"})
	case r.URL.Path == "/v1/sync/pull":
		_ = json.NewEncoder(w).Encode(protocol.PullResponse{Records: []record.Envelope{}, ServerTimeMS: time.Now().UnixMilli(), Epoch: "e1"})
	default:
		fail(http.StatusNotFound, protocol.CodeNotFound)
	}
}

// recoveryTablet is a tablet whose store has a PIN.
func recoveryTablet(t *testing.T) (string, *localstore.Store, *Syncer) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tablet.db")
	st, err := localstore.OpenWith(path, localstore.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.SetPIN(context.Background(), oldPIN); err != nil {
		t.Fatal(err)
	}
	return path, st, New(Config{Store: st})
}

func writeProbes(t *testing.T, st *localstore.Store, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := st.Put(context.Background(), record.TypeProbe, "", mustJSON(record.Probe{StudentID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00",
			Measure: "orf_wcpm", Date: "2025-01-13", Score: float64(i)}), false); err != nil {
			t.Fatal(err)
		}
	}
}

// TestForgottenPINAgainstTheContract: the recovery key waits while the
// server cannot take it (recovery is "not armed"), is sent at a later
// sync; a person who forgot the PIN signs in again, gets the key back,
// sets a new PIN, and every unsent change is still there and then sent.
// The server here is a small fake of the two endpoints; the same path
// against the real server is TestForgottenPINEndToEndRealServer.
func TestForgottenPINAgainstTheContract(t *testing.T) {
	ctx := context.Background()
	fake := &fakeRecoveryServer{offline: true}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	path, st, sy := recoveryTablet(t)
	if _, err := sy.Enrol(ctx, EnrolParams{ServerURL: srv.URL, School: school, Username: "ana", Password: password}); err != nil {
		t.Fatal(err)
	}
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if li, _ := st.LockInfo(); li.RecoveryArmed {
		t.Fatal("armed while the server could not take the key")
	}
	fake.mu.Lock()
	fake.offline = false
	fake.mu.Unlock()
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if li, _ := st.LockInfo(); !li.RecoveryArmed || fake.key == "" {
		t.Fatalf("not armed after a sync: %+v", li)
	}
	writeProbes(t, st, 7) // unsent work
	want, _ := st.Pending(0)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err := localstore.OpenWith(path, localstore.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A wrong sign-in gives nothing.
	if _, err := Recover(ctx, st, nil, RecoverParams{EnrolParams: EnrolParams{ServerURL: srv.URL, School: school, Username: "ana", Password: "nope"}, NewPIN: newPIN}); err == nil {
		t.Fatal("recovered with a wrong password")
	}
	if _, err := Recover(ctx, st, nil, RecoverParams{EnrolParams: EnrolParams{ServerURL: srv.URL, School: school, Code: "7KQ4M-2XD9P-WHR3T"}, NewPIN: "111111"}); err == nil {
		t.Fatal("an easy PIN was accepted")
	}
	e, err := Recover(ctx, st, nil, RecoverParams{EnrolParams: EnrolParams{ServerURL: srv.URL, School: school, Code: "7KQ4M-2XD9P-WHR3T"}, NewPIN: newPIN})
	if err != nil {
		t.Fatal(err)
	}
	if fake.device != st.DeviceID() || e.Token != fake.token {
		t.Fatalf("recovery enrolled device %s with token %q; tablet %s", fake.device, e.Token, st.DeviceID())
	}
	got, err := st.Pending(0)
	if err != nil || len(got) != 7 || len(got) != len(want) {
		t.Fatalf("pending after recovery: %d (%v), want %d", len(got), err, len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID || got[i].HLC != want[i].HLC || !bytes.Equal(got[i].Data, want[i].Data) {
			t.Fatalf("pending %d changed: %+v vs %+v", i, got[i], want[i])
		}
	}
	// The new PIN opens the store after a restart, the old one does not.
	path2 := path
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = localstore.OpenWith(path2, localstore.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Unlock(ctx, oldPIN); err == nil {
		t.Fatal("the forgotten PIN still unlocks")
	}
	if err := st.Unlock(ctx, newPIN); err != nil {
		t.Fatal(err)
	}
	// And the unsent work goes out with the new token.
	if err := New(Config{Store: st}).SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.PendingCount(); n != 0 {
		t.Fatalf("%d still pending after the sync", n)
	}
}

// TestRecoveryWithoutAKeyOnTheServer: a 404 is a clear ErrNoRecoveryKey
// and the store stays locked, with nothing changed.
func TestRecoveryWithoutAKeyOnTheServer(t *testing.T) {
	ctx := context.Background()
	fake := &fakeRecoveryServer{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	path, st, _ := recoveryTablet(t)
	writeProbes(t, st, 2)
	_ = st.Close()
	st, err := localstore.OpenWith(path, localstore.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = Recover(ctx, st, nil, RecoverParams{EnrolParams: EnrolParams{ServerURL: srv.URL, School: school, Username: "ana", Password: password}, NewPIN: newPIN})
	if !errors.Is(err, ErrNoRecoveryKey) {
		t.Fatalf("err %v", err)
	}
	if li, _ := st.LockInfo(); li.Unlocked {
		t.Fatal("unlocked without a key")
	}
	// A key that is not this tablet's does not open it either.
	fake.mu.Lock()
	fake.key = base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
	fake.mu.Unlock()
	if _, err := Recover(ctx, st, nil, RecoverParams{EnrolParams: EnrolParams{ServerURL: srv.URL, School: school, Username: "ana", Password: password}, NewPIN: newPIN}); err == nil {
		t.Fatal("another key opened the store")
	}
	if err := st.Unlock(ctx, oldPIN); err != nil {
		t.Fatalf("the PIN no longer works after failed recoveries: %v", err)
	}
	if n, _ := st.PendingCount(); n != 2 {
		t.Fatalf("pending %d", n)
	}
}

// TestForgottenPINEndToEndRealServer is the same path against the real
// server binary: the recovery key is sent at the first sync, the person
// forgets the PIN with unsent work on the tablet, signs in again with the
// password, sets a new PIN, and the work is synced; a wipe destroys the
// key.
func TestForgottenPINEndToEndRealServer(t *testing.T) {
	ctx := context.Background()
	srv := newServer(t)
	path, st, sy := recoveryTablet(t)
	if _, err := sy.Enrol(ctx, EnrolParams{ServerURL: srv.URL, School: school, Username: "ana", Password: password, DeviceName: "t"}); err != nil {
		t.Fatal(err)
	}
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if li, _ := st.LockInfo(); !li.RecoveryArmed {
		t.Fatalf("not armed after a sync: %+v", li)
	}
	writeProbes(t, st, 5)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := localstore.OpenWith(path, localstore.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	if _, err := Recover(ctx, st, nil, RecoverParams{EnrolParams: EnrolParams{ServerURL: srv.URL, School: school, Username: "ana", Password: password, DeviceName: "t"}, NewPIN: newPIN}); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.PendingCount(); n != 5 {
		t.Fatalf("pending after recovery %d, want 5", n)
	}
	if err := New(Config{Store: st}).SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.PendingCount(); n != 0 {
		t.Fatalf("pending after the sync %d", n)
	}
	// A wipe destroys the key: signing in again finds none.
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/v1/admin/devices/"+st.DeviceID()+"?wipe=1", nil)
	req.Header.Set("Authorization", "Bearer "+srv.token("boss"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := NewClient(srv.URL, srv.token("ana"), nil)
	if _, err := c.GetRecoveryKey(ctx); !errors.Is(err, ErrNoRecoveryKey) {
		t.Fatalf("a fresh device has a key: %v", err)
	}
}
