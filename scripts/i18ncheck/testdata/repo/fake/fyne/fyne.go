// Package fyne stands in for Fyne's: the names and signatures the check knows.
package fyne

type Window interface{ SetTitle(title string) }

type App interface{ NewWindow(title string) Window }

type Notification struct{ Title, Content string }
