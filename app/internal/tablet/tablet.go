// Package tablet wires the tablet app: it opens the local store, starts the
// syncer and builds the UI. Only app/main.go imports fyne.io/fyne/v2/app; it
// passes the fyne.App in, so this package and the UI run headless in tests.
package tablet

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// AppID is the app's reverse-DNS id. It must equal FyneApp.toml's ID and
// fyne-cross.yml's app_id, and never change: Android ties the install and
// its data to it (STYLE §7).
const AppID = "org.smallwins.tablet"

// Main runs the app until its window closes and returns the exit code.
// getenv reads the SMALLWINS_* settings.
func Main(a fyne.App, getenv func(string) string) int {
	w := a.NewWindow("Small Wins")
	w.SetContent(widget.NewLabel("Small Wins"))
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
	return 0
}
