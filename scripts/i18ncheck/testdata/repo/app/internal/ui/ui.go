// Package ui shows text through every path the check follows, and the ways it must leave alone.
package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/shared/i18n"
)

var words = &i18n.Catalog{}

type code string

type tab struct {
	title string
	code  string
}

var tabs = []tab{{title: "Students", code: "students"}}

func heading(text string) *widget.Label { return widget.NewLabel(text) }

func status(n int) string {
	if n == 0 {
		return "Nothing yet"
	}
	return lang.N("students.count", n)
}

func Build(w fyne.Window, app fyne.App, l i18n.Lang, n int, c code) []*widget.Label {
	out := []*widget.Label{
		widget.NewLabel("Literal label"),
		widget.NewLabel(lang.L("today.title")),
		widget.NewLabel(lang.L("no.such.id")),
		heading("Wrapped heading"),
		widget.NewLabel("Total: " + fmt.Sprint(n)),
		widget.NewLabel(fmt.Sprintf("%d of %d left", n, n)),
		widget.NewLabel(status(n)),
		widget.NewLabel(words.T(l, "page.title")),
		widget.NewLabel(words.N(l, "nowhere.id", n)),
		widget.NewLabel(string(c)),
		widget.NewLabel("·"),
		widget.NewLabel("review_goal"),
		widget.NewLabel(""),
	}
	for _, t := range tabs {
		out = append(out, widget.NewLabel(t.title))
	}
	e := &widget.Entry{}
	e.SetPlaceHolder("Type a name")
	e.Text = "prefilled by the person"
	sel := widget.NewSelect([]string{"Reading", "Math"}, nil)
	sel.PlaceHolder = "Pick one"
	dialog.ShowInformation("Saved", lang.L("sync.last"), w)
	app.NewWindow("Small Wins")
	_ = fyne.Notification{Title: "Synced", Content: lang.L("today.title")}
	fmt.Println("Logged for developers, not shown")
	return out
}

func tr(l i18n.Lang, id string) string { return words.T(l, id) }

func rowOf(l i18n.Lang, name string) string { return name }

func More(l i18n.Lang) []string {
	return []string{tr(l, "wrapped.unknown"), tr(l, "page.hint"), rowOf(l, "not an id")}
}

// trOr falls back to the id: the id a caller passes is still an id, not text shown.
func trOr(l i18n.Lang, id string) string {
	if s := words.T(l, id); s != "" {
		return s
	}
	return id
}

func Title(l i18n.Lang) *widget.Label {
	return widget.NewLabel(trOr(l, "page.title") + trOr(l, "missing.title"))
}

// areaWords hands the code back when it has no words for it: a code passed to it is a key.
func areaWords(code string) string {
	switch code {
	case "reading":
		return lang.L("today.title")
	}
	return code
}

func Areas() *widget.Label { return widget.NewLabel(areaWords("math")) }
