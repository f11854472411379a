package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/uuid"

	"smallwins/shared/record"
)

// chromium finds the browser the end-to-end tests drive: $SMALLWINS_CHROME,
// or the distribution's Chromium (scripts/deps.sh installs it). Without one
// the tests skip loudly, except with CI=true, where they fail.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SMALLWINS_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("Chromium is required in CI (apt-get install chromium, or make deps)")
	}
	t.Skip("\n*** SKIPPING: Chromium is not installed (make deps installs chromium): the console's browser tests cannot run ***\n")
	return ""
}

// newBrowser starts headless Chromium with a throwaway profile. The flags
// keep it from phoning home: the machine may have no internet, and without
// them Chromium's background connections fail noisily. extra are more
// flags (a language, for the Spanish tests).
func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) (context.Context, *browserLog) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0],
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	opts = append(opts, extra...)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	// The first Run starts the browser; the console is read from then on
	// (a CSP violation is an error message there).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	bl := &browserLog{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				bl.add(m.String())
			}
		}
	}()
	return ctx, bl
}

// browserLog collects the page's errors (a CSP violation is one).
type browserLog struct {
	mu   sync.Mutex
	errs []string
}

func (b *browserLog) add(s string) { b.mu.Lock(); b.errs = append(b.errs, s); b.mu.Unlock() }

// drop forgets the errors that contain s (an expected one).
func (b *browserLog) drop(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.errs[:0]
	for _, e := range b.errs {
		if !strings.Contains(e, s) {
			kept = append(kept, e)
		}
	}
	b.errs = kept
}

func (b *browserLog) check(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errs {
		t.Errorf("browser error: %s", e)
	}
	b.errs = nil
}

// axeSource is axe-core, vendored as a test fixture (testdata/axe-core).
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
	return string(b), err
})

// axeRun runs axe-core in the page with its default rules (WCAG 2.0–2.2 A
// and AA, and best practices) and returns each serious or critical
// violation as "rule: help (targets)". The source is evaluated through the
// DevTools protocol, which the page's CSP (no script at all) does not
// govern; the page itself never gets a script tag.
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ')))`

func axeCheck(t *testing.T, page string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		src, err := axeSource()
		if err != nil {
			return err
		}
		if _, err := chromedp.Evaluate[bool](src+";\ntrue")(ctx, tg); err != nil {
			return err
		}
		found, err := chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise)(ctx, tg)
		if err != nil {
			return err
		}
		for _, v := range found {
			t.Errorf("%s: axe-core: %s", page, v)
		}
		checkedPages.Add(1)
		return nil
	})
}

var checkedPages atomic.Int32

type hookRow struct {
	Goal     string `json:"goal"`
	Student  string `json:"student"`
	Decision string `json:"decision"`
	Status   string `json:"status"`
}

const readRows = `Array.from(document.querySelectorAll('tr[data-goal-id]')).map(tr => ({goal: tr.dataset.goalId,
  student: tr.dataset.studentId, decision: tr.dataset.decision, status: tr.dataset.status}))`

// into runs a and keeps its value in dst.
func into[T any](dst *T, a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, t)
		*dst = v
		return chromedp.Void{}, err
	}
}

// load runs steps that navigate (a click, an Enter) and waits for the new
// page, failing on an HTTP error status.
func load(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("navigation: %v", err)
	}
	if resp.Status >= 400 {
		t.Fatalf("navigation to %s: HTTP %d", resp.URL, resp.Status)
	}
}

// TestBrowserConsole drives the console in Chromium as a person would:
// signs in with the keyboard only, reads the caseload's hooks and compares
// them with /v1/reports/progress, filters, opens a student and checks the
// goal's hooks and that its chart loads under the CSP. With
// UPDATE_SCREENSHOTS=1 it also writes docs/screenshots/console-*.png.
func TestBrowserConsole(t *testing.T) {
	ctx, blog := newBrowser(t)
	e := newEnv(t, false)
	checkedPages.Store(0)
	// Maya's second plan and a team decision: two phase lines on her chart
	// (neither changes a report: her goal's plan is the first).
	e.push(e.enrol("lincoln", "admin"), []record.Envelope{
		{ID: uuid.NewString(), Type: "plan", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-02-10","sessions_per_week":4,"minutes_per_session":30}`, e.ids.s1, e.ids.program, e.ids.bluebirds))},
		{ID: uuid.NewString(), Type: "decision", Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":"2025-02-24","code":"change_instruction","rationale":"More partner reading."}`, e.ids.s1, e.ids.goal1))},
	})
	shots := os.Getenv("UPDATE_SCREENSHOTS") == "1"
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if !shots {
				return nil
			}
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join("..", "..", "..", "docs", "screenshots", "console-"+name+".png"), png, 0o644)
		})
	}
	active := func(want string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			id, err := chromedp.Evaluate[string](`document.activeElement ? (document.activeElement.id || document.activeElement.tagName) : ''`)(ctx, tg)
			if err != nil {
				return err
			}
			if id != want {
				t.Errorf("focus is on %q, want %q", id, want)
			}
			return nil
		})
	}
	// The accessibility check of each page: axe-core (serious and critical
	// violations fail), then our own rules it does not make: one h1, a name
	// on every form field (CONSOLE.md §4), no positive tabindex.
	a11y := func(page string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := axeCheck(t, page)(ctx, tg); err != nil {
				return err
			}
			problems, err := chromedp.Evaluate[[]string](`(() => { const p = [];
			  if (!document.documentElement.lang) p.push('no lang');
			  if (!document.title) p.push('no title');
			  if (document.querySelectorAll('h1').length !== 1) p.push('not one h1');
			  for (const f of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
			    if (!f.labels || f.labels.length === 0) p.push('no label: ' + (f.id || f.name));
			    if (!f.name) p.push('no name: ' + f.id);
			  }
			  for (const i of document.querySelectorAll('img')) if (!i.alt) p.push('no alt: ' + i.src);
			  for (const e of document.querySelectorAll('[tabindex]')) if (e.tabIndex > 0) p.push('positive tabindex');
			  return p; })()`)(ctx, tg)
			if err != nil {
				return err
			}
			for _, p := range problems {
				t.Errorf("%s: accessibility: %s", page, p)
			}
			return nil
		})
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}

	// Keyboard only: the school field has the focus, Tab moves to the next
	// field, Enter submits.
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/login"))
	do(chromedp.WaitVisible(chromedp.CSS(`#school`)), shot("login"), a11y("login"), active("school"),
		chromedp.KeyEvent("lincoln"), chromedp.KeyEvent(kb.Tab), active("username"),
		chromedp.KeyEvent("admin"), chromedp.KeyEvent(kb.Tab), active("password"),
		chromedp.KeyEvent(pw))
	load(t, ctx, chromedp.KeyEvent(kb.Enter))
	var loc string
	do(chromedp.WaitVisible(chromedp.CSS(`table.caseload`)), into(&loc, chromedp.Location()))
	if loc != e.srv.URL+"/" {
		t.Fatalf("after sign-in at %q", loc)
	}

	// The caseload's hooks against the report API, goal by goal.
	var got []hookRow
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/?as_of="+asOf))
	do(chromedp.WaitVisible(chromedp.CSS(`table.caseload`)), into(&got, chromedp.Evaluate[[]hookRow](readRows)), shot("caseload"), a11y("caseload"))
	if len(got) != 3 {
		t.Fatalf("caseload rows in the browser = %d, want 3", len(got))
	}
	for _, h := range got {
		r := e.report("lincoln", "admin", h.Goal)
		if h.Student != r.Goal.StudentID || h.Decision != r.Decision.Code || h.Status != r.Status {
			t.Errorf("row %+v, report: %s %s %s", h, r.Goal.StudentID, r.Decision.Code, r.Status)
		}
	}

	// Filter by decision with the form (no script needed).
	do(chromedp.SetValue(chromedp.CSS(`#f-decision`), "not_enough_data"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)))
	do(chromedp.WaitVisible(chromedp.CSS(`table.caseload`)), into(&loc, chromedp.Location()), into(&got, chromedp.Evaluate[[]hookRow](readRows)))
	if !strings.Contains(loc, "decision=not_enough_data") || len(got) != 1 || got[0].Goal != e.ids.goal2 {
		t.Errorf("filtered at %s: %+v", loc, got)
	}

	// Open a student from the caseload, then read their page for as_of.
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/?as_of="+asOf))
	load(t, ctx, chromedp.Click(chromedp.CSS(`tr[data-goal-id="`+e.ids.goal1+`"] a`)))
	do(chromedp.WaitVisible(chromedp.CSS(`section.goal`)), into(&loc, chromedp.Location()))
	if loc != e.srv.URL+"/students/"+e.ids.s1 {
		t.Errorf("the student link went to %s", loc)
	}
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/students/"+e.ids.s1+"?as_of="+asOf))
	var hooks map[string]string
	var chartOK bool
	do(chromedp.WaitVisible(chromedp.CSS(`section.goal img`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`document.querySelector('section.goal img').complete`, chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
			return err
		}),
		into(&hooks, chromedp.Evaluate[map[string]string](`(() => { const s = document.querySelector('section.goal[data-goal-id="`+e.ids.goal1+`"]');
		  return {decision: s.dataset.decision, points: s.dataset.points, tukey: s.dataset.tukeySlope, ols: s.dataset.olsSlope}; })()`)),
		into(&chartOK, chromedp.Evaluate[bool](`document.querySelector('section.goal img').naturalWidth > 0`)),
		shot("student"), a11y("student"))
	r := e.report("lincoln", "admin", e.ids.goal1)
	ols, _ := strconv.ParseFloat(hooks["ols"], 64)
	tukey, _ := strconv.ParseFloat(hooks["tukey"], 64)
	if hooks["decision"] != r.Decision.Code || hooks["points"] != strconv.Itoa(r.PointsAfterBaseline) ||
		math.Abs(ols-r.Trend.OLS.Slope) > 1e-9 || math.Abs(tukey-r.Trend.Tukey.Slope) > 1e-9 {
		b, _ := json.Marshal(hooks)
		t.Errorf("student hooks %s, report %s %d %v %v", b, r.Decision.Code, r.PointsAfterBaseline, r.Trend.OLS.Slope, r.Trend.Tukey.Slope)
	}
	if !chartOK {
		t.Errorf("the chart image did not load (CSP or SVG)")
	}
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/meeting?as_of="+asOf))
	do(chromedp.WaitVisible(chromedp.CSS(`main h1`)), shot("meeting"), a11y("meeting"))
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/groups/"+e.ids.bluebirds+"?as_of="+asOf))
	do(chromedp.WaitVisible(chromedp.CSS(`table.fidelity`)), shot("group"), a11y("group"))
	// An error page (another school's or an unknown id) is a page too; its
	// 404 is the one console error expected.
	blog.check(t)
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(e.srv.URL+"/students/"+e.ids.program)); err != nil {
		t.Fatal(err)
	}
	do(chromedp.WaitVisible(chromedp.CSS(`main h1`)), shot("error"), a11y("error"))
	blog.drop("status of 404")

	// The admin page, with an enrolment code made for Ben through its form:
	// the code and its inline SVG QR code show under the CSP.
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/admin"))
	do(chromedp.WaitVisible(chromedp.CSS(`table.users`)), a11y("admin"))
	load(t, ctx, chromedp.Click(chromedp.CSS(`tr[data-user-id="`+e.users["lincoln/ben"].ID+`"] form[action="/admin/codes"] button`)))
	var qrWidth float64
	do(chromedp.WaitVisible(chromedp.CSS(`section.code svg.qr`)),
		into(&qrWidth, chromedp.Evaluate[float64](`document.querySelector('svg.qr').getBoundingClientRect().width`)),
		shot("admin"), a11y("admin with a code"))
	if qrWidth < 100 {
		t.Errorf("the QR code is %v px wide", qrWidth)
	}
	// The audit of restricted content (the student pages above wrote to it).
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/admin/audit"))
	do(chromedp.WaitVisible(chromedp.CSS(`main h1`)), shot("audit"), a11y("audit"))
	// login, caseload, student, meeting, group, error, admin, admin with a
	// code, audit
	if n := checkedPages.Load(); n != 9 {
		t.Errorf("axe-core checked %d pages, want every one (9)", n)
	}
	// The check can fail: the same page with a nameless button and an image
	// without alt text has critical violations.
	var broken []string
	var inserted bool
	do(into(&inserted, chromedp.Evaluate[bool](`document.querySelector('main').insertAdjacentHTML('beforeend', '<button></button><img src="/static/favicon.svg">'); true`)),
		into(&broken, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise)))
	if !slices.ContainsFunc(broken, func(v string) bool { return strings.HasPrefix(v, "button-name") }) ||
		!slices.ContainsFunc(broken, func(v string) bool { return strings.HasPrefix(v, "image-alt") }) {
		t.Errorf("axe-core did not see a nameless button and an image without alt: %v", broken)
	}
	blog.check(t)
}
