package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/store"
)

// toProtocol maps any handler error to the one wire error type (PROTOCOL §8).
// It is the only place where errors become codes.
func toProtocol(err error) *protocol.Error {
	var pe *protocol.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, store.ErrResyncRequired):
		return protocol.Errorf(protocol.CodeResyncRequired, "the cursor is older than the server's deleted-record history: pull again from 0")
	case errors.Is(err, store.ErrConflict):
		return protocol.Errorf(protocol.CodeConflict, "that name already exists")
	case errors.Is(err, store.ErrNotFound):
		return protocol.Errorf(protocol.CodeNotFound, "not found")
	case errors.Is(err, store.ErrBadText):
		return protocol.Errorf(protocol.CodeInvalidRequest, "a name must be text without control characters")
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			return protocol.Errorf(protocol.CodeNotFound, "no such endpoint")
		case http.StatusRequestEntityTooLarge:
			return protocol.Errorf(protocol.CodeTooLarge, "the request body is too large")
		case http.StatusUnsupportedMediaType:
			return protocol.Errorf(protocol.CodeUnsupportedMediaType, "the body must be application/json")
		case http.StatusUnauthorized:
			return errUnauthorized
		case http.StatusBadRequest:
			return protocol.Errorf(protocol.CodeInvalidRequest, "malformed request")
		}
	}
	return protocol.Errorf(protocol.CodeInternal, "internal server error")
}

// handleError is Echo's HTTPErrorHandler: every error response is
// {"error": {...}} with the status of its code.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	pe := toProtocol(err)
	if pe.Code == protocol.CodeInternal {
		// Details go to the log (never record data: store errors carry ids
		// and operations only); the client sees a fixed sentence.
		s.log.Error("internal error", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err.Error())
	}
	if pe.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(pe.RetryAfter))
	}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(pe.Status())
	} else {
		werr = c.JSON(pe.Status(), protocol.ErrorBody{Error: pe})
	}
	if werr != nil {
		s.log.Warn("writing an error response failed", "err", werr.Error())
	}
}
