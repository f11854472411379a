package schooladmin

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/store"
)

// FuzzParseAuditQuery: any query values give a bounded query or a 400, and
// every cursor the server hands out reads back as itself.
func FuzzParseAuditQuery(f *testing.F) {
	f.Add("2026-01-01", "100", "1764000000000-42-7")
	f.Add("2026-01-01T00:00:00.5+01:00", "1", "0-0-0")
	f.Add("", "", "")
	f.Add("x", "-1", "1-2")
	f.Add("9999-12-31T23:59:59Z", "1000", "9223372036854775807-9223372036854775807-2147483647")
	f.Fuzz(func(t *testing.T, since, limit, after string) {
		vals := map[string]string{"since": since, "limit": limit, "after": after}
		q, err := ParseAuditQuery(uuid.NewString(), func(k string) string { return vals[k] })
		if err != nil {
			if !protocol.IsCode(err, protocol.CodeInvalidRequest) {
				t.Fatalf("error %v is not invalid_request", err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > store.MaxAuditPage || !q.Since.IsZero() && q.Since.Before(time.Unix(0, 0)) {
			t.Fatalf("accepted an unbounded query %+v", q)
		}
		if a := q.After; a != nil {
			if a.AtMS < 0 || a.Seq < 0 || a.Index < 0 {
				t.Fatalf("accepted a negative cursor %+v", a)
			}
			e := store.AuditEntry{At: time.UnixMilli(a.AtMS), Seq: a.Seq, Index: a.Index}
			back, err := ParseAuditQuery(q.SchoolID, func(k string) string {
				if k == "after" {
					return AuditCursorText(e)
				}
				return ""
			})
			if err != nil || *back.After != *a {
				t.Fatalf("cursor %+v reads back as %+v, %v", a, back.After, err)
			}
		}
	})
}
