package httpapi

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
)

// PROTOCOL §13 over HTTP, on the real bbolt store.

func (e *env) users(token string) map[string]AdminUser {
	e.t.Helper()
	s, b := e.do("GET", "/v1/admin/users", token, nil)
	var r UsersResponse
	if s != 200 || json.Unmarshal(b, &r) != nil {
		e.t.Fatalf("list users: %d %s", s, b)
	}
	out := map[string]AdminUser{}
	for _, u := range r.Users {
		out[u.Username] = u
	}
	return out
}

func TestAdminListUsers(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	s, b := e.do("GET", "/v1/admin/users", admin.token, nil)
	var r UsersResponse
	if s != 200 || json.Unmarshal(b, &r) != nil {
		t.Fatalf("%d %s", s, b)
	}
	var names []string
	for _, u := range r.Users {
		names = append(names, u.Username)
		if _, err := time.Parse(time.RFC3339, u.CreatedAt); err != nil || u.ID == "" || u.Disabled {
			t.Errorf("user %+v", u)
		}
	}
	if strings.Join(names, ",") != "admin,ana,ben" {
		t.Errorf("users %v, want admin,ana,ben (sorted; the other school's not listed)", names)
	}
	// Never a password hash, under any name.
	if bytes.Contains(b, []byte("$2a$")) || bytes.Contains(bytes.ToLower(b), []byte("password")) {
		t.Errorf("a password hash in the list: %s", b)
	}
	for _, k := range []string{`"id"`, `"username"`, `"name"`, `"role"`, `"disabled"`, `"created_at"`} {
		if !bytes.Contains(b, []byte(k)) {
			t.Errorf("field %s missing: %s", k, b)
		}
	}
	ana := e.enrol("lincoln", "ana")
	s, b = e.do("GET", "/v1/admin/users", ana.token, nil)
	wantError(t, s, b, 403, protocol.CodeForbidden, -1)
}

func TestAdminPatchUser(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	otherAdmin := e.enrol("washington", "admin")
	us := e.users(admin.token)
	anaID, adminID := us["ana"].ID, us["admin"].ID
	patch := func(id string, body any) (int, []byte) {
		return e.do("PATCH", "/v1/admin/users/"+id, admin.token, body)
	}

	s, b := patch(anaID, map[string]any{"name": "  Ana Rivera ", "role": "admin"})
	var r UserResponse
	if s != 200 || json.Unmarshal(b, &r) != nil || r.User.Name != "Ana Rivera" || r.User.Role != "admin" || r.User.Username != "ana" || r.User.ID != anaID {
		t.Fatalf("patch name and role: %d %s", s, b)
	}
	if s, b := patch(anaID, map[string]any{"role": "interventionist"}); s != 200 {
		t.Fatalf("demote another: %d %s", s, b)
	}
	// The password rule and its messages are NewUser's.
	for body, msg := range map[string]string{
		`{"password":"short"}`:       "at least 8 characters",
		`{"password":"password123"}`: "most common passwords",
		`{"password":"          "}`:  "",
		`{"name":""}`:                "name must be",
		`{"role":"superuser"}`:       "role must be admin or interventionist",
		`{"password":"` + strings.Repeat("x", auth.MaxPasswordBytes+1) + `"}`: "at most",
	} {
		s, b := e.do("PATCH", "/v1/admin/users/"+anaID, admin.token, []byte(body))
		pe := wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
		if !strings.Contains(pe.Message, msg) {
			t.Errorf("%s: message %q, want it to say %q", body, pe.Message, msg)
		}
	}
	// A new password works at enrolment; the old one no longer does.
	if s, b := patch(anaID, map[string]any{"password": "a-fresh-passphrase"}); s != 200 {
		t.Fatalf("new password: %d %s", s, b)
	}
	s, b = e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": pw, "device_id": uuid.NewString()})
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	if s, b := e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": "a-fresh-passphrase", "device_id": uuid.NewString()}); s != 201 {
		t.Fatalf("enrol with the new password: %d %s", s, b)
	}
	// Self-lockout is 409, and changes nothing.
	for _, body := range []map[string]any{{"disabled": true}, {"role": "interventionist"}, {"role": "interventionist", "name": "Me"}} {
		s, b := patch(adminID, body)
		wantError(t, s, b, 409, protocol.CodeConflict, -1)
	}
	if u := e.users(admin.token)["admin"]; u.Role != "admin" || u.Disabled || u.Name != "admin" {
		t.Errorf("a refused self-change changed: %+v", u)
	}
	if s, b := patch(adminID, map[string]any{"name": "Head Admin", "disabled": false}); s != 200 {
		t.Errorf("an admin renaming themself: %d %s", s, b)
	}
	// Another school's user, an unknown id, a malformed one: 404.
	otherAna := e.users(otherAdmin.token)["ana"].ID
	for _, id := range []string{otherAna, uuid.NewString(), "nope", "1%27%20OR%201=1"} {
		s, b := patch(id, map[string]any{"name": "x"})
		wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	}
	if u := e.users(otherAdmin.token)["ana"]; u.Name != "ana" {
		t.Errorf("another school's user changed: %+v", u)
	}
	ana := e.enrol("lincoln", "ben")
	s, b = e.do("PATCH", "/v1/admin/users/"+anaID, ana.token, map[string]any{"name": "x"})
	wantError(t, s, b, 403, protocol.CodeForbidden, -1)
	if strings.Contains(e.logs.String(), "a-fresh-passphrase") {
		t.Error("a password in the logs")
	}
}

func TestDisableUser(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	ana1, ana2, ben := e.enrol("lincoln", "ana"), e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben")
	otherAna := e.enrol("washington", "ana")
	anaID := e.users(admin.token)["ana"].ID
	s, b := e.do("PATCH", "/v1/admin/users/"+anaID, admin.token, map[string]any{"disabled": true})
	var r UserResponse
	if s != 200 || json.Unmarshal(b, &r) != nil || !r.User.Disabled {
		t.Fatalf("disable: %d %s", s, b)
	}
	// The very next request of each of her devices is 401.
	for _, d := range []device{ana1, ana2} {
		s, b := e.do("GET", "/v1/sync/pull", d.token, nil)
		wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	}
	for _, d := range []device{ben, otherAna} {
		if s, _ := e.do("GET", "/v1/sync/pull", d.token, nil); s != 200 {
			t.Errorf("another user's device after disabling ana: %d", s)
		}
	}
	// Her enrolment with the right password: the body of bad credentials.
	_, wrong := e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": "not-her-password", "device_id": uuid.NewString()})
	s, right := e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": pw, "device_id": uuid.NewString()})
	if s != 401 || !bytes.Equal(wrong, right) {
		t.Fatalf("disabled user's enrolment: %d %s, want 401 %s", s, right, wrong)
	}
	// Counted as failures: 8 more attempts (10 in all) and the 11th is 429.
	for range 8 {
		if s, _ := e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": pw, "device_id": uuid.NewString()}); s != 401 {
			t.Fatalf("disabled enrolment: %d", s)
		}
	}
	s, b = e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": pw, "device_id": uuid.NewString()})
	wantError(t, s, b, 429, protocol.CodeRateLimited, -1)
	if u := e.users(admin.token)["ana"]; !u.Disabled {
		t.Errorf("listed as %+v", u)
	}
	// Enabled again: old tokens stay dead.
	if s, b := e.do("PATCH", "/v1/admin/users/"+anaID, admin.token, map[string]any{"disabled": false}); s != 200 {
		t.Fatalf("enable: %d %s", s, b)
	}
	s, b = e.do("GET", "/v1/sync/pull", ana1.token, nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
}

// code asks for an enrolment code for username of admin's school.
func (e *env) code(adminTok, userID string, body map[string]any) CodeResponse {
	e.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	body["user_id"] = userID
	s, b := e.do("POST", "/v1/admin/enrolment-codes", adminTok, body)
	var r CodeResponse
	if s != 201 || json.Unmarshal(b, &r) != nil {
		e.t.Fatalf("enrolment code: %d %s", s, b)
	}
	return r
}

func (e *env) enrolCode(school, code, dev string) (int, []byte) {
	return e.do("POST", "/v1/devices", "", map[string]any{"school": school, "code": code, "device_id": dev, "device_name": "cart 3"})
}

var codeShape = regexp.MustCompile(`^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}$`)

func TestEnrolmentCodes(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	us := e.users(admin.token)
	start := time.Now()
	r := e.code(admin.token, us["ana"].ID, nil)
	if !codeShape.MatchString(r.Code) {
		t.Fatalf("code %q is not 3 groups of 5 without look-alikes", r.Code)
	}
	exp, err := time.Parse(time.RFC3339, r.ExpiresAt)
	if err != nil || exp.Before(start.Add(1439*time.Minute)) || exp.After(time.Now().Add(1441*time.Minute)) {
		t.Fatalf("expires_at %q, want about 1440 minutes from now", r.ExpiresAt)
	}
	if strings.Contains(e.logs.String(), r.Code) || strings.Contains(e.logs.String(), strings.ReplaceAll(r.Code, "-", "")) {
		t.Error("the code is in the logs")
	}
	// Typed in lower case with spaces: the same code.
	typed := strings.ToLower(strings.ReplaceAll(r.Code, "-", " "))
	dev := uuid.NewString()
	s, b := e.enrolCode("lincoln", typed, dev)
	var er protocol.EnrolResponse
	if s != 201 || json.Unmarshal(b, &er) != nil || er.User.ID != us["ana"].ID || er.School.Slug != "lincoln" || len(er.Token) < 43 {
		t.Fatalf("enrol with a code: %d %s", s, b)
	}
	if s, _ := e.do("GET", "/v1/sync/pull", er.Token, nil); s != 200 {
		t.Errorf("the code's token: %d", s)
	}
	// Works once; the body of a used code is the body of bad credentials.
	_, bad := e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": "wrong-password", "device_id": uuid.NewString()})
	s, b = e.enrolCode("lincoln", r.Code, uuid.NewString())
	if s != 401 || !bytes.Equal(b, bad) {
		t.Fatalf("a used code: %d %s, want 401 %s", s, b, bad)
	}
	// Another school's slug with this school's code: 401.
	r2 := e.code(admin.token, us["ben"].ID, map[string]any{"expires_in_minutes": 10080})
	if s, b := e.enrolCode("washington", r2.Code, uuid.NewString()); s != 401 || !bytes.Equal(b, bad) {
		t.Errorf("code in another school: %d %s", s, b)
	}
	// Device ownership (§4) holds for codes: ana's device is not ben's.
	s, b = e.enrolCode("lincoln", r2.Code, dev)
	wantError(t, s, b, 409, protocol.CodeConflict, -1)
	// A disabled user's code: 401.
	r3 := e.code(admin.token, us["ben"].ID, nil)
	if s, b := e.do("PATCH", "/v1/admin/users/"+us["ben"].ID, admin.token, map[string]any{"disabled": true}); s != 200 {
		t.Fatal(s, string(b))
	}
	if s, b := e.enrolCode("lincoln", r3.Code, uuid.NewString()); s != 401 || !bytes.Equal(b, bad) {
		t.Errorf("a disabled user's code: %d %s", s, b)
	}
	// Bad requests.
	for _, body := range []map[string]any{
		{"user_id": us["ana"].ID, "expires_in_minutes": 0},
		{"user_id": us["ana"].ID, "expires_in_minutes": 10081},
		{"user_id": us["ana"].ID, "expires_in_minutes": -5},
		{},
	} {
		s, b := e.do("POST", "/v1/admin/enrolment-codes", admin.token, body)
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	}
	other := e.enrol("washington", "admin")
	for _, id := range []string{e.users(other.token)["ana"].ID, uuid.NewString(), "x"} {
		s, b := e.do("POST", "/v1/admin/enrolment-codes", admin.token, map[string]any{"user_id": id})
		wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	}
	ana := e.enrol("lincoln", "ana")
	s, b = e.do("POST", "/v1/admin/enrolment-codes", ana.token, map[string]any{"user_id": us["ana"].ID})
	wantError(t, s, b, 403, protocol.CodeForbidden, -1)
	s, b = e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "code": r2.Code, "username": "ana", "device_id": uuid.NewString()})
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	s, b = e.enrolCode("lincoln", strings.Repeat("A", 65), uuid.NewString())
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
}

// TestExpiredCode: a code past its expiry is 401.
func TestExpiredCode(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnvWith(t, Config{Now: clock})
	admin := e.enrol("lincoln", "admin")
	r := e.code(admin.token, e.users(admin.token)["ana"].ID, map[string]any{"expires_in_minutes": 5})
	mu.Lock()
	now = now.Add(5 * time.Minute)
	mu.Unlock()
	s, b := e.enrolCode("lincoln", r.Code, uuid.NewString())
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
}

// TestParallelCodeGuesses: 200 wrong codes at once from one address: at
// most 10 are looked up (401), every other is 429 — and then a right code
// from that address is 429 too, while the school's password logins are not
// locked by it.
func TestParallelCodeGuesses(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	r := e.code(admin.token, e.users(admin.token)["ana"].ID, nil)
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			guess, _, _ := auth.NewEnrolmentCode()
			body, _ := json.Marshal(map[string]any{"school": "lincoln", "code": guess, "device_id": uuid.NewString(), "device_name": "g"})
			<-start
			resp, err := http.Post(e.srv.URL+"/v1/devices", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			counts[resp.StatusCode]++
			if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After (guess %d)", i)
			}
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if counts[401] > 10 || counts[401]+counts[429] != 200 {
		t.Fatalf("200 parallel wrong codes answered %v: want at most 10 × 401, the rest 429", counts)
	}
	s, b := e.enrolCode("lincoln", r.Code, uuid.NewString())
	wantError(t, s, b, 429, protocol.CodeRateLimited, -1)
	e.enrol("lincoln", "ben") // password logins have their own keys
}

// TestCodeRace: one code, 20 enrolments at once: exactly one 201.
func TestCodeRace(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	r := e.code(admin.token, e.users(admin.token)["ana"].ID, nil)
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]any{"school": "lincoln", "code": r.Code, "device_id": uuid.NewString(), "device_name": "g"})
			resp, err := http.Post(e.srv.URL+"/v1/devices", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			counts[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	// From one address the losers are 401 or, past the limit, 429.
	if counts[201] != 1 || counts[401]+counts[429] != 19 {
		t.Fatalf("20 racing enrolments with one code: %v, want one 201 and 19 × 401 or 429", counts)
	}
}

// TestCodeEntropy counts the bits: at least 60 (PROTOCOL §13), and every
// symbol of the alphabet turns up, none of the look-alikes.
func TestCodeEntropy(t *testing.T) {
	if strings.ContainsAny(auth.CodeAlphabet, "0O1IL") {
		t.Fatalf("alphabet %q has look-alikes", auth.CodeAlphabet)
	}
	bits := float64(auth.CodeLen) * math.Log2(float64(len(auth.CodeAlphabet)))
	if bits < 60 {
		t.Fatalf("%d symbols of %d carry %.1f bits, want at least 60", auth.CodeLen, len(auth.CodeAlphabet), bits)
	}
	seen := map[rune]int{}
	codes := map[string]bool{}
	for range 2000 {
		c, h, err := auth.NewEnrolmentCode()
		if err != nil || !codeShape.MatchString(c) {
			t.Fatalf("code %q, %v", c, err)
		}
		norm, ok := auth.NormalizeCode(c)
		if !ok || !bytes.Equal(auth.HashCode(norm), h) {
			t.Fatalf("code %q does not normalise to its hash", c)
		}
		codes[c] = true
		for _, r := range norm {
			seen[r]++
		}
	}
	if len(codes) != 2000 {
		t.Errorf("%d distinct of 2000 codes", len(codes))
	}
	// 30,000 symbols over 31: about 968 each; a skew of the modulo kind
	// (the first 8 symbols at 9/8 of the rest) or a missing one shows.
	for _, r := range auth.CodeAlphabet {
		if n := seen[r]; n < 800 || n > 1140 {
			t.Errorf("symbol %c drawn %d times of 30000, want about 968", r, n)
		}
	}
}

func TestWipeDevice(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	ana, ben := e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben")
	other := e.enrol("washington", "admin")
	s, b := e.do("DELETE", "/v1/admin/devices/"+ana.id+"?wipe=1", other.token, nil)
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	s, b = e.do("DELETE", "/v1/admin/devices/"+ana.id+"?wipe=maybe", admin.token, nil)
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	if s, _ := e.do("GET", "/v1/sync/pull", ana.token, nil); s != 200 {
		t.Fatalf("refused wipes revoked: %d", s)
	}
	if s, b := e.do("DELETE", "/v1/admin/devices/"+ana.id+"?wipe=1", admin.token, nil); s != http.StatusNoContent {
		t.Fatalf("wipe: %d %s", s, b)
	}
	for range 2 { // not only the very next request
		s, b = e.do("GET", "/v1/sync/pull", ana.token, nil)
		wantError(t, s, b, 401, protocol.CodeDeviceWiped, -1)
		s, b = e.push(ana, ana.rec(uuid.NewString(), `{}`))
		wantError(t, s, b, 401, protocol.CodeDeviceWiped, -1)
	}
	// A plain revocation stays plain.
	if s, _ := e.do("DELETE", "/v1/admin/devices/"+ben.id, admin.token, nil); s != http.StatusNoContent {
		t.Fatal(s)
	}
	s, b = e.do("GET", "/v1/sync/pull", ben.token, nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	s, b = e.do("GET", "/v1/sync/pull", "made-up-token", nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	_, b = e.do("GET", "/v1/admin/devices", admin.token, nil)
	var dl protocol.DevicesResponse
	if err := json.Unmarshal(b, &dl); err != nil {
		t.Fatal(err)
	}
	for _, d := range dl.Devices {
		if d.DeviceID == ana.id && !d.Revoked {
			t.Errorf("wiped device listed as %+v", d)
		}
	}
}
