package i18n

import (
	"testing"
	"testing/fstest"
)

// TestMatch: an English text is read back to the message that wrote it and its arguments;
// the message with the most literal text wins; plurals and other languages are not read.
func TestMatch(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"c/a.en.json": {Data: []byte(`{"x.any": "{{.What}}", "x.limit": "{{.Name}} must be from 1 to {{.Max}}",
			"x.count": {"one": "{{.Count}} file", "other": "{{.Count}} files"}, "y.other": "limit must be from 1 to 9"}`)},
		"c/a.es.json": {Data: []byte(`{"x.any": "{{.What}}", "x.limit": "{{.Name}} debe ser de 1 a {{.Max}}",
			"x.count": {"one": "{{.Count}} archivo", "other": "{{.Count}} archivos"}, "y.other": "limit debe ser de 1 a 9"}`)},
	}, "c")
	if err != nil {
		t.Fatal(err)
	}
	id, args, ok := c.Match("x.", "limit must be from 1 to 500")
	if !ok || id != "x.limit" || args["Name"] != "limit" || args["Max"] != "500" {
		t.Fatalf("Match = %q %v %v", id, args, ok)
	}
	if got := c.T(Spanish, id, args); got != "limit debe ser de 1 a 500" {
		t.Fatalf("said again: %q", got)
	}
	if id, _, _ := c.Match("x.", "3 files"); id != "x.any" {
		t.Fatalf("a plural was read back: %q", id)
	}
	if _, _, ok := c.Match("z.", "anything"); ok {
		t.Fatal("a prefix with no message matched")
	}
}
