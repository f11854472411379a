// Package syncclient talks to the sync server (PROTOCOL.md): Client has one
// method per endpoint and turns every non-2xx answer into *protocol.Error;
// Syncer runs the client duties of PROTOCOL §9 over a localstore.Store.
package syncclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// GzipThreshold is the body size above which requests are gzipped
// (PROTOCOL §5 accepts Content-Encoding: gzip; limits apply after
// decompression).
const GzipThreshold = 32 << 10

// maxResponseBytes bounds what the client reads of one response: a pull
// page is about 8 MiB (PROTOCOL §6); the margin covers one large record.
const maxResponseBytes = 64 << 20

// Client calls the sync server's endpoints. The zero HTTP means a client
// with a 60 s timeout. Token is the bearer token (PROTOCOL §4); never log it.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// NewClient returns a client for the server at baseURL (e.g.
// "http://10.0.0.5:8080").
func NewClient(baseURL, token string, hc *http.Client) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token, HTTP: hc}
}

// DefaultRequestTimeout bounds one request of a client given no
// http.Client: long enough for a full 8 MiB push on a slow school network,
// short enough that a hung server is reported while the person still looks.
const DefaultRequestTimeout = 20 * time.Second

var defaultHTTP = &http.Client{Timeout: DefaultRequestTimeout}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

// NetworkError wraps a failure to reach the server or read its answer
// (retryable, PROTOCOL §9), as opposed to a *protocol.Error the server sent.
type NetworkError struct{ Err error }

func (e *NetworkError) Error() string { return "network: " + e.Err.Error() }
func (e *NetworkError) Unwrap() error { return e.Err }

// Enrol enrols this device (POST /v1/devices, PROTOCOL §4).
func (c *Client) Enrol(ctx context.Context, req protocol.EnrolRequest) (*protocol.EnrolResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("syncclient: enrol: %w", err)
	}
	var out protocol.EnrolResponse
	if err := c.do(ctx, http.MethodPost, "/v1/devices", body, false, &out); err != nil {
		return nil, fmt.Errorf("syncclient: enrol: %w", err)
	}
	return &out, nil
}

// Push sends one batch (POST /v1/sync/push, PROTOCOL §5). Seq is dropped
// from the envelopes. A large body is gzipped.
func (c *Client) Push(ctx context.Context, recs []record.Envelope) (*protocol.PushResponse, error) {
	body := EncodePush(recs)
	var out protocol.PushResponse
	if err := c.do(ctx, http.MethodPost, "/v1/sync/push", body, true, &out); err != nil {
		return nil, fmt.Errorf("syncclient: push: %w", err)
	}
	if len(out.Results) != len(recs) {
		return nil, fmt.Errorf("syncclient: push: %d results for %d records", len(out.Results), len(recs))
	}
	return &out, nil
}

// EncodePush renders a push body; its length is what the 8 MiB limit counts.
func EncodePush(recs []record.Envelope) []byte {
	n := 16
	for _, e := range recs {
		n += len(e.Data) + 160
	}
	return protocol.AppendPushBody(make([]byte, 0, n), recs)
}

// Pull fetches one page (GET /v1/sync/pull, PROTOCOL §6).
func (c *Client) Pull(ctx context.Context, after int64, limit int) (*protocol.PullResponse, error) {
	q := url.Values{}
	q.Set("after", strconv.FormatInt(after, 10))
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out protocol.PullResponse
	if err := c.do(ctx, http.MethodGet, "/v1/sync/pull?"+q.Encode(), nil, false, &out); err != nil {
		return nil, fmt.Errorf("syncclient: pull: %w", err)
	}
	return &out, nil
}

func (c *Client) do(ctx context.Context, method, path string, body []byte, mayGzip bool, out any) error {
	var rd io.Reader
	gz := false
	if body != nil {
		if mayGzip && len(body) > GzipThreshold {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
			if _, err := zw.Write(body); err != nil {
				return err
			}
			if err := zw.Close(); err != nil {
				return err
			}
			body, gz = buf.Bytes(), true
		}
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		if gz {
			req.Header.Set("Content-Encoding", "gzip")
		}
	}
	req.Header.Set("Accept", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return &NetworkError{Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return &NetworkError{Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		pe := DecodeError(resp.StatusCode, data)
		// 429 and 503 say when to come back (PROTOCOL §8); the syncer
		// waits at least that long.
		if n, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && n > 0 {
			pe.RetryAfter = min(n, int(BackoffMax/time.Second))
		}
		return pe
	}
	if out == nil {
		return nil
	}
	// The JSON v2 decoder for every answer (ADR 0006): one pass, several
	// times faster than encoding/json on the 100 MB of a first sync's pages.
	if err := jsonv2.Unmarshal(data, out); err != nil {
		return &NetworkError{Err: fmt.Errorf("decode %d response: %w", resp.StatusCode, err)}
	}
	return nil
}

// DecodeError turns a non-2xx answer into *protocol.Error (PROTOCOL §8):
// the JSON error body when it decodes, else the code the status maps to.
func DecodeError(status int, body []byte) *protocol.Error {
	var eb protocol.ErrorBody
	if json.Unmarshal(body, &eb) == nil && eb.Error != nil && eb.Error.Code != "" {
		// A body whose code contradicts the status (a proxy's page, say) is
		// not trusted: a 503 must never read as 401 and cost an enrolment.
		if protocol.StatusFor(eb.Error.Code) == status || (status >= 500 && eb.Error.Code == protocol.CodeInternal) {
			return eb.Error
		}
	}
	return &protocol.Error{Code: protocol.CodeFor(status), Message: http.StatusText(status)}
}

// AsProtocolError returns the *protocol.Error in err, or nil.
func AsProtocolError(err error) *protocol.Error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}
