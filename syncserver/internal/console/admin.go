package console

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/roster"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// The admin page (CONSOLE.md §3 `/admin`, PROTOCOL §13, §14): users,
// devices and the roster import, for admins only. Every change goes through
// the same functions as the API's (schooladmin.ChangeUser,
// schooladmin.CreateEnrolmentCode, roster.Importer), so the page and the
// API cannot apply different rules.

var errNotAdmin = newErr(http.StatusForbidden, "error.not_admin")

// adminOnly wraps a signed-in handler for admins: anyone else gets 403.
func (c *Console) adminOnly(h echo.HandlerFunc) echo.HandlerFunc {
	return c.signedIn(func(ec echo.Context) error {
		if sessionOf(ec).p.User.Role != protocol.RoleAdmin {
			return errNotAdmin
		}
		return h(ec)
	})
}

// adminDone says what a change's redirect shows (?done=…): the catalog's
// admin.done.<key> for a key of a fixed list, so no text of the URL
// reaches the page.
func adminDone(l i18n.Lang, key string) string {
	switch key {
	case "disabled", "enabled", "role", "password", "revoked", "wiped", "imported", "norms", "forms",
		"break", "added", "break-changed", "break-deleted":
		return tr(l, "admin.done."+key)
	}
	return ""
}

type userRow struct {
	store.User
	Self bool
	// CanDisable and CanDemote: the self-lockout rule
	// (schooladmin.CheckSelfChange) allows the change, so the page offers
	// it; an admin's own row offers neither.
	CanDisable, CanDemote bool
}

type deviceRow struct {
	store.Device
	Enrolled, LastSeen string
}

// enrolCode is a just-made code as the page shows it.
type enrolCode struct {
	Code, User, Expires string
	QR                  template.HTML
}

// importView is a dry run's report on the page.
type importView struct {
	Report  roster.Report
	Errors  []roster.Error // the first few
	More    int
	Token   string // confirmToken of this dry run
	Written bool
}

const maxShownErrors = 20

// adminPage renders /admin with extra data (a message, a code, a report).
func (c *Console) adminPage(ec echo.Context, status int, extra map[string]any) error {
	ctx := ec.Request().Context()
	s := sessionOf(ec)
	users, err := c.st.ListUsers(ctx, s.p.School.ID)
	if err != nil {
		return err
	}
	devs, err := c.st.ListDevices(ctx, s.p.School.ID)
	if err != nil {
		return err
	}
	urows := make([]userRow, 0, len(users))
	for _, u := range users {
		urows = append(urows, newUserRow(s.p.User.ID, u))
	}
	drows := make([]deviceRow, 0, len(devs))
	day := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04") + " UTC"
	}
	for _, d := range devs {
		drows = append(drows, deviceRow{d, day(d.EnrolledAt), day(d.LastSeenAt)})
	}
	envs, err := c.st.Records(ctx, s.p.School.ID, store.ViewerOf(s.p.User), record.TypeCalendarBreak)
	if err != nil {
		return err
	}
	var breaks []breakRow
	for _, e := range envs {
		var b record.CalendarBreak
		if record.DecodeData(e.Data, &b) == nil {
			breaks = append(breaks, breakRow{b, e.ID, e.HLC})
		}
	}
	sort.Slice(breaks, func(i, j int) bool {
		return breaks[i].StartDate < breaks[j].StartDate || breaks[i].StartDate == breaks[j].StartDate && breaks[i].Name < breaks[j].Name
	})
	data := map[string]any{"Title": tr(langOf(ec), "admin.title"), "Breaks": breaks, "Nav": "admin", "Users": urows, "Devices": drows,
		"Done": adminDone(langOf(ec), ec.QueryParam("done")), "MinPassword": protocol.MinPasswordLen, "MaxPassword": auth.MaxPasswordBytes}
	for k, v := range extra {
		data[k] = v
	}
	return c.render(ec, status, "admin", data)
}

func (c *Console) handleAdmin(ec echo.Context) error { return c.adminPage(ec, http.StatusOK, nil) }

// adminForm parses and checks a url-encoded admin form.
func adminForm(ec echo.Context) error {
	if err := parseForm(ec); err != nil {
		return err
	}
	if !checkCSRF(ec, sessionOf(ec).csrf) {
		return errBadCSRF
	}
	return nil
}

// apiError shows a 4xx protocol error of a shared function on the page.
func (c *Console) apiError(ec echo.Context, err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Status() < 500 {
		msg := pe.Message
		if errors.Is(err, schooladmin.ErrSelfLockout) {
			msg = tr(langOf(ec), "admin.self")
		}
		return c.adminPage(ec, pe.Status(), map[string]any{"Error": upperFirst(msg) + "."})
	}
	return err
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// handleUserChange is every per-user form: disable, enable, role, password.
func (c *Console) handleUserChange(ec echo.Context) error {
	if err := adminForm(ec); err != nil {
		return err
	}
	s := sessionOf(ec)
	f := ec.Request().PostForm
	id := f.Get("user_id")
	if !record.IsID(id) {
		return errNotFound
	}
	var req schooladmin.UserPatch
	var done string
	switch ec.Param("action") {
	case "disable", "enable":
		v := ec.Param("action") == "disable"
		req.Disabled, done = &v, map[bool]string{true: "disabled", false: "enabled"}[v]
	case "role":
		r := f.Get("role")
		req.Role, done = &r, "role"
	case "password":
		p := f.Get("password")
		req.Password, done = &p, "password"
	default:
		return errNotFound
	}
	if _, err := schooladmin.ChangeUser(ec.Request().Context(), c.st, c.pws, s.p.User.ID, s.p.School.ID, id, req, c.now()); errors.Is(err, schooladmin.ErrNoSuchUser) {
		return errNotFound
	} else if err != nil {
		return c.apiError(ec, err)
	}
	// What changed, by name only: never a password.
	c.log.Info("console user changed", "school_id", s.p.School.ID, "user_id", id, "by_user_id", s.p.User.ID, "change", done)
	return ec.Redirect(http.StatusSeeOther, "/admin?done="+done)
}

// handleCode makes an enrolment code and shows it on the page (200, never
// in a URL): as text and as a QR code drawn inline as SVG.
func (c *Console) handleCode(ec echo.Context) error {
	if err := adminForm(ec); err != nil {
		return err
	}
	s := sessionOf(ec)
	id := ec.Request().PostForm.Get("user_id")
	code, exp, err := schooladmin.CreateEnrolmentCode(ec.Request().Context(), c.st, s.p.School.ID, id, schooladmin.DefaultCodeMinutes, c.now())
	if err != nil {
		return c.apiError(ec, err)
	}
	qr, err := qrSVG(code)
	if err != nil {
		return err
	}
	u, _ := c.userByID(ec, id)
	c.log.Info("console enrolment code created", "school_id", s.p.School.ID, "user_id", id, "by_user_id", s.p.User.ID) // never the code
	return c.adminPage(ec, http.StatusOK, map[string]any{"Code": enrolCode{Code: code, User: u.Name,
		Expires: exp.UTC().Format("2006-01-02 15:04") + " UTC", QR: qr}})
}

func (c *Console) userByID(ec echo.Context, id string) (store.User, bool) {
	users, err := c.st.ListUsers(ec.Request().Context(), sessionOf(ec).p.School.ID)
	if err != nil {
		return store.User{}, false
	}
	for _, u := range users {
		if u.ID == id {
			return u, true
		}
	}
	return store.User{}, false
}

// qrSVG draws a QR code of s as an inline <svg>: one path of dark modules
// with presentation attributes only (no style attribute, no script), so the
// page's CSP holds. The markup is made here from booleans, never from input.
func qrSVG(s string) (template.HTML, error) {
	q, err := qrcode.New(s, qrcode.Medium)
	if err != nil {
		return "", err
	}
	bm := q.Bitmap() // with its quiet zone
	n := len(bm)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="QR code of the enrolment code" viewBox="0 0 %d %d" width="240" height="240" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y, row := range bm {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	// Safe: the markup is built above from numbers only.
	return template.HTML(b.String()), nil
}

// handleDevice revokes a device, and with wipe=1 marks it to be wiped.
func (c *Console) handleDevice(ec echo.Context) error {
	if err := adminForm(ec); err != nil {
		return err
	}
	s := sessionOf(ec)
	f := ec.Request().PostForm
	id := f.Get("device_id")
	if !record.IsID(id) {
		return errNotFound
	}
	wipe := f.Get("wipe") == "1"
	var err error
	if wipe {
		err = c.st.WipeDevice(ec.Request().Context(), s.p.School.ID, id, c.now())
	} else {
		err = c.st.RevokeDevice(ec.Request().Context(), s.p.School.ID, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	c.log.Info("console device revoked", "school_id", s.p.School.ID, "device_id", id, "by_user_id", s.p.User.ID, "wipe", wipe)
	if wipe {
		return ec.Redirect(http.StatusSeeOther, "/admin?done=wiped")
	}
	return ec.Redirect(http.StatusSeeOther, "/admin?done=revoked")
}

// handleImport is the roster import (PROTOCOL §14) from an uploaded zip.
// Without confirm it is a dry run, and the page shows its report with a
// form to upload the same file again with confirm set: the server keeps
// nothing between the two steps. The confirm carries a token that binds
// the whole dry run, the file's SHA-256 and every option, to the session
// (confirmToken): another file, or the same file with another org, is
// refused (409) and only dry-run, never written unseen.
//
// The upload is spooled to a temporary file, not held in memory, and
// read from there as a stream under the one import slot
// (roster.Importer.ImportOneRoster), so concurrent uploads queue rather
// than add up (ADR 0026).
func (c *Console) handleImport(ec echo.Context) error {
	r := ec.Request()
	if ct := r.Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEMultipartForm) {
		return errBadMethod
	}
	r.Body = http.MaxBytesReader(ec.Response(), r.Body, roster.MaxImportBody+maxFormBody)
	if err := r.ParseMultipartForm(maxFormBody); err != nil {
		return newErr(http.StatusRequestEntityTooLarge, "error.zip_too_large", i18n.Args{"MiB": roster.MaxImportBody >> 20})
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	s := sessionOf(ec)
	if !checkCSRF(ec, s.csrf) {
		return errBadCSRF
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return c.adminPage(ec, http.StatusBadRequest, map[string]any{"Error": tr(langOf(ec), "admin.choose_zip")})
	}
	defer f.Close()
	if fh.Size > roster.MaxImportBody {
		return newErr(http.StatusRequestEntityTooLarge, "error.zip_too_large", i18n.Args{"MiB": roster.MaxImportBody >> 20})
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	opts := roster.Options{Org: strings.TrimSpace(r.PostFormValue("org"))}
	token := confirmToken(s, hex.EncodeToString(h.Sum(nil)), opts)
	confirm := r.PostFormValue("confirm") == "1"
	dryRun := !(confirm && subtle.ConstantTimeCompare([]byte(r.PostFormValue("confirm_token")), []byte(token)) == 1)

	im := roster.Importer{Store: c.st, Writer: c.w}
	var rep roster.Report
	fsys, err := roster.OpenZip(f, fh.Size)
	switch {
	case errors.Is(err, roster.ErrZipTooLarge):
		rep, err = im.Import(r.Context(), s.p.School.ID, s.p.User, roster.Parsed{Errors: []roster.Error{{Message: fmt.Sprintf("the zip is over the limits: at most %d entries, %d MiB a file, %d MiB in all",
			roster.MaxZipEntries, roster.MaxFileBytes>>20, roster.MaxZipTotal>>20)}}}, dryRun)
	case err != nil:
		rep, err = im.Import(r.Context(), s.p.School.ID, s.p.User, roster.Parsed{Errors: []roster.Error{{Message: err.Error()}}}, dryRun)
	default:
		rep, err = im.ImportOneRoster(r.Context(), s.p.School.ID, s.p.User, fsys, opts, dryRun)
	}
	if err != nil {
		return err
	}
	// Counts only: the files hold student names.
	c.log.Info("console roster import", "school_id", s.p.School.ID, "by_user_id", s.p.User.ID, "dry_run", rep.DryRun,
		"created", rep.Created, "updated", rep.Updated, "unchanged", rep.Unchanged, "not_in_file", rep.NotInFile,
		"skipped_rows", rep.SkippedRows, "errors", rep.ErrorCount)
	if !rep.DryRun && rep.ErrorCount == 0 {
		return ec.Redirect(http.StatusSeeOther, "/admin?done=imported")
	}
	iv := importView{Report: rep, Errors: rep.Errors, Token: token}
	if len(iv.Errors) > maxShownErrors {
		iv.Errors = iv.Errors[:maxShownErrors]
	}
	iv.More = rep.ErrorCount - len(iv.Errors)
	extra := map[string]any{"Import": iv, "Org": opts.Org}
	status := http.StatusOK
	switch {
	case confirm && dryRun:
		status = http.StatusConflict
		extra["Error"] = tr(langOf(ec), "admin.not_same_zip")
	case rep.ErrorCount > 0:
		status = http.StatusBadRequest
	}
	return c.adminPage(ec, status, extra)
}

// confirmToken binds a dry run to what a confirm must send again: the
// file's SHA-256 and every option of the import, keyed with the session's
// secret (as its CSRF token is), so neither another file nor another org
// can be confirmed unseen, and no other session can reuse the token. A new
// option of roster.Options must be added here.
func confirmToken(s *session, fileSHA string, opts roster.Options) string {
	return csrfToken(s.id, "roster import\x00sha256="+fileSHA+"\x00org="+opts.Org)
}

// handleBreak adds a school calendar break as an ordinary `calendar_break`
// record through serverwriter, under the signed-in admin, so every tablet
// pulls it on its next sync.
func (c *Console) handleBreak(ec echo.Context) error {
	if err := adminForm(ec); err != nil {
		return err
	}
	s := sessionOf(ec)
	f := ec.Request().PostForm
	b := record.CalendarBreak{Name: strings.TrimSpace(f.Get("name")), StartDate: f.Get("start_date"), EndDate: f.Get("end_date")}
	if err := b.Validate(); err != nil {
		return c.adminPage(ec, http.StatusBadRequest, map[string]any{"Error": tr(langOf(ec), "admin.break_not_added", i18n.Args{"Problem": err.Error()})})
	}
	if _, err := c.w.Write(ec.Request().Context(), s.p.School.ID, s.p.User, serverwriter.Draft{Type: record.TypeCalendarBreak, Data: b}); err != nil {
		return err
	}
	c.log.Info("console calendar break added", "school_id", s.p.School.ID, "by_user_id", s.p.User.ID)
	return ec.Redirect(http.StatusSeeOther, "/admin?done=break")
}
