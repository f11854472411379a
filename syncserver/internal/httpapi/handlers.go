package httpapi

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/store"
)

// maxSmallBody limits bodies other than push (enrolment, admin).
const maxSmallBody = 64 << 10

func hashToken(tok string) []byte { return auth.HashToken(tok) }

// readJSONBody checks the media type and reads at most limit bytes of the
// (decompressed) body. Larger bodies are 413 before anything is decoded.
func readJSONBody(r *http.Request, limit int64) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return nil, protocol.Problem(protocol.CodeUnsupportedMediaType, "server.body.not_json_type")
	}
	if r.ContentLength > limit && r.Header.Get(echo.HeaderContentEncoding) == "" {
		return nil, protocol.Problem(protocol.CodeTooLarge, "server.body.over_bytes", i18n.Args{"Max": limit})
	}
	var body io.Reader = r.Body
	size := r.ContentLength // the decompressed size, when there is no encoding
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get(echo.HeaderContentEncoding))); enc {
	case "", "identity":
	case "gzip":
		// The compressed stream itself is bounded too, so a client cannot
		// stream forever; the decompressed size is what PROTOCOL §5 limits.
		zr, err := gzip.NewReader(io.LimitReader(r.Body, limit+1))
		if err != nil {
			return nil, protocol.Problem(protocol.CodeInvalidJSON, "server.body.gzip")
		}
		defer zr.Close()
		body = zr
		size = -1
	default:
		return nil, protocol.Problem(protocol.CodeUnsupportedMediaType, "server.body.encoding", i18n.Args{"Encoding": strconv.Quote(enc)})
	}
	b, err := readAllSized(io.LimitReader(body, limit+1), size)
	if err != nil {
		// The limit is the LimitReader's (checked below), never an error here.
		return nil, protocol.Problem(protocol.CodeInvalidJSON, "server.body.incomplete")
	}
	if int64(len(b)) > limit {
		return nil, protocol.Problem(protocol.CodeTooLarge, "server.body.over_bytes", i18n.Args{"Max": limit})
	}
	return b, nil
}

// readAllSized is io.ReadAll into one buffer of the known size (plus one
// byte, so the final EOF needs no growth): io.ReadAll's doubling leaves up
// to twice the body allocated, which the in-flight budget would have to pay
// for. With size unknown (-1) it grows like io.ReadAll.
func readAllSized(r io.Reader, size int64) ([]byte, error) {
	n := 512
	if size >= 0 {
		n = int(size) + 1
	}
	b := make([]byte, 0, n)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		m, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// decodeSmall decodes a small JSON object body into v.
func decodeSmall(c echo.Context, v any) error {
	b, err := readJSONBody(c.Request(), maxSmallBody)
	if err != nil {
		return err
	}
	if !utf8.Valid(b) {
		return protocol.Problem(protocol.CodeInvalidJSON, "server.body.not_utf8")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return protocol.Problem(protocol.CodeInvalidJSON, "server.body.not_expected")
	}
	return nil
}

// enrolRequest is §4's enrolment body, or §13's with a code in place of
// username and password.
type enrolRequest struct {
	protocol.EnrolRequest
	Code *string `json:"code"`
}

func (s *Server) handleEnrol(c echo.Context) error {
	ctx := c.Request().Context()
	var req enrolRequest
	if err := decodeSmall(c, &req); err != nil {
		return err
	}
	if req.Code != nil {
		return s.enrolWithCode(c, req.EnrolRequest, *req.Code)
	}
	// Every field is bounded before it reaches a lookup or a key (ADR 0004:
	// a 40 KB slug gave 500, a NUL byte gave 500 on PostgreSQL).
	if msg := auth.CheckLoginFields(req.School, req.Username, req.Password); msg != "" {
		return protocol.Errorf(protocol.CodeInvalidRequest, "%s", msg)
	}
	if err := checkDeviceFields(req.EnrolRequest); err != nil {
		return err
	}
	now := s.now()
	// The same check as the console's sign-in (auth.Login): one bounded,
	// atomic failed-login limit for both.
	school, user, err := auth.Login(ctx, s.store, s.cfg.Passwords, req.School, req.Username, req.Password, now)
	if err := s.loginError(err, now); err != nil {
		return err
	}
	return s.finishEnrol(c, school, user, req.EnrolRequest, now)
}

// checkDeviceFields bounds the device id and name of an enrolment; the name
// follows the one name rule (protocol.ValidName, ADR 0004: a NUL gave 500 on
// PostgreSQL).
func checkDeviceFields(req protocol.EnrolRequest) error {
	if !record.IsID(req.DeviceID) {
		return protocol.Problem(protocol.CodeInvalidRequest, "server.param.uuid", i18n.Args{"Param": "device_id"})
	}
	if len(req.DeviceName) > 200 || !protocol.ValidName(req.DeviceName) {
		return protocol.Problem(protocol.CodeInvalidRequest, "server.enrol.device_name")
	}
	return nil
}

// loginError maps auth.Login's outcome onto PROTOCOL §4's answers (401 with
// one body, 429 with Retry-After) and counts it; nil for a success.
func (s *Server) loginError(err error, now time.Time) error {
	var limited *auth.LimitedError
	switch {
	case err == nil:
		s.metrics.logins.WithLabelValues("ok").Inc()
		return nil
	case errors.Is(err, auth.ErrBadCredentials):
		s.metrics.logins.WithLabelValues("wrong").Inc()
		return errBadCredentials
	case errors.As(err, &limited):
		return s.limitedError(limited.RetryAt, now)
	}
	return err
}

// limitedError is the 429 of PROTOCOL §4, counted.
func (s *Server) limitedError(retryAt, now time.Time) error {
	s.metrics.logins.WithLabelValues("limited").Inc()
	e := protocol.Problem(protocol.CodeRateLimited, "server.login.rate_limited")
	e.RetryAfter = max(1, int(retryAt.Sub(now).Round(time.Second)/time.Second))
	return e
}

// takeAttempt counts one login attempt under key, or returns 429 with
// Retry-After when the key is at §4's limit.
func (s *Server) takeAttempt(ctx context.Context, key string, now time.Time) error {
	ok, retryAt, err := s.store.TakeLoginAttempt(ctx, key, now, auth.Limit)
	if err != nil {
		return err
	}
	if !ok {
		return s.limitedError(retryAt, now)
	}
	return nil
}

// finishEnrol issues the token of a checked enrolment (password or code).
func (s *Server) finishEnrol(c echo.Context, school store.School, user store.User, req protocol.EnrolRequest, now time.Time) error {
	token, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	err = s.store.Enrol(c.Request().Context(), store.Enrolment{SchoolID: school.ID, UserID: user.ID, DeviceID: req.DeviceID,
		DeviceName: req.DeviceName, TokenHash: hash, At: now})
	if errors.Is(err, store.ErrConflict) {
		return protocol.Problem(protocol.CodeConflict, "server.enrol.device_taken")
	}
	if errors.Is(err, store.ErrUserDisabled) {
		// Disabled between the check above and the enrolment's transaction.
		return errBadCredentials
	}
	if err != nil {
		return err
	}
	s.log.Info("device enrolled", "school_id", school.ID, "user_id", user.ID, "device_id", req.DeviceID)
	return c.JSON(http.StatusCreated, protocol.EnrolResponse{
		Token:        token,
		User:         protocol.User{ID: user.ID, Username: user.Username, Name: user.Name, Role: user.Role},
		School:       protocol.School{ID: school.ID, Slug: school.Slug, Name: school.Name},
		ServerTimeMS: s.nowMS(),
	})
}

var errBadCredentials = protocol.Problem(protocol.CodeUnauthorized, "server.login.bad_credentials")

func (s *Server) handlePush(c echo.Context) error {
	p := PrincipalOf(c)
	ctx := c.Request().Context()
	// A device already at its records per minute is refused before its
	// body costs anything (ADR 0025).
	if err := s.pushBudgetLeft(p, s.now()); err != nil {
		discardBody(c.Request())
		return err
	}
	// Reserve before the body is read: the bytes it and its copies will
	// take come out of the in-flight budget (ADR 0007).
	res, err := s.reserve(ctx, pushReservation(c.Request()))
	if err != nil {
		discardBody(c.Request())
		return err
	}
	defer res.Release()
	body, err := readJSONBody(c.Request(), protocol.MaxPushBodyBytes)
	if err != nil {
		return err
	}
	req, err := protocol.DecodePush(body)
	if err != nil {
		return err
	}
	c.Set(countKey, len(req.Records))
	now := s.now()
	if err := protocol.ValidatePush(req, p.DeviceID, now, s.cfg.MaxClockSkew); err != nil {
		return err
	}
	// Counted once valid, whatever the store answers: the budget bounds
	// the records the store must examine. Checked and counted in one step,
	// so parallel pushes of one device never pass on the same budget.
	if err := s.takePushBudget(p, len(req.Records), now); err != nil {
		return err
	}
	reply, err := s.store.Push(ctx, store.PushBatch{SchoolID: p.School.ID, Pusher: p.User.ID,
		PusherIsAdmin: p.User.IsAdmin(), Records: req.Records, At: now})
	if err != nil {
		return err
	}
	for _, r := range reply.Results {
		s.metrics.records.WithLabelValues(string(r.Outcome)).Inc()
	}
	return c.JSON(http.StatusOK, protocol.PushResponse{Results: reply.Results, ServerTimeMS: s.nowMS(), Epoch: reply.Epoch})
}

func (s *Server) handlePull(c echo.Context) error {
	p := PrincipalOf(c)
	ctx := c.Request().Context()
	q := c.Request().URL.Query()
	after, limit := int64(0), protocol.DefaultPullLimit
	if v := q.Get("after"); v != "" || q.Has("after") {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return protocol.Problem(protocol.CodeInvalidRequest, "server.pull.after")
		}
		after = n
	}
	if v := q.Get("limit"); v != "" || q.Has("limit") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return protocol.Problem(protocol.CodeInvalidRequest, "server.query.limit", i18n.Args{"Max": protocol.MaxPullLimit})
		}
		limit = min(n, protocol.MaxPullLimit)
	}
	// The page's size is known only after the store has read it: reserve
	// for the largest page, then give back what this one does not use.
	res, err := s.reserve(ctx, pullReservation(limit))
	if err != nil {
		return err
	}
	defer res.Release() // after the response is written
	page, err := s.store.Pull(ctx, store.PullQuery{SchoolID: p.School.ID, After: after, Limit: limit,
		MaxBytes: protocol.PullSizeCap, Viewer: viewerOf(c)})
	if err != nil {
		return err
	}
	// ADR 0021: restricted content handed out is audited, in one
	// batch, before a byte of it is written; no entry, no content.
	if err := s.auditOut(c, store.AuditPull, page.Records); err != nil {
		return err
	}
	size := pullBufSize(page.Records)
	res.ShrinkTo(int64(size)*pullCopies + requestOverhead)
	c.Set(countKey, len(page.Records))
	s.metrics.pulled.Add(float64(len(page.Records)))
	s.metrics.pullLag.Observe(float64(len(page.Records)))
	return writePullResponse(c.Response(), page, s.nowMS(), page.Epoch)
}

// pullWriters are the buffers pull pages are written through: the page
// goes from the store's copy straight to the socket in writes of
// pullWriteBuf bytes, instead of into a second page-sized buffer first.
var pullWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, pullWriteBuf) }}

const pullWriteBuf = 256 << 10

// writePullResponse writes the pull body without reflection: ids, types and
// HLCs were validated as plain ASCII at push time and data as a JSON object,
// so the stored bytes are spliced in as they are, record by record into the
// pooled writer's free space (no copy when a record fits). This is the hot
// path of a first sync.
func writePullResponse(r *echo.Response, page store.PullPage, serverMS int64, epoch string) error {
	r.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	r.WriteHeader(http.StatusOK)
	w := pullWriters.Get().(*bufio.Writer)
	w.Reset(r)
	defer func() {
		w.Reset(nil)
		pullWriters.Put(w)
	}()
	w.WriteString(`{"records":[`)
	for i, e := range page.Records {
		b := w.AvailableBuffer()
		if i > 0 {
			b = append(b, ',')
		}
		w.Write(e.AppendJSON(b))
	}
	w.Write(appendPullTail(w.AvailableBuffer(), page, serverMS, epoch))
	return w.Flush()
}

func pullBufSize(recs []record.Envelope) int {
	n := 128
	for _, e := range recs {
		n += len(e.Data) + pullRecordOverhead
	}
	return n
}

// appendPullTail appends what follows the records of a pull response.
func appendPullTail(b []byte, page store.PullPage, serverMS int64, epoch string) []byte {
	b = append(b, `],"cursor":`...)
	b = strconv.AppendInt(b, page.Cursor, 10)
	b = append(b, `,"more":`...)
	b = strconv.AppendBool(b, page.More)
	b = append(b, `,"server_time_ms":`...)
	b = strconv.AppendInt(b, serverMS, 10)
	b = append(b, `,"epoch":`...)
	eb, _ := json.Marshal(epoch)
	b = append(b, eb...)
	return append(b, '}')
}

func (s *Server) handleListDevices(c echo.Context) error {
	p := PrincipalOf(c)
	devs, err := s.store.ListDevices(c.Request().Context(), p.School.ID)
	if err != nil {
		return err
	}
	out := protocol.DevicesResponse{Devices: make([]protocol.AdminDevice, 0, len(devs))}
	for _, d := range devs {
		out.Devices = append(out.Devices, protocol.AdminDevice{
			DeviceID: d.DeviceID, DeviceName: d.DeviceName,
			User:       protocol.User{ID: d.User.ID, Username: d.User.Username, Name: d.User.Name, Role: d.User.Role},
			EnrolledAt: d.EnrolledAt.UTC().Format(time.RFC3339), LastSeenAt: d.LastSeenAt.UTC().Format(time.RFC3339),
			Revoked: d.Revoked,
		})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleRevokeDevice(c echo.Context) error {
	p := PrincipalOf(c)
	id := c.Param("device_id")
	if !record.IsID(id) {
		return protocol.Problem(protocol.CodeInvalidRequest, "server.param.uuid", i18n.Args{"Param": "device_id"})
	}
	// §13: ?wipe=1 also marks the device to be wiped. Anything but a clear
	// yes or no is refused rather than guessed: a wipe erases a tablet.
	var wipe bool
	switch v := c.QueryParam("wipe"); v {
	case "1", "true":
		wipe = true
	case "", "0", "false":
	default:
		return protocol.Problem(protocol.CodeInvalidRequest, "server.param.flag", i18n.Args{"Param": "wipe"})
	}
	var err error
	if wipe {
		err = s.store.WipeDevice(c.Request().Context(), p.School.ID, id, s.now())
	} else {
		err = s.store.RevokeDevice(c.Request().Context(), p.School.ID, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Problem(protocol.CodeNotFound, "server.not_found.device")
	}
	if err != nil {
		return err
	}
	s.log.Info("device revoked", "school_id", p.School.ID, "device_id", id, "by_user_id", p.User.ID, "wipe", wipe)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) handleAddUser(c echo.Context) error {
	p := PrincipalOf(c)
	var req protocol.AddUserRequest
	if err := decodeSmall(c, &req); err != nil {
		return err
	}
	u, err := schooladmin.AddUser(c.Request().Context(), s.store, s.cfg.Passwords, p.School.ID, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, protocol.AddUserResponse{User: protocol.User{ID: u.ID, Username: u.Username, Name: u.Name, Role: u.Role}})
}
