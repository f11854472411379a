package record

import "testing"

func TestIsID(t *testing.T) {
	for s, want := range map[string]bool{
		"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00":      true,
		"00000000-0000-0000-0000-000000000000":      true,
		"0193A5C4-7E2B-7C1D-9A41-2F3B8C1D9E00":      false,
		"0193a5c47e2b7c1d9a412f3b8c1d9e00":          false,
		"urn:uuid:0193a5c4-7e2b-7c1d-9a41-2f3b8c1d": false,
		"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e0":       false,
		"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e000":     false,
		"0193a5c4+7e2b-7c1d-9a41-2f3b8c1d9e00":      false,
		"":                                          false,
	} {
		if got := IsID(s); got != want {
			t.Errorf("IsID(%q) = %v, want %v", s, got, want)
		}
	}
}
