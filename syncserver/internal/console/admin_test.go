package console_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// syncs reports whether a tablet's token still works, and the error code
// when it does not.
func syncs(t *testing.T, e *env, token string) (int, string) {
	t.Helper()
	status, body := e.api("GET", "/v1/sync/pull?after=0", token, nil)
	var eb protocol.ErrorBody
	_ = json.Unmarshal(body, &eb)
	if eb.Error != nil {
		return status, string(eb.Error.Code)
	}
	return status, ""
}

// TestAdminPageListsUsersAndDevices: an admin sees every user and tablet
// of the school, and the nav link; an interventionist gets 403 on the page
// and on every form, and no link.
func TestAdminPageListsUsersAndDevices(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	p := b.get("/admin")
	if p.status != http.StatusOK {
		t.Fatalf("admin page: %d", p.status)
	}
	for _, u := range []string{"admin", "ana", "ben"} {
		if !strings.Contains(p.body, `data-user-id="`+e.users["lincoln/"+u].ID+`"`) {
			t.Errorf("user %s is not listed", u)
		}
	}
	if strings.Contains(p.body, e.users["washington/ana"].ID) {
		t.Errorf("another school's user is listed")
	}
	if n := strings.Count(p.body, "<tr data-device-id="); n != 2 { // the fixture's admin and ana tablets
		t.Errorf("%d devices listed, want 2", n)
	}
	if !strings.Contains(p.body, `<a href="/admin" aria-current="page">Admin</a>`) || strings.Count(p.body, `name="csrf"`) < 10 {
		t.Errorf("no Admin nav link, or forms without a token")
	}
	if strings.Contains(p.body, " style=") || strings.Contains(p.body, "<script") {
		t.Errorf("the admin page has inline style or script")
	}
	ana := e.signedIn("lincoln", "ana")
	if p := ana.get("/"); strings.Contains(p.body, `href="/admin"`) {
		t.Errorf("an interventionist has the Admin link")
	}
	if p := ana.get("/admin"); p.status != http.StatusForbidden || strings.Contains(p.body, "Ben Okafor") {
		t.Errorf("an interventionist gets /admin: %d", p.status)
	}
	tok := csrf(t, ana.get("/meeting"))
	ben := e.users["lincoln/ben"].ID
	for _, path := range []string{"/admin/users/disable", "/admin/users/role", "/admin/codes"} {
		if p := ana.post(path, url.Values{"csrf": {tok}, "user_id": {ben}, "role": {"admin"}}); p.status != http.StatusForbidden {
			t.Errorf("an interventionist posts %s: %d", path, p.status)
		}
	}
	if p := b.get("/admin"); !strings.Contains(p.body, `data-user-id="`+ben+`" data-role="interventionist" data-disabled="false"`) {
		t.Errorf("ben changed through an interventionist's forms")
	}
}

// TestAdminDisableUser: disabling through the form revokes the user's
// tablets at once (401); without the CSRF token nothing changes; an admin
// cannot disable or demote themself (409 and words on the page).
func TestAdminDisableUser(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	ana := e.users["lincoln/ana"].ID
	tab := e.enrol("lincoln", "ana")
	for _, tok := range []string{"", "forged"} {
		if p := b.post("/admin/users/disable", url.Values{"csrf": {tok}, "user_id": {ana}}); p.status != http.StatusForbidden {
			t.Errorf("disable with token %q: %d", tok, p.status)
		}
	}
	if status, _ := syncs(t, e, tab.token); status != http.StatusOK {
		t.Fatalf("ana's tablet stopped without a valid form: %d", status)
	}
	p := b.post("/admin/users/disable", url.Values{"csrf": {csrf(t, b.get("/admin"))}, "user_id": {ana}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/admin?done=disabled" {
		t.Fatalf("disable: %d %s", p.status, p.body)
	}
	if status, _ := syncs(t, e, tab.token); status != http.StatusUnauthorized {
		t.Errorf("a disabled user's token: %d", status)
	}
	page := b.get("/admin?done=disabled")
	if !strings.Contains(page.body, `data-user-id="`+ana+`" data-role="interventionist" data-disabled="true"`) || !strings.Contains(page.body, "The user is disabled") {
		t.Errorf("the page does not show ana disabled")
	}
	me := e.users["lincoln/admin"].ID
	for path, form := range map[string]url.Values{"/admin/users/disable": {}, "/admin/users/role": {"role": {"interventionist"}}} {
		form.Set("csrf", csrf(t, page))
		form.Set("user_id", me)
		p := b.post(path, form)
		if p.status != http.StatusConflict || !strings.Contains(p.body, "You cannot disable yourself or take away your own admin role") {
			t.Errorf("%s on oneself: %d", path, p.status)
		}
	}
	if p := b.get("/admin"); p.status != http.StatusOK || !strings.Contains(p.body, `data-user-id="`+me+`" data-role="admin" data-disabled="false"`) {
		t.Errorf("the admin locked themself out: %d", p.status)
	}
	// A weak password is refused with the API's rule and words.
	p = b.post("/admin/users/password", url.Values{"csrf": {csrf(t, page)}, "user_id": {e.users["lincoln/ben"].ID}, "password": {"short"}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "The password must have at least 8 characters.") {
		t.Errorf("weak password: %d", p.status)
	}
	p = b.post("/admin/users/password", url.Values{"csrf": {csrf(t, page)}, "user_id": {e.users["lincoln/ben"].ID}, "password": {"a brand new passphrase"}})
	if p.status != http.StatusSeeOther || e.browser().signIn("lincoln", "ben", "a brand new passphrase").status != http.StatusSeeOther {
		t.Errorf("password reset: %d", p.status)
	}
	if strings.Contains(e.logs.String(), "a brand new passphrase") {
		t.Errorf("a password reached the log")
	}
}

var codeRE = regexp.MustCompile(`data-enrolment-code="([^"]+)"`)

// TestAdminEnrolmentCode: the code form shows a code, as text and as an
// inline SVG QR code, that enrols a tablet once through the API.
func TestAdminEnrolmentCode(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	p := b.post("/admin/codes", url.Values{"csrf": {csrf(t, b.get("/admin"))}, "user_id": {e.users["lincoln/ben"].ID}})
	if p.status != http.StatusOK {
		t.Fatalf("code: %d %s", p.status, p.body)
	}
	m := codeRE.FindStringSubmatch(p.body)
	if m == nil || !strings.Contains(p.body, `<p class="codetext">`+m[1]+`</p>`) {
		t.Fatalf("no code shown as text")
	}
	if !strings.Contains(p.body, `<svg xmlns="http://www.w3.org/2000/svg" class="qr"`) || !strings.Contains(p.body, `<path fill="#000" d="M`) || strings.Contains(p.body, " style=") {
		t.Errorf("no inline SVG QR code (or one with a style attribute)")
	}
	if strings.Contains(e.logs.String(), m[1]) {
		t.Errorf("the code reached the log")
	}
	enrol := func() (int, []byte) {
		return e.api("POST", "/v1/devices", "", map[string]any{"school": "lincoln", "code": m[1], "device_id": uuid.NewString(), "device_name": "ben's tablet"})
	}
	status, body := enrol()
	var r protocol.EnrolResponse
	if status != http.StatusCreated || json.Unmarshal(body, &r) != nil || r.User.ID != e.users["lincoln/ben"].ID {
		t.Fatalf("enrol with the code: %d %s", status, body)
	}
	if status, _ := enrol(); status != http.StatusUnauthorized {
		t.Errorf("the code worked twice: %d", status)
	}
	// Another school's user: not found, no code.
	p = b.post("/admin/codes", url.Values{"csrf": {csrf(t, b.get("/admin"))}, "user_id": {e.users["washington/ben"].ID}})
	if p.status != http.StatusNotFound || codeRE.MatchString(p.body) {
		t.Errorf("a code for another school's user: %d", p.status)
	}
}

// TestAdminRevokeDevice: "Revoke" signs a tablet out (401 unauthorized),
// "Revoke and wipe" also marks it (401 device_wiped); without the token
// nothing happens.
func TestAdminRevokeDevice(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	ana, ben := e.enrol("lincoln", "ana"), e.enrol("lincoln", "ben")
	_, body := e.api("GET", "/v1/admin/devices", e.enrol("lincoln", "admin").token, nil)
	var devs protocol.DevicesResponse
	if err := json.Unmarshal(body, &devs); err != nil {
		t.Fatal(err)
	}
	dev := map[string]string{}
	for _, d := range devs.Devices {
		dev[d.User.Username] = d.DeviceID
	}
	if p := b.post("/admin/devices", url.Values{"device_id": {dev["ben"]}}); p.status != http.StatusForbidden {
		t.Errorf("revoke without a token: %d", p.status)
	}
	if status, _ := syncs(t, e, ben.token); status != http.StatusOK {
		t.Fatalf("ben's tablet revoked without a token: %d", status)
	}
	if p := b.post("/admin/devices", url.Values{"csrf": {csrf(t, b.get("/admin"))}, "device_id": {dev["ben"]}}); p.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", p.status, p.body)
	}
	if status, code := syncs(t, e, ben.token); status != http.StatusUnauthorized || code != "unauthorized" {
		t.Errorf("revoked tablet: %d %s", status, code)
	}
	if p := b.post("/admin/devices", url.Values{"csrf": {csrf(t, b.get("/admin"))}, "device_id": {dev["ana"]}, "wipe": {"1"}}); p.status != http.StatusSeeOther {
		t.Fatalf("wipe: %d %s", p.status, p.body)
	}
	if status, code := syncs(t, e, ana.token); status != http.StatusUnauthorized || code != "device_wiped" {
		t.Errorf("wiped tablet: %d %s", status, code)
	}
	if p := b.get("/admin"); !strings.Contains(p.body, `data-device-id="`+dev["ana"]+`" data-revoked="true"`) {
		t.Errorf("the list does not show ana's tablet revoked")
	}
	if p := b.post("/admin/devices", url.Values{"csrf": {csrf(t, b.get("/admin"))}, "device_id": {uuid.NewString()}}); p.status != http.StatusNotFound {
		t.Errorf("unknown device: %d", p.status)
	}
}

func rosterZip(t *testing.T, usersCSV string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("users.csv")
	_, _ = io.WriteString(w, usersCSV)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (b *browser) upload(path string, fields map[string]string, file []byte) page {
	b.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "roster.zip")
	_, _ = fw.Write(file)
	_ = mw.Close()
	resp, err := b.c.Post(b.e.srv.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(out)}
}

func studentsPulled(t *testing.T, e *env) map[string]record.Student {
	recs, _ := pulled(t, e, e.enrol("lincoln", "admin").token, 0)
	out := map[string]record.Student{}
	for _, r := range recs {
		var s record.Student
		if r.Type == record.TypeStudent && record.DecodeData(r.Data, &s) == nil {
			out[s.GivenName+" "+s.FamilyName] = s
		}
	}
	return out
}

var tokenRE = regexp.MustCompile(`name="confirm_token" value="([A-Za-z0-9_-]{43})"`)

// TestAdminImport: the upload is a dry run that writes nothing and shows
// the report; confirming with the same file writes the students; a file
// with errors shows them with file, line and column; no token, no import.
func TestAdminImport(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	zipped := rosterZip(t, "sourcedId,role,givenName,familyName,grades,status\n"+
		"s-1,student,Nora,Quist,3,active\ns-2,student,Omar,Reyes,KG,active\nt-1,teacher,Tess,Ray,,active\n")
	before := len(studentsPulled(t, e))
	tok := csrf(t, b.get("/admin"))
	if p := b.upload("/admin/import", map[string]string{}, zipped); p.status != http.StatusForbidden {
		t.Errorf("import without a token: %d", p.status)
	}
	p := b.upload("/admin/import", map[string]string{"csrf": tok}, zipped)
	if p.status != http.StatusOK || !strings.Contains(p.body, `data-dry-run="true" data-created="2" data-updated="0" data-errors="0"`) {
		t.Fatalf("dry run: %d %s", p.status, p.body)
	}
	if n := len(studentsPulled(t, e)); n != before {
		t.Fatalf("the dry run wrote: %d students, want %d", n, before)
	}
	m := tokenRE.FindStringSubmatch(p.body)
	if m == nil || !strings.Contains(p.body, "Confirm import") {
		t.Fatalf("no confirm form")
	}
	// Confirming with another file only dry-runs that one.
	other := rosterZip(t, "sourcedId,role,givenName,familyName,grades,status\ns-9,student,Zed,Zee,4,active\n")
	if p := b.upload("/admin/import", map[string]string{"csrf": tok, "confirm": "1", "confirm_token": m[1]}, other); p.status != http.StatusConflict || !strings.Contains(p.body, `data-dry-run="true"`) {
		t.Errorf("confirm with another file: %d", p.status)
	}
	p = b.upload("/admin/import", map[string]string{"csrf": tok, "confirm": "1", "confirm_token": m[1]}, zipped)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/admin?done=imported" {
		t.Fatalf("confirm: %d %s", p.status, p.body)
	}
	got := studentsPulled(t, e)
	if len(got) != before+2 || got["Nora Quist"].Grade != "3" || got["Omar Reyes"].Grade != "K" || got["Nora Quist"].ExternalID != "s-1" {
		t.Errorf("after the import: %d students, %+v", len(got), got["Nora Quist"])
	}
	if strings.Contains(e.logs.String(), "Nora") {
		t.Errorf("a student's name reached the log")
	}
	// Errors: shown with their place, nothing written.
	bad := rosterZip(t, "sourcedId,role,givenName,familyName,grades,status\ns-3,student,Pia,Sand,99,active\n")
	p = b.upload("/admin/import", map[string]string{"csrf": tok}, bad)
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "<td>users.csv</td><td>2</td><td>grades</td>") || strings.Contains(p.body, "Confirm import") {
		t.Errorf("errors: %d %s", p.status, p.body)
	}
	if p := b.upload("/admin/import", map[string]string{"csrf": tok}, []byte("not a zip")); p.status != http.StatusBadRequest {
		t.Errorf("not a zip: %d", p.status)
	}
	if n := len(studentsPulled(t, e)); n != before+2 {
		t.Errorf("a refused import wrote: %d", n)
	}
}

// TestAdminImportConfirmBindsDryRun (issue 20): the confirm binds the
// whole dry run, the file and every option: the same file confirmed with
// another org, another file, or the token of another admin's session, is
// refused with 409 and writes nothing; only the dry run as it was runs.
func TestAdminImportConfirmBindsDryRun(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	zipped := rosterZip(t, "sourcedId,role,givenName,familyName,grades,orgSourcedIds\n"+
		"s-1,student,Nora,Quist,3,org-a\ns-2,student,Omar,Reyes,KG,org-b\n")
	before := len(studentsPulled(t, e))
	tok := csrf(t, b.get("/admin"))
	p := b.upload("/admin/import", map[string]string{"csrf": tok, "org": "org-a"}, zipped)
	m := tokenRE.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil || !strings.Contains(p.body, `data-created="1"`) ||
		!strings.Contains(p.body, `name="org" value="org-a"`) {
		t.Fatalf("dry run with org-a: %d, token %v", p.status, m)
	}
	other := e.signedIn("lincoln", "admin") // the same admin, another session
	for _, tc := range []struct {
		name   string
		b      *browser
		fields map[string]string
	}{
		{"another org", b, map[string]string{"org": "org-b"}},
		{"no org", b, map[string]string{"org": ""}},
		{"another session's confirm", other, map[string]string{"org": "org-a"}},
	} {
		tc.fields["confirm"], tc.fields["confirm_token"] = "1", m[1]
		tc.fields["csrf"] = csrf(t, tc.b.get("/admin"))
		p := tc.b.upload("/admin/import", tc.fields, zipped)
		if p.status != http.StatusConflict || !strings.Contains(p.body, `data-dry-run="true"`) || !strings.Contains(p.body, "nothing was written") {
			t.Errorf("%s: %d, want 409 and a new dry run", tc.name, p.status)
		}
		if n := len(studentsPulled(t, e)); n != before {
			t.Fatalf("%s wrote: %d students, want %d", tc.name, n, before)
		}
	}
	// The dry run as it was, org and all, is written: org-a's student only.
	p = b.upload("/admin/import", map[string]string{"csrf": tok, "org": "org-a", "confirm": "1", "confirm_token": m[1]}, zipped)
	if p.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", p.status, p.body)
	}
	got := studentsPulled(t, e)
	if _, omar := got["Omar Reyes"]; len(got) != before+1 || omar {
		t.Errorf("after the confirm: %d students (want %d), org-b's written: %v", len(got), before+1, omar)
	}
}

// TestAdminCalendarBreak: a break added through the form is an ordinary
// calendar_break record a tablet pulls, and the page lists it; an invalid
// one is refused and writes nothing; no token, no break.
func TestAdminCalendarBreak(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	breaks := func() []record.CalendarBreak {
		recs, _ := pulled(t, e, e.enrol("lincoln", "ana").token, 0)
		var out []record.CalendarBreak
		for _, r := range recs {
			var cb record.CalendarBreak
			if r.Type == record.TypeCalendarBreak && record.DecodeData(r.Data, &cb) == nil {
				out = append(out, cb)
			}
		}
		return out
	}
	form := url.Values{"name": {"Spring break"}, "start_date": {"2025-03-24"}, "end_date": {"2025-03-28"}}
	if p := b.post("/admin/breaks", form); p.status != http.StatusForbidden {
		t.Errorf("break without a token: %d", p.status)
	}
	bad := url.Values{"csrf": {csrf(t, b.get("/admin"))}, "name": {"Backwards"}, "start_date": {"2025-03-28"}, "end_date": {"2025-03-24"}}
	if p := b.post("/admin/breaks", bad); p.status != http.StatusBadRequest || !strings.Contains(p.body, "The break was not added") {
		t.Errorf("backwards break: %d", p.status)
	}
	// DOMAIN.md §2's date bounds (ADR 0022), named in the page.
	far := url.Values{"csrf": bad["csrf"], "name": {"Far"}, "start_date": {"2025-03-24"}, "end_date": {"2200-03-28"}}
	if p := b.post("/admin/breaks", far); p.status != http.StatusBadRequest || !strings.Contains(p.body, "end_date must be between 2000-01-01 and 2100-12-31") {
		t.Errorf("a break ending in 2200: %d", p.status)
	}
	if n := len(breaks()); n != 0 {
		t.Fatalf("%d breaks written by refused forms", n)
	}
	form.Set("csrf", csrf(t, b.get("/admin")))
	if p := b.post("/admin/breaks", form); p.status != http.StatusSeeOther || p.header.Get("Location") != "/admin?done=break" {
		t.Fatalf("add break: %d %s", p.status, p.body)
	}
	if got := breaks(); len(got) != 1 || got[0] != (record.CalendarBreak{Name: "Spring break", StartDate: "2025-03-24", EndDate: "2025-03-28"}) {
		t.Errorf("the tablet pulled %+v", got)
	}
	if p := b.get("/admin"); !regexp.MustCompile(`<tr data-break-id="[0-9a-f-]{36}" data-break-start="2025-03-24"><th scope="row">Spring break</th>`).MatchString(p.body) {
		t.Errorf("the page does not list the break")
	}
}
