package auth

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

var fast = Passwords{Cost: bcrypt.MinCost}

func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want error
	}{
		{"short", ErrWeakPassword},
		{"1234567", ErrWeakPassword},
		{"        ", ErrBlankPassword},
		{"\t \t \t \t ", ErrBlankPassword},
		{"12345678", ErrCommonPassword},
		{"PASSWORD", ErrCommonPassword},
		{" Password1 ", ErrCommonPassword},
		{"qwertyuiop", ErrCommonPassword},
		{"zzzzzzzzzzzz", ErrCommonPassword},
		{"ééééééééé", ErrCommonPassword},
		{"correct horse", nil},
		{"maple syrup at noon", nil},
		{"password-123", nil},
		{strings.Repeat("long passphrase ", 10), nil},
	} {
		if err := CheckPasswordPolicy(tc.pw); !errors.Is(err, tc.want) {
			t.Errorf("CheckPasswordPolicy(%q) = %v, want %v", tc.pw, err, tc.want)
		}
		if _, err := fast.Hash(tc.pw); !errors.Is(err, tc.want) {
			t.Errorf("HashPassword(%q) = %v, want %v", tc.pw, err, tc.want)
		}
	}
	if len(common) < 150 {
		t.Errorf("the embedded list has %d passwords", len(common))
	}
	for p := range common {
		if len([]rune(p)) < 8 {
			t.Errorf("%q on the list is shorter than the length rule already refuses", p)
		}
	}
}

func TestUnknownKeyIsBounded(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50000; i++ {
		k := UnknownKey(strings.Repeat("s", i%70), "user"+strings.Repeat("x", i))
		if len(k) > 7 || !strings.HasPrefix(k, "x:") {
			t.Fatalf("key %q", k)
		}
		seen[k] = true
	}
	if len(seen) > UnknownSlots {
		t.Fatalf("%d distinct keys, more than %d slots", len(seen), UnknownSlots)
	}
	if UnknownKey("Lincoln", "Ana") != UnknownKey("lincoln", "ana") {
		t.Error("keys differ by case: a guesser could multiply their attempts")
	}
	if UserKey("0b6c4bb8-7d43-4a7b-9d5b-3d2a8f3e9c11") == UnknownKey("lincoln", "ana") {
		t.Error("a user's key collides with a slot")
	}
}

func TestCheckLoginFields(t *testing.T) {
	for _, tc := range []struct {
		school, user, pw string
		bad              bool
	}{
		{"lincoln", "ana", "pw", false},
		{"lincoln", "ana.rivera@school.org", "ñandú é", false},
		{"", "ana", "pw", true},
		{"lincoln", "", "pw", true},
		{"lincoln", "ana", "", true},
		{strings.Repeat("s", 65), "ana", "pw", true},
		{"lincoln", strings.Repeat("u", 101), "pw", true},
		{"lincoln", "ana", strings.Repeat("p", 1025), true},
		{"lin\x00coln", "ana", "pw", true},
		{"lincoln", "a\x7fna", "pw", true},
		{"lincoln", "ana", "p\nw", true},
		{"lincoln", "\xff\xfe", "pw", true},
	} {
		msg := CheckLoginFields(tc.school, tc.user, tc.pw)
		if (msg != "") != tc.bad {
			t.Errorf("CheckLoginFields(%q, %q, %q) = %q, want bad=%v", tc.school, tc.user, tc.pw, msg, tc.bad)
		}
		if strings.Contains(msg, "ssss") || strings.Contains(msg, "uuuu") || strings.Contains(msg, "pppp") {
			t.Errorf("the message repeats the value: %q", msg)
		}
	}
}

func TestPasswordsHashAndCheck(t *testing.T) {
	h, err := fast.Hash("maple syrup at noon")
	if err != nil {
		t.Fatal(err)
	}
	if cost, _ := bcrypt.Cost(h); cost != bcrypt.MinCost {
		t.Errorf("hash cost %d, want the configured %d", cost, bcrypt.MinCost)
	}
	if !fast.Check(h, "maple syrup at noon") || fast.Check(h, "maple syrup at noon ") {
		t.Error("Check does not tell the right password from a near one")
	}
	// A passphrase over bcrypt's 72 bytes counts in full.
	long := strings.Repeat("a long passphrase ", 6)
	h, _ = fast.Hash(long)
	if !fast.Check(h, long) || fast.Check(h, long[:72]) {
		t.Error("bytes past 72 are ignored")
	}
	if (Passwords{}).cost() != bcrypt.DefaultCost {
		t.Error("the zero value is not bcrypt's default cost")
	}
	fast.SpendCheck() // must not panic, and caches its dummy
	if _, ok := dummies.Load(bcrypt.MinCost); !ok {
		t.Error("no dummy hash kept for the cost")
	}
}
