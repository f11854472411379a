package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"smallwins/syncserver/internal/roster"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// exitError ends the process with a status of its own: PROTOCOL §14 wants
// 1 for a refused import, where other command failures exit 2.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// maxListedErrors is how many errors the words form lists (§14: the first 20).
const maxListedErrors = 20

// importCmd is what every import command reads from its command line: the
// store, --school, --dry-run, --json and the one PATH. extra registers a
// command's own flags before parsing.
type importCmd struct {
	sf           storeFlags
	school, path string
	dry, asJSON  bool
}

func parseImport(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (importCmd, error) {
	fs := newFlags(name, stderr)
	var c importCmd
	c.sf.register(fs)
	school := fs.String("school", "", "the school's slug")
	if extra != nil {
		extra(fs)
	}
	dry := fs.Bool("dry-run", false, "report what the import would do and write nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	path, err := parseWithPath(fs, args)
	if err != nil {
		return c, err
	}
	if *school == "" {
		return c, errors.New("--school is required")
	}
	c.school, c.path, c.dry, c.asJSON = *school, path, *dry, *asJSON
	return c, nil
}

// cmdImportOneRoster is `syncserver import oneroster` (PROTOCOL §14).
func cmdImportOneRoster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var org *string
	c, err := parseImport("import oneroster", args, stderr, func(fs *flag.FlagSet) {
		org = fs.String("org", "", "import only students whose orgSourcedIds hold this sourcedId")
	})
	if err != nil {
		return err
	}
	rep, err := importOneRoster(ctx, c.sf, c.school, c.path, roster.Options{Org: *org}, c.dry)
	return finishImport(stdout, rep, err, c.asJSON, "students")
}

func importOneRoster(ctx context.Context, sf storeFlags, slug, path string, opts roster.Options, dry bool) (roster.Report, error) {
	// The files are read before the store is opened: a mistyped PATH costs
	// no lock on the embedded store.
	fsys, closeFiles, err := roster.Open(path)
	if err != nil {
		return roster.Report{}, err
	}
	parsed := roster.Parse(fsys, opts)
	closeFiles()

	return withImporter(ctx, sf, slug, func(im roster.Importer, schoolID string, by store.User) (roster.Report, error) {
		return im.Import(ctx, schoolID, by, parsed, dry)
	})
}

// withImporter opens the store, finds the school and the import's author
// (importAuthor), and runs one import with a server writer: the steps both
// import commands share.
func withImporter(ctx context.Context, sf storeFlags, slug string, run func(roster.Importer, string, store.User) (roster.Report, error)) (roster.Report, error) {
	st, err := openStore(ctx, sf.db, sf.postgres)
	if err != nil {
		return roster.Report{}, err
	}
	defer st.Close()
	sc, err := schoolOf(ctx, st, slug)
	if err != nil {
		return roster.Report{}, err
	}
	by, err := importAuthor(ctx, st, sc.ID)
	if err != nil {
		return roster.Report{}, err
	}
	return run(roster.Importer{Store: st, Writer: serverwriter.New(st, nil)}, sc.ID, by)
}

// cmdImportGroups is `syncserver import groups`: our own template for
// intervention groups and goals (docs/roster-import.md), with §14's rules.
func cmdImportGroups(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseImport("import groups", args, stderr, nil)
	if err != nil {
		return err
	}
	rep, err := importGroups(ctx, c.sf, c.school, c.path, c.dry)
	return finishImport(stdout, rep, err, c.asJSON, "records (groups and goals)")
}

// cmdImportDistrict is `syncserver import norms` (and, with forms,
// `syncserver import forms`): a district's norm tables or probe forms
// from one CSV file (docs/norms.md), with §14's rules.
func cmdImportDistrict(ctx context.Context, kind string, args []string, stdout, stderr io.Writer) error {
	c, err := parseImport("import "+kind, args, stderr, nil)
	if err != nil {
		return err
	}
	what, def := "norm tables", roster.NormsFile
	if kind == "forms" {
		what, def = "probe forms", roster.FormsFile
	}
	rep, err := importDistrict(ctx, c.sf, c.school, c.path, kind, def, c.dry)
	return finishImport(stdout, rep, err, c.asJSON, what)
}

func importDistrict(ctx context.Context, sf storeFlags, slug, path, kind, def string, dry bool) (roster.Report, error) {
	// The file is opened before the store: a mistyped FILE costs no lock
	// on the embedded store. It is read as a stream, never whole.
	f, err := os.Open(path)
	if err != nil {
		return roster.Report{}, fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return roster.Report{}, fmt.Errorf("%s is a directory: give the CSV file", path)
	}
	name := roster.FileName(path, def)
	return withImporter(ctx, sf, slug, func(im roster.Importer, schoolID string, by store.User) (roster.Report, error) {
		if kind == "forms" {
			return im.ImportForms(ctx, schoolID, by, name, f, dry)
		}
		return im.ImportNorms(ctx, schoolID, by, name, f, dry)
	})
}

// finishImport prints an import's report (JSON or words) and turns a
// refusal into exit status 1, for both import commands.
func finishImport(stdout io.Writer, rep roster.Report, err error, asJSON bool, what string) error {
	if err != nil {
		return &exitError{1, err}
	}
	if asJSON {
		b, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		printReport(stdout, rep, what)
	}
	if rep.ErrorCount > 0 {
		return &exitError{1, fmt.Errorf("import refused: %d error(s); nothing was written", rep.ErrorCount)}
	}
	return nil
}

func importGroups(ctx context.Context, sf storeFlags, slug, path string, dry bool) (roster.Report, error) {
	fsys, closeFiles, err := roster.Open(path)
	if err != nil {
		return roster.Report{}, err
	}
	defer closeFiles()
	return withImporter(ctx, sf, slug, func(im roster.Importer, schoolID string, by store.User) (roster.Report, error) {
		return im.ImportTemplate(ctx, schoolID, by, fsys, dry)
	})
}

// importAuthor is who a command-line import writes as: §14 names nobody,
// so it is the school's earliest-made admin who is not disabled (ADR 0009).
// Being an admin matters only for the push's restricted-record rule, which
// students never meet; the author is who the records say created them.
func importAuthor(ctx context.Context, st store.Users, schoolID string) (store.User, error) {
	users, err := st.ListUsers(ctx, schoolID)
	if err != nil {
		return store.User{}, err
	}
	var admins []store.User
	for _, u := range users {
		if u.IsAdmin() && !u.Disabled {
			admins = append(admins, u)
		}
	}
	if len(admins) == 0 {
		return store.User{}, errors.New("the school has no enabled admin to import as: add one first with `syncserver user add --role admin`")
	}
	sort.SliceStable(admins, func(i, j int) bool { return admins[i].CreatedAt.Before(admins[j].CreatedAt) })
	return admins[0], nil
}

// printReport prints §14's report in words, then the first 20 errors;
// what names the records counted.
// Errors never hold a value of the file, only where and what kind.
func printReport(w io.Writer, r roster.Report, what string) {
	switch {
	case r.ErrorCount > 0:
		fmt.Fprintln(w, "Import refused: nothing was written.")
	case r.DryRun:
		fmt.Fprintln(w, "Dry run: nothing was written. The import would do this:")
	default:
		fmt.Fprintln(w, "Import done.")
	}
	fmt.Fprintf(w, "  created:      %d %s\n", r.Created, what)
	fmt.Fprintf(w, "  updated:      %d %s\n", r.Updated, what)
	fmt.Fprintf(w, "  unchanged:    %d %s\n", r.Unchanged, what)
	if what == "students" {
		fmt.Fprintf(w, "  not in file:  %d students (left as they are)\n", r.NotInFile)
		fmt.Fprintf(w, "  skipped rows: %d (other roles, other orgs)\n", r.SkippedRows)
	}
	if r.ErrorCount == 0 {
		return
	}
	fmt.Fprintf(w, "%d error(s):\n", r.ErrorCount)
	for i, e := range r.Errors {
		if i == maxListedErrors {
			break
		}
		fmt.Fprintf(w, "  %s\n", e)
	}
	if more := r.ErrorCount - min(len(r.Errors), maxListedErrors); more > 0 {
		// --json lists at most roster.MaxReportErrors (§14).
		fmt.Fprintf(w, "  … and %d more (--json lists the first %d)\n", more, roster.MaxReportErrors)
	}
}
