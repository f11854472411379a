package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
)

// enrolID enrols user on the device id dev (password), as a person who
// forgot their PIN does on the same tablet.
func (e *env) enrolID(school, user, dev string) device {
	e.t.Helper()
	status, body := e.do("POST", "/v1/devices", "", map[string]any{"school": school, "username": user, "password": pw, "device_id": dev, "device_name": "tablet"})
	if status != http.StatusCreated {
		e.t.Fatalf("enrol %s/%s on %s: %d %s", school, user, dev, status, body)
	}
	var r protocol.EnrolResponse
	if err := json.Unmarshal(body, &r); err != nil {
		e.t.Fatal(err)
	}
	return device{id: dev, token: r.Token, clock: hlc.NewClock(uuid.MustParse(dev), hlc.State{}, nil)}
}

func keyText(b byte) string {
	return base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32))
}

func (e *env) putKey(d device, key string) (int, []byte) {
	return e.do("PUT", "/v1/device/recovery-key", d.token, map[string]string{"recovery_key": key})
}

// wantKey checks GET: the key, or 404 not_found when want is "".
func (e *env) wantKey(d device, want string) {
	e.t.Helper()
	s, b := e.do("GET", "/v1/device/recovery-key", d.token, nil)
	if want == "" {
		if s != 404 || !strings.Contains(string(b), `"not_found"`) {
			e.t.Fatalf("GET recovery key: %d %s, want 404 not_found", s, b)
		}
		return
	}
	var got recoveryKeyBody
	if s != 200 || json.Unmarshal(b, &got) != nil || got.RecoveryKey != want {
		e.t.Fatalf("GET recovery key: %d %s, want %s", s, b, want)
	}
}

// TestRecoveryKeyLifecycle: stored by a device's token, fetched again after
// the owner enrols the same device anew (by password or an admin's code),
// never by another user, and destroyed by a revocation or a wipe.
func TestRecoveryKeyLifecycle(t *testing.T) { onBothStores(t, testRecoveryKeyLifecycle) }

func testRecoveryKeyLifecycle(t *testing.T, e *env) {
	admin := e.enrol("lincoln", "admin")
	ana, ben := e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben")

	e.wantKey(ana, "")
	if s, b := e.putKey(ana, keyText(1)); s != http.StatusNoContent || len(b) != 0 {
		t.Fatalf("PUT: %d %s", s, b)
	}
	e.wantKey(ana, keyText(1))
	e.wantKey(ben, "") // Ben's own device has none
	if s, b := e.putKey(ana, keyText(2)); s != http.StatusNoContent {
		t.Fatalf("PUT again: %d %s", s, b)
	}
	e.wantKey(ana, keyText(2))

	// Forgotten PIN: Ana enrols the same tablet again with her password.
	ana2 := e.enrolID("lincoln", "ana", ana.id)
	s, b := e.do("GET", "/v1/device/recovery-key", ana.token, nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1) // the old token died
	e.wantKey(ana2, keyText(2))
	// ... or with an admin's enrolment code.
	anaID := e.users(admin.token)["ana"].ID
	code := e.code(admin.token, anaID, nil)
	if s, b := e.enrolCode("lincoln", code.Code, ana.id); s != http.StatusCreated {
		t.Fatalf("enrol with code: %d %s", s, b)
	} else {
		var r protocol.EnrolResponse
		_ = json.Unmarshal(b, &r)
		e.wantKey(device{id: ana.id, token: r.Token}, keyText(2))
	}

	// A plain revocation destroys it: enrolled again, the device has none.
	if s, b := e.do("DELETE", "/v1/admin/devices/"+ana.id, admin.token, nil); s != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", s, b)
	}
	ana3 := e.enrolID("lincoln", "ana", ana.id)
	e.wantKey(ana3, "")
	// Ben may enrol the revoked id; he finds nothing of Ana's there.
	if s, b := e.putKey(ana3, keyText(3)); s != http.StatusNoContent {
		t.Fatalf("PUT: %d %s", s, b)
	}
	if s, b := e.do("DELETE", "/v1/admin/devices/"+ana.id, admin.token, nil); s != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", s, b)
	}
	benOnAna := e.enrolID("lincoln", "ben", ana.id)
	e.wantKey(benOnAna, "")

	// A wipe destroys it too.
	if s, b := e.putKey(ben, keyText(4)); s != http.StatusNoContent {
		t.Fatalf("PUT: %d %s", s, b)
	}
	if s, b := e.do("DELETE", "/v1/admin/devices/"+ben.id+"?wipe=1", admin.token, nil); s != http.StatusNoContent {
		t.Fatalf("wipe: %d %s", s, b)
	}
	s, b = e.do("GET", "/v1/device/recovery-key", ben.token, nil)
	wantError(t, s, b, 401, protocol.CodeDeviceWiped, -1)
	e.wantKey(e.enrolID("lincoln", "ben", ben.id), "")

	// Without a token: 401, as every /v1 call.
	s, b = e.do("GET", "/v1/device/recovery-key", "", nil)
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
	s, b = e.putKey(device{token: ""}, keyText(5))
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)

	// Never in the log or the metrics.
	_, metrics := e.do("GET", "/metrics", "", nil)
	for i := byte(1); i <= 4; i++ {
		if k := keyText(i); strings.Contains(e.logs.String(), k) || strings.Contains(string(metrics), k) {
			t.Errorf("key %d is in the log or the metrics", i)
		}
	}
}

// TestRecoveryKeyHostileBodies: every malformed body is 400 bad_request (413
// and 415 as everywhere) and the stored key stays as it was.
func TestRecoveryKeyHostileBodies(t *testing.T) { onBothStores(t, testRecoveryKeyHostileBodies) }

func testRecoveryKeyHostileBodies(t *testing.T, e *env) {
	ana := e.enrol("lincoln", "ana")
	good := keyText(7)
	if s, b := e.putKey(ana, good); s != http.StatusNoContent {
		t.Fatalf("PUT: %d %s", s, b)
	}
	std := base64.RawStdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32)) // holds '+' and '/'
	for name, body := range map[string]string{
		"empty":             ``,
		"not json":          `recovery_key=abc`,
		"array":             `[]`,
		"string":            `"` + good + `"`,
		"no key":            `{}`,
		"null":              `{"recovery_key":null}`,
		"number":            `{"recovery_key":123}`,
		"empty key":         `{"recovery_key":""}`,
		"31 bytes":          `{"recovery_key":"` + base64.RawURLEncoding.EncodeToString(make([]byte, 31)) + `"}`,
		"33 bytes":          `{"recovery_key":"` + base64.RawURLEncoding.EncodeToString(make([]byte, 33)) + `"}`,
		"padded":            `{"recovery_key":"` + base64.URLEncoding.EncodeToString(make([]byte, 32)) + `"}`,
		"std alphabet":      `{"recovery_key":"` + std + `"}`,
		"line break inside": `{"recovery_key":"` + good[:20] + `\n` + good[21:] + `"}`,
		"stray bits":        `{"recovery_key":"` + good[:42] + `B"}`, // 'B' sets bits past the 32nd byte
		"truncated json":    `{"recovery_key":"` + good,
		"nul":               `{"recovery_key":"` + good[:42] + `\u0000"}`,
	} {
		t.Run(name, func(t *testing.T) {
			s, b := e.do("PUT", "/v1/device/recovery-key", ana.token, []byte(body))
			wantError(t, s, b, 400, protocol.CodeBadRequest, -1)
		})
	}
	s, b := e.do("PUT", "/v1/device/recovery-key", ana.token, []byte(`{"recovery_key":"`+good+`"}`), "Content-Type", "text/plain")
	wantError(t, s, b, 415, protocol.CodeUnsupportedMediaType, -1)
	s, b = e.do("PUT", "/v1/device/recovery-key", ana.token, bytes.Repeat([]byte(" "), maxSmallBody+1))
	wantError(t, s, b, 413, protocol.CodeTooLarge, -1)
	e.wantKey(ana, good) // nothing lost
}

// FuzzRecoveryKeyText: the decoder accepts exactly the 32-byte keys in
// unpadded base64url, and what it accepts encodes back to the same text.
func FuzzRecoveryKeyText(f *testing.F) {
	f.Add(keyText(1))
	f.Add(keyText(1)[:42] + "B")
	f.Add(base64.URLEncoding.EncodeToString(make([]byte, 32)))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := decodeRecoveryKey(s)
		if !ok {
			return
		}
		if len(k) != 32 || base64.RawURLEncoding.EncodeToString(k) != s {
			t.Fatalf("accepted %q as %x", s, k)
		}
	})
}
