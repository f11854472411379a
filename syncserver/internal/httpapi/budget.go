package httpapi

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/membudget"
)

// DefaultMaxInflightBytes is the in-flight byte budget when Config leaves it
// zero: with the copy factors below, 100 concurrent maximum-size pushes and
// 100 concurrent full pulls keep the process under 512 MiB of RSS
// (docs/RELIABILITY.md, "Attack figures" of the first run; ADR 0007).
const DefaultMaxInflightBytes = 192 << 20

const (
	// pushCopies is how many bytes a push allocates per body byte, from
	// reading the body to the store's commit: the body, the store's encoded
	// values and bbolt's dirty pages. BenchmarkPushAllocs measured 4.0 to
	// 4.1 on average for maximum-size pushes (more, once, when bbolt remaps
	// a growing file); 5 leaves room (docs/decisions/0007-inflight-budget.md).
	pushCopies = 5
	// pushRecordBytes is what each record costs beyond its bytes (index
	// entries, results, bbolt nodes): small records allocate 12 bytes per
	// body byte, about 2 KiB a record more than pushCopies covers.
	pushRecordBytes = 2 << 10
	// minRecordBytes is about the smallest envelope a body can hold, so a
	// body of N bytes holds at most N/minRecordBytes records.
	minRecordBytes = 100
	// pullCopies is the same for a pull page: the store's copy of the
	// records and the response buffer. BenchmarkPullAllocs measured 2.1
	// when the page was built in a second buffer; it now goes out through
	// a pooled 256 KiB writer (writePullResponse), so 3 leaves more room.
	pullCopies = 3
	// requestOverhead is reserved by every push or pull on top of its
	// bytes: headers, the decoder's state, the small response.
	requestOverhead = 64 << 10
	// defaultInflightWait is how long a request may queue for budget before
	// it is refused: a burst of tablets waits its turn instead of failing.
	defaultInflightWait = 2 * time.Second
	// budgetRetryAfter is the Retry-After of a refusal, in seconds.
	budgetRetryAfter = 2
)

// reserve takes n bytes of the in-flight budget or answers 503 unavailable
// with Retry-After (PROTOCOL §8).
func (s *Server) reserve(ctx context.Context, n int64) (*membudget.Reservation, error) {
	res, err := s.budget.Acquire(ctx, n)
	if err != nil {
		e := protocol.Problem(protocol.CodeUnavailable, "server.busy")
		e.RetryAfter = budgetRetryAfter
		return nil, e
	}
	return res, nil
}

// pushReservation is what a push may really use: its Content-Length when
// the body is not compressed (the server reads no more than that), else the
// largest body PROTOCOL §5 allows; times the copies it makes.
func pushReservation(r *http.Request) int64 {
	n := r.ContentLength
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get(echo.HeaderContentEncoding)))
	switch {
	case n > protocol.MaxPushBodyBytes && enc == "":
		return requestOverhead // refused with 413 before the body is read
	case n < 0 || (enc != "" && enc != "identity"):
		n = protocol.MaxPushBodyBytes
	}
	n = min(n, protocol.MaxPushBodyBytes+1) // readJSONBody stops there
	return n*pushCopies + min(protocol.MaxPushRecords, n/minRecordBytes)*pushRecordBytes + requestOverhead
}

// discardBody reads a refused push's body into nothing (io.Discard's small
// pooled buffer: no memory grows), up to the largest legal body. A server
// that answers without reading and closes the connection resets it under a
// client that is still sending, and the client sees a broken pipe instead
// of the 503 and its Retry-After. A longer body is left to net/http, which
// then closes the connection.
func discardBody(r *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, protocol.MaxPushBodyBytes+1))
}

// pullReservation is what the largest page of limit records may use: the
// store stops at PullSizeCap, but always returns one record, so a page may
// pass the cap by one record's data.
func pullReservation(limit int) int64 {
	page := min(int64(protocol.PullSizeCap+record.MaxDataBytes+pullRecordOverhead),
		int64(limit)*(record.MaxDataBytes+pullRecordOverhead))
	return page*pullCopies + requestOverhead
}

// pullRecordOverhead is pullBufSize's allowance for a record's envelope.
const pullRecordOverhead = 200
