// Command smallwins is the tablet app. It only creates the Fyne app (the one
// import of fyne.io/fyne/v2/app, which brings in cgo) and hands it to the
// wiring in internal/tablet.
package main

import (
	"os"

	"fyne.io/fyne/v2/app"

	"smallwins/app/internal/tablet"
)

func main() {
	os.Exit(tablet.Main(app.NewWithID(tablet.AppID), os.Getenv))
}
