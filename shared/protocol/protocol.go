// Package protocol holds the request and response bodies of the sync protocol
// (PROTOCOL §4–§8), its limits, the last-writer-wins rule and the coded error.
package protocol

import (
	"smallwins/shared/record"
)

// Limits of PROTOCOL §5 and §6.
const (
	MaxPushRecords   = 1000
	MaxPushBodyBytes = 8 << 20 // after decompression
	DefaultPullLimit = 500
	MaxPullLimit     = 5000
	// PullSizeCap is the "about 8 MiB" a pull page stays under (PROTOCOL §6).
	PullSizeCap = 8 << 20
	// MinPasswordLen is PROTOCOL §11's minimum password length.
	MinPasswordLen = 8
)

// Roles of PROTOCOL §4.
const (
	RoleAdmin           = "admin"
	RoleInterventionist = "interventionist"
)

// Outcome is a push result per record (PROTOCOL §5).
type Outcome string

// The three push outcomes.
const (
	Applied    Outcome = "applied"
	Unchanged  Outcome = "unchanged"
	Superseded Outcome = "superseded"
)

// Decide is the last-writer-wins rule: held is the HLC the server holds for
// the id ("" when none), incoming the pushed one. HLC text order is time order.
func Decide(held, incoming string) Outcome {
	switch {
	case held == "" || incoming > held:
		return Applied
	case incoming == held:
		return Unchanged
	default:
		return Superseded
	}
}

// EnrolRequest is the body of POST /v1/devices.
type EnrolRequest struct {
	School   string `json:"school"`
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	// Code is a one-time enrolment code (PROTOCOL §13), sent in place of
	// username and password.
	Code       string `json:"code,omitempty"`
	DeviceID   string `json:"device_id"`
	DeviceName string `json:"device_name"`
}

// User is a user as the API shows it.
type User struct {
	ID       string `json:"id"`
	Username string `json:"username,omitempty"`
	Name     string `json:"name"`
	Role     string `json:"role"`
}

// School is a school (tenant) as the API shows it.
type School struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// EnrolResponse is the 201 body of POST /v1/devices.
type EnrolResponse struct {
	Token        string `json:"token"`
	User         User   `json:"user"`
	School       School `json:"school"`
	ServerTimeMS int64  `json:"server_time_ms"`
}

// PushRequest is the body of POST /v1/sync/push.
type PushRequest struct {
	Records []record.Envelope `json:"records"`
	// wellFormed: DecodePush read the records with the JSON v2 decoder,
	// which checked each data's syntax and UTF-8 (ValidatePush then only
	// scans depth).
	wellFormed bool
}

// PushResult is the outcome for one pushed record.
type PushResult struct {
	ID      string  `json:"id"`
	Outcome Outcome `json:"outcome"`
	HLC     string  `json:"hlc"`
}

// PushResponse is the 200 body of a push.
type PushResponse struct {
	Results      []PushResult `json:"results"`
	ServerTimeMS int64        `json:"server_time_ms"`
	Epoch        string       `json:"epoch"`
}

// PullResponse is the 200 body of a pull.
type PullResponse struct {
	Records      []record.Envelope `json:"records"`
	Cursor       int64             `json:"cursor"`
	More         bool              `json:"more"`
	ServerTimeMS int64             `json:"server_time_ms"`
	Epoch        string            `json:"epoch"`
}

// AdminDevice is one row of GET /v1/admin/devices.
type AdminDevice struct {
	DeviceID   string `json:"device_id"`
	DeviceName string `json:"device_name"`
	User       User   `json:"user"`
	EnrolledAt string `json:"enrolled_at"`  // RFC 3339
	LastSeenAt string `json:"last_seen_at"` // RFC 3339
	Revoked    bool   `json:"revoked"`
}

// DevicesResponse is the body of GET /v1/admin/devices.
type DevicesResponse struct {
	Devices []AdminDevice `json:"devices"`
}

// AddUserRequest is the body of POST /v1/admin/users.
type AddUserRequest struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// AddUserResponse is the 201 body of POST /v1/admin/users.
type AddUserResponse struct {
	User User `json:"user"`
}
