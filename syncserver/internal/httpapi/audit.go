package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// The audit of restricted content (issue 15 item 5, ADR 0021).

// auditOut writes one entry per restricted record whose content envs carry
// to someone other than its author, in one batch, before the response is
// written: when the write fails the handler returns its error and the
// content is not given out. The store keeps each record once per user,
// device and day (issue 20). The caller passes exactly what it is about to
// send.
func (s *Server) auditOut(c echo.Context, path string, envs []record.Envelope) error {
	ids := store.RestrictedShown(viewerOf(c), envs)
	if len(ids) == 0 {
		return nil
	}
	p := PrincipalOf(c)
	return s.store.AppendAudit(c.Request().Context(), store.NewAuditBatch(p, p.DeviceID, path, s.now(), ids))
}

// Audit listing bounds.
const (
	defaultAuditLimit = 100
	maxAuditParam     = 64 // bytes of any query value read here
)

// auditEntryJSON is one entry as GET /v1/admin/audit shows it.
type auditEntryJSON struct {
	At       string `json:"at"` // RFC 3339, milliseconds, UTC
	UserID   string `json:"user_id"`
	DeviceID string `json:"device_id"`
	RecordID string `json:"record_id"`
	Path     string `json:"path"`
}

type auditResponse struct {
	Entries []auditEntryJSON `json:"entries"`
	More    bool             `json:"more"`
	// Next is the `after` of the next page, present when More.
	Next string `json:"next,omitempty"`
}

// AuditCursorText is a page position as `after` carries it:
// "<ms>-<seq>-<index>", three whole numbers.
func AuditCursorText(e store.AuditEntry) string {
	c := e.Cursor()
	return strconv.FormatInt(c.AtMS, 10) + "-" + strconv.FormatInt(c.Seq, 10) + "-" + strconv.Itoa(c.Index)
}

// ParseAuditQuery reads since, limit and after, the same for the API and the
// console page; a malformed one is an invalid_request naming it.
func ParseAuditQuery(schoolID string, get func(string) string) (store.AuditQuery, error) {
	q := store.AuditQuery{SchoolID: schoolID, Limit: defaultAuditLimit}
	for _, name := range []string{"since", "limit", "after"} {
		if len(get(name)) > maxAuditParam {
			return q, protocol.Errorf(protocol.CodeInvalidRequest, "%s is too long", name)
		}
	}
	if v := get("since"); v != "" {
		t, err := parseSince(v)
		if err != nil {
			return q, protocol.Errorf(protocol.CodeInvalidRequest, "since must be an RFC 3339 time or a date YYYY-MM-DD")
		}
		q.Since = t
	}
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxAuditPage {
			return q, protocol.Errorf(protocol.CodeInvalidRequest, "limit must be a whole number from 1 to %d", store.MaxAuditPage)
		}
		q.Limit = n
	}
	if v := get("after"); v != "" {
		parts := strings.Split(v, "-")
		var n [3]int64
		ok := len(parts) == 3
		bits := [3]int{64, 64, 32} // the index fits an int on every platform
		for i := 0; ok && i < 3; i++ {
			var err error
			n[i], err = strconv.ParseInt(parts[i], 10, bits[i])
			ok = err == nil && n[i] >= 0 && parts[i] != "" && parts[i][0] != '+'
		}
		if !ok {
			return q, protocol.Errorf(protocol.CodeInvalidRequest, "after must be the next value of a previous page")
		}
		q.After = &store.AuditCursor{AtMS: n[0], Seq: n[1], Index: int(n[2])}
	}
	return q, nil
}

// parseSince reads an RFC 3339 time or a date (midnight UTC), between the
// Unix epoch and year 9999.
func parseSince(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		t, err = time.Parse(time.DateOnly, v)
	}
	if err == nil && t.Before(time.Unix(0, 0)) {
		err = strconv.ErrRange
	}
	return t.UTC(), err
}

// handleListAudit: GET /v1/admin/audit?since=&limit=&after= (admins, own
// school: requireAdmin and the principal's school).
func (s *Server) handleListAudit(c echo.Context) error {
	p := PrincipalOf(c)
	q, err := ParseAuditQuery(p.School.ID, c.QueryParam)
	if err != nil {
		return err
	}
	entries, more, err := s.store.ListAudit(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := auditResponse{Entries: make([]auditEntryJSON, len(entries)), More: more}
	for i, e := range entries {
		out.Entries[i] = auditEntryJSON{At: e.At.UTC().Format("2006-01-02T15:04:05.000Z07:00"), UserID: e.UserID,
			DeviceID: e.DeviceID, RecordID: e.RecordID, Path: e.Path}
	}
	if more && len(entries) > 0 {
		out.Next = AuditCursorText(entries[len(entries)-1])
	}
	return c.JSON(http.StatusOK, out)
}
