package schooladmin_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/store/storetest"
)

// TestRefusalsInSpanish: the refusals the console shows an admin, on a real store, carry
// their catalog message: English as the API has always said it, Spanish through
// protocol.MessageIn (docs/decisions/0038).
func TestRefusalsInSpanish(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	f := storetest.NewFixture(t, st, "lincoln")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	add := func(req protocol.AddUserRequest) error {
		_, err := schooladmin.AddUser(ctx, st, pws, f.School.ID, req)
		return err
	}
	change := func(p schooladmin.UserPatch) error {
		_, err := schooladmin.ChangeUser(ctx, st, pws, f.Admin.ID, f.School.ID, f.Admin.ID, p, now)
		return err
	}
	_, auditErr := schooladmin.ParseAuditQuery(f.School.ID, query{"limit": "0"}.get)
	cases := []struct {
		name   string
		err    error
		en, es string
	}{
		{"username taken", add(protocol.AddUserRequest{Username: "ana", Name: "Ana", Role: protocol.RoleAdmin, Password: "a long passphrase"}),
			`the username "ana" already exists in this school`, `el nombre de usuario "ana" ya existe en esta escuela`},
		{"common password", add(protocol.AddUserRequest{Username: "cy", Name: "Cy", Role: protocol.RoleAdmin, Password: "password"}),
			auth.ErrCommonPassword.Error(), "la contraseña es una de las más comunes: elija otra"},
		{"blank password", add(protocol.AddUserRequest{Username: "cy", Name: "Cy", Role: protocol.RoleAdmin, Password: "          "}),
			auth.ErrBlankPassword.Error(), "la contraseña no puede tener solo espacios"},
		{"short password", add(protocol.AddUserRequest{Username: "cy", Name: "Cy", Role: protocol.RoleAdmin, Password: "short"}),
			"the password must have at least 8 characters", "la contraseña debe tener al menos 8 caracteres"},
		{"self demote", change(schooladmin.UserPatch{Role: ptr(protocol.RoleInterventionist)}),
			"an admin cannot disable or demote themself: ask another admin",
			"un administrador no puede desactivarse ni quitarse el rol a sí mismo: pídaselo a otro administrador"},
		{"audit limit", auditErr, "limit must be a whole number from 1 to 1000", "limit debe ser un número entero de 1 a 1000"},
	}
	for _, c := range cases {
		var pe *protocol.Error
		if !errors.As(c.err, &pe) {
			t.Errorf("%s: %v is not a protocol error", c.name, c.err)
			continue
		}
		if pe.Message != c.en || protocol.MessageIn(i18n.English, c.err) != c.en {
			t.Errorf("%s: English %q, want %q", c.name, pe.Message, c.en)
		}
		if got := protocol.MessageIn(i18n.Spanish, c.err); got != c.es {
			t.Errorf("%s: Spanish %q, want %q", c.name, got, c.es)
		}
	}
}

type query map[string]string

func (q query) get(k string) string { return q[k] }
