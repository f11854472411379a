// Package console is the school console (CONSOLE.md): server-rendered pages
// on the sync server's own address, for the people who decide from the data.
//
// Pages are html/template with their CSS embedded in the binary: no CDN, no
// build step, and every page works without JavaScript. Every number on a page
// comes from shared/progress over the same indexed reads as
// /v1/reports/progress (package goaldata), so the console and the API cannot
// disagree. What the console writes (a team decision) goes through
// serverwriter as an ordinary record.
//
// Security (CONSOLE.md §2, §5): a session cookie (random, stored hashed,
// HttpOnly, SameSite=Lax, Secure under TLS) from a sign-in checked exactly like
// enrolment (auth.Login); a CSRF token on every form; CSP without inline
// script and frame-ancestors 'none' on every response; a request without a
// valid session is sent to /login and never gets data; another school's ids
// are simply not found (404).
package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/reportcache"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the console needs; serve fills it.
type Config struct {
	Store     store.Store
	Passwords auth.Passwords
	Logger    *slog.Logger
	Now       func() time.Time     // nil: time.Now
	Writer    *serverwriter.Writer // nil: one over Store
	// ReportCacheBytes bounds the estimated bytes of the cached reports
	// (ADR 0025); 0: reportcache.DefaultMaxBytes.
	ReportCacheBytes int64
}

// Console serves the pages.
type Console struct {
	// actionMu makes a meeting's "at most 100 action items" one step with
	// the write in this process (two adds at 99 cannot both pass); across
	// instances each may add one more (ADR 0017).
	actionMu sync.Mutex
	st       store.Store
	pws      auth.Passwords
	log      *slog.Logger
	now      func() time.Time
	w        *serverwriter.Writer
	// pages holds each page parsed once per language, its template
	// functions bound to that language (lang.go).
	pages map[string]map[i18n.Lang]*template.Template
	// reports caches every goal's report per school version (ADR 0012).
	reports *reportcache.Cache
}

// Cookie names. The session cookie holds the session's random id; the login
// cookie holds the random secret that the sign-in form's CSRF token is made
// from before there is a session.
const (
	sessionCookie = "sw_session"
	loginCookie   = "sw_login"
)

// maxFormBody bounds every console form body: nothing it posts is large.
const maxFormBody = 64 << 10

// New builds the console.
func New(cfg Config) *Console {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Writer == nil {
		cfg.Writer = serverwriter.New(cfg.Store, cfg.Now)
	}
	c := &Console{st: cfg.Store, pws: cfg.Passwords, log: cfg.Logger, now: cfg.Now, w: cfg.Writer, pages: map[string]map[i18n.Lang]*template.Template{},
		reports: reportcache.NewWithBytes(cfg.Store, 0, 0, cfg.ReportCacheBytes)}
	for _, name := range []string{"login", "caseload", "student", "group", "meeting", "admin", "error", "account"} {
		c.addPage(name, "templates/layout.html", "templates/"+name+".html")
	}
	c.parsePages()
	return c
}

// Mount adds the console's routes to the server's Echo (httpapi.Config.Mount).
// Its handlers answer every error themselves, as HTML, so the JSON API's
// error handler never renders a console page.
//
// It also adds, for every response of the server (API answers, 404s of
// unknown paths, redirects, static files), CONSOLE.md §2's headers, and
// answers any error outside /v1/ as an HTML page (§5): see everyResponse.
func (c *Console) Mount(e *echo.Echo) {
	e.Use(c.everyResponse)
	e.GET("/static/*", c.plain(handleStatic))
	e.GET("/login", c.plain(c.handleLoginPage))
	e.POST("/login", c.plain(c.handleLogin))
	e.POST("/logout", c.signedIn(c.handleLogout))
	e.GET("/account", c.signedIn(c.handleAccount))
	e.POST("/account/language", c.signedIn(c.handleLanguage))
	e.GET("/", c.signedIn(c.handleCaseload))
	e.GET("/caseload.csv", c.signedIn(c.handleCaseloadCSV))
	e.GET("/students/:id", c.signedIn(c.handleStudent))
	e.GET("/students/:id/goals/:goal/chart.svg", c.signedIn(c.handleChart))
	e.GET("/students/:id/goals/:goal/report.pdf", c.signedIn(c.handlePDF))
	e.GET("/students/:id/goals/:goal/points.csv", c.signedIn(c.handleCSV))
	e.POST("/students/:id/probes/:probe", c.adminOnly(c.handleProbeEdit))
	e.POST("/students/:id/probes/:probe/undo", c.adminOnly(c.handleProbeUndo))
	e.GET("/groups/:id", c.signedIn(c.handleGroup))
	e.GET("/programs", c.signedIn(c.handlePrograms))
	e.GET("/programs/:id", c.signedIn(c.handleProgram))
	e.GET("/cico", c.signedIn(c.handleCICO))
	e.GET("/cico/:id", c.signedIn(c.handleCICOStudent))
	e.GET("/cico/:id/card.pdf", c.signedIn(c.handleCICOCard))
	e.GET("/meeting", c.signedIn(c.handleMeeting))
	e.GET("/meeting/agenda.pdf", c.signedIn(c.handleAgendaPDF))
	e.GET("/meeting/minutes.pdf", c.signedIn(c.handleMinutesPDF))
	e.POST("/meeting/decisions", c.signedIn(c.handleDecision))
	e.POST("/meeting/attendees", c.signedIn(c.handleAttendees))
	e.POST("/meeting/actions", c.signedIn(c.handleActionAdd))
	e.POST("/meeting/actions/remove", c.signedIn(c.handleActionRemove))
	e.POST("/meeting/actions/edit", c.signedIn(c.handleActionEdit))
	e.GET("/admin", c.adminOnly(c.handleAdmin))
	e.POST("/admin/users", c.adminOnly(c.handleUserAdd))
	e.POST("/admin/users/:action", c.adminOnly(c.handleUserChange))
	e.POST("/admin/codes", c.adminOnly(c.handleCode))
	e.POST("/admin/devices", c.adminOnly(c.handleDevice))
	e.POST("/admin/import", c.adminOnly(c.handleImport))
	e.POST("/admin/import/:kind", c.adminOnly(c.handleDistrictImport))
	e.POST("/admin/breaks", c.adminOnly(c.handleBreak))
	e.POST("/admin/breaks/:id", c.adminOnly(c.handleBreakEdit))
	e.POST("/admin/breaks/:id/delete", c.adminOnly(c.handleBreakDelete))
	c.mountAudit(e)
	c.mountObservations(e)
	c.mountGoalForm(e)
}

// securityHeaders go on every console response (CONSOLE.md §2): no inline
// script or style can run, no other site may frame a page, no MIME sniffing,
// and a student's id in a URL never leaves in a Referer.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	// Pages hold student data: no shared cache keeps them.
	h.Set("Cache-Control", "no-store")
}

// errPage is a console error with the status and the words a page shows:
// a message of the catalog (id, args), read in the request's language.
type errPage struct {
	status int
	id     string
	args   i18n.Args
}

func (e *errPage) Error() string { return tr(i18n.English, e.id, e.args) }

// newErr is an error page saying the catalog's message id.
func newErr(status int, id string, args ...i18n.Args) *errPage {
	var a i18n.Args
	if len(args) > 0 {
		a = args[0]
	}
	return &errPage{status, id, a}
}

var (
	errNotFound  = newErr(http.StatusNotFound, "error.not_found")
	errBadCSRF   = newErr(http.StatusForbidden, "error.csrf")
	errBadMethod = newErr(http.StatusBadRequest, "error.bad_request")
)

// addPage parses a page's files once per language.
func (c *Console) addPage(name string, files ...string) {
	set := map[i18n.Lang]*template.Template{}
	for _, l := range i18n.Supported {
		set[l] = template.Must(template.New("layout.html").Funcs(langFuncs(l)).ParseFS(templateFS, files...))
	}
	c.pages[name] = set
}

// everyResponse is middleware for the whole server: §2's headers on every
// response before any handler runs (so redirects, 404s of unknown paths
// and the API's JSON carry them too; a handler may narrow the policy, as
// the chart's SVG does), and outside /v1/ an error no console handler
// answered (an unknown path, a wrong method) becomes an HTML page with a
// title and lang, not the API's JSON (§5).
func (c *Console) everyResponse(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec echo.Context) error {
		securityHeaders(ec.Response().Header())
		err := next(ec)
		if err == nil || isAPIPath(ec.Request().URL.Path) {
			return err
		}
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code == http.StatusNotFound {
			err = errNotFound
		}
		c.renderError(ec, err)
		return nil
	}
}

// isAPIPath: /v1 and below answer JSON errors (PROTOCOL §8).
func isAPIPath(p string) bool { return p == "/v1" || strings.HasPrefix(p, "/v1/") }

// handleStatic serves a file of the embedded static folder. A folder, or
// a name that is not a clean path, is simply not found: no directory is
// ever listed.
func handleStatic(ec echo.Context) error {
	name := ec.Param("*")
	if !fs.ValidPath(name) || name == "." {
		return errNotFound
	}
	f, err := staticFiles.Open(name)
	if err != nil {
		return errNotFound
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return errNotFound
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		return errNotFound
	}
	http.ServeContent(ec.Response(), ec.Request(), name, st.ModTime(), rs)
	return nil
}

// staticFiles is the static folder as its own root.
var staticFiles = func() fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	return sub
}()

// plain wraps a handler that needs no session: errors as HTML pages
// (everyResponse has set the headers).
func (c *Console) plain(h echo.HandlerFunc) echo.HandlerFunc {
	return func(ec echo.Context) error {
		if err := h(ec); err != nil {
			c.renderError(ec, err)
		}
		return nil
	}
}

// session is the signed-in request: who, and the raw cookie id the CSRF
// token is derived from.
type session struct {
	p    store.Principal
	id   []byte
	csrf string
}

// signedIn wraps a handler that needs a session: without a live one the
// browser goes to /login (303) and the handler never runs.
func (c *Console) signedIn(h echo.HandlerFunc) echo.HandlerFunc {
	return c.plain(func(ec echo.Context) error {
		id, ok := readID(ec, sessionCookie)
		if !ok {
			return toLogin(ec)
		}
		p, err := c.st.ConsoleSessionByHash(ec.Request().Context(), hashID(id), c.now())
		if errors.Is(err, store.ErrNotFound) {
			clearCookie(ec, sessionCookie)
			return toLogin(ec)
		}
		if err != nil {
			return err
		}
		ec.Set("session", &session{p: p, id: id, csrf: csrfToken(id, "session")})
		withLang(ec, userLang(ec, p.User))
		return h(ec)
	})
}

func sessionOf(ec echo.Context) *session { s, _ := ec.Get("session").(*session); return s }

func toLogin(ec echo.Context) error { return ec.Redirect(http.StatusSeeOther, "/login") }

// newID is 32 random bytes, the secret a cookie carries.
func newID() ([]byte, error) {
	b := make([]byte, 32)
	_, err := rand.Read(b)
	return b, err
}

// hashID is what the store keeps of a session id.
func hashID(id []byte) []byte { h := sha256.Sum256(id); return h[:] }

func readID(ec echo.Context, name string) ([]byte, bool) {
	ck, err := ec.Cookie(name)
	if err != nil {
		return nil, false
	}
	return decodeID(ck.Value)
}

// decodeID reads a cookie's value as the 32-byte id it carries.
func decodeID(v string) ([]byte, bool) {
	if len(v) > 64 {
		return nil, false
	}
	id, err := base64.RawURLEncoding.DecodeString(v)
	return id, err == nil && len(id) == 32
}

func setCookie(ec echo.Context, name string, id []byte, maxAge time.Duration) {
	ec.SetCookie(&http.Cookie{Name: name, Value: base64.RawURLEncoding.EncodeToString(id), Path: "/",
		MaxAge: int(maxAge / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: ec.Request().TLS != nil})
}

func clearCookie(ec echo.Context, name string) {
	ec.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: ec.Request().TLS != nil})
}

// csrfToken derives a form token from a cookie's secret: an HMAC keyed with
// the secret, so each session (and each sign-in form) has its own token and
// the store keeps nothing more. A page of another site can neither read the
// cookie nor the token.
func csrfToken(secret []byte, purpose string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("smallwins console csrf\x00" + purpose))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF compares a posted token with the expected one in constant time.
func checkCSRF(ec echo.Context, want string) bool {
	got := ec.Request().PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// parseForm reads a bounded url-encoded form body.
func parseForm(ec echo.Context) error {
	r := ec.Request()
	if ct := r.Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEApplicationForm) {
		return errBadMethod
	}
	r.Body = http.MaxBytesReader(ec.Response(), r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return errBadMethod
	}
	return nil
}

// render writes a page with the layout, in the request's language.
func (c *Console) render(ec echo.Context, status int, page string, data map[string]any) error {
	l := langOf(ec)
	if s := sessionOf(ec); s != nil {
		data["Me"] = s.p.User
		data["School"] = s.p.School
		data["CSRF"] = s.csrf
		// The language form (lang.go): the choice as stored.
		data["LangChoice"] = s.p.User.ConsoleLang
	}
	data["Lang"] = l.String()
	var b strings.Builder
	if err := c.pages[page][l].Execute(&b, data); err != nil {
		return err
	}
	return ec.HTML(status, b.String())
}

// renderError answers an error as an HTML page. Internal errors are logged
// by kind only: a store error could quote record data.
func (c *Console) renderError(ec echo.Context, err error) {
	var ep *errPage
	if !errors.As(err, &ep) {
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code < 500 {
			ep = newErr(he.Code, "error.http", i18n.Args{"Status": http.StatusText(he.Code)})
			if id := "error.status." + strconv.Itoa(he.Code); cat.Has(id) {
				ep = newErr(he.Code, id) // the status's name, in the page's language
			}
		} else {
			if !errors.Is(err, context.Canceled) {
				// As the API logs a 500: the route and the error, never the
				// request's values or a page's data.
				c.log.Error("console request failed", "route", ec.Path(), "err", err.Error())
			}
			ep = newErr(http.StatusInternalServerError, "error.internal")
		}
	}
	if ec.Response().Committed {
		return
	}
	l := langOf(ec)
	title := tr(l, "error.status."+strconv.Itoa(ep.status))
	if !cat.Has("error.status." + strconv.Itoa(ep.status)) {
		title = http.StatusText(ep.status)
	}
	if err := c.render(ec, ep.status, "error", map[string]any{"Title": title, "Message": tr(l, ep.id, ep.args)}); err != nil {
		_ = ec.String(http.StatusInternalServerError, "internal error")
	}
}
