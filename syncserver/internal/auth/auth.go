// Package auth holds the sync server's secrets handling: bearer tokens
// (random, stored only as a hash), password hashing, and the failed-login
// limit of PROTOCOL §4.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TokenBytes is the token's random length (PROTOCOL §4: at least 32 bytes).
const TokenBytes = 32

// Failed-login limit (PROTOCOL §4): at most MaxFailures per FailureWindow per
// school + username.
const (
	MaxFailures   = 10
	FailureWindow = 15 * time.Minute
)

// Passwords hashes and checks passwords at one bcrypt cost. The zero value
// uses bcrypt's default of 10 (about 50–80 ms on this machine's cores);
// tests pass a lower cost through the server's config instead of changing a
// global.
type Passwords struct {
	Cost int
}

func (p Passwords) cost() int {
	if p.Cost == 0 {
		return bcrypt.DefaultCost
	}
	return p.Cost
}

// Password rules (PROTOCOL §11 and ADR 0004): at least 8 characters, not
// only whitespace, and not one of the most common passwords (common.txt).
var (
	ErrWeakPassword   = errors.New("the password must have at least 8 characters")
	ErrBlankPassword  = errors.New("the password must not be only spaces")
	ErrCommonPassword = errors.New("the password is one of the most common passwords: choose another")
)

//go:embed common.txt
var commonText string

var common = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonText, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// isCommon reports whether pw is on the common list (without case and
// surrounding spaces) or is one character repeated.
func isCommon(pw string) bool {
	p := strings.ToLower(strings.TrimSpace(pw))
	if common[p] {
		return true
	}
	r := []rune(p)
	for _, c := range r {
		if c != r[0] {
			return false
		}
	}
	return true
}

// CheckPasswordPolicy applies the password rules to a new password.
func CheckPasswordPolicy(pw string) error {
	switch {
	case len([]rune(pw)) < 8:
		return ErrWeakPassword
	case strings.TrimSpace(pw) == "":
		return ErrBlankPassword
	case isCommon(pw):
		return ErrCommonPassword
	}
	return nil
}

// NewToken returns a fresh bearer token and the hash to store.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("auth: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is what the store keeps of a token. A token has 256 bits of
// entropy, so a fast hash is enough: no one can guess a preimage, and the
// lookup by hash never compares secrets byte by byte in Go code.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Hash applies the password rules and hashes a new password with bcrypt.
func (p Passwords) Hash(pw string) ([]byte, error) {
	if err := CheckPasswordPolicy(pw); err != nil {
		return nil, err
	}
	if len(pw) > 72 {
		// bcrypt reads at most 72 bytes; pre-hash longer passphrases so no
		// part of them is ignored.
		sum := sha256.Sum256([]byte(pw))
		pw = base64.StdEncoding.EncodeToString(sum[:])
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), p.cost())
	if err != nil {
		return nil, fmt.Errorf("auth: hash password: %w", err)
	}
	return h, nil
}

// Check reports whether pw matches hash (constant time inside bcrypt; the
// cost is the one the hash was made with).
func (p Passwords) Check(hash []byte, pw string) bool {
	if len(pw) > 72 {
		sum := sha256.Sum256([]byte(pw))
		pw = base64.StdEncoding.EncodeToString(sum[:])
	}
	return bcrypt.CompareHashAndPassword(hash, []byte(pw)) == nil
}

// dummies holds one hash per cost for SpendCheck.
var dummies sync.Map // cost → []byte

// SpendCheck burns the time of one password check, so that an unknown
// username answers as slowly as a wrong password (PROTOCOL §4: the same
// answer whether the user exists or not).
func (p Passwords) SpendCheck() {
	h, ok := dummies.Load(p.cost())
	if !ok {
		fresh, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password"), p.cost())
		h, _ = dummies.LoadOrStore(p.cost(), fresh)
	}
	_ = bcrypt.CompareHashAndPassword(h.([]byte), []byte("x"))
}
