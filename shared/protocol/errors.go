package protocol

import (
	"errors"
	"fmt"
	"net/http"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// Code is an error code of PROTOCOL §8, spelled as on the wire.
type Code string

// The error codes of PROTOCOL §8.
const (
	CodeInvalidJSON          Code = "invalid_json"
	CodeInvalidRecord        Code = "invalid_record"
	CodeDuplicateID          Code = "duplicate_id"
	CodeInvalidRequest       Code = "invalid_request"
	CodeUnauthorized         Code = "unauthorized"
	CodeForbidden            Code = "forbidden"
	CodeNotFound             Code = "not_found"
	CodeConflict             Code = "conflict"
	CodeResyncRequired       Code = "resync_required"
	CodeTooLarge             Code = "too_large"
	CodeUnsupportedMediaType Code = "unsupported_media_type"
	CodeClockAhead           Code = "clock_ahead"
	CodeRateLimited          Code = "rate_limited"
	CodeDeviceWiped          Code = "device_wiped"
	CodeUnavailable          Code = "unavailable"
	CodeInternal             Code = "internal"

	// CodeBadRequest: the body of PUT /v1/device/recovery-key is not the
	// expected object (an addition to §8, ADR 0020).
	CodeBadRequest Code = "bad_request"
)

var statusByCode = map[Code]int{
	CodeInvalidJSON:          http.StatusBadRequest,
	CodeInvalidRecord:        http.StatusBadRequest,
	CodeDuplicateID:          http.StatusBadRequest,
	CodeInvalidRequest:       http.StatusBadRequest,
	CodeUnauthorized:         http.StatusUnauthorized,
	CodeForbidden:            http.StatusForbidden,
	CodeNotFound:             http.StatusNotFound,
	CodeConflict:             http.StatusConflict,
	CodeResyncRequired:       http.StatusGone,
	CodeTooLarge:             http.StatusRequestEntityTooLarge,
	CodeUnsupportedMediaType: http.StatusUnsupportedMediaType,
	CodeClockAhead:           http.StatusUnprocessableEntity,
	CodeRateLimited:          http.StatusTooManyRequests,
	CodeDeviceWiped:          http.StatusUnauthorized,
	CodeUnavailable:          http.StatusServiceUnavailable,
	CodeInternal:             http.StatusInternalServerError,
	CodeBadRequest:           http.StatusBadRequest,
}

// StatusFor returns the HTTP status of a code; unknown codes are 500.
func StatusFor(c Code) int {
	if s, ok := statusByCode[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// CodeFor returns the code a status maps to when a response carries no
// decodable body (the client's reading of a bare status).
func CodeFor(status int) Code {
	switch status {
	case http.StatusBadRequest:
		return CodeInvalidRequest
	case http.StatusUnauthorized:
		return CodeUnauthorized
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusConflict:
		return CodeConflict
	case http.StatusGone:
		return CodeResyncRequired
	case http.StatusRequestEntityTooLarge:
		return CodeTooLarge
	case http.StatusUnsupportedMediaType:
		return CodeUnsupportedMediaType
	case http.StatusUnprocessableEntity:
		return CodeClockAhead
	case http.StatusTooManyRequests:
		return CodeRateLimited
	case http.StatusServiceUnavailable:
		return CodeUnavailable
	}
	return CodeInternal
}

// Error is the one coded error of the wire (PROTOCOL §8). The server renders
// it as {"error": {...}}; the client decodes responses into it.
type Error struct {
	Code         Code   `json:"code"`
	Message      string `json:"message"`
	Index        *int   `json:"index,omitempty"`
	ServerTimeMS *int64 `json:"server_time_ms,omitempty"`
	// RetryAfter, when positive, is sent as the Retry-After header (seconds)
	// with 429 and 503 answers; it is not part of the body.
	RetryAfter int `json:"-"`
	// ID and Args, when set, are Message's catalog message (server.* in
	// shared/i18n/catalog) and its arguments, so a surface says it in its
	// person's language (In); the wire keeps the English Message
	// (docs/decisions/0029, 0038).
	ID   string    `json:"-"`
	Args i18n.Args `json:"-"`
	// refusal is the record rule a push broke, said by its own rule.
	refusal *record.FieldError
}

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error *Error `json:"error"`
}

func (e *Error) Error() string {
	if e.Index != nil {
		return fmt.Sprintf("%s: %s (record %d)", e.Code, e.Message, *e.Index)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Status is the HTTP status of e.
func (e *Error) Status() int { return StatusFor(e.Code) }

// Errorf returns an *Error with a formatted message.
func Errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// Problem returns an *Error whose message is the catalog's message id
// (server.*) with args: English on the wire, any language through In.
func Problem(c Code, id string, args ...i18n.Args) *Error {
	var a i18n.Args
	if len(args) > 0 {
		a = args[0]
	}
	return &Error{Code: c, Message: i18n.Shared.T(i18n.English, id, a), ID: id, Args: a}
}

// RecordProblem is Problem about the record at index i of a batch.
func RecordProblem(c Code, i int, id string, args ...i18n.Args) *Error {
	e := Problem(c, id, args...)
	e.Index = &i
	return e
}

// recordRefusal is the invalid_request of a record that breaks a rule of
// DOMAIN.md §2 (its bounds): the message is the rule's English reason.
func recordRefusal(i int, fe *record.FieldError) *Error {
	return &Error{Code: CodeInvalidRequest, Message: fe.Reason, Index: &i, refusal: fe}
}

// In is e's message in language l: from the catalog when e was made by
// Problem, by the record rule when it is one; a message that came over
// the wire is read back by the catalog's English (MessageIn), and one no
// message wrote is kept as it is.
func (e *Error) In(l i18n.Lang) string {
	switch {
	case e.refusal != nil:
		return e.refusal.In(l)
	case e.ID != "":
		return i18n.Shared.T(l, e.ID, e.Args)
	}
	return readBack(l, e.Message)
}

// MessageIn is err said for a person in language l: an *Error's message
// (In), a refused record's reason (record.ProblemIn), else err's own text;
// "" for nil. The console and the tablet call it (or
// progress.Speaker.Problem) wherever a server's answer reaches a person.
func MessageIn(l i18n.Lang, err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.In(l)
	}
	return record.ProblemIn(l, err)
}

// RecordError returns an *Error about the record at index i of a batch.
func RecordError(c Code, i int, format string, args ...any) *Error {
	e := Errorf(c, format, args...)
	e.Index = &i
	return e
}

// IsCode reports whether err is, or wraps, an *Error with code c.
func IsCode(err error, c Code) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Code == c
}

// readBack says an English message that came over the wire in language l:
// the server.* message that wrote it, with the arguments read from it; a
// record's bounds refusal (record.ReadProblem); or the text as it is.
func readBack(l i18n.Lang, msg string) string {
	if l == i18n.English {
		return msg
	}
	if id, args, ok := i18n.Shared.Match("server.", msg); ok {
		return i18n.Shared.T(l, id, args)
	}
	if fe, ok := record.ReadProblem(msg); ok {
		return fe.In(l)
	}
	return msg
}
