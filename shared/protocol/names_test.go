package protocol

import "testing"

func TestValidName(t *testing.T) {
	for _, s := range []string{"", "Ana Rivera", "Zoë Ñúñez-O'Brien", "ليلى حداد", "יעל כהן", "李小龍", "Room 12 (cart)", "Anaïs\u200d", "emoji 🙂"} {
		if !ValidName(s) {
			t.Errorf("ValidName(%q) = false", s)
		}
	}
	bad := []string{"a\x00b", "a\nb", "a\rb", "a\tb", "a\x7fb", "a\u0085b", "a\u2028b", "a\u2029b", "a\xffb", "\xc3"}
	for r := rune(0x202a); r <= 0x202e; r++ {
		bad = append(bad, "a"+string(r)+"b")
	}
	for r := rune(0x2066); r <= 0x2069; r++ {
		bad = append(bad, "a"+string(r)+"b")
	}
	bad = append(bad, "a\u200eb", "a\u200fb", "a\u061cb")
	for _, s := range bad {
		if ValidName(s) {
			t.Errorf("ValidName(%q) = true", s)
		}
	}
}
