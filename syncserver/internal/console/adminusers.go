package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// The admin page's own forms for what the API and the command line could
// do and the page could not (ADR 0027): add a user, and change or delete
// a calendar break. Each goes through the same rules as the API
// (schooladmin; serverwriter for records).

func newUserRow(adminID string, u store.User) userRow {
	yes, demote := true, protocol.RoleInterventionist
	return userRow{User: u, Self: u.ID == adminID,
		CanDisable: schooladmin.CheckSelfChange(adminID, u.ID, schooladmin.UserPatch{Disabled: &yes}) == nil,
		CanDemote:  schooladmin.CheckSelfChange(adminID, u.ID, schooladmin.UserPatch{Role: &demote}) == nil}
}

// breakRow is a calendar break with what its forms send back: its id, and
// the version the page showed (a change of a break changed since is
// refused, as a probe's edit is).
type breakRow struct {
	record.CalendarBreak
	ID, HLC string
}

// handleUserAdd adds a user with schooladmin.AddUser (POST
// /v1/admin/users's rules and messages).
func (c *Console) handleUserAdd(ec echo.Context) error {
	if err := adminForm(ec); err != nil {
		return err
	}
	s := sessionOf(ec)
	f := ec.Request().PostForm
	u, err := schooladmin.AddUser(ec.Request().Context(), c.st, c.pws, s.p.School.ID, protocol.AddUserRequest{
		Username: f.Get("username"), Name: f.Get("name"), Role: f.Get("role"), Password: f.Get("password")})
	if err != nil {
		return c.apiError(ec, err)
	}
	// By id only: never a password.
	c.log.Info("console user added", "school_id", s.p.School.ID, "user_id", u.ID, "by_user_id", s.p.User.ID)
	return ec.Redirect(http.StatusSeeOther, "/admin?done=added#users-h")
}

var errBreakChanged = newErr(http.StatusConflict, "error.break_changed")

// heldBreak reads the route's break: 404 unless it is a calendar break of
// this school.
func (c *Console) heldBreak(ec echo.Context) (record.Envelope, error) {
	id := ec.Param("id")
	if !record.IsID(id) {
		return record.Envelope{}, errNotFound
	}
	s := sessionOf(ec)
	envs, err := c.st.RecordsByID(ec.Request().Context(), s.p.School.ID, store.ViewerOf(s.p.User), id)
	if err != nil {
		return record.Envelope{}, err
	}
	if len(envs) != 1 || envs[0].Type != record.TypeCalendarBreak {
		return record.Envelope{}, errNotFound
	}
	return envs[0], nil
}

// handleBreakEdit writes a new version of a break, over the version the
// page showed only (serverwriter.Draft.IfHLC).
func (c *Console) handleBreakEdit(ec echo.Context) error {
	return c.changeBreak(ec, false)
}

// handleBreakDelete deletes a break (a tombstone, so tablets drop it on
// their next sync), over the version the page showed only.
func (c *Console) handleBreakDelete(ec echo.Context) error {
	return c.changeBreak(ec, true)
}

func (c *Console) changeBreak(ec echo.Context, del bool) error {
	if err := adminForm(ec); err != nil {
		return err
	}
	env, err := c.heldBreak(ec)
	if err != nil {
		return err
	}
	s := sessionOf(ec)
	f := ec.Request().PostForm
	if f.Get("hlc") != env.HLC {
		return errBreakChanged
	}
	d := serverwriter.Draft{ID: env.ID, Type: record.TypeCalendarBreak, Deleted: del, IfHLC: env.HLC}
	done := "break-deleted"
	if !del {
		b := record.CalendarBreak{Name: strings.TrimSpace(f.Get("name")), StartDate: f.Get("start_date"), EndDate: f.Get("end_date")}
		if err := b.Validate(); err != nil {
			return c.adminPage(ec, http.StatusBadRequest, map[string]any{"Error": tr(langOf(ec), "admin.break_not_changed", i18n.Args{"Problem": err.Error()})})
		}
		d.Data, done = b, "break-changed"
	}
	if _, err := c.w.Write(ec.Request().Context(), s.p.School.ID, s.p.User, d); errors.Is(err, store.ErrChanged) {
		return errBreakChanged
	} else if err != nil {
		return err
	}
	c.log.Info("console calendar break changed", "school_id", s.p.School.ID, "record_id", env.ID, "by_user_id", s.p.User.ID, "deleted", del)
	return ec.Redirect(http.StatusSeeOther, "/admin?done="+done+"#breaks-h")
}
