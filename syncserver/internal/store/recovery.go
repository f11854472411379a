package store

import (
	"context"
	"errors"
	"time"
)

// Recovery keys (issue 15 item 3, ADR 0020): the server holds one random key
// per enrolled device, which also wraps the tablet's data key. A person who
// forgets their PIN proves who they are by enrolling again (password or an
// admin's enrolment code, PROTOCOL §13) and fetches the key with the new
// token. Revoking the device (with or without wipe) destroys it.

// RecoveryKeyLen is the key's length in bytes.
const RecoveryKeyLen = 32

// ErrBadRecoveryKey: PutRecoveryKey was given a key of the wrong length.
var ErrBadRecoveryKey = errors.New("store: a recovery key must be 32 bytes")

// RecoveryKey is the stored key of one device of a school.
type RecoveryKey struct {
	SchoolID string
	DeviceID string
	UserID   string // who stored it: only this user's tokens of the device get it back
	Key      []byte // RecoveryKeyLen bytes
	At       time.Time
}

// RecoveryKeys are per-device recovery keys (ADR 0020), a role of Store.
type RecoveryKeys interface {
	// PutRecoveryKey stores k for (k.SchoolID, k.DeviceID), replacing any
	// previous key of that device (whoever stored it). The device must be
	// enrolled, not revoked, to k.UserID, checked in the write's own
	// transaction (ErrNotFound otherwise): a put racing a revocation never
	// leaves a key behind it.
	PutRecoveryKey(ctx context.Context, k RecoveryKey) error
	// RecoveryKey returns the device's key when userID stored it;
	// ErrNotFound when there is none or another user stored it.
	RecoveryKey(ctx context.Context, schoolID, deviceID, userID string) ([]byte, error)
}
