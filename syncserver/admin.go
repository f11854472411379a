package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/httpapi"
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
	if strings.TrimSpace(*name) == "" {
		return errors.New("--name is required")
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
	u, err := httpapi.NewUser(auth.Passwords{}, sc.ID, protocol.AddUserRequest{Username: *username, Name: *name, Role: *role, Password: pw})
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return errors.New(pe.Message)
		}
		return err
	}
	u, err = st.CreateUser(ctx, u)
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("the username %q already exists in %s", u.Username, *school)
	}
	if err != nil {
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
