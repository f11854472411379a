package progress

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"smallwins/shared/protocol"
)

// Problem is err said for a person in s's language: a refused record's reason
// (record.FieldError, through any wrapping), a server's answer (protocol.Error, made here or
// read from the wire), or, for an error no catalog message wrote, its own text
// (protocol.MessageIn; docs/decisions/0038). Like a FieldError's Reason it starts in lower
// case and has no full stop: "falta el nombre".
func (s Speaker) Problem(err error) string { return protocol.MessageIn(s.Lang, err) }

// ProblemSentence is Problem as a sentence: its first letter a capital, a full stop at the
// end ("Falta el nombre."), for a line of its own on a screen.
func (s Speaker) ProblemSentence(err error) string {
	return Sentence(s.Problem(err))
}

// Sentence makes a reason a sentence: the first letter upper-cased (a letter of any script,
// not a byte: "área" → "Área"), a full stop added unless it ends in one, "?" or "!".
func Sentence(reason string) string {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(reason)
	reason = string(unicode.ToUpper(r)) + reason[n:]
	if !strings.HasSuffix(reason, ".") && !strings.HasSuffix(reason, "?") && !strings.HasSuffix(reason, "!") {
		reason += "."
	}
	return reason
}
