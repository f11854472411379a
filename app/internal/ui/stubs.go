package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

type stubScreen struct{ name string }

func (s stubScreen) title() string              { return s.name }
func (s stubScreen) content() fyne.CanvasObject { return widget.NewLabel(s.name) }
func (s stubScreen) refresh()                   {}

func newStudentsScreen(a *App) screen { return stubScreen{"Students"} }
func newSetupScreen(a *App) screen    { return stubScreen{"Setup"} }
