package store

import (
	"strings"
	"unicode/utf8"
)

// CheckText is the one text rule both stores apply to names a client
// chose (a school's, a user's, a username, a device's) before writing:
// valid UTF-8 without NUL, which is what PostgreSQL's text can hold. It
// returns ErrBadText for the first one that is not (ADR 0004: a NUL gave
// 500 on PostgreSQL and was stored on bbolt). The API refuses more before
// (protocol.ValidName: 400); this is the floor under any path that forgets.
func CheckText(texts ...string) error {
	for _, s := range texts {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return ErrBadText
		}
	}
	return nil
}

// MaxConsoleLang bounds a stored console language choice: a BCP 47 base
// language is two or three letters; the console stores only those it speaks.
const MaxConsoleLang = 16

// CheckText is CheckText of the change's text fields that are set.
func (ch UserChange) CheckText() error {
	if ch.ConsoleLang != nil && len(*ch.ConsoleLang) > MaxConsoleLang {
		return ErrBadText
	}
	var texts []string
	for _, p := range []*string{ch.Name, ch.Role, ch.ConsoleLang} {
		if p != nil {
			texts = append(texts, *p)
		}
	}
	return CheckText(texts...)
}
