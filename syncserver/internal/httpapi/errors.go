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
		return protocol.Problem(protocol.CodeResyncRequired, "server.pull.resync")
	case errors.Is(err, store.ErrConflict):
		return protocol.Problem(protocol.CodeConflict, "server.conflict.name")
	case errors.Is(err, store.ErrNotFound):
		return protocol.Problem(protocol.CodeNotFound, "server.not_found.any")
	case errors.Is(err, store.ErrBadText):
		return protocol.Problem(protocol.CodeInvalidRequest, "server.name.invalid")
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			return protocol.Problem(protocol.CodeNotFound, "server.not_found.endpoint")
		case http.StatusRequestEntityTooLarge:
			return protocol.Problem(protocol.CodeTooLarge, "server.body.too_large")
		case http.StatusUnsupportedMediaType:
			return protocol.Problem(protocol.CodeUnsupportedMediaType, "server.body.not_json_type")
		case http.StatusUnauthorized:
			return errUnauthorized
		case http.StatusBadRequest:
			return protocol.Problem(protocol.CodeInvalidRequest, "server.request.malformed")
		}
	}
	return protocol.Problem(protocol.CodeInternal, "server.internal")
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
