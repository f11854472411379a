// Package draw renders the app icon with the standard library only.
package draw

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
)

// Size is the icon's width and height in pixels (FyneApp.toml wants 512).
const Size = 512

var (
	tile  = color.NRGBA{0x1b, 0x6e, 0x4f, 0xff} // deep green
	bar   = color.NRGBA{0xf4, 0xf1, 0xe6, 0xff} // warm white
	check = color.NRGBA{0xff, 0xc8, 0x3d, 0xff} // amber
)

// Image draws the icon.
func Image() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, Size, Size))
	const r = 96 // corner radius of the tile
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			if inRoundRect(float64(x)+0.5, float64(y)+0.5, 16, 16, Size-16, Size-16, r) {
				img.SetNRGBA(x, y, tile)
			}
		}
	}
	// Three rising bars.
	bars := [][4]int{{112, 300, 184, 400}, {220, 236, 292, 400}, {328, 164, 400, 400}}
	for _, b := range bars {
		for y := b[1]; y < b[3]; y++ {
			for x := b[0]; x < b[2]; x++ {
				if inRoundRect(float64(x)+0.5, float64(y)+0.5, float64(b[0]), float64(b[1]), float64(b[2]), float64(b[3]), 14) {
					img.SetNRGBA(x, y, bar)
				}
			}
		}
	}
	// An upward check stroke over the bars.
	thick(img, 120, 212, 190, 270, 22, check)
	thick(img, 190, 270, 392, 104, 22, check)
	return img
}

// PNG writes the icon as PNG.
func PNG(w io.Writer) error { return png.Encode(w, Image()) }

func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x >= x1 || y < y0 || y >= y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
}

// thick draws a line segment of half-width hw with round caps.
func thick(img *image.NRGBA, x0, y0, x1, y1, hw float64, c color.NRGBA) {
	minX, maxX := int(math.Min(x0, x1)-hw), int(math.Max(x0, x1)+hw)
	minY, maxY := int(math.Min(y0, y1)-hw), int(math.Max(y0, y1)+hw)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			t := math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
			ex, ey := x0+t*dx-px, y0+t*dy-py
			if ex*ex+ey*ey <= hw*hw {
				img.SetNRGBA(x, y, c)
			}
		}
	}
}
