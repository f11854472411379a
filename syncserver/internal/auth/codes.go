package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Enrolment codes (PROTOCOL §13): read off an admin's screen and typed on a
// tablet, so they avoid look-alikes and come in short groups.

// CodeAlphabet is every digit and capital letter except 0, O, 1, I and L,
// which are easily confused when read aloud or typed from a screen: 31
// symbols (the protocol's example alphabet cannot have 32 without one of
// them).
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// Code shape: CodeGroups groups of CodeGroupLen symbols. 15 symbols of 31
// carry 15·log2(31) ≈ 74.3 random bits; 12 would carry only 59.4, under
// the protocol's 60.
const (
	CodeGroups   = 3
	CodeGroupLen = 5
	CodeLen      = CodeGroups * CodeGroupLen
	// MaxCodeBytes bounds the code field as typed (dashes and spaces
	// included) before anything else looks at it.
	MaxCodeBytes = 64
)

// NewEnrolmentCode returns a fresh code as shown to the admin
// ("7KQ4M-2XD9P-WHT3R") and the hash to store.
func NewEnrolmentCode() (code string, hash []byte, err error) {
	syms := make([]byte, 0, CodeLen)
	buf := make([]byte, 32)
	for len(syms) < CodeLen {
		if _, err := rand.Read(buf); err != nil {
			return "", nil, fmt.Errorf("auth: enrolment code: %w", err)
		}
		for _, b := range buf {
			// Rejection sampling: 248 = 8·31, so every symbol is equally
			// likely (b % 31 over all 256 values would favour the first 8).
			if b < 248 && len(syms) < CodeLen {
				syms = append(syms, CodeAlphabet[int(b)%len(CodeAlphabet)])
			}
		}
	}
	var sb strings.Builder
	for i, c := range syms {
		if i > 0 && i%CodeGroupLen == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(c)
	}
	return sb.String(), HashCode(string(syms)), nil
}

// NormalizeCode turns a code as typed into its canonical form: upper case,
// without dashes and spaces. ok is false when the rest is not CodeLen
// symbols of CodeAlphabet (then no stored code can match).
func NormalizeCode(typed string) (norm string, ok bool) {
	var sb strings.Builder
	for _, r := range typed {
		if r == '-' || r == ' ' {
			continue
		}
		r = unicode.ToUpper(r)
		if r > unicode.MaxASCII || !strings.ContainsRune(CodeAlphabet, r) {
			return "", false
		}
		sb.WriteRune(r)
	}
	if sb.Len() != CodeLen {
		return "", false
	}
	return sb.String(), true
}

// HashCode is what the store keeps of a normalised code. SHA-256 without a
// salt is enough here: a code has 74 random bits, works once, expires within
// a week, and guesses over HTTP are limited by the failed-login rule.
func HashCode(norm string) []byte {
	h := sha256.Sum256([]byte("enrolment-code\x00" + norm))
	return h[:]
}

// CodeKey is the login-attempt key of code enrolments from one client
// address for one school slug (PROTOCOL §13: failed codes count per school
// and client address). It is a hash of the two into one of UnknownSlots
// slots of its own ("c:"), so addresses and invented slugs cost bounded
// space, and a code guesser cannot lock out a user's password login.
func CodeKey(slug, clientIP string) string {
	h := sha256.Sum256([]byte(strings.ToLower(slug) + "\x00" + clientIP))
	return "c:" + strconv.FormatUint(binary.BigEndian.Uint64(h[:8])%UnknownSlots, 10)
}

// CheckCodeFields is CheckLoginFields for an enrolment with a code.
func CheckCodeFields(school, code string) string {
	if msg := checkField("school", school, MaxSlugBytes); msg != "" {
		return msg
	}
	return checkField("code", code, MaxCodeBytes)
}
