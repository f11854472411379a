package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserActionEditAndCICOPages: in Chromium, an action item is
// corrected with the keyboard alone and without script (the Edit
// disclosure opens on Enter, the fields in order, Enter on the button
// saves and comes back to the list), and /cico at 60 students has its
// pager and search; axe passes on both at 1280 and 390 px (ADR 0039).
func TestBrowserActionEditAndCICOPages(t *testing.T) {
	ctx, blog := newBrowser(t)
	e := newEnv(t, false)
	e.addGoals(t, 57)
	e.addCICOCardsOf(t, 1, "2025-03-10")
	b := e.signedIn("lincoln", "admin")
	path := "/meeting?as_of=" + asOf
	if r := b.post("/meeting/actions?as_of="+asOf, url.Values{"csrf": {csrf(t, b.get(path))}, "text": {"Call the famly"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d", r.status)
	}
	forms, _ := editForms(t, b, path)
	id := forms[0].id
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	focus := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](focused))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tab := func() string { t.Helper(); do(chromedp.KeyEvent(kb.Tab)); return focus() }

	load(t, ctx, chromedp.Navigate(e.srv.URL+"/login"))
	do(chromedp.WaitVisible(chromedp.CSS(`#school`)), chromedp.KeyEvent("lincoln"), chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent("admin"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(pw))
	load(t, ctx, chromedp.KeyEvent(kb.Enter))
	load(t, ctx, chromedp.Navigate(e.srv.URL+path))
	do(chromedp.WaitVisible(chromedp.CSS(`#actions`)))
	// From the item's Remove button, Tab reaches its Edit disclosure.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('form.remove button').focus(), true)`)); err != nil {
		t.Fatal(err)
	}
	if f := tab(); !strings.HasPrefix(f, "summary:Edit") {
		t.Fatalf("after Remove, Tab is on %s", f)
	}
	do(chromedp.KeyEvent(kb.Enter))
	if f := tab(); f != "act-text-"+id {
		t.Fatalf("the open Edit leads to %s, not the text", f)
	}
	var selected bool
	do(into(&selected, chromedp.Evaluate[bool](`(document.activeElement.select(), true)`)), chromedp.KeyEvent("Call the family"))
	if f := tab(); f != "act-owner-"+id {
		t.Fatalf("after the text, Tab is on %s", f)
	}
	do(chromedp.KeyEvent(kb.ArrowDown))
	if f := tab(); f != "act-due-"+id {
		t.Fatalf("after the owner, Tab is on %s", f)
	}
	do(chromedp.KeyEvent("03282025"))
	f := tab()
	for i := 0; i < 4 && f == "act-due-"+id; i++ {
		f = tab()
	}
	if f != "button:Save the action item" {
		t.Fatalf("after the date, Tab is on %s", f)
	}
	do(axeCheck(t, "meeting with an action item's edit form open"))
	load(t, ctx, chromedp.KeyEvent(kb.Enter))
	var loc string
	do(chromedp.WaitVisible(chromedp.CSS(`#actions`)), into(&loc, chromedp.Location()))
	if !strings.HasSuffix(loc, path+"#actions") {
		t.Errorf("after saving, at %s", loc)
	}
	if text, live := liveAction(t, e, id); !live || text != "Call the family" {
		t.Errorf("stored %q (live %v)", text, live)
	}
	_, body := editForms(t, b, path)
	if !strings.Contains(body, "<span>Call the family. Owner: ") || !strings.Contains(body, "Due 2025-03-28.</span>") {
		t.Errorf("the page does not show the item as typed")
	}

	// /cico: 60 students, two pages; the next page by keyboard, then a search.
	for _, width := range []int64{1280, 390} {
		do(chromedp.EmulateViewport(width, 900))
		load(t, ctx, chromedp.Navigate(e.srv.URL+"/cico?as_of="+asOf))
		var problems []string
		do(chromedp.WaitVisible(chromedp.CSS(`main h1`)), axeCheck(t, "cico page 1"), into(&problems, chromedp.Evaluate[[]string](pagesWidthCheck)))
		for _, p := range problems {
			t.Errorf("/cico at %d px: %s", width, p)
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('a[rel=next]').focus(), true)`)); err != nil {
		t.Fatal(err)
	}
	load(t, ctx, chromedp.KeyEvent(kb.Enter))
	var rows int
	do(chromedp.WaitVisible(chromedp.CSS(`a[rel=prev]`)), into(&rows, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-student-id]').length`)))
	if rows != 10 {
		t.Errorf("page 2 of 60 has %d rows, want 10", rows)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('#f-q').focus(), true)`)); err != nil {
		t.Fatal(err)
	}
	do(chromedp.KeyEvent("maya"))
	load(t, ctx, chromedp.KeyEvent(kb.Enter))
	var found string
	do(chromedp.WaitVisible(chromedp.CSS(`tbody[data-total="1"]`)), into(&found, chromedp.Evaluate[string](`document.querySelector('tr[data-student-id]').dataset.studentId`)),
		axeCheck(t, "cico search"))
	if found != e.ids.s1 {
		t.Errorf("the search found %s, not Maya", found)
	}
	blog.check(t)
}
