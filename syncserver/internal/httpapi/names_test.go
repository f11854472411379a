package httpapi

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/store"
)

// ADR 0004's names rule: a NUL in a device name or a user's name gave 500
// on PostgreSQL and was stored on bbolt; bidi controls in a name could turn
// what the console and the admin lists show. Both are 400 invalid_request
// on both stores, and nothing of the request is stored.

// hostileNames are names no surface may store: control characters (NUL,
// a line break) and each kind of bidi control.
var hostileNames = map[string]string{
	"nul":         "Room\x0012",
	"newline":     "Room\n12",
	"rlo":         "Room \u202e21",
	"lre":         "Room \u202a12",
	"pdf":         "Room \u202c12",
	"isolate":     "Room \u206612\u2069",
	"lrm":         "Room\u200e12",
	"rlm":         "Room\u200f12",
	"arabic mark": "Room\u061c12",
	"fsi":         "Room \u206812",
	"line sep":    "Room\u202812",
	"c1 control":  "Room\u008512",
}

func TestNamesRefuseControlAndBidi(t *testing.T) { onBothStores(t, testNamesRefuseControlAndBidi) }

func testNamesRefuseControlAndBidi(t *testing.T, e *env) {
	admin := e.enrol("lincoln", "admin")
	before := e.users(admin.token)
	for what, name := range hostileNames {
		// Enrolment: the device name.
		s, b := e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": pw,
			"device_id": uuid.NewString(), "device_name": name})
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
		// A new user's name and username, and a changed name.
		s, b = e.do("POST", "/v1/admin/users", admin.token, map[string]any{"username": "zed-" + what, "name": name,
			"role": "interventionist", "password": "a long enough password"})
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
		s, b = e.do("POST", "/v1/admin/users", admin.token, map[string]any{"username": name, "name": "Zed",
			"role": "interventionist", "password": "a long enough password"})
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
		s, b = e.do("PATCH", "/v1/admin/users/"+before["ana"].ID, admin.token, map[string]any{"name": name})
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	}
	// Nothing of it was stored: the same users with the same names, and
	// only the admin's tablet enrolled.
	after := e.users(admin.token)
	if len(after) != len(before) || after["ana"].Name != before["ana"].Name {
		t.Errorf("users after the refused requests: %+v", after)
	}
	s, b := e.do("GET", "/v1/admin/devices", admin.token, nil)
	var devs struct {
		Devices []struct {
			DeviceName string `json:"device_name"`
		} `json:"devices"`
	}
	if s != 200 || json.Unmarshal(b, &devs) != nil || len(devs.Devices) != 1 {
		t.Errorf("devices after the refused enrolments: %d %s", s, b)
	}

	// Names in any script, with their accents and joiners, are names.
	for _, name := range []string{"Zoë Ñúñez-O'Brien", "ليلى حداد", "יעל כהן", "李小龍", "Room 12 (cart)", "Anaïs\u200d"} {
		s, b := e.do("PATCH", "/v1/admin/users/"+before["ana"].ID, admin.token, map[string]any{"name": name})
		if s != 200 {
			t.Errorf("name %q: %d %s", name, s, b)
		}
		if s, b := e.do("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "username": "ana", "password": pw,
			"device_id": uuid.NewString(), "device_name": name}); s != 201 {
			t.Errorf("device name %q: %d %s", name, s, b)
		}
	}
}

// TestBadTextIsInvalidRequest: the stores' own floor (store.ErrBadText, for
// a path that forgot the name rule) answers 400, not 500.
func TestBadTextIsInvalidRequest(t *testing.T) {
	if pe := toProtocol(fmt.Errorf("pgstore: create user: %w", store.ErrBadText)); pe.Code != protocol.CodeInvalidRequest {
		t.Errorf("ErrBadText maps to %s", pe.Code)
	}
}
