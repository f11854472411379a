package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/store"
)

// Recovery keys (ADR 0020): a device's token stores and
// fetches the key the server holds for it. The key is never logged: the
// request log has the route, status, school and device only (observe), and
// no metric has a label that could carry it.

// recoveryKeyBody is the body of PUT and the answer of GET.
type recoveryKeyBody struct {
	RecoveryKey string `json:"recovery_key"`
}

// recoveryKeyChars is the length of 32 bytes in unpadded base64url.
var recoveryKeyChars = base64.RawURLEncoding.EncodedLen(store.RecoveryKeyLen)

var errBadRecoveryBody = protocol.Problem(protocol.CodeBadRequest, "server.recovery.body")

// decodeRecoveryKey is the strict reading of the key: exactly 43 characters
// of the URL alphabet, no padding, no line breaks (the standard decoder
// skips those), no stray bits, 32 bytes.
func decodeRecoveryKey(s string) ([]byte, bool) {
	if len(s) != recoveryKeyChars || strings.ContainsAny(s, "\r\n=") {
		return nil, false
	}
	k, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return k, err == nil && len(k) == store.RecoveryKeyLen
}

func (s *Server) handlePutRecoveryKey(c echo.Context) error {
	p := PrincipalOf(c)
	b, err := readJSONBody(c.Request(), maxSmallBody)
	if err != nil {
		// 413 and 415 stay what they are everywhere (§8); what is read but
		// is not the object below is bad_request.
		if protocol.IsCode(err, protocol.CodeInvalidJSON) {
			return errBadRecoveryBody
		}
		return err
	}
	var req struct {
		RecoveryKey *string `json:"recovery_key"`
	}
	if json.Unmarshal(b, &req) != nil || req.RecoveryKey == nil {
		return errBadRecoveryBody
	}
	key, ok := decodeRecoveryKey(*req.RecoveryKey)
	if !ok {
		return errBadRecoveryBody
	}
	err = s.store.PutRecoveryKey(c.Request().Context(), store.RecoveryKey{SchoolID: p.School.ID, DeviceID: p.DeviceID,
		UserID: p.User.ID, Key: key, At: s.now()})
	if errors.Is(err, store.ErrNotFound) {
		// The token was live a moment ago; the device was revoked since.
		return errUnauthorized
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) handleGetRecoveryKey(c echo.Context) error {
	p := PrincipalOf(c)
	key, err := s.store.RecoveryKey(c.Request().Context(), p.School.ID, p.DeviceID, p.User.ID)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Problem(protocol.CodeNotFound, "server.recovery.none")
	}
	if err != nil {
		return err
	}
	// Not a response any cache may keep.
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, recoveryKeyBody{RecoveryKey: base64.RawURLEncoding.EncodeToString(key)})
}
