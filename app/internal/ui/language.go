package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
)

// The language choice of the Sync screen: the device's language, English or Español, stored in
// the app's preferences and applied at once (docs/decisions/0034-tablet-language-choice.md).

// languageChoices are the stored values in the order the choice lists them ("" follows the
// device); the names of the two languages are written in their own language.
var languageChoices = []string{"", "en", "es"}

func languageOption(stored string) string {
	switch stored {
	case "en":
		return lang.L("language.english")
	case "es":
		return lang.L("language.spanish")
	}
	return lang.L("language.device")
}

// newLanguageChoice is the choice as the Sync screen shows it, with the stored one selected.
func newLanguageChoice(a *App) *widget.RadioGroup {
	var options []string
	byOption := map[string]string{}
	for _, v := range languageChoices {
		o := languageOption(v)
		options = append(options, o)
		byOption[o] = v
	}
	r := widget.NewRadioGroup(options, nil)
	r.Horizontal = false
	r.Required = true
	r.Selected = languageOption(storedLanguage(preferences()))
	r.OnChanged = func(o string) {
		if v, ok := byOption[o]; ok {
			a.SetLanguage(v)
		}
	}
	return r
}

// preferences are the app's preferences (nil without a Fyne app).
func preferences() fyne.Preferences {
	if app := fyne.CurrentApp(); app != nil {
		return app.Preferences()
	}
	return nil
}

// SetLanguage stores the language choice ("" for the device's, "en", "es"), makes the app speak
// it and rebuilds what is shown in it: the header, the navigation, the undo bar and the current
// tab (the choice is made on the Sync screen, where no form is open, so nothing typed is lost).
func (a *App) SetLanguage(stored string) {
	if p := preferences(); p != nil {
		if stored == "" {
			p.RemoveValue(languageKey)
		} else {
			p.SetString(languageKey, stored)
		}
	}
	if err := applang.Use(applang.Choose(stored)); err != nil {
		a.warn(err.Error())
		return
	}
	a.label()
	a.undo.label()
	a.Root(a.currentTab())
}

// currentTab is the tab whose button is highlighted.
func (a *App) currentTab() Tab {
	for i, b := range a.nav {
		if b.Importance == widget.HighImportance {
			return Tab(i)
		}
	}
	return TabToday
}
