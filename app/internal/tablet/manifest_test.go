package tablet

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// fyneApp is the part of FyneApp.toml the builds read (STYLE §7).
type fyneApp struct {
	Details struct {
		Icon    string
		Name    string
		ID      string
		Version string
		Build   int
	}
	Migrations map[string]bool
}

// crossFile is fyne-cross.yml, our own documented file read by `make cross`.
type crossFile struct {
	AppID   string `yaml:"app_id"`
	Version string `yaml:"version"`
	Build   int    `yaml:"build"`
	Flags   string `yaml:"flags"`
	Targets []struct {
		OS   string `yaml:"os"`
		Arch string `yaml:"arch"`
	} `yaml:"targets"`
}

// flag returns the value of -name in a fyne-cross flag string.
func flag(flags, name string) string {
	f := strings.Fields(flags)
	for i, x := range f {
		if v, ok := strings.CutPrefix(x, "-"+name+"="); ok {
			return v
		}
		if x == "-"+name && i+1 < len(f) {
			return f[i+1]
		}
	}
	return ""
}

// TestManifestsAgree: FyneApp.toml, fyne-cross.yml and AppID name the same
// app, version and build; the icon exists; fyneDo is migrated.
func TestManifestsAgree(t *testing.T) {
	var fa fyneApp
	if _, err := toml.DecodeFile("../../FyneApp.toml", &fa); err != nil {
		t.Fatal(err)
	}
	if fa.Details.ID != AppID {
		t.Fatalf("FyneApp.toml ID %q, AppID %q", fa.Details.ID, AppID)
	}
	if fa.Details.Version == "" || fa.Details.Build < 1 || fa.Details.Name == "" {
		t.Fatalf("FyneApp.toml details incomplete: %+v", fa.Details)
	}
	if !fa.Migrations["fyneDo"] {
		t.Fatal("FyneApp.toml lacks [Migrations] fyneDo = true")
	}
	if _, err := os.Stat("../../" + fa.Details.Icon); err != nil {
		t.Fatalf("icon: %v", err)
	}

	b, err := os.ReadFile("../../../fyne-cross.yml")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("fyne-cross.yml not written yet")
	}
	if err != nil {
		t.Fatal(err)
	}
	var cf crossFile
	if err := yaml.Unmarshal(b, &cf); err != nil {
		t.Fatal(err)
	}
	if cf.AppID != AppID {
		t.Errorf("fyne-cross.yml app_id %q, want %q", cf.AppID, AppID)
	}
	if got := flag(cf.Flags, "app-id"); got != AppID {
		t.Errorf("fyne-cross.yml -app-id %q, want %q", got, AppID)
	}
	if got := flag(cf.Flags, "app-version"); got != fa.Details.Version {
		t.Errorf("fyne-cross.yml -app-version %q, FyneApp.toml %q", got, fa.Details.Version)
	}
	if got := flag(cf.Flags, "app-build"); got != strconv.Itoa(fa.Details.Build) {
		t.Errorf("fyne-cross.yml -app-build %q, FyneApp.toml %d", got, fa.Details.Build)
	}
	if cf.Version != "" && cf.Version != fa.Details.Version {
		t.Errorf("fyne-cross.yml version %q, FyneApp.toml %q", cf.Version, fa.Details.Version)
	}
	if cf.Build != 0 && cf.Build != fa.Details.Build {
		t.Errorf("fyne-cross.yml build %d, FyneApp.toml %d", cf.Build, fa.Details.Build)
	}
	if got := flag(cf.Flags, "icon"); got != "app/"+fa.Details.Icon {
		t.Errorf("fyne-cross.yml -icon %q, want app/%s", got, fa.Details.Icon)
	}
	if !strings.Contains(cf.Flags, "migrated_fynedo") {
		t.Error("fyne-cross.yml builds without -tags migrated_fynedo")
	}
	android := false
	for _, tg := range cf.Targets {
		android = android || tg.OS == "android"
	}
	if !android {
		t.Error("fyne-cross.yml has no android target")
	}
}

func TestFlagParsing(t *testing.T) {
	f := "-app-id org.x -app-version 0.1.0 -app-build=3 -tags migrated_fynedo"
	if flag(f, "app-id") != "org.x" || flag(f, "app-version") != "0.1.0" || flag(f, "app-build") != "3" || flag(f, "icon") != "" {
		t.Fatal("flag parsing")
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"SMALLWINS_DATA": "/d", "SMALLWINS_DEMO": "1", "SMALLWINS_WINDOW": "800x1280",
		"SMALLWINS_SERVER": "http://127.0.0.1:8080", "SMALLWINS_USERNAME": "admin"}
	c := ConfigFromEnv(func(k string) string { return env[k] })
	if c.DataDir != "/d" || !c.Demo || c.Size.Width != 800 || c.Size.Height != 1280 || c.Server != "http://127.0.0.1:8080" || c.Username != "admin" {
		t.Fatalf("%+v", c)
	}
	c = ConfigFromEnv(func(string) string { return "" })
	if c.Demo || c.Size.Width != 1280 || c.Size.Height != 800 {
		t.Fatalf("defaults %+v", c)
	}
}
