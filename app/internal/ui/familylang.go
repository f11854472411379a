package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/shared/i18n"
)

// familyLanguage is the student form's choice of the language the family
// reads (DOMAIN.md §2 student.family_language, §4.3): not set, English,
// Español, or another language typed as a BCP 47 tag (read by
// i18n.ReadTag, the rule the roster import uses too). A tag other than
// exactly "en" or "es" ("es-MX", "vi") is shown as typed and kept as it is.
type familyLanguage struct {
	sel   *widget.Select
	other *widget.Entry
	box   *fyne.Container
}

// The choices, by index.
const (
	famNotSet = iota
	famEnglish
	famSpanish
	famOther
)

func newFamilyLanguage(stored string) *familyLanguage {
	f := &familyLanguage{other: widget.NewEntry()}
	f.other.SetPlaceHolder(lang.L("forms.student.language_hint"))
	f.sel = widget.NewSelect([]string{lang.L("forms.student.language_unset"), lang.L("forms.student.language_en"),
		lang.L("forms.student.language_es"), lang.L("forms.student.language_other")}, func(string) { f.showOther() })
	f.box = container.NewVBox(f.sel, f.other)
	switch stored {
	case "":
		f.sel.SetSelectedIndex(famNotSet)
	case "en":
		f.sel.SetSelectedIndex(famEnglish)
	case "es":
		f.sel.SetSelectedIndex(famSpanish)
	default:
		f.other.SetText(stored)
		f.sel.SetSelectedIndex(famOther)
	}
	f.showOther()
	return f
}

// showOther shows the tag field only while "Other language" is chosen.
func (f *familyLanguage) showOther() {
	if f.sel.SelectedIndex() == famOther {
		f.other.Show()
	} else {
		f.other.Hide()
	}
	f.box.Refresh()
}

// tag is the family_language to store ("" for not set); ok false when
// the other language's tag is not a well-formed BCP 47 tag.
func (f *familyLanguage) tag() (string, bool) {
	switch f.sel.SelectedIndex() {
	case famEnglish:
		return "en", true
	case famSpanish:
		return "es", true
	case famOther:
		t, err := i18n.ReadTag(f.other.Text)
		return t, err == nil
	}
	return "", true
}
