package console_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// ADR 0021: the student page audits the restricted notes it
// shows; /admin/audit shows the log to admins.

var auditRowRE = regexp.MustCompile(`<tr data-audit-at="\d+" data-audit-seq="\d+" data-user-id="([^"]+)" data-device-id="([^"]+)" data-record-id="([^"]+)" data-path="([^"]+)">`)

type auditHook struct{ user, device, record, path string }

func auditRows(body string) []auditHook {
	var out []auditHook
	for _, m := range auditRowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, auditHook{m[1], m[2], m[3], m[4]})
	}
	return out
}

func TestAuditOfStudentPageAndAuditPage(t *testing.T) {
	e := newEnv(t, false)
	admin, ana, ben := e.signedIn("lincoln", "admin"), e.signedIn("lincoln", "ana"), e.signedIn("lincoln", "ben")
	if p := admin.get("/admin/audit"); p.status != http.StatusOK || len(auditRows(p.body)) != 0 || !strings.Contains(p.body, "No restricted record was given out") {
		t.Fatalf("audit page before anything: %d %s", p.status, p.body)
	}

	// The admin sees both restricted notes of s1 (twice, one session), Ana
	// her own. Only the admin's view of Ana's note is written, once: the
	// author's own views are not audited, and a record is kept once per
	// user, device (here the console session) and day (ADR 0021). Ben has
	// no s1 in scope: nothing shown, nothing written.
	for _, b := range []*browser{admin, admin, ana} {
		if p := b.get("/students/" + e.ids.s1); p.status != http.StatusOK {
			t.Fatalf("student page: %d", p.status)
		}
	}
	if p := ben.get("/students/" + e.ids.s1); p.status != http.StatusNotFound {
		t.Fatalf("ben's student page: %d", p.status)
	}
	// Ana's tablet pulls: her own restricted note, not audited; the
	// admin's tablet pulls both: Ana's is.
	for _, user := range []string{"ana", "admin"} {
		if s, _ := e.api("GET", "/v1/sync/pull?limit=5000", e.enrol("lincoln", user).token, nil); s != http.StatusOK {
			t.Fatalf("pull: %d", s)
		}
	}
	// A second admin session is another "device": written again.
	admin2 := e.signedIn("lincoln", "admin")
	admin2.get("/students/" + e.ids.s1)

	p := admin.get("/admin/audit")
	rows := auditRows(p.body)
	adminID := e.users["lincoln/admin"].ID
	var consoles []string
	pulls := 0
	for _, r := range rows {
		if r.user != adminID || r.record != e.ids.noteAnaRestricted {
			t.Errorf("an audit row of someone's own note: %+v", r)
		}
		switch r.path {
		case "console":
			consoles = append(consoles, r.device)
		case "pull":
			pulls++
		}
	}
	if len(rows) != 3 || pulls != 1 || len(consoles) != 2 || consoles[0] == consoles[1] ||
		!strings.HasPrefix(consoles[0], "console:") || !strings.HasPrefix(consoles[1], "console:") {
		t.Fatalf("audit rows: %+v", rows)
	}
	// Who and how in words; never a note's text.
	for _, want := range []string{"Casey Coach", "Shown in the console", "Synced to a tablet", "once per person"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	for _, secret := range []string{adminSecret, anaSecret, "health"} {
		if strings.Contains(p.body, secret) {
			t.Errorf("the audit page holds %q", secret)
		}
	}

	// Admins only; a link from /admin.
	if p := ana.get("/admin/audit"); p.status != http.StatusForbidden || len(auditRows(p.body)) != 0 {
		t.Errorf("ana's audit page: %d", p.status)
	}
	if p := e.browser().get("/admin/audit"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
		t.Errorf("without a session: %d %s", p.status, p.header.Get("Location"))
	}
	if p := admin.get("/admin"); !strings.Contains(p.body, `href="/admin/audit"`) {
		t.Error("/admin has no link to the audit page")
	}
	// Another school's admin sees none of it.
	if p := e.signedIn("washington", "admin").get("/admin/audit"); len(auditRows(p.body)) != 0 {
		t.Errorf("another school's audit page shows %d rows", len(auditRows(p.body)))
	}
}

func TestAuditPageParams(t *testing.T) {
	e := newEnv(t, false)
	var admin *browser
	for range 6 { // one entry a session: Ana's restricted note, first seen
		admin = e.signedIn("lincoln", "admin")
		admin.get("/students/" + e.ids.s1)
		admin.get("/students/" + e.ids.s1) // the same day again: nothing more
	}
	for _, q := range []string{"?limit=0", "?limit=x", "?since=yesterday", "?after=1-2", "?since=" + strings.Repeat("1", 100)} {
		if p := admin.get("/admin/audit" + q); p.status != http.StatusBadRequest || len(auditRows(p.body)) != 0 {
			t.Errorf("GET /admin/audit%s: %d", q, p.status)
		}
	}
	// Pages of 4: a next link, and the next page holds the rest.
	p := admin.get("/admin/audit?limit=4")
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(p.body)
	if len(auditRows(p.body)) != 4 || next == nil {
		t.Fatalf("first page: %d rows, next %v", len(auditRows(p.body)), next)
	}
	p2 := admin.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if len(auditRows(p2.body)) != 2 || strings.Contains(p2.body, `rel="next"`) {
		t.Errorf("second page: %d rows", len(auditRows(p2.body)))
	}
	// The page follows the console's accessibility rules (browser_test's
	// checks, read from the HTML): one h1, every field labelled and named.
	if n := strings.Count(p.body, "<h1"); n != 1 {
		t.Errorf("%d h1 on the audit page", n)
	}
	for _, m := range regexp.MustCompile(`<input ([^>]*)>`).FindAllStringSubmatch(p.body, -1) {
		if strings.Contains(m[1], `type="hidden"`) {
			continue
		}
		id := regexp.MustCompile(`id="([^"]+)"`).FindStringSubmatch(m[1])
		if id == nil || !strings.Contains(m[1], `name="`) || !strings.Contains(p.body, `<label for="`+id[1]+`"`) {
			t.Errorf("an unlabelled or unnamed field: %s", m[0])
		}
	}
	// Since a future date: nothing.
	if p := admin.get("/admin/audit?since=2999-01-01"); p.status != http.StatusOK || len(auditRows(p.body)) != 0 {
		t.Errorf("since 2999: %d, %d rows", p.status, len(auditRows(p.body)))
	}
}
