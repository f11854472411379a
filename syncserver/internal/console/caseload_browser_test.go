package console_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserSignIn signs the admin in through the form, as a person would.
func browserSignIn(t *testing.T, ctx context.Context, e *env) {
	t.Helper()
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/login"))
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#school`)), chromedp.KeyEvent("lincoln"), chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent("admin"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(pw)); err != nil {
		t.Fatal(err)
	}
	load(t, ctx, chromedp.KeyEvent(kb.Enter))
}

// screenshot writes docs/screenshots/console-<name>.png with
// UPDATE_SCREENSHOTS=1 (the whole page).
func screenshot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if os.Getenv("UPDATE_SCREENSHOTS") != "1" {
			return nil
		}
		png, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join("..", "..", "..", "docs", "screenshots", "console-"+name+".png"), png, 0o644)
	})
}

// narrowCheck is what "no sideways scrolling" means in the browser (at
// 390 px, and at a desktop's 1280): the document is no wider than the
// viewport, nothing inside scrolls sideways, and every row's decision is
// on screen.
const narrowCheck = `(() => { const p = [], w = document.documentElement.scrollWidth, vw = window.innerWidth;
  if (w > vw) p.push('the page is ' + w + ' px wide at ' + vw);
  for (const el of document.querySelectorAll('main *')) if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) p.push('a ' + el.tagName + ' scrolls sideways');
  for (const td of document.querySelectorAll('td[data-label="Decision"]')) { const r = td.getBoundingClientRect(); if (r.right > vw || r.left < 0) p.push('a decision at ' + r.left + '–' + r.right); }
  return p; })()`

// TestBrowserCaseload drives the caseload of 64 goals in Chromium: filter
// with the form, search by name, sort a column both ways by its header,
// page on, download the filtered CSV; axe-core on the plain, sorted and
// filtered caseload at 1280 px and at 390 px, where the rows are cards and
// nothing scrolls sideways (CONSOLE.md §3, §5; ADR 0018).
func TestBrowserCaseload(t *testing.T) {
	ctx, blog := newBrowser(t)
	e := newEnv(t, false)
	_, zoe, _, _ := e.addZoe(t)
	e.addGoals(t, 60) // 64 active goals: two pages
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	var got []hookRow
	var loc string
	readPage := func() {
		t.Helper()
		do(chromedp.WaitVisible(chromedp.CSS(`table.caseload`)), into(&loc, chromedp.Location()), into(&got, chromedp.Evaluate[[]hookRow](readRows)))
	}
	names := func() []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('td.who a')).map(a => a.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ariaSort := func() map[string]string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries(Array.from(document.querySelectorAll('th[aria-sort]')).map(th => [th.querySelector('a').firstChild.textContent, th.getAttribute('aria-sort') + ' ' + th.querySelector('.arrow').textContent]))`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	browserSignIn(t, ctx, e)

	// Plain, at a desktop's width: 50 rows of 64, the hooks as the API's.
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/?as_of="+asOf))
	readPage()
	var wide []string
	do(axeCheck(t, "caseload"), into(&wide, chromedp.Evaluate[[]string](narrowCheck)))
	for _, p := range wide {
		t.Errorf("1280 px: %s", p)
	}
	if len(got) != 50 {
		t.Fatalf("%d rows on the first page, want 50", len(got))
	}
	for _, h := range got[:5] {
		if r := e.report("lincoln", "admin", h.Goal); h.Decision != r.Decision.Code || h.Status != r.Status || h.Student != r.Goal.StudentID {
			t.Errorf("row %+v, report %s %s", h, r.Decision.Code, r.Status)
		}
	}

	// Filter with the form: the math measure.
	do(chromedp.SetValue(chromedp.CSS(`#f-measure`), "math_cbm_digits"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)))
	readPage()
	if !strings.Contains(loc, "measure=math_cbm_digits") || len(got) != 1 || got[0].Goal != zoe {
		t.Errorf("measure filter at %s: %+v", loc, got)
	}
	do(axeCheck(t, "caseload, filtered"))

	// Search by name, typed, Enter submits (the measure filter is kept).
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/?as_of="+asOf))
	do(chromedp.Click(chromedp.CSS(`#f-q`)), chromedp.KeyEvent("mAYa"))
	load(t, ctx, chromedp.KeyEvent(kb.Enter))
	readPage()
	if !strings.Contains(loc, "q=mAYa") || len(got) != 1 || got[0].Goal != e.ids.goal1 {
		t.Errorf("search at %s: %+v", loc, got)
	}

	// Sort by Student with its header link, then the other way.
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/?as_of="+asOf))
	load(t, ctx, chromedp.Click(chromedp.CSS(`thead th:first-child a`)))
	readPage()
	up := names()
	if s := ariaSort(); len(s) != 1 || s["Student"] != "ascending ▲" || !slices.IsSortedFunc(up, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("after one click: aria-sort %v, names %v", s, up[:5])
	}
	do(axeCheck(t, "caseload, sorted"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`thead th:first-child a`)))
	readPage()
	down := names()
	if s := ariaSort(); s["Student"] != "descending ▼" || down[0] != "Zoë Ávila" || !strings.Contains(loc, "dir=desc") {
		t.Errorf("after two clicks at %s: aria-sort %v, first %q", loc, s, down[0])
	}
	do(axeCheck(t, "caseload, sorted descending"))

	// Page on: the rest, with the sort kept, and back.
	first := got
	load(t, ctx, chromedp.Click(chromedp.CSS(`a[rel=next]`)))
	readPage()
	if !strings.Contains(loc, "page=2") || !strings.Contains(loc, "dir=desc") || len(got) != 14 {
		t.Errorf("page 2 at %s: %d rows", loc, len(got))
	}
	for _, h := range got {
		if slices.Contains(first, h) {
			t.Errorf("goal %s on both pages", h.Goal)
		}
	}
	do(screenshot("caseload-wide"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`a[rel=prev]`)))
	readPage()
	if !slices.Equal(got, first) {
		t.Errorf("back on page 1, other rows")
	}

	// Download the filtered caseload: Ben's goals (Iris and Zoë).
	dir := t.TempDir()
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/?as_of="+asOf+"&interventionist="+e.users["lincoln/ben"].ID))
	done := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		events := true
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events})
		return err
	}), chromedp.Click(chromedp.CSS(`p.downloads a`)))
	var file string
	for ev, err := range done {
		if err != nil {
			t.Fatal(err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 3 {
		t.Fatalf("the downloaded CSV: %d lines, %v", len(recs), err)
	}
	var students []string
	for _, r := range recs[1:] {
		students = append(students, r[0])
	}
	if slices.Sort(students); !slices.Equal(students, []string{"Iris Chen", "Zoë Ávila"}) {
		t.Errorf("the CSV holds %v", students)
	}

	// At 390 px: cards, nothing sideways, and axe again (plain, sorted,
	// filtered).
	do(chromedp.EmulateViewport(390, 844))
	for _, q := range []string{"", "&sort=student&dir=desc", "&interventionist=" + e.users["lincoln/ben"].ID} {
		load(t, ctx, chromedp.Navigate(e.srv.URL+"/?as_of="+asOf+q))
		var problems []string
		var display string
		do(chromedp.WaitVisible(chromedp.CSS(`table.caseload`)), into(&problems, chromedp.Evaluate[[]string](narrowCheck)),
			into(&display, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('tbody tr')).display`)),
			axeCheck(t, "caseload at 390 px"+q))
		for _, p := range problems {
			t.Errorf("390 px%s: %s", q, p)
		}
		if display != "block" {
			t.Errorf("390 px%s: a row is displayed %q, not as a card", q, display)
		}
	}
	do(screenshot("caseload-390"))
	// The check can fail: the same page with a line that cannot wrap.
	var problems []string
	do(into(&problems, chromedp.Evaluate[[]string](`document.querySelector('main').insertAdjacentHTML('beforeend', '<pre>' + 'x'.repeat(200) + '</pre>'); `+narrowCheck)))
	if len(problems) == 0 {
		t.Error("the 390 px check did not see a line 200 characters wide")
	}
	do(chromedp.EmulateViewport(1280, 900))
	blog.check(t)
}

// TestBrowserCaseloadAtScale loads the caseload of a school of 2,000
// active goals in Chromium: the page (HTML, stylesheet, icon) is under
// 300 KB (CONSOLE.md §5, asserted); the load event's time and the DOM's
// size are logged for docs/PERFORMANCE.md, not asserted (this machine is
// shared).
func TestBrowserCaseloadAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 2,000 goals")
	}
	ctx, blog := newBrowser(t)
	e := newEnv(t, false)
	e.addGoals(t, 1997) // and the fixture's 3
	browserSignIn(t, ctx, e)
	type figures struct {
		Load   float64 `json:"load"`
		Total  float64 `json:"total"`
		HTML   float64 `json:"html"`
		Nodes  float64 `json:"nodes"`
		Rows   float64 `json:"rows"`
		Height float64 `json:"height"`
	}
	const measure = `(() => { const t = performance.timing, n = performance.getEntriesByType('navigation')[0];
	  let total = n.decodedBodySize; for (const r of performance.getEntriesByType('resource')) total += r.decodedBodySize;
	  return {load: t.loadEventEnd - t.navigationStart, total: total, html: n.decodedBodySize, nodes: document.getElementsByTagName('*').length,
	    rows: document.querySelectorAll('tr[data-goal-id]').length, height: document.documentElement.scrollHeight}; })()`
	for _, q := range []string{"", "&sort=student&dir=desc", "&review_due=1&page=3"} {
		for i := 0; i < 3; i++ { // the first load warms the report cache
			load(t, ctx, chromedp.Navigate(e.srv.URL+"/?as_of="+asOf+q))
			var f figures
			do := func(a chromedp.Action[chromedp.Void]) {
				if err := chromedp.Do(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Poll[bool](`performance.timing.loadEventEnd > 0`, chromedp.WithPollingTimeout(30*time.Second))(ctx, tg)
				return err
			}))
			do(into(&f, chromedp.Evaluate[figures](measure)))
			t.Logf("caseload of 2,000%s, load %d: load event %.0f ms, %.0f KB (HTML %.0f KB), %.0f elements, %.0f rows, %.0f px tall",
				q, i+1, f.Load, f.Total/1024, f.HTML/1024, f.Nodes, f.Rows, f.Height)
			if f.Total == 0 || f.Total > 300*1024 {
				t.Errorf("%s: the page is %.0f KB, over 300 KB", q, f.Total/1024)
			}
			if f.Rows != 50 {
				t.Errorf("%s: %v rows", q, f.Rows)
			}
		}
	}
	blog.check(t)
}
