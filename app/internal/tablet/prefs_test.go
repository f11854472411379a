package tablet

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRemoveEmptyPreferences(t *testing.T) {
	cases := []struct {
		name    string
		content *string
		removed bool
	}{
		{"none", nil, false},
		{"zero bytes (a save cut short)", ptr(""), true},
		{"white space", ptr(" \n"), true},
		{"real preferences", ptr(`{"resume_session":"x"}` + "\n"), false},
		{"broken but not empty", ptr(`{"resume`), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := PreferencesPath(dir)
			if c.content != nil {
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(*c.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			removed, err := RemoveEmptyPreferences(dir)
			if err != nil {
				t.Fatal(err)
			}
			_, statErr := os.Stat(path)
			exists := statErr == nil
			if removed != c.removed || (c.content != nil && exists == c.removed) {
				t.Fatalf("removed %v (want %v), file exists %v", removed, c.removed, exists)
			}
			if c.content != nil && !c.removed {
				if b, _ := os.ReadFile(path); string(b) != *c.content {
					t.Fatalf("content changed to %q", b)
				}
			}
		})
	}
	if removed, err := RemoveEmptyPreferences(""); removed || err != nil {
		t.Fatalf("no config dir: %v %v", removed, err)
	}
}

func ptr[T any](v T) *T { return &v }
