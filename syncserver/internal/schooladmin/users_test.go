package schooladmin_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

var pws = auth.Passwords{Cost: 4} // bcrypt's minimum

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func ptr[T any](v T) *T { return &v }

// The rules every surface shares, on a real store: the code each refusal
// carries is what the API answers and what the console and the command
// line put in words.
func TestUserRules(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	f := storetest.NewFixture(t, st, "lincoln")
	other := storetest.NewFixture(t, st, "other")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	cases := []struct {
		name   string
		by, id string
		patch  schooladmin.UserPatch
		code   protocol.Code
	}{
		{"self disable", f.Admin.ID, f.Admin.ID, schooladmin.UserPatch{Disabled: ptr(true)}, protocol.CodeConflict},
		{"self demote", f.Admin.ID, f.Admin.ID, schooladmin.UserPatch{Role: ptr(protocol.RoleInterventionist)}, protocol.CodeConflict},
		{"another school's user", f.Admin.ID, other.Ana.ID, schooladmin.UserPatch{Disabled: ptr(true)}, protocol.CodeNotFound},
		{"blank name", f.Admin.ID, f.Ana.ID, schooladmin.UserPatch{Name: ptr("  ")}, protocol.CodeInvalidRequest},
		{"unknown role", f.Admin.ID, f.Ana.ID, schooladmin.UserPatch{Role: ptr("owner")}, protocol.CodeInvalidRequest},
		{"short password", f.Admin.ID, f.Ana.ID, schooladmin.UserPatch{Password: ptr("short")}, protocol.CodeInvalidRequest},
	}
	for _, c := range cases {
		_, err := schooladmin.ChangeUser(ctx, st, pws, c.by, f.School.ID, c.id, c.patch, now)
		if !protocol.IsCode(err, c.code) {
			t.Errorf("%s: error %v, want %s", c.name, err, c.code)
		}
	}
	// Nothing of the refused changes was written.
	users, err := st.ListUsers(ctx, other.School.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Disabled {
			t.Errorf("another school's %s was disabled", u.Username)
		}
	}

	u, err := schooladmin.ChangeUser(ctx, st, pws, f.Admin.ID, f.School.ID, f.Ana.ID, schooladmin.UserPatch{Name: ptr("  Ana Rivera "), Disabled: ptr(true)}, now)
	if err != nil || u.Name != "Ana Rivera" || !u.Disabled {
		t.Fatalf("change: %+v, %v; want the trimmed name and disabled", u, err)
	}

	if _, err := schooladmin.AddUser(ctx, st, pws, f.School.ID, protocol.AddUserRequest{Username: "ana", Name: "Ana", Role: protocol.RoleAdmin, Password: "a long passphrase"}); !protocol.IsCode(err, protocol.CodeConflict) {
		t.Errorf("a username the school has: %v, want conflict", err)
	}
	if _, err := schooladmin.AddUser(ctx, st, pws, f.School.ID, protocol.AddUserRequest{Username: "cy", Name: "Cy", Role: protocol.RoleAdmin, Password: "password"}); !protocol.IsCode(err, protocol.CodeInvalidRequest) {
		t.Errorf("a common password: %v, want invalid_request", err)
	}
}

func TestEnrolmentCodes(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	f := storetest.NewFixture(t, st, "lincoln")
	other := storetest.NewFixture(t, st, "other")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	for _, m := range []*int{ptr(0), ptr(-1), ptr(schooladmin.MaxCodeMinutes + 1)} {
		if _, err := schooladmin.CodeMinutes(m); !protocol.IsCode(err, protocol.CodeInvalidRequest) {
			t.Errorf("CodeMinutes(%d): %v, want invalid_request", *m, err)
		}
	}
	if m, err := schooladmin.CodeMinutes(nil); m != schooladmin.DefaultCodeMinutes || err != nil {
		t.Errorf("CodeMinutes(nil) = %d, %v", m, err)
	}
	for _, id := range []string{"not-a-uuid", other.Ana.ID} {
		if _, _, err := schooladmin.CreateEnrolmentCode(ctx, st, f.School.ID, id, 60, now); !errors.Is(err, schooladmin.ErrNoSuchUser) {
			t.Errorf("code for %q: %v, want ErrNoSuchUser", id, err)
		}
	}
	code, exp, err := schooladmin.CreateEnrolmentCode(ctx, st, f.School.ID, f.Ana.ID, 60, now)
	if err != nil || !exp.Equal(now.Add(time.Hour)) {
		t.Fatalf("code: expires %v, %v", exp, err)
	}
	norm, ok := auth.NormalizeCode(code)
	if !ok {
		t.Fatalf("the code %q does not normalise", code)
	}
	u, err := st.ConsumeEnrolmentCode(ctx, f.School.ID, auth.HashCode(norm), now.Add(59*time.Minute))
	if err != nil || u.ID != f.Ana.ID {
		t.Fatalf("consume: %+v, %v; want Ana", u, err)
	}
}
