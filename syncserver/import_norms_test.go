package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/roster"
	"smallwins/syncserver/internal/store"
)

// bigNorms is a norms CSV of measures × grades tables of 99 percentiles
// each, made up (a district's real norms are never shipped).
func bigNorms(measures, grades int) string {
	var b strings.Builder
	b.WriteString("measure,grade,source,percentile,fall,winter,spring,roi\r\n")
	gradeNames := []string{"K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}
	for m := 0; m < measures; m++ {
		for g := 0; g < grades; g++ {
			for p := 1; p <= 99; p++ {
				f := float64(10*g + p)
				fmt.Fprintf(&b, "m%d,%s,Load test norms (fictional),%d,%g,%g,%g,%g\r\n", m, gradeNames[g], p, f, f+10, f+20, 0.5+float64(p)/100)
			}
			fmt.Fprintf(&b, "m%d,%s,Load test norms (fictional),benchmark,%d,%d,%d,\r\n", m, gradeNames[g], 10*g+40, 10*g+50, 10*g+60)
		}
	}
	return b.String()
}

// countOf opens the bbolt file (the CLI has exited) and counts the
// school's live records of typ.
func countOf(t *testing.T, db, typ string) int {
	t.Helper()
	st, err := boltstore.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc, err := st.SchoolBySlug(context.Background(), "lincoln-elem")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := st.Records(context.Background(), sc.ID, store.Viewer{IsAdmin: true}, typ)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// TestImportNormsCLI drives `syncserver import norms` and `import forms`
// with the shipped fictional examples: a dry run, the import, the same
// file again (nothing written), a refused file (exit 1, nothing written).
func TestImportNormsCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	setup(t, db)
	norms, forms := "../docs/examples/norms/norms.csv", "../docs/examples/norms/forms.csv"
	out, err := cli(t, "", nil, "import", "norms", "--db", db, "--school", "lincoln-elem", "--dry-run", "--json", norms)
	if err != nil || !strings.Contains(out, `"dry_run": true`) || !strings.Contains(out, `"created": 4`) {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if n := countOf(t, db, record.TypeNormTable); n != 0 {
		t.Fatalf("a dry run wrote %d", n)
	}
	out, err = cli(t, "", []string{"SYNCSERVER_DB=" + db, "SYNCSERVER_SCHOOL=lincoln-elem"}, "import", "norms", norms)
	if err != nil || !strings.Contains(out, "created:      4 norm tables") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = cli(t, "", nil, "import", "norms", "--db", db, "--school", "lincoln-elem", "--json", norms)
	var rep roster.Report
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.Unchanged != 4 || rep.Created+rep.Updated != 0 {
		t.Fatalf("again: %v\n%s", err, out)
	}
	out, err = cli(t, "", nil, "import", "forms", "--db", db, "--school", "lincoln-elem", forms)
	if err != nil || !strings.Contains(out, "created:      14 probe forms") || countOf(t, db, record.TypeProbeForm) != 14 {
		t.Fatalf("forms: %v\n%s", err, out)
	}
	// A refused file: its own name in the errors, exit status 1.
	bad := filepath.Join(dir, "district 2026.csv")
	os.WriteFile(bad, []byte("measure,grade,source,percentile,fall,winter,spring,roi\norf_wcpm,2,S,30,1,,,1\norf_wcpm,2,S,20,1,,,1\n"), 0o644)
	out, err = cli(t, "", nil, "import", "norms", "--db", db, "--school", "lincoln-elem", bad)
	if exitCode(err) != 1 || !strings.Contains(out, "district 2026.csv:3 (percentile): the percentile is not above the one on line 2") || !strings.Contains(out, "nothing was written") {
		t.Fatalf("refused: %v\n%s", err, out)
	}
	if n := countOf(t, db, record.TypeNormTable); n != 4 {
		t.Fatalf("%d tables after a refused import", n)
	}
	for _, args := range [][]string{{"import", "norms", "--db", db, "--school", "lincoln-elem", filepath.Join(dir, "nope.csv")},
		{"import", "norms", "--db", db, "--school", "lincoln-elem", dir}, {"import", "forms", "--db", db, forms}} {
		if out, err := cli(t, "", nil, args...); err == nil {
			t.Errorf("%v: accepted\n%s", args, out)
		}
	}
}

// TestImportNormsKill9: the norms import killed with SIGKILL at random
// moments leaves every table or none on the embedded store: one push,
// one bbolt transaction.
func TestImportNormsKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	const tables = 9 * 13
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	setup(t, base)
	file := filepath.Join(dir, "norms.csv")
	os.WriteFile(file, []byte(bigNorms(9, 13)), 0o644)
	seed, _ := os.ReadFile(base)

	db := filepath.Join(dir, "full.db")
	os.WriteFile(db, seed, 0o644)
	start := time.Now()
	if out, err := cli(t, "", nil, "import", "norms", "--db", db, "--school", "lincoln-elem", file); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	full := time.Since(start)
	if got := countOf(t, db, record.TypeNormTable); got != tables {
		t.Fatalf("a full import left %d", got)
	}
	outcomes := map[string]int{}
	for round := 0; round < 20; round++ {
		db := filepath.Join(dir, fmt.Sprintf("r%d.db", round))
		os.WriteFile(db, seed, 0o644)
		cmd := exec.Command(bin, "import", "norms", "--db", db, "--school", "lincoln-elem", file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		from := int64(full) / 2
		if round%3 == 0 {
			from = 0
		}
		time.Sleep(time.Duration(from + rand.Int64N(int64(full)*5/4-from)))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		killed := exitCode(err) == -1
		got := countOf(t, db, record.TypeNormTable)
		switch {
		case got != 0 && got != tables:
			t.Fatalf("round %d: %d of %d tables after kill -9", round, got, tables)
		case !killed:
			outcomes["finished first"]++
		case got == 0:
			outcomes["killed, none"]++
		default:
			outcomes["killed, all"]++
		}
	}
	t.Logf("a full import of %d tables takes %v; outcomes of 20 kills: %v", tables, full, outcomes)
	if outcomes["killed, none"]+outcomes["killed, all"] == 0 {
		t.Error("no kill landed while the import ran: the test proved nothing")
	}
}
