package schooladmin

import (
	"strconv"
	"strings"
	"time"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/store"
)

// Reading the audit of restricted content (ADR 0021): the query the API
// and the console page share.

// Audit listing bounds.
const (
	defaultAuditLimit = 100
	maxAuditParam     = 64 // bytes of any query value read here
)

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
			return q, protocol.Problem(protocol.CodeInvalidRequest, "server.audit.too_long", i18n.Args{"Param": name})
		}
	}
	if v := get("since"); v != "" {
		t, err := parseSince(v)
		if err != nil {
			return q, protocol.Problem(protocol.CodeInvalidRequest, "server.audit.since")
		}
		q.Since = t
	}
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxAuditPage {
			return q, protocol.Problem(protocol.CodeInvalidRequest, "server.query.limit", i18n.Args{"Max": store.MaxAuditPage})
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
			return q, protocol.Problem(protocol.CodeInvalidRequest, "server.audit.after")
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
