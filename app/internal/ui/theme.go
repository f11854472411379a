package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// MinTarget is the smallest touch target, in dp: every button the screens
// make is at least this tall (Material and Apple guidance; STYLE §5).
const MinTarget = 48

// Theme is the app's theme: the default light theme with larger text and
// inner padding (so inputs reach 48 dp too), and the icon's green as the
// primary colour. Light only, in both variants: sessions happen in bright
// small rooms and the light variant has the higher contrast there (ADR
// 0631); TestThemeContrast checks both variants.
type Theme struct{}

var _ fyne.Theme = Theme{}

// Color returns the light variant's colours with the brand primary.
func (Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return color.NRGBA{0x1b, 0x6e, 0x4f, 0xff}
	case theme.ColorNameForegroundOnPrimary:
		return color.White
	case theme.ColorNameSuccess:
		return color.NRGBA{0x1e, 0x7d, 0x32, 0xff}
	case theme.ColorNameWarning:
		// Dark amber: white text on it, and it as text on a grey card,
		// both above 4.5:1 (TestThemeContrast).
		return color.NRGBA{0x9a, 0x51, 0x00, 0xff}
	case theme.ColorNameHyperlink:
		return color.NRGBA{0x1b, 0x6e, 0x4f, 0xff} // the primary: the default blue is 4.0:1 on a card
	case theme.ColorNameInputBorder:
		// The edge of entries and of grey buttons (Button draws it): at
		// least 3:1 against the window, a card and a button (ADR 0631).
		return color.NRGBA{0x76, 0x76, 0x76, 0xff}
	case theme.ColorNameError:
		return color.NRGBA{0xc6, 0x28, 0x28, 0xff}
	case theme.ColorNamePlaceHolder:
		return color.NRGBA{0x5f, 0x63, 0x68, 0xff} // darker than default for contrast
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font is the default font.
func (Theme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

// Icon is the default icon set.
func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size enlarges text and inner padding for touch use.
func (Theme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 16
	case theme.SizeNameHeadingText:
		return 26
	case theme.SizeNameSubHeadingText:
		return 20
	case theme.SizeNameCaptionText:
		return 13
	case theme.SizeNameInnerPadding:
		return 14
	case theme.SizeNamePadding:
		return 5
	case theme.SizeNameInlineIcon:
		return 22
	}
	return theme.DefaultTheme().Size(n)
}
