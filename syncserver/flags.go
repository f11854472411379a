package main

// The command line's flag plumbing: every flag also read from its
// SYNCSERVER_* variable (PROTOCOL §11), the store flags every command shares,
// and the value types of serve's duration and size flags.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// newFlags returns a flag set whose Parse also reads SYNCSERVER_* variables
// for flags not given on the command line.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	return fs
}

// parse parses args, then fills every flag not set from SYNCSERVER_<NAME>.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return fillFromEnv(fs)
}

// parseWithPath is parse for a command that takes one argument after its
// flags (import's PATH), which it returns.
func parseWithPath(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	switch fs.NArg() {
	case 0:
		return "", errors.New("the PATH of the export is missing (after the flags)")
	case 1:
	default:
		return "", fmt.Errorf("unexpected argument %q (flags go before PATH)", fs.Arg(1))
	}
	return fs.Arg(0), fillFromEnv(fs)
}

// fillFromEnv sets every flag not given on the command line from its
// SYNCSERVER_<NAME> variable.
func fillFromEnv(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		env := "SYNCSERVER_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s: %w", env, e)
			}
		}
	})
	return err
}

// storeFlags are the flags naming the store, shared by every command.
type storeFlags struct{ db, postgres string }

func (s *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.db, "db", "syncserver.db", "embedded store file (bbolt)")
	fs.StringVar(&s.postgres, "postgres", "", "PostgreSQL URL (instead of --db)")
}

// daysDuration is a time.Duration flag that also accepts a whole number of
// days with a `d` suffix ("400d"), as PROTOCOL §11 spells the retention.
type daysDuration struct{ d *time.Duration }

func (v daysDuration) String() string {
	if v.d == nil {
		return ""
	}
	if *v.d%(24*time.Hour) == 0 && *v.d > 0 {
		return strconv.FormatInt(int64(*v.d/(24*time.Hour)), 10) + "d"
	}
	return v.d.String()
}

func (v daysDuration) Set(s string) error {
	d, err := parseDays(s)
	if err != nil {
		return err
	}
	*v.d = d
	return nil
}

func parseDays(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseFloat(n, 64)
		if err != nil || days < 0 || days > 100*365 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		return time.Duration(days * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid duration %q (use e.g. 5m, 12h or 400d)", s)
	}
	return d, nil
}

// byteSize is a byte-count flag: plain bytes or a whole number with a KiB,
// MiB or GiB suffix ("192MiB").
type byteSize struct{ n *int64 }

func (v byteSize) String() string {
	switch {
	case v.n == nil:
		return ""
	case *v.n > 0 && *v.n%(1<<30) == 0:
		return strconv.FormatInt(*v.n>>30, 10) + "GiB"
	case *v.n > 0 && *v.n%(1<<20) == 0:
		return strconv.FormatInt(*v.n>>20, 10) + "MiB"
	}
	return strconv.FormatInt(*v.n, 10)
}

func (v byteSize) Set(s string) error {
	n, err := parseBytes(s)
	if err != nil {
		return err
	}
	*v.n = n
	return nil
}

func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	num, shift := s, 0
	for _, u := range []struct {
		suffix string
		shift  int
	}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, shift = strings.TrimSpace(n), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 || n > (1<<40)>>shift {
		return 0, fmt.Errorf("invalid size %q (use bytes, or e.g. 192MiB)", s)
	}
	return n << shift, nil
}
