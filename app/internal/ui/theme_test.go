package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestThemeContrast checks the theme's colour pairs as the screens use them,
// in the light and the dark variant (the app is light in both: ADR 0631):
// text at least 4.5:1 on every surface it sits on (the window, a card, a
// button, a coloured button), and a control's edge at least 3:1 against
// the surfaces around it (ADR 0631: in-card buttons were grey 245 on 243).
func TestThemeContrast(t *testing.T) {
	th := Theme{}
	surfaces := []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameButton}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
		check := func(what string, fg, bg fyne.ThemeColorName, min float64) {
			t.Helper()
			if r := contrast(c(fg), c(bg)); r < min {
				t.Errorf("variant %d: %s: %s on %s is %.2f:1, want ≥ %.1f:1", v, what, fg, bg, r, min)
			}
		}
		for _, s := range surfaces {
			check("text", theme.ColorNameForeground, s, 4.5)
			check("placeholder", theme.ColorNamePlaceHolder, s, 4.5)
			// Labels of importance (a decision in a card) are text in these colours.
			for _, n := range []fyne.ThemeColorName{theme.ColorNameError, theme.ColorNameWarning, theme.ColorNameSuccess, theme.ColorNamePrimary, theme.ColorNameHyperlink} {
				check("coloured text", n, s, 4.5)
			}
			// A button's or an entry's edge, drawn in the input border colour.
			check("control edge", theme.ColorNameInputBorder, s, 3)
		}
		check("button text", theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary, 4.5)
		check("button text", theme.ColorNameForegroundOnError, theme.ColorNameError, 4.5)
		check("button text", theme.ColorNameForegroundOnWarning, theme.ColorNameWarning, 4.5)
		check("button text", theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess, 4.5)
		for _, n := range []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameError, theme.ColorNameWarning, theme.ColorNameSuccess} {
			check("coloured button", n, theme.ColorNameBackground, 3)
			check("coloured button in a card", n, theme.ColorNameInputBackground, 3)
		}
	}
}

// TestContrastFormula: the helper gives WCAG's known values.
func TestContrastFormula(t *testing.T) {
	if r := contrast(color.White, color.Black); math.Abs(r-21) > 0.01 {
		t.Errorf("white on black %.2f", r)
	}
	if r := contrast(color.Gray{Y: 245}, color.Gray{Y: 243}); r > 1.05 {
		t.Errorf("245 on 243 %.2f", r)
	}
	if r := contrast(color.Gray{Y: 0x76}, color.White); math.Abs(r-4.54) > 0.02 {
		t.Errorf("#767676 on white %.2f", r)
	}
}

// TestGreyButtonsHaveAnEdge: a grey (medium) button, as in a card, draws an
// edge in the input border colour; a coloured one does not need it.
func TestGreyButtonsHaveAnEdge(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme{})
	edgeOf := func(b *Button) color.Color {
		for _, o := range test.WidgetRenderer(b).Objects() {
			if r, ok := o.(*canvas.Rectangle); ok && r.StrokeWidth > 0 {
				return r.StrokeColor
			}
		}
		return nil
	}
	grey := NewButton("Edit", nil)
	want := Theme{}.Color(theme.ColorNameInputBorder, theme.VariantLight)
	if got := edgeOf(grey); got == nil || contrast(got, want) != 1 {
		t.Fatalf("grey button edge %v, want %v", got, want)
	}
	grey.Importance = widget.HighImportance
	grey.Refresh()
	if got := edgeOf(grey); got != nil && got != color.Transparent {
		if _, _, _, a := got.RGBA(); a != 0 {
			t.Fatalf("coloured button edge %v", got)
		}
	}
}
