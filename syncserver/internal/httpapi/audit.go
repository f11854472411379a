package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/schooladmin"
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

// handleListAudit: GET /v1/admin/audit?since=&limit=&after= (admins, own
// school: requireAdmin and the principal's school).
func (s *Server) handleListAudit(c echo.Context) error {
	p := PrincipalOf(c)
	q, err := schooladmin.ParseAuditQuery(p.School.ID, c.QueryParam)
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
		out.Next = schooladmin.AuditCursorText(entries[len(entries)-1])
	}
	return c.JSON(http.StatusOK, out)
}
