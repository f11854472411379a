package tablet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PreferencesPath is where Fyne keeps the app's preferences on a desktop:
// <user config dir>/fyne/<AppID>/preferences.json.
func PreferencesPath(userConfigDir string) string {
	return filepath.Join(userConfigDir, "fyne", AppID, "preferences.json")
}

// RemoveEmptyPreferences deletes the preferences file when it holds nothing
// but white space, before the Fyne app is created (main.go).
//
// Why: Fyne saves preferences by truncating the file (os.Create) and then
// writing it, on every change. The app writes one on each session start and
// finish (the session to resume), so an app stopped in between — `make run`
// ended with Ctrl-C, a tablet switched off — leaves a zero-byte file, and
// every later start logged "Fyne error: Preferences load error: EOF" while
// keeping none of it. An empty file holds no preference: removing it loses
// nothing, and Fyne starts from an empty store without an error. A file
// with content, even broken, is left for Fyne to report.
func RemoveEmptyPreferences(userConfigDir string) (removed bool, err error) {
	if userConfigDir == "" {
		return false, nil
	}
	path := PreferencesPath(userConfigDir)
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("tablet: preferences: %w", err)
	}
	if !st.Mode().IsRegular() || st.Size() > 4096 {
		return false, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("tablet: preferences: %w", err)
	}
	if strings.TrimSpace(string(b)) != "" {
		return false, nil
	}
	if err := os.Remove(path); err != nil {
		return false, fmt.Errorf("tablet: preferences: %w", err)
	}
	return true, nil
}
