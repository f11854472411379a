package auth

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"smallwins/syncserver/internal/store"
)

// Limit is the failed-login rule of PROTOCOL §4 as the stores apply it.
var Limit = store.LoginLimit{Max: MaxFailures, Window: FailureWindow}

// UnknownSlots is how many keys attempts for names that match no user share.
// Their state is bounded by it (16,384 keys of at most 10 times: about 2 MiB
// on bbolt at the very worst), and filling every slot to the limit would take
// 163,840 attempts within one 15-minute window, each paying for a password
// check: far beyond what the server's password hashing lets through, so a
// spray cannot make unknown names answer 429 where real ones answer 401.
const UnknownSlots = 1 << 14

// Bounds on the enrolment fields, checked before any lookup so a hostile
// field never reaches a store key or a query (issue 11, hole 3).
const (
	MaxSlugBytes     = 64
	MaxUsernameBytes = 100
	MaxPasswordBytes = 1024
)

// UserKey is the login-attempt key of an existing user: one per user, so the
// space is bounded by the users an admin created.
func UserKey(userID string) string { return "u:" + userID }

// UnknownKey is the login-attempt key of a school slug and username that
// match no user: a hash of the two into one of UnknownSlots slots, so
// invented names cost the server bounded space however many there are.
func UnknownKey(slug, username string) string {
	h := sha256.Sum256([]byte(strings.ToLower(slug) + "\x00" + strings.ToLower(username)))
	return "x:" + strconv.FormatUint(binary.BigEndian.Uint64(h[:8])%UnknownSlots, 10)
}

// CheckLoginFields reports what is wrong with an enrolment's school,
// username and password as text (not whether they are right): empty, too
// long, not UTF-8, or holding control characters such as NUL. The message
// names the field and never repeats its value.
func CheckLoginFields(school, username, password string) string {
	for _, f := range []struct {
		name, v string
		max     int
	}{{"school", school, MaxSlugBytes}, {"username", username, MaxUsernameBytes}, {"password", password, MaxPasswordBytes}} {
		if msg := checkField(f.name, f.v, f.max); msg != "" {
			return msg
		}
	}
	return ""
}

// checkField is one field of CheckLoginFields (and CheckCodeFields).
func checkField(name, v string, max int) string {
	switch {
	case v == "":
		return name + " is required"
	case len(v) > max:
		return name + " must be at most " + strconv.Itoa(max) + " bytes"
	case !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl):
		return name + " must be text without control characters"
	}
	return ""
}
