// Package applang is the tablet's language: the device's, or the one chosen on the Sync screen.
// The app's words are looked up through Fyne's own lang package (lang.L, lang.N) from the JSON
// catalogs in translations/ (<area>.<lang>.json, go-i18n's format, editable without Go); the
// report's shared words come from progress.In(applang.Current()).
//
// Fyne picks its language from the device and has no call to choose another. Use therefore loads
// the chosen language's messages under every tag Fyne might pick (English, Spanish and the
// device's own), so every lookup answers in the chosen language whatever the device says
// (docs/decisions/0029-languages-and-catalogs.md).
package applang

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"smallwins/shared/i18n"
)

//go:embed translations/*.json
var files embed.FS

var (
	mu      sync.Mutex
	current = i18n.English
)

// Current is the language the app speaks now.
func Current() i18n.Lang {
	mu.Lock()
	defer mu.Unlock()
	return current
}

// Device is the device's language when the product speaks it, else English.
func Device() i18n.Lang {
	l, _ := i18n.Parse(string(lang.SystemLocale()))
	return l
}

// Choose reads a stored choice ("", "en", "es"): empty follows the device.
func Choose(stored string) i18n.Lang {
	if l, ok := i18n.Parse(stored); ok {
		return l
	}
	return Device()
}

// Use makes l the language of every lang.L lookup from now on. Screens built before keep their
// words, so the caller rebuilds the window's content after it.
func Use(l i18n.Lang) error {
	l = i18n.Lang(l.String())
	data, err := messages(l)
	if err != nil {
		return err
	}
	tags := []fyne.Locale{"en", "es", lang.SystemLocale()}
	loading.Lock() // lookups off the main goroutine (L, N) wait while Fyne's bundle changes
	defer loading.Unlock()
	for _, t := range tags {
		if err := lang.AddTranslationsForLocale(data, t); err != nil {
			return fmt.Errorf("applang: load %s under %s: %w", l, t, err)
		}
	}
	mu.Lock()
	current = l
	mu.Unlock()
	return nil
}

// messages merges every translations/<area>.<l>.json into one go-i18n JSON object. A message
// defined in two files is an error, as i18n.Load says it for the completeness checks.
func messages(l i18n.Lang) ([]byte, error) {
	entries, err := fs.ReadDir(files, "translations")
	if err != nil {
		return nil, err
	}
	all := map[string]json.RawMessage{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "."+string(l)+".json") {
			continue
		}
		data, err := files.ReadFile(path.Join("translations", e.Name()))
		if err != nil {
			return nil, err
		}
		var area map[string]json.RawMessage
		if err := json.Unmarshal(data, &area); err != nil {
			return nil, fmt.Errorf("applang: %s: %w", e.Name(), err)
		}
		for id, m := range area {
			if _, dup := all[id]; dup {
				return nil, fmt.Errorf("applang: %s: message %q is defined twice", e.Name(), id)
			}
			all[id] = m
		}
	}
	return json.Marshal(all)
}

// Catalog is the app's catalog as the completeness checks read it.
func Catalog() (*i18n.Catalog, error) { return i18n.Load(files, "translations") }
