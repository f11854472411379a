package httpapi

import (
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/store"
)

// Administration (PROTOCOL §13). Every route here sits behind authenticate
// and requireAdmin, and reaches the admin's own school only: the store
// methods take the school id from the token, never from the request. The
// rules are schooladmin's, which the console and the command line call
// too; this file is their JSON.

// AdminUser is one user as §13 lists it: never a password hash.
type AdminUser struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Disabled  bool   `json:"disabled"`
	CreatedAt string `json:"created_at"` // RFC 3339
}

func adminUser(u store.User) AdminUser {
	return AdminUser{ID: u.ID, Username: u.Username, Name: u.Name, Role: u.Role, Disabled: u.Disabled,
		CreatedAt: u.CreatedAt.UTC().Format(time.RFC3339)}
}

// UsersResponse is the body of GET /v1/admin/users.
type UsersResponse struct {
	Users []AdminUser `json:"users"`
}

// UserResponse is the body of PATCH /v1/admin/users/{user_id}.
type UserResponse struct {
	User AdminUser `json:"user"`
}

func (s *Server) handleListUsers(c echo.Context) error {
	p := PrincipalOf(c)
	users, err := s.store.ListUsers(c.Request().Context(), p.School.ID)
	if err != nil {
		return err
	}
	out := UsersResponse{Users: make([]AdminUser, 0, len(users))}
	for _, u := range users {
		out.Users = append(out.Users, adminUser(u))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handlePatchUser(c echo.Context) error {
	p := PrincipalOf(c)
	id := c.Param("user_id")
	// §13: a malformed id is "no such user" like an unknown one or another
	// school's (404), so ids of other schools cannot be told apart.
	if _, err := uuid.Parse(id); err != nil {
		return schooladmin.ErrNoSuchUser
	}
	var req schooladmin.UserPatch
	if err := decodeSmall(c, &req); err != nil {
		return err
	}
	u, err := schooladmin.ChangeUser(c.Request().Context(), s.store, s.cfg.Passwords, p.User.ID, p.School.ID, id, req, s.now())
	if err != nil {
		return err
	}
	// What changed is logged by name only: never a password or its hash.
	s.log.Info("user changed", "school_id", p.School.ID, "user_id", id, "by_user_id", p.User.ID,
		"name", req.Name != nil, "role", req.Role != nil, "disabled", req.Disabled != nil, "password", req.Password != nil)
	return c.JSON(http.StatusOK, UserResponse{User: adminUser(u)})
}

// CodeRequest is the body of POST /v1/admin/enrolment-codes.
type CodeRequest struct {
	UserID           string `json:"user_id"`
	ExpiresInMinutes *int   `json:"expires_in_minutes"`
}

// CodeResponse is the 201 body of POST /v1/admin/enrolment-codes.
type CodeResponse struct {
	Code      string `json:"code"`
	ExpiresAt string `json:"expires_at"` // RFC 3339
}

func (s *Server) handleCreateCode(c echo.Context) error {
	p := PrincipalOf(c)
	var req CodeRequest
	if err := decodeSmall(c, &req); err != nil {
		return err
	}
	if req.UserID == "" {
		return protocol.Problem(protocol.CodeInvalidRequest, "server.param.required", i18n.Args{"Param": "user_id"})
	}
	minutes, err := schooladmin.CodeMinutes(req.ExpiresInMinutes)
	if err != nil {
		return err
	}
	code, exp, err := schooladmin.CreateEnrolmentCode(c.Request().Context(), s.store, p.School.ID, req.UserID, minutes, s.now())
	if err != nil {
		return err
	}
	s.log.Info("enrolment code created", "school_id", p.School.ID, "user_id", req.UserID, "by_user_id", p.User.ID,
		"expires_in_minutes", minutes) // never the code
	return c.JSON(http.StatusCreated, CodeResponse{Code: code, ExpiresAt: exp.UTC().Format(time.RFC3339)})
}

// clientIP is the address the connection comes from. Forwarding headers
// are not believed: a client could send a new one with every guess and so
// escape the per-address limit. Behind a reverse proxy every client shares
// the proxy's address, and so one limit per school (see ADR 0008).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// enrolWithCode is POST /v1/devices with a code (PROTOCOL §13).
func (s *Server) enrolWithCode(c echo.Context, req protocol.EnrolRequest, code string) error {
	ctx := c.Request().Context()
	if req.Username != "" || req.Password != "" {
		return protocol.Problem(protocol.CodeInvalidRequest, "server.enrol.code_or_password")
	}
	if msg := auth.CheckCodeFields(req.School, code); msg != "" {
		return protocol.Errorf(protocol.CodeInvalidRequest, "%s", msg)
	}
	if err := checkDeviceFields(req); err != nil {
		return err
	}
	now := s.now()
	// Counted before the code is even looked up, in the same atomic step
	// as password attempts: parallel guesses of codes are bounded too.
	key := auth.CodeKey(req.School, clientIP(c.Request()))
	if err := s.takeAttempt(ctx, key, now); err != nil {
		return err
	}
	school, err := s.store.SchoolBySlug(ctx, req.School)
	if errors.Is(err, store.ErrNotFound) {
		s.metrics.logins.WithLabelValues("wrong").Inc()
		return errBadCredentials
	}
	if err != nil {
		return err
	}
	norm, ok := auth.NormalizeCode(code)
	if !ok {
		s.metrics.logins.WithLabelValues("wrong").Inc()
		return errBadCredentials
	}
	// Unknown, used, expired, another school's, or a disabled user's: one
	// answer, the body of bad credentials.
	user, err := s.store.ConsumeEnrolmentCode(ctx, school.ID, auth.HashCode(norm), now)
	if errors.Is(err, store.ErrNotFound) {
		s.metrics.logins.WithLabelValues("wrong").Inc()
		return errBadCredentials
	}
	if err != nil {
		return err
	}
	s.metrics.logins.WithLabelValues("ok").Inc()
	// A success forgets the address's failures, as a password login does
	// for its user: a school enrolling 30 tablets from behind one address
	// is not refused after the 10th.
	if err := s.store.ClearLoginAttempts(ctx, key); err != nil {
		return err
	}
	return s.finishEnrol(c, school, user, req, now)
}
