// Command syncserver is the Small Wins sync server (PROTOCOL §11):
//
//	syncserver serve [--listen 127.0.0.1:8080] [--db syncserver.db | --postgres URL] ...
//	syncserver school add --slug lincoln-elem --name "Lincoln Elementary"
//	syncserver user add --school lincoln-elem --username rivera --name "Ana Rivera" --role admin|interventionist
//	syncserver user list --school lincoln-elem
//	syncserver user set --school lincoln-elem --username rivera [--name N] [--role R] [--disabled true|false] [--password-stdin]
//	syncserver epoch new
//	syncserver import oneroster --school lincoln-elem [--org SOURCED_ID] [--dry-run] [--json] PATH
//	syncserver import groups --school lincoln-elem [--dry-run] [--json] PATH
//	syncserver import norms --school lincoln-elem [--dry-run] [--json] FILE
//	syncserver import forms --school lincoln-elem [--dry-run] [--json] FILE
//
// main is the only reader of flags and SYNCSERVER_* variables.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `usage:
  syncserver serve [--listen 127.0.0.1:8080] [--db syncserver.db | --postgres URL]
                   [--metrics-listen ADDR] [--tls-cert FILE --tls-key FILE]
                   [--max-clock-skew 5m] [--tombstone-retention 400d]
                   [--max-inflight-bytes 192MiB] [--push-records-per-minute 20000]
                   [--report-cache-bytes 64MiB]
  syncserver school add --slug SLUG --name NAME [--db FILE | --postgres URL]
  syncserver user add --school SLUG --username NAME --name "FULL NAME"
                      --role admin|interventionist [--db FILE | --postgres URL]
                      (the password is read from standard input, one line)
  syncserver user list --school SLUG [--db FILE | --postgres URL]
  syncserver user set --school SLUG --username NAME [--name "FULL NAME"]
                      [--role admin|interventionist] [--disabled true|false]
                      [--password-stdin] [--db FILE | --postgres URL]
                      (disabling revokes every device of the user; with
                      --password-stdin the new password is read from
                      standard input, one line)
  syncserver epoch new [--db FILE | --postgres URL]
  syncserver import oneroster [--db FILE | --postgres URL] --school SLUG
                      [--org SOURCED_ID] [--dry-run] [--json] PATH
                      (PATH: a OneRoster CSV export, a directory or a .zip;
                      every student or none is written; exit status 1 when
                      the import is refused)
  syncserver import groups [--db FILE | --postgres URL] --school SLUG
                      [--dry-run] [--json] PATH
                      (PATH: a directory or .zip with groups.csv and/or
                      goals.csv, our template; see docs/roster-import.md)
  syncserver import norms [--db FILE | --postgres URL] --school SLUG
                      [--dry-run] [--json] FILE
  syncserver import forms [--db FILE | --postgres URL] --school SLUG
                      [--dry-run] [--json] FILE
                      (FILE: a district's norm tables or probe forms as CSV;
                      see docs/norms.md; every table or form or none is
                      written)

Every flag may also be set with SYNCSERVER_<FLAG> (e.g. SYNCSERVER_DB,
SYNCSERVER_MAX_CLOCK_SKEW); a flag beats its variable.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "syncserver:", err)
		}
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(2)
	}
}

// run dispatches a command line; it is main without the process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := strings.Join(firstN(args, 2), " ")
	switch {
	case len(args) >= 1 && args[0] == "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case cmd == "school add":
		return cmdSchoolAdd(ctx, args[2:], stdout, stderr)
	case cmd == "user add":
		return cmdUserAdd(ctx, args[2:], stdin, stdout, stderr)
	case cmd == "user list":
		return cmdUserList(ctx, args[2:], stdout, stderr)
	case cmd == "user set":
		return cmdUserSet(ctx, args[2:], stdin, stdout, stderr)
	case cmd == "epoch new":
		return cmdEpochNew(ctx, args[2:], stdout, stderr)
	case cmd == "import oneroster":
		return cmdImportOneRoster(ctx, args[2:], stdout, stderr)
	case cmd == "import groups":
		return cmdImportGroups(ctx, args[2:], stdout, stderr)
	case cmd == "import norms":
		return cmdImportDistrict(ctx, "norms", args[2:], stdout, stderr)
	case cmd == "import forms":
		return cmdImportDistrict(ctx, "forms", args[2:], stdout, stderr)
	case len(args) >= 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help"):
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", strings.Join(args, " "))
}

func firstN(s []string, n int) []string {
	if len(s) < n {
		return s
	}
	return s[:n]
}
