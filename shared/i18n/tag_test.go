package i18n

import (
	"strings"
	"testing"
)

func TestReadTag(t *testing.T) {
	for in, want := range map[string]string{
		"es": "es", " es-MX ": "es-MX", "EN-us": "EN-us", "es_MX": "es-MX", "spa": "spa",
		"es-419": "es-419", "zh-Hant-TW": "zh-Hant-TW", "und": "und",
	} {
		got, err := ReadTag(in)
		if err != nil || got != want {
			t.Errorf("ReadTag(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "  ", "Spanish", "Español", "xx", "es-", "=HYPERLINK(\"x\")", "es\u202e", "e s",
		"es;q=0.9", strings.Repeat("a-", 40) + "b"} {
		got, err := ReadTag(in)
		if err == nil {
			t.Errorf("ReadTag(%q) = %q, want an error", in, got)
			continue
		}
		if len(in) > 8 && strings.Contains(err.Error(), in) {
			t.Errorf("the error quotes the value: %v", err)
		}
	}
}

// FuzzReadTag: whatever the input, a tag read is bounded, holds only letters, digits and
// hyphens, reads again as itself, and names a language Parse reads.
func FuzzReadTag(f *testing.F) {
	for _, s := range []string{"es", "es_MX", "EN-us", "Spanish", "=1+1", "es-419", "\u202ees"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tag, err := ReadTag(s)
		if err != nil {
			return
		}
		if len(tag) > MaxTagLen || strings.Trim(tag, "-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Fatalf("ReadTag(%q) = %q", s, tag)
		}
		if again, err := ReadTag(tag); err != nil || again != tag {
			t.Fatalf("ReadTag(%q) = %q, %v", tag, again, err)
		}
	})
}
