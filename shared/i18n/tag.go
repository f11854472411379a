package i18n

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// MaxTagLen bounds a stored language tag (a student's family_language). Tags in use are far
// shorter (es, es-MX, es-419, zh-Hant-TW); the bound keeps a hostile file's cell out of records.
const MaxTagLen = 64

// ReadTag reads a language tag someone typed or a roster export holds, as family_language
// stores it (docs/decisions/0037-roster-family-language.md): trimmed, an underscore read as a
// hyphen (es_MX, as POSIX locales write it, is es-MX), otherwise as given. It must be a
// well-formed BCP 47 tag whose subtags golang.org/x/text knows: "es", "spa", "es-419", "und";
// not "Spanish", "xx" or anything holding other characters. The error says what kind of value
// it is, never the value.
func ReadTag(s string) (string, error) {
	tag := strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	switch {
	case tag == "":
		return "", errors.New("the language tag is empty")
	case len(tag) > MaxTagLen:
		return "", fmt.Errorf("the language tag is longer than %d characters", MaxTagLen)
	}
	for _, r := range tag {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "", errors.New("a language tag holds only letters, digits and hyphens (e.g. es, en, es-MX)")
		}
	}
	if _, err := language.Parse(tag); err != nil {
		return "", errors.New("not a known BCP 47 language tag (e.g. es, en, es-MX; a language's name such as Spanish is not read)")
	}
	return tag, nil
}
