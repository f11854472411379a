package console

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/store"
)

// The audit of restricted content (ADR 0021) in the
// console: pages that show a restricted note write their entries before the
// page is sent, and /admin/audit lets admins read the log.

// mountAudit adds the audit page and its template; Mount calls it.
func (c *Console) mountAudit(e *echo.Echo) {
	c.addPage("audit", "templates/layout.html", "templates/audit.html")
	e.GET("/admin/audit", c.adminOnly(c.handleAudit))
}

// consoleMarker stands for the device in entries made by a console page: a
// short hash of the session's stored hash, so the entries of one browser
// session group together and nothing in the log can sign anyone in.
func consoleMarker(s *session) string {
	h := sha256.Sum256(hashID(s.id))
	return store.ConsoleMarkerPrefix + hex.EncodeToString(h[:6])
}

// auditShown writes one batch for the restricted records whose content the
// page is about to show to someone other than their author (once per
// session and day: the store keeps each record once per user, device and
// day); a failed write fails the page.
func (c *Console) auditShown(ec echo.Context, envs []record.Envelope) error {
	s := sessionOf(ec)
	ids := store.RestrictedShown(store.ViewerOf(s.p.User), envs)
	if len(ids) == 0 {
		return nil
	}
	return c.st.AppendAudit(ec.Request().Context(), store.NewAuditBatch(s.p, consoleMarker(s), store.AuditConsole, c.now(), ids))
}

// auditPaths are the paths in words: the catalog's audit.path.<id>.
var auditPaths = map[string]string{
	store.AuditPull:    "audit.path.pull",
	store.AuditReport:  "audit.path.report",
	store.AuditConsole: "audit.path.console",
	store.AuditExport:  "audit.path.export",
}

// auditRow is one entry as the page shows it: who, when, which student
// and kind of record, on which tablet, in words (auditWords); the ids stay
// in the data-* hooks only.
type auditRow struct {
	store.AuditEntry
	When, Who, How string
	Console        bool
	What, Student  string
	StudentHref    string
	Where          string
}

// defaultAuditDays is how far back the page reads without `since`.
const defaultAuditDays = 30

func (c *Console) handleAudit(ec echo.Context) error {
	p := sessionOf(ec).p
	q, err := schooladmin.ParseAuditQuery(p.School.ID, ec.QueryParam)
	if err != nil {
		if pe := (*protocol.Error)(nil); errors.As(err, &pe) {
			return newErr(http.StatusBadRequest, "error.audit_page_why", i18n.Args{"Problem": pe.Message})
		}
		return newErr(http.StatusBadRequest, "error.audit_page")
	}
	since := ec.QueryParam("since")
	if since == "" {
		q.Since = c.now().UTC().AddDate(0, 0, -defaultAuditDays).Truncate(24 * time.Hour)
		since = q.Since.Format(time.DateOnly)
	}
	entries, more, err := c.st.ListAudit(ec.Request().Context(), q)
	if err != nil {
		return err
	}
	users, err := c.st.ListUsers(ec.Request().Context(), p.School.ID)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		who := names[e.UserID]
		if who == "" {
			who = e.UserID // a user the school no longer lists
		}
		rows[i] = auditRow{AuditEntry: e, When: e.At.UTC().Format("2006-01-02 15:04:05 UTC"), Who: who, How: auditHow(langOf(ec), e.Path),
			Console: len(e.DeviceID) > len(store.ConsoleMarkerPrefix) && e.DeviceID[:len(store.ConsoleMarkerPrefix)] == store.ConsoleMarkerPrefix}
	}
	if err := c.auditWords(ec, rows); err != nil {
		return err
	}
	data := map[string]any{"Title": tr(langOf(ec), "audit.title"), "Nav": "admin", "Rows": rows, "Since": since}
	if more && len(entries) > 0 {
		next := url.Values{"since": {since}, "after": {schooladmin.AuditCursorText(entries[len(entries)-1])}}
		if v := ec.QueryParam("limit"); v != "" {
			next.Set("limit", v)
		}
		data["Next"] = "/admin/audit?" + next.Encode()
	}
	return c.render(ec, http.StatusOK, "audit", data)
}

// auditHow is a path in words; a path the page does not know stays empty.
func auditHow(l i18n.Lang, path string) string {
	if id, ok := auditPaths[path]; ok {
		return tr(l, id)
	}
	return ""
}
