package record

// IsID reports whether s is a record id as PROTOCOL §2 spells one: a
// 36-character lowercase hyphenated UUID. Device ids (an HLC's node) and
// user ids are spelled the same way.
func IsID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}
