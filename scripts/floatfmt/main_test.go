package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// offender is a module with every way the check knows of formatting a
// float, the ways it must leave alone, and one allowed place.
const offender = `package m

import (
	"fmt"
	"strconv"
	"time"
)

type score float64

func logf(format string, args ...any) { fmt.Printf(format, args...) }

type page struct{}

func (page) Warnf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func Shown(x float64, s score, n int, d time.Duration) []string {
	return []string{
		fmt.Sprintf("%v words", x),
		fmt.Sprint(s),
		fmt.Sprintf("%d%%", int(x)),
		strconv.Itoa(int(x)),
		strconv.FormatFloat(x, 'f', 1, 64),
		fmt.Sprintf("%.1f", 2.5),
		page{}.Warnf("at %g", x),
		fmt.Sprintf("%d of %d", n, n),
		fmt.Sprint(d),
		strconv.Itoa(n),
	}
}

func Logged(x float64) {
	logf("%.2f", x)
	f := func(format string, args ...any) { logf(format, args...) }
	f("%v", x)
}

func Exact(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
`

func TestFindsEveryFloatFormattedOutsideTheAllowlist(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n", "m.go": offender} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GOWORK", "off")
	allow := map[string]string{"m.go:Exact": "machines", "m.go:Gone": "a place that no longer formats a float"}
	found, stale, err := run(dir, "", allow, []string{"./..."})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"m.go:19: fmt.Sprintf formats a float (argument 2) (in Shown)",
		"m.go:20: fmt.Sprint formats a float (argument 1) (in Shown)",
		"m.go:21: fmt.Sprintf formats a float cut to an integer (argument 2) (in Shown)",
		"m.go:22: strconv.Itoa formats a float cut to an integer (argument 1) (in Shown)",
		"m.go:23: strconv.FormatFloat (in Shown)",
		"m.go:24: fmt.Sprintf formats a float (argument 2) (in Shown)",
		"m.go:25: m.Warnf formats a float (argument 2) (in Shown)",
		"m.go:33: m.logf formats a float (argument 2) (in Logged)",
		"m.go:35: m.f formats a float (argument 2) (in Logged)",
	}
	if !reflect.DeepEqual(found, want) {
		t.Errorf("found\n%q\nwant\n%q", found, want)
	}
	if !reflect.DeepEqual(stale, []string{"m.go:Gone"}) {
		t.Errorf("stale %q", stale)
	}
}

func TestAllowlistLinesNeedAReason(t *testing.T) {
	p := filepath.Join(t.TempDir(), "allow.txt")
	if err := os.WriteFile(p, []byte("# comment\na.go:F machines\nb.go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readAllow(p); err == nil {
		t.Fatal("a line without a reason was accepted")
	}
}
