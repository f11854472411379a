package auth

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"time"
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

// ErrBadCredentials is a failed password login: wrong school, username or
// password, or a disabled user. One error for all of them, so nothing tells
// a guesser which part was wrong (PROTOCOL §4, §13).
var ErrBadCredentials = errors.New("auth: wrong school, username or password")

// LimitedError is a login refused by the failed-login limit (PROTOCOL §4):
// 429 until RetryAt.
type LimitedError struct{ RetryAt time.Time }

func (e *LimitedError) Error() string { return "auth: too many failed logins" }

// LoginStore is what Login reads and counts in.
type LoginStore interface {
	store.Schools
	store.Users
	store.LoginAttempts
}

// Login checks a school slug, username and password the way enrolment does
// (PROTOCOL §4), for the enrolment endpoint and the console's sign-in alike:
// the fields must already pass CheckLoginFields; the attempt is counted
// under a bounded key (UserKey or UnknownKey) atomically with the limit
// check, before the password is checked; a name that matches no one spends
// a password check's time; a disabled user answers like a wrong password,
// after the check, with the attempt still counted. A success clears the
// user's count. Errors: ErrBadCredentials, *LimitedError, or the store's.
func Login(ctx context.Context, st LoginStore, pws Passwords, slug, username, password string, now time.Time) (store.School, store.User, error) {
	// Look the user up first so the attempt is counted under a bounded key:
	// the user's own, or a shared slot for names that match no one.
	var user store.User
	school, err := st.SchoolBySlug(ctx, slug)
	if err == nil {
		user, err = st.UserByUsername(ctx, school.ID, username)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.School{}, store.User{}, err
	}
	known := err == nil
	key := UnknownKey(slug, username)
	if known {
		key = UserKey(user.ID)
	}
	// The attempt is counted before the password is checked, in one atomic
	// step: 400 guesses at once get at most 10 checks (PROTOCOL §4).
	ok, retryAt, err := st.TakeLoginAttempt(ctx, key, now, Limit)
	if err != nil {
		return store.School{}, store.User{}, err
	}
	if !ok {
		return store.School{}, store.User{}, &LimitedError{RetryAt: retryAt}
	}
	if !known {
		pws.SpendCheck() // the same time as a wrong password
		return store.School{}, store.User{}, ErrBadCredentials
	}
	// A disabled account answers only after the password check, with the
	// same error and time as a wrong password: nothing tells a guesser the
	// account exists or that they found its password.
	if !pws.Check(user.PasswordHash, password) || user.Disabled {
		return store.School{}, store.User{}, ErrBadCredentials
	}
	if err := st.ClearLoginAttempts(ctx, key); err != nil {
		return store.School{}, store.User{}, err
	}
	return school, user, nil
}
