package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/store"
)

func cmdSchoolAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("school add", stderr)
	var sf storeFlags
	sf.register(fs)
	slug := fs.String("slug", "", "the school's short name, e.g. lincoln-elem")
	name := fs.String("name", "", "the school's full name")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !validSlug(*slug) {
		return errors.New("--slug must be 1-64 characters of a-z, 0-9, - and _")
	}
	if n := strings.TrimSpace(*name); n == "" || len(n) > 200 || !protocol.ValidName(n) {
		return errors.New("--name is required: 1 to 200 bytes of text without control or bidi characters")
	}
	st, err := openStore(ctx, sf.db, sf.postgres)
	if err != nil {
		return err
	}
	defer st.Close()
	sc, err := st.CreateSchool(ctx, store.School{Slug: *slug, Name: strings.TrimSpace(*name)})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("a school with slug %q already exists", *slug)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "school %s added (id %s)\n", sc.Slug, sc.ID)
	return nil
}

func validSlug(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("user add", stderr)
	var sf storeFlags
	sf.register(fs)
	school := fs.String("school", "", "the school's slug")
	username := fs.String("username", "", "login name")
	name := fs.String("name", "", "the person's name")
	role := fs.String("role", "", "admin or interventionist")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *school == "" {
		return errors.New("--school is required")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	st, err := openStore(ctx, sf.db, sf.postgres)
	if err != nil {
		return err
	}
	defer st.Close()
	sc, err := st.SchoolBySlug(ctx, *school)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no school with slug %q (add it with: syncserver school add)", *school)
	}
	if err != nil {
		return err
	}
	u, err := schooladmin.AddUser(ctx, st, auth.Passwords{}, sc.ID, protocol.AddUserRequest{Username: *username, Name: *name, Role: *role, Password: pw})
	if protocol.IsCode(err, protocol.CodeConflict) {
		return fmt.Errorf("the username %q already exists in %s", strings.TrimSpace(*username), *school)
	}
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return errors.New(pe.Message)
		}
		return err
	}
	fmt.Fprintf(stdout, "user %s added to %s as %s (id %s)\n", u.Username, sc.Slug, u.Role, u.ID)
	return nil
}

func cmdEpochNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("epoch new", stderr)
	var sf storeFlags
	sf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, sf.db, sf.postgres)
	if err != nil {
		return err
	}
	defer st.Close()
	e, err := st.NewEpoch(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "new epoch %s: devices will re-push what they wrote\n", e)
	return nil
}

// cmdUserList prints a school's users, one a line, sorted by username: the
// command line's GET /v1/admin/users for when the server is not running.
func cmdUserList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("user list", stderr)
	var sf storeFlags
	sf.register(fs)
	school := fs.String("school", "", "the school's slug")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *school == "" {
		return errors.New("--school is required")
	}
	st, err := openStore(ctx, sf.db, sf.postgres)
	if err != nil {
		return err
	}
	defer st.Close()
	sc, err := schoolOf(ctx, st, *school)
	if err != nil {
		return err
	}
	users, err := st.ListUsers(ctx, sc.ID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNAME\tROLE\tDISABLED\tID")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%t\t%s\n", u.Username, u.Name, u.Role, u.Disabled, u.ID)
	}
	return tw.Flush()
}

// cmdUserSet changes a user: the command line's PATCH /v1/admin/users with
// the same rules (schooladmin.NewUserChange). Disabling revokes the user's
// devices as over HTTP. The self-lockout rule has no meaning here: whoever
// runs this holds the store itself, and can undo any change.
func cmdUserSet(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("user set", stderr)
	var sf storeFlags
	sf.register(fs)
	school := fs.String("school", "", "the school's slug")
	username := fs.String("username", "", "login name of the user to change")
	name := fs.String("name", "", "new full name")
	role := fs.String("role", "", "new role: admin or interventionist")
	disabled := fs.String("disabled", "", "true disables the user (revoking every device), false enables")
	pwStdin := fs.Bool("password-stdin", false, "read a new password from standard input, one line")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *school == "" || *username == "" {
		return errors.New("--school and --username are required")
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var req schooladmin.UserPatch
	if given["name"] {
		req.Name = name
	}
	if given["role"] {
		req.Role = role
	}
	if given["disabled"] {
		b, err := strconv.ParseBool(*disabled)
		if err != nil {
			return errors.New("--disabled must be true or false")
		}
		req.Disabled = &b
	}
	if *pwStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading the password from standard input: %w", err)
		}
		pw := strings.TrimRight(line, "\r\n")
		req.Password = &pw
	}
	if req == (schooladmin.UserPatch{}) {
		return errors.New("nothing to change: give --name, --role, --disabled or --password-stdin")
	}
	ch, err := schooladmin.NewUserChange(auth.Passwords{}, req)
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return errors.New(pe.Message)
		}
		return err
	}
	st, err := openStore(ctx, sf.db, sf.postgres)
	if err != nil {
		return err
	}
	defer st.Close()
	sc, err := schoolOf(ctx, st, *school)
	if err != nil {
		return err
	}
	u, err := st.UserByUsername(ctx, sc.ID, *username)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user %q in %s", *username, *school)
	}
	if err != nil {
		return err
	}
	u, err = st.UpdateUser(ctx, sc.ID, u.ID, ch, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s of %s: name %q, role %s, disabled %t\n", u.Username, sc.Slug, u.Name, u.Role, u.Disabled)
	return nil
}

func schoolOf(ctx context.Context, st store.Schools, slug string) (store.School, error) {
	sc, err := st.SchoolBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return sc, fmt.Errorf("no school with slug %q (add it with: syncserver school add)", slug)
	}
	return sc, err
}
