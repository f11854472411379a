package protocol

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidName reports whether s may be a name the server stores for a person
// to read (a user's name and username, a device's name, a school's name:
// PROTOCOL §4, §11, §13): valid UTF-8 without control characters (NUL, line
// breaks, tabs; PostgreSQL cannot even store NUL), without line or
// paragraph separators (a name is one line), and without the bidirectional
// controls that reorder what is shown around them (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069), so a name cannot make an admin list or a
// console page read other than it is written. Letters of every script,
// accents and joiners are names. Bounds and whether a name may be empty are
// each field's own. One rule for every surface that takes a name: the API,
// the command line and the console (ADR 0004).
func ValidName(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, notInName)
}

// notInName is a character ValidName refuses.
func notInName(r rune) bool {
	switch r {
	case '\u061c', '\u200e', '\u200f', '\u2028', '\u2029':
		return true
	}
	return unicode.IsControl(r) || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}
