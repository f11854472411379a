// Command smallwins is the tablet app. It only creates the Fyne app (the one
// import of fyne.io/fyne/v2/app, which brings in cgo) and hands it to the
// wiring in internal/tablet.
package main

import (
	_ "embed"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"smallwins/app/internal/tablet"
)

// icon is the app's icon (FyneApp.toml's): a plain `go build` has no
// packaged metadata, so without it the window had none (_NET_WM_ICON).
//
//go:embed Icon.png
var icon []byte

func main() {
	// Before the app exists: Fyne loads its preferences as it starts, and
	// an empty file (a save cut short) logged "Preferences load error: EOF".
	if dir, err := os.UserConfigDir(); err == nil {
		if _, err := tablet.RemoveEmptyPreferences(dir); err != nil {
			fmt.Fprintln(os.Stderr, "smallwins:", err)
		}
	}
	a := app.NewWithID(tablet.AppID)
	a.SetIcon(fyne.NewStaticResource("Icon.png", icon))
	os.Exit(tablet.Main(a, os.Getenv))
}
