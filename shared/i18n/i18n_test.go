package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"es", Spanish, true}, {"es-MX", Spanish, true}, {"ES-us", Spanish, true},
		{"en", English, true}, {"en-GB", English, true},
		{"vi", English, false}, {"", English, false}, {"not a tag!", English, false},
		{strings.Repeat("a", 100), English, false}, {"zh-Hant", English, false},
	} {
		got, ok := Parse(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for in, want := range map[string]Lang{
		"es":                             Spanish,
		"es-MX,es;q=0.9,en;q=0.8":        Spanish,
		"en-US,en;q=0.9,es;q=0.8":        English,
		"fr-FR,fr;q=0.9,es;q=0.5":        Spanish,
		"fr-FR":                          English,
		"":                               English,
		";;;q=garbage":                   English,
		strings.Repeat("es-MX,", 100000): Spanish,
	} {
		if got := FromAcceptLanguage(in); got != want {
			t.Errorf("FromAcceptLanguage(%.40q) = %q, want %q", in, got, want)
		}
	}
}

func TestSharedCatalogComplete(t *testing.T) {
	if p := Shared.Problems(); len(p) > 0 {
		t.Fatalf("shared catalog incomplete:\n%s", strings.Join(p, "\n"))
	}
}

func TestProblemsFindsGaps(t *testing.T) {
	fsys := fstest.MapFS{
		"c/a.en.json": {Data: []byte(`{"hello":"Hello {{.Name}}","bye":"Bye","n":{"one":"{{.Count}} day","other":"{{.Count}} days"}}`)},
		"c/a.es.json": {Data: []byte(`{"hello":"Hola {{.Nombre}}","extra":"x","n":{"one":"{{.Count}} día","other":"{{.Count}} días"}}`)},
	}
	c, err := Load(fsys, "c")
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Join(c.Problems(), "\n")
	for _, want := range []string{`"bye" has no es translation`, `"hello" uses placeholders`, `"extra" is not in English`} {
		if !strings.Contains(p, want) {
			t.Errorf("problems %q lack %q", p, want)
		}
	}
	if strings.Contains(p, `"n"`) {
		t.Errorf("plural message wrongly reported: %s", p)
	}
	if got := c.N(Spanish, "n", 1); got != "1 día" {
		t.Errorf("N(es, 1) = %q", got)
	}
	if got := c.N(Spanish, "n", 3); got != "3 días" {
		t.Errorf("N(es, 3) = %q", got)
	}
	if got := c.T(English, "hello", Args{"Name": "Ana"}); got != "Hello Ana" {
		t.Errorf("T = %q", got)
	}
	if got := c.T(Spanish, "missing"); got != "[missing]" {
		t.Errorf("missing message = %q, want it shown as [missing]", got)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"malformed":     {"c/a.en.json": {Data: []byte(`{"a":`)}},
		"unknown lang":  {"c/a.fr.json": {Data: []byte(`{"a":"b"}`)}},
		"wrong shape":   {"c/a.en.json": {Data: []byte(`{"a":[1,2]}`)}},
		"defined twice": {"c/a.en.json": {Data: []byte(`{"a":"b"}`)}, "c/b.en.json": {Data: []byte(`{"a":"c"}`)}},
	} {
		if _, err := Load(fsys, "c"); err == nil {
			t.Errorf("%s: Load accepted it", name)
		}
	}
}

func TestDatesAndNumbers(t *testing.T) {
	d := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ got, want string }{
		{DateLong(English, d), "December 7, 2026"},
		{DateLong(Spanish, d), "7 de diciembre de 2026"},
		{DayMonth(Spanish, d), "7 dic"},
		{WeekdayDate(English, d), "Mon, Dec 7"},
		{WeekdayDate(Spanish, d), "lun 7 dic"},
		{WeekdayDateLong(Spanish, d), "lunes 7 de diciembre"},
		{Decimal(English, "-1.4"), "-1.4"},
		{Decimal(Spanish, "-1.4"), "-1,4"},
		{Decimal(Spanish, "135"), "135"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"es", "en-US", "x-klingon", "es-419", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, ok := Parse(s)
		if l != English && l != Spanish {
			t.Fatalf("Parse(%q) = %q", s, l)
		}
		if !ok && l != English {
			t.Fatalf("unsupported %q did not fall back to English", s)
		}
		_ = FromAcceptLanguage(s)
	})
}
