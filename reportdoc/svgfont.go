package reportdoc

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
)

// The console's chart is an SVG shown as an image: it can use only the
// fonts of the device or its own. gonum/plot either names Liberation Sans
// alone (a device without it falls back to its default, often a serif) or
// embeds the whole font, about 530 KB in every chart, 25 of them on a
// meeting page. withFont embeds instead a subset of the font, the same for
// every chart (Latin letters, digits, punctuation), and names metric-
// compatible fonts and sans-serif after it for any other character
// (ADR 0019).

// svgRepertoire is what the embedded subset holds: printable ASCII, the
// Latin-1 letters and signs, and the punctuation the chart writes.
var svgRepertoire = func() string {
	var b []rune
	for r := rune(0x20); r < 0x7f; r++ {
		b = append(b, r)
	}
	for r := rune(0xa0); r <= 0xff; r++ {
		b = append(b, r)
	}
	return string(b) + "–—‘’“”…·•€"
}()

var (
	svgFontOnce sync.Once
	svgFontCSS  []byte
)

// svgFontFace is the <defs> block that embeds the subset, made once.
func svgFontFace() []byte {
	svgFontOnce.Do(func() {
		sub := fpdf.UTF8CutFont(liberationsansregular.TTF, svgRepertoire)
		svgFontCSS = fmt.Appendf(nil, "<defs><style>@font-face{font-family:%q;src:url(data:font/ttf;base64,%s) format(\"truetype\");}</style></defs>\n",
			"Liberation Sans", base64.StdEncoding.EncodeToString(sub))
	})
	return svgFontCSS
}

// withFont puts the font's subset in an SVG written by gonum/plot's vgsvg
// (without embedded fonts), right after its opening <svg> tag, and gives
// every text its fallbacks.
func withFont(svg []byte) ([]byte, error) {
	open := bytes.Index(svg, []byte("<svg"))
	end := -1
	if open >= 0 {
		end = bytes.IndexByte(svg[open:], '>')
	}
	if end < 0 {
		return nil, fmt.Errorf("reportdoc: chart svg: no <svg> tag")
	}
	end += open + 1
	face := svgFontFace()
	out := make([]byte, 0, len(svg)+len(face)+len(svg)/8)
	out = append(out, svg[:end]...)
	out = append(out, '\n')
	out = append(out, face...)
	out = append(out, bytes.ReplaceAll(svg[end:], []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;"))...)
	return out, nil
}
