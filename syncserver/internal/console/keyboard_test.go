package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"smallwins/shared/record"
)

// focused describes the element with the focus: its id, else its tag and
// text, and whether a person can see it (a focus on something hidden is a
// keyboard trap of sorts: the user cannot tell where they are).
const focused = `(() => { const a = document.activeElement; if (!a || a === document.body) return 'body';
  const r = a.getBoundingClientRect(); const seen = r.width > 0 && r.height > 0 && getComputedStyle(a).visibility !== 'hidden';
  return (a.id || (a.tagName.toLowerCase() + ':' + (a.textContent || '').trim().slice(0, 40))) + (seen ? '' : ' (invisible)'); })()`

// TestBrowserMeetingKeyboardOnly: the team records a decision in the
// meeting with the keyboard alone (CONSOLE.md §5 "everything works from the
// keyboard"): Tab reaches the skip link first, then the page in reading
// order, every stop visible, and the first agenda form's fields in order;
// arrows choose in the lists, typing fills the text and the date, Enter on
// the button records the decision, and it is stored as typed.
func TestBrowserMeetingKeyboardOnly(t *testing.T) {
	ctx, blog := newBrowser(t)
	e := newEnv(t, false)
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
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/meeting?as_of="+asOf))
	do(chromedp.WaitVisible(chromedp.CSS(`form.decide`)))

	// The first agenda item is the goal the team must act on first.
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('section.agenda').dataset.goalId`))
	if err != nil {
		t.Fatal(err)
	}
	code := "code-" + first
	var stops []string
	for i := 0; i < 40; i++ {
		f := tab()
		stops = append(stops, f)
		if strings.HasSuffix(f, "(invisible)") {
			t.Errorf("Tab %d lands on something not visible: %s", i+1, f)
		}
		if f == code {
			break
		}
	}
	if len(stops) == 0 || !strings.HasPrefix(stops[0], "a:Skip to the content") {
		t.Errorf("the first Tab stop is %q, want the skip link", stops)
	}
	if stops[len(stops)-1] != code {
		t.Fatalf("40 Tabs never reached the first decision field; stops: %v", stops)
	}
	// Before the form: the navigation, sign-out, the PDFs, then the
	// student's link of this item, in that order.
	order := []string{"a:Caseload", "a:Meeting", "a:Admin", "button:Sign out", "a:Print the agenda (PDF)"}
	at := 0
	for _, s := range stops {
		if at < len(order) && s == order[at] {
			at++
		}
	}
	if at != len(order) {
		t.Errorf("tab order %v lacks, in order, %v", stops, order)
	}

	// The form, field by field: the decision list starts on the data's
	// decision; one arrow down picks the next in the list.
	var before, after string
	do(into(&before, chromedp.Evaluate[string](`document.activeElement.value`)), chromedp.KeyEvent(kb.ArrowDown),
		into(&after, chromedp.Evaluate[string](`document.activeElement.value`)))
	if before == after {
		t.Fatalf("the arrow key did not change the decision (%s)", before)
	}
	if f := tab(); f != "why-"+first {
		t.Fatalf("after the decision, Tab is on %s", f)
	}
	do(chromedp.KeyEvent("Two sessions a day for four weeks."))
	if f := tab(); f != "next-"+first {
		t.Fatalf("after the rationale, Tab is on %s", f)
	}
	do(chromedp.KeyEvent("04142025")) // mm dd yyyy, the browser's en-US date field
	var dv string
	do(into(&dv, chromedp.Evaluate[string](`document.activeElement.value`)))
	if dv != "2025-04-14" {
		t.Errorf("the date field holds %q after typing 04142025", dv)
	}
	// Chromium's date field has its own stops inside (the fields of the
	// date, its calendar button): a few Tabs leave it, to the owner.
	f := tab()
	for i := 0; i < 4 && f == "next-"+first; i++ {
		f = tab()
	}
	if f != "owner-"+first {
		t.Fatalf("after the date, Tab is on %s", f)
	}
	var owner string
	do(chromedp.KeyEvent(kb.ArrowDown), into(&owner, chromedp.Evaluate[string](`document.activeElement.value`)))
	if f := tab(); f != "button:Record the decision" {
		t.Fatalf("after the owner, Tab is on %s", f)
	}
	load(t, ctx, chromedp.KeyEvent(kb.Enter))
	var loc string
	// Back at the same card, marked decided (an anchor: no script).
	do(chromedp.WaitVisible(chromedp.CSS(`section[data-goal-id="`+first+`"][data-decided="true"] p.decided`)), into(&loc, chromedp.Location()))
	if !strings.HasSuffix(loc, "/meeting?as_of="+asOf+"#goal-"+first) {
		t.Errorf("after Enter at %s", loc)
	}

	recs, _ := pulled(t, e, e.enrol("lincoln", "admin").token, 0)
	var got []record.Decision
	for _, r := range recs {
		var d record.Decision
		if r.Type == record.TypeDecision && record.DecodeData(r.Data, &d) == nil {
			got = append(got, d)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d decisions stored, want 1", len(got))
	}
	d := got[0]
	if d.GoalID != first || d.Code != after || d.Rationale != "Two sessions a day for four weeks." || d.NextReviewDate != "2025-04-14" || d.OwnerID != owner || owner == "" {
		t.Errorf("stored %+v; typed code %s, owner %s", d, after, owner)
	}
	blog.check(t)
}
