package ui

import (
	"example.com/repo/app/internal/applang"

	"fyne.io/fyne/v2/widget"
)

// Elsewhere looks up through another package's wrapper.
func Elsewhere() []*widget.Label {
	return []*widget.Label{widget.NewLabel(applang.L("today.title")), widget.NewLabel(applang.L("page.hint"))}
}
