package schooladmin

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/store"
)

// UserPatch is a change to a user: the body of PATCH
// /v1/admin/users/{user_id}, the console's per-user forms and `user set`.
// Absent (nil) fields stay as they are.
type UserPatch struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

// ErrNoSuchUser is the 404 of a user the school does not have: unknown,
// another school's, or a malformed id alike (§13), so ids of other schools
// cannot be told apart.
var ErrNoSuchUser = protocol.Problem(protocol.CodeNotFound, "server.admin.no_such_user")

// ErrSelfLockout is the 409 of an admin disabling or demoting themself.
var ErrSelfLockout = protocol.Problem(protocol.CodeConflict, "server.admin.self_lockout")

var (
	errBadName = protocol.Problem(protocol.CodeInvalidRequest, "server.admin.bad_name")
	errBadRole = protocol.Problem(protocol.CodeInvalidRequest, "server.admin.bad_role")
)

// validName: a user's name, already trimmed (the one name rule,
// protocol.ValidName, within this field's bounds).
func validName(n string) bool { return n != "" && len(n) <= 200 && protocol.ValidName(n) }

func validRole(r string) bool { return r == protocol.RoleAdmin || r == protocol.RoleInterventionist }

// NewUser validates a new user's fields and hashes the password, for the
// store's CreateUser.
func NewUser(pws auth.Passwords, schoolID string, req protocol.AddUserRequest) (store.User, error) {
	req.Username = strings.TrimSpace(req.Username)
	req.Name = strings.TrimSpace(req.Name)
	switch {
	case req.Username == "" || len(req.Username) > auth.MaxUsernameBytes || !protocol.ValidName(req.Username):
		// The enrolment's bounds (auth.CheckLoginFields), so every user can
		// log in, and the one name rule.
		return store.User{}, protocol.Problem(protocol.CodeInvalidRequest, "server.admin.bad_username")
	case !validName(req.Name):
		return store.User{}, errBadName
	case !validRole(req.Role):
		return store.User{}, errBadRole
	}
	h, err := hashPassword(pws, req.Password)
	if err != nil {
		return store.User{}, err
	}
	return store.User{SchoolID: schoolID, Username: req.Username, Name: req.Name, Role: req.Role, PasswordHash: h}, nil
}

// AddUser adds a user to the school with NewUser's rules (POST
// /v1/admin/users, `user add`). A username the school has already is a 409.
func AddUser(ctx context.Context, st store.Users, pws auth.Passwords, schoolID string, req protocol.AddUserRequest) (store.User, error) {
	u, err := NewUser(pws, schoolID, req)
	if err != nil {
		return store.User{}, err
	}
	u, err = st.CreateUser(ctx, u)
	if errors.Is(err, store.ErrConflict) {
		return store.User{}, protocol.Problem(protocol.CodeConflict, "server.admin.username_taken", i18n.Args{"Username": strconv.Quote(req.Username)})
	}
	return u, err
}

// NewUserChange validates a change with NewUser's rules and messages and
// hashes a new password.
func NewUserChange(pws auth.Passwords, p UserPatch) (store.UserChange, error) {
	var ch store.UserChange
	if p.Name != nil {
		n := strings.TrimSpace(*p.Name)
		if !validName(n) {
			return ch, errBadName
		}
		ch.Name = &n
	}
	if p.Role != nil {
		if !validRole(*p.Role) {
			return ch, errBadRole
		}
		ch.Role = p.Role
	}
	ch.Disabled = p.Disabled
	if p.Password != nil {
		h, err := hashPassword(pws, *p.Password)
		if err != nil {
			return ch, err
		}
		ch.PasswordHash = h
	}
	return ch, nil
}

// CheckSelfChange refuses a change by admin adminID to user userID that
// would disable or demote themself, so a school keeps its last admin.
// The command line has no such rule: whoever runs it holds the store.
func CheckSelfChange(adminID, userID string, p UserPatch) error {
	if userID == adminID && ((p.Disabled != nil && *p.Disabled) || (p.Role != nil && *p.Role != protocol.RoleAdmin)) {
		return ErrSelfLockout
	}
	return nil
}

// ChangeUser is an admin's change to a user of their school (PATCH
// /v1/admin/users/{user_id}, the console's admin page): the self-lockout
// rule, NewUserChange's rules, then the store, which revokes a disabled
// user's devices and sessions in the same transaction. ErrNoSuchUser when
// the school has no such user.
func ChangeUser(ctx context.Context, st store.Users, pws auth.Passwords, adminID, schoolID, userID string, p UserPatch, at time.Time) (store.User, error) {
	if err := CheckSelfChange(adminID, userID, p); err != nil {
		return store.User{}, err
	}
	ch, err := NewUserChange(pws, p)
	if err != nil {
		return store.User{}, err
	}
	u, err := st.UpdateUser(ctx, schoolID, userID, ch, at)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, ErrNoSuchUser
	}
	return u, err
}

// hashPassword applies §11's password rule (and the bound of the enrolment
// field, so every password set can be typed at enrolment) and hashes it.
// NewUser and NewUserChange share it, so the messages are the same.
func hashPassword(pws auth.Passwords, pw string) ([]byte, error) {
	if len(pw) > auth.MaxPasswordBytes {
		return nil, protocol.Problem(protocol.CodeInvalidRequest, "server.password.too_long", i18n.Args{"Max": auth.MaxPasswordBytes})
	}
	h, err := pws.Hash(pw)
	if errors.Is(err, auth.ErrWeakPassword) {
		return nil, protocol.Problem(protocol.CodeInvalidRequest, "server.password.too_short", i18n.Args{"Min": protocol.MinPasswordLen})
	}
	if errors.Is(err, auth.ErrBlankPassword) {
		return nil, protocol.Problem(protocol.CodeInvalidRequest, "server.password.blank")
	}
	if errors.Is(err, auth.ErrCommonPassword) {
		return nil, protocol.Problem(protocol.CodeInvalidRequest, "server.password.common")
	}
	if err != nil {
		return nil, err
	}
	return h, nil
}
