package syncclient

import (
	"testing"

	"smallwins/shared/protocol"
)

// FuzzDecodeError: any status and body decode to a coded error without
// panicking, and the code always maps back to a real status.
func FuzzDecodeError(f *testing.F) {
	f.Add(400, []byte(`{"error":{"code":"invalid_record","message":"x","index":3}}`))
	f.Add(422, []byte(`{"error":{"code":"clock_ahead","message":"x","server_time_ms":1764000000000}}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Add(413, []byte(`{"error":null}`))
	f.Add(401, []byte(`{"error":{"code":"forbidden"}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		pe := DecodeError(status, body)
		if pe == nil || pe.Code == "" {
			t.Fatalf("no code for %d %q", status, body)
		}
		if status >= 400 && status < 500 && pe.Status() != status && pe.Code != protocol.CodeFor(status) {
			t.Fatalf("status %d decoded as %s", status, pe.Code)
		}
	})
}
