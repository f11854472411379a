package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCLINamesRefuseBidi (ADR 0004): the command line takes names by the
// API's one rule (protocol.ValidName): a school or user name with a bidi
// control or a line break is refused and nothing is added. (A NUL cannot
// reach argv; the API tests cover it.)
func TestCLINamesRefuseBidi(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	setup(t, db)
	for _, name := range []string{"Lincoln \u202eyrtne", "Lincoln\u2066 x", "Lincoln\nElementary"} {
		if out, err := cli(t, "", nil, "school", "add", "--slug", "other", "--name", name, "--db", db); err == nil || !strings.Contains(out, "bidi") {
			t.Errorf("school add --name %q: %v %s", name, err, out)
		}
		if out, err := cli(t, "password-456\n", nil, "user", "add", "--school", "lincoln-elem", "--username", "zed", "--name", name, "--role", "interventionist", "--db", db); err == nil || !strings.Contains(out, "bidi") {
			t.Errorf("user add --name %q: %v %s", name, err, out)
		}
		if out, err := cli(t, "", nil, "user", "set", "--school", "lincoln-elem", "--username", "rivera", "--name", name, "--db", db); err == nil || !strings.Contains(out, "bidi") {
			t.Errorf("user set --name %q: %v %s", name, err, out)
		}
	}
	out, err := cli(t, "", nil, "user", "list", "--school", "lincoln-elem", "--db", db)
	if err != nil || strings.Contains(out, "zed") || !strings.Contains(out, "Ana Rivera") {
		t.Errorf("users after the refusals: %v\n%s", err, out)
	}
	if out, err := cli(t, "", nil, "user", "list", "--school", "other", "--db", db); err == nil {
		t.Errorf("a refused school was added: %s", out)
	}
}
