package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

type stubScreen struct{ name string }

func (s stubScreen) title() string              { return s.name }
func (s stubScreen) content() fyne.CanvasObject { return widget.NewLabel(s.name) }
func (s stubScreen) refresh()                   {}

func newStudentsScreen(a *App) screen                { return stubScreen{"Students"} }
func newCICOScreen(a *App, studentID string) screen  { return stubScreen{"CICO"} }
func newSetupScreen(a *App) screen                   { return stubScreen{"Setup"} }
func newProbeScreen(a *App, studentID string) screen { return stubScreen{"Probe"} }

type syncScreen struct{ stubScreen }

func newSyncScreen(a *App) screen { return &syncScreen{stubScreen{"Sync"}} }
