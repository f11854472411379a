// Package widget stands in for Fyne's widget package.
package widget

type Label struct{ Text string }

func NewLabel(text string) *Label { return &Label{Text: text} }

func (l *Label) SetText(text string) { l.Text = text }

type Button struct{ Text string }

func NewButton(label string, tapped func()) *Button { return &Button{Text: label} }

type Select struct {
	Options     []string
	PlaceHolder string
}

func NewSelect(options []string, changed func(string)) *Select { return &Select{Options: options} }

type Entry struct{ Text, PlaceHolder string }

func (e *Entry) SetPlaceHolder(text string) { e.PlaceHolder = text }
