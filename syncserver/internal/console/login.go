package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/store"
)

// loginCookieAge is how long a sign-in form stays usable.
const loginCookieAge = time.Hour

// handleLoginPage shows the sign-in form. Its CSRF token comes from a random
// secret in a cookie of its own (there is no session yet), so another site
// cannot sign a browser in to an account of its choosing.
func (c *Console) handleLoginPage(ec echo.Context) error {
	// Already signed in: straight to the caseload.
	if id, ok := readID(ec, sessionCookie); ok {
		if _, err := c.st.ConsoleSessionByHash(ec.Request().Context(), hashID(id), c.now()); err == nil {
			return ec.Redirect(http.StatusSeeOther, "/")
		}
	}
	return c.loginForm(ec, http.StatusOK, "", "", "")
}

// loginForm renders the form with a fresh login secret.
func (c *Console) loginForm(ec echo.Context, status int, school, username, msg string) error {
	secret, err := newID()
	if err != nil {
		return err
	}
	setCookie(ec, loginCookie, secret, loginCookieAge)
	return c.render(ec, status, "login", map[string]any{"Title": tr(langOf(ec), "login.title"), "LoginCSRF": csrfToken(secret, "login"),
		"SchoolSlug": school, "Username": username, "Message": msg})
}

// handleLogin checks the form like enrolment (PROTOCOL §4 through
// auth.Login: bounded fields, the same atomic failed-login limit under the
// same keys, the same 401 wording and 429) and starts a session.
func (c *Console) handleLogin(ec echo.Context) error {
	if err := parseForm(ec); err != nil {
		return err
	}
	secret, ok := readID(ec, loginCookie)
	if !ok || !checkCSRF(ec, csrfToken(secret, "login")) {
		return errBadCSRF
	}
	f := ec.Request().PostForm
	school, username, password := f.Get("school"), f.Get("username"), f.Get("password")
	if msg := auth.CheckLoginFields(school, username, password); msg != "" {
		return c.loginForm(ec, http.StatusBadRequest, keep(school, auth.MaxSlugBytes), keep(username, auth.MaxUsernameBytes), checkFormWords(langOf(ec), msg))
	}
	now := c.now()
	sc, user, err := auth.Login(ec.Request().Context(), c.st, c.pws, school, username, password, now)
	var limited *auth.LimitedError
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		return c.loginForm(ec, http.StatusUnauthorized, school, username, tr(langOf(ec), "login.wrong"))
	case errors.As(err, &limited):
		ec.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int(limited.RetryAt.Sub(now).Round(time.Second)/time.Second))))
		return c.loginForm(ec, http.StatusTooManyRequests, school, username, tr(langOf(ec), "login.too_many"))
	case err != nil:
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	err = c.st.CreateConsoleSession(ec.Request().Context(), store.ConsoleSession{Hash: hashID(id), SchoolID: sc.ID, UserID: user.ID, CreatedAt: now, LastSeen: now})
	if errors.Is(err, store.ErrNotFound) {
		// Disabled between the check and the session's transaction.
		return c.loginForm(ec, http.StatusUnauthorized, school, username, tr(langOf(ec), "login.wrong"))
	}
	if err != nil {
		return err
	}
	// The cookie outlives no session: the store ends it after 12 hours anyway.
	setCookie(ec, sessionCookie, id, store.ConsoleAbsolute)
	clearCookie(ec, loginCookie)
	c.log.Info("console sign-in", "school_id", sc.ID, "user_id", user.ID)
	return ec.Redirect(http.StatusSeeOther, "/")
}

// checkFormWords says what is wrong with the form. English quotes
// auth.CheckLoginFields, the API's wording (PROTOCOL §4); another language
// names the field it is about (its message begins with the field's name)
// in the page's words, the rule itself staying in auth.
func checkFormWords(l i18n.Lang, msg string) string {
	if l == i18n.English {
		return tr(l, "login.check_form", i18n.Args{"Problem": msg})
	}
	for _, f := range []string{"school", "username", "password"} {
		if strings.HasPrefix(msg, f+" ") {
			return tr(l, "login.check_field", i18n.Args{"Field": tr(l, "login."+f)})
		}
	}
	return tr(l, "login.check_form", i18n.Args{"Problem": msg})
}

// keep returns a field for refilling the form only when it was within
// bounds, so a hostile value is not echoed back at length.
func keep(v string, max int) string {
	if len(v) > max {
		return ""
	}
	return v
}

// handleLogout ends the session (a CSRF-checked POST, so another site
// cannot sign a user out).
func (c *Console) handleLogout(ec echo.Context) error {
	if err := parseForm(ec); err != nil {
		return err
	}
	s := sessionOf(ec)
	if !checkCSRF(ec, s.csrf) {
		return errBadCSRF
	}
	if err := c.st.DeleteConsoleSession(ec.Request().Context(), hashID(s.id)); err != nil {
		return err
	}
	clearCookie(ec, sessionCookie)
	return ec.Redirect(http.StatusSeeOther, "/login")
}
