package reportdoc

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// CICOChart is what the CICO chart draws (DOMAIN.md §3.9): one student's
// pooled weekly % from the week of From to the week of To, the weekly goal
// of 80%, and a line at each phase change of their CICO plan, named in
// words.
type CICOChart struct {
	Title    string // what the chart is, for a screen reader ("Weekly points of Maya Lopez")
	From, To progress.Date
	Weeks    []progress.CICOWeek // as progress.CICO gives them; others are left out
	Phases   []record.CICOPhase
	// Narrow draws the chart for a phone's width (about 360 px): fewer
	// units across, so its text reads at the page's size there, the
	// legend on two lines and fewer date labels. A page shows one or the
	// other by its width.
	Narrow bool
	// Lang is the language of the chart's words and dates; "" is English.
	Lang i18n.Lang
}

// cicoGeom is the chart's geometry, in the SVG's own units (it scales to
// its box): wide for a desktop's column of about 680 px, narrow for a
// phone's 360 px, each with text of about 13 px when shown there.
type cicoGeom struct {
	w, h, left, right, top, bottom float64
	ticks                          int     // date labels across, about
	legend2                        float64 // the goal's legend item: x on the first line, or (0) the second line
	below                          float64 // the below-goal legend item's x
	met                            string  // the met legend item's words (catalog id)
	id                             string  // of the title and description
}

var (
	cicoWide   = cicoGeom{w: 600, h: 300, left: 50, right: 16, top: 52, bottom: 40, ticks: 8, legend2: 380, below: 196, met: "cico.legend.met_wide", id: "cico-chart-wide"}
	cicoNarrow = cicoGeom{w: 340, h: 290, left: 40, right: 10, top: 72, bottom: 40, ticks: 4, below: 110, met: "cico.legend.met_narrow", id: "cico-chart-narrow"}
)

const (
	cicoFont                          = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
	cicoGoalPct                       = 80.0 // §3.9: a week is met at 80%
	cicoMet, cicoNotMet, cicoPhaseCol = "#1e6b34", "#b3261e", "#6a3d9a"
)

// CICOChartSVG draws c as an SVG element for a page: presentation
// attributes only (no style attribute, no script, no external reference),
// so it can sit inline under a page's Content-Security-Policy, in the
// page's sans-serif font. A met week is a filled circle and a week below
// the goal a hollow triangle, so the two differ by shape as well as
// colour. Every value is placed through the chart window's rules
// (chartrange.go, ADR 0023): a week outside the range, or a % that is not
// a number, is left out; a % past 0–100 is drawn at the edge.
func CICOChartSVG(c CICOChart) []byte {
	from := c.From - progress.Date(c.From.Weekday()-1) // Mondays
	to := c.To - progress.Date(c.To.Weekday()-1)
	if to < from {
		to = from
	}
	n := int(to-from)/7 + 1
	g := cicoWide
	if c.Narrow {
		g = cicoNarrow
	}
	cicoW, cicoH, cicoLeft, cicoRight, cicoTop, cicoBottom := g.w, g.h, g.left, g.right, g.top, g.bottom
	plotW, plotH := cicoW-cicoLeft-cicoRight, cicoH-cicoTop-cicoBottom
	colW := plotW / float64(n)
	// xDay is the position of a day, in weeks since from (ChartWeek keeps
	// it within the chart's window); a week's point sits mid-week.
	xDay := func(d progress.Date) (float64, bool) {
		w, ok := ChartWeek(float64(d-from) / 7)
		return cicoLeft + w*colW, ok && w >= 0 && w <= float64(n)
	}
	y := func(pct float64) (float64, bool) {
		v, ok := ChartScore(pct)
		return cicoTop + plotH*(1-max(0, min(100, v))/100), ok
	}

	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="cicochart" viewBox="0 0 ` + coord(cicoW) + ` ` + coord(cicoH) +
		`" role="img" aria-labelledby="` + g.id + `-title ` + g.id + `-desc" font-family="` + cicoFont + `" font-size="13" fill="#1b1f24">`)
	b.WriteString(`<title id="` + g.id + `-title">`)
	escape(&b, c.Title)
	b.WriteString(`</title><desc id="` + g.id + `-desc">`)
	w := wordsIn(c.Lang)
	escape(&b, cicoDesc(w, c.Weeks, from, to))
	b.WriteString(`</desc>`)
	// Legend: each item after the last one's words (longer in Spanish),
	// the goal's on a second line when the first is full.
	met, below, goal := w.T(g.met), w.T("cico.legend.below"), w.T("cico.legend.goal")
	bx := max(g.below, 16+legendWidth(met)+14)
	b.WriteString(`<circle cx="` + coord(cicoLeft+6) + `" cy="14" r="5" fill="` + cicoMet + `"/><text x="` + coord(cicoLeft+16) + `" y="18">`)
	escape(&b, met)
	b.WriteString(`</text>`)
	b.WriteString(triangle(cicoLeft+bx, 14) + `<text x="` + coord(cicoLeft+bx+10) + `" y="18">`)
	escape(&b, below)
	b.WriteString(`</text>`)
	lx, ly := cicoLeft+max(g.legend2, bx+10+legendWidth(below)+14), 14.0
	if g.legend2 == 0 || lx+32+legendWidth(goal) > cicoW-cicoRight {
		lx, ly = cicoLeft, 34
	}
	b.WriteString(`<line x1="` + coord(lx) + `" x2="` + coord(lx+26) + `" y1="` + coord(ly) + `" y2="` + coord(ly) + `" stroke="` + cicoMet + `" stroke-width="2" stroke-dasharray="6 4"/>`)
	b.WriteString(`<text x="` + coord(lx+32) + `" y="` + coord(ly+4) + `">`)
	escape(&b, goal)
	b.WriteString(`</text>`)
	// Grid and the % axis.
	for p := 0; p <= 100; p += 20 {
		yy, _ := y(float64(p))
		b.WriteString(`<line x1="` + coord(cicoLeft) + `" x2="` + coord(cicoW-cicoRight) + `" y1="` + coord(yy) + `" y2="` + coord(yy) + `" stroke="#d0d7de" stroke-width="1"/>`)
		b.WriteString(`<text x="` + coord(cicoLeft-6) + `" y="` + coord(yy+4) + `" text-anchor="end">` + strconv.Itoa(p) + `%</text>`)
	}
	// The weekly goal.
	gy, _ := y(cicoGoalPct)
	b.WriteString(`<line x1="` + coord(cicoLeft) + `" x2="` + coord(cicoW-cicoRight) + `" y1="` + coord(gy) + `" y2="` + coord(gy) + `" stroke="` + cicoMet + `" stroke-width="2" stroke-dasharray="6 4"/>`)
	// Week labels: about eight, on Mondays.
	step := (n + g.ticks - 1) / g.ticks
	for i := 0; i < n; i += step {
		d := from + progress.Date(7*i)
		x, _ := xDay(d)
		b.WriteString(`<text x="` + coord(x+colW/2) + `" y="` + coord(cicoH-cicoBottom+18) + `" text-anchor="middle">`)
		escape(&b, w.date("doc.date.day_month", d.Time()))
		b.WriteString(`</text>`)
	}
	b.WriteString(`<text x="` + coord(cicoLeft+plotW/2) + `" y="` + coord(cicoH-6) + `" text-anchor="middle">`)
	escape(&b, w.T("cico.axis"))
	b.WriteString(`</text>`)
	// Phase lines, in words, staggered on two rows when close.
	lastLabel := math.Inf(-1)
	row := 0
	for _, ph := range c.Phases {
		d, err := progress.ParseDate(ph.StartDate)
		if err != nil {
			continue
		}
		x, ok := xDay(d)
		if !ok {
			continue
		}
		b.WriteString(`<line x1="` + coord(x) + `" x2="` + coord(x) + `" y1="` + coord(cicoTop-14) + `" y2="` + coord(cicoH-cicoBottom) +
			`" stroke="` + cicoPhaseCol + `" stroke-width="2" stroke-dasharray="2 3"/>`)
		if x-lastLabel < 160 {
			row = 1 - row
		} else {
			row = 0
		}
		lastLabel = x
		anchor, tx := "start", x+4
		if x > cicoW-cicoRight-160 {
			anchor, tx = "end", x-4
		}
		b.WriteString(`<text x="` + coord(tx) + `" y="` + coord(cicoTop-20+float64(row)*16) + `" text-anchor="` + anchor + `" fill="` + cicoPhaseCol + `">`)
		escape(&b, w.T("cico.phase_from", i18n.Args{"Phase": w.sp.CICOPhaseWords(ph.Phase), "Date": w.date("doc.date.day_month", d.Time())}))
		b.WriteString(`</text>`)
	}
	// The weeks: a line through them in date order, then the points.
	type pt struct {
		x, y float64
		met  bool
	}
	var pts []pt
	for _, wk := range c.Weeks {
		d, err := progress.ParseDate(wk.WeekStart)
		if err != nil || d < from || d > to {
			continue
		}
		x, okX := xDay(d)
		yy, okY := y(wk.Pct)
		if okX && okY {
			pts = append(pts, pt{x + colW/2, yy, wk.Met})
		}
	}
	if len(pts) > 1 {
		b.WriteString(`<polyline fill="none" stroke="#5c6670" stroke-width="1.5" points="`)
		for i, p := range pts {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(coord(p.x) + "," + coord(p.y))
		}
		b.WriteString(`"/>`)
	}
	for _, p := range pts {
		if p.met {
			b.WriteString(`<circle cx="` + coord(p.x) + `" cy="` + coord(p.y) + `" r="5" fill="` + cicoMet + `"/>`)
		} else {
			b.WriteString(triangle(p.x, p.y))
		}
	}
	b.WriteString(`</svg>`)
	return []byte(b.String())
}

// triangle is the mark of a week below the goal: hollow, pointing down.
func triangle(x, y float64) string {
	return `<path d="M` + coord(x-6) + ` ` + coord(y-4) + `h12l-6 10z" fill="#fff" stroke="` + cicoNotMet + `" stroke-width="2"/>`
}

// cicoDesc says what the chart shows, for a screen reader.
func cicoDesc(w words, weeks []progress.CICOWeek, from, to progress.Date) string {
	shown, met := 0, 0
	for _, w := range weeks {
		if d, err := progress.ParseDate(w.WeekStart); err == nil && d >= from && d <= to {
			shown++
			if w.Met {
				met++
			}
		}
	}
	span := w.T("cico.desc.span", i18n.Args{"From": w.date("doc.date.day_month_long", from.Time()), "To": w.date("doc.date.day_month_long", to.Time())})
	if shown == 0 {
		return w.T("cico.desc.none", i18n.Args{"Span": span})
	}
	return w.T("cico.desc.weeks", i18n.Args{"Span": span, "Met": met, "Shown": shown})
}

// legendWidth is about how wide words are in the chart's 13-unit
// sans-serif: the page's font is the browser's, so an estimate that errs
// wide (0.54 em a character) keeps legend items apart.
func legendWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * 7 }

// coord writes an SVG coordinate, to a tenth of a unit (progress.Figure:
// never "-0"). Geometry, not a figure for people.
func coord(v float64) string { return progress.Figure(v, 1) }

func escape(b *strings.Builder, s string) {
	_ = xml.EscapeText(b, []byte(s)) // a strings.Builder never fails
}
