package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
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

// writeUsers writes a users.csv of n students into dir.
func writeUsers(t *testing.T, dir string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("sourcedId,status,enabledUser,orgSourcedIds,role,givenName,familyName,grades\r\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "stu-%05d,active,true,org-1,student,Given%d,Family%d,%02d\r\n", i, i, i, 1+i%12)
	}
	b.WriteString("tch-1,active,true,org-1,teacher,T,R,\r\n")
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// countStudents opens the bbolt file (the CLI has exited, so it is free)
// and counts the school's live students.
func countStudents(t *testing.T, db string) int {
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
	recs, err := st.Records(context.Background(), sc.ID, store.Viewer{IsAdmin: true}, record.TypeStudent)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// TestImportCLI drives `syncserver import oneroster` as §14 spells it.
func TestImportCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	setup(t, db)
	export := filepath.Join(dir, "export")
	os.Mkdir(export, 0o755)
	writeUsers(t, export, 3)

	out, err := cli(t, "", nil, "import", "oneroster", "--db", db, "--school", "lincoln-elem", "--dry-run", "--json", export)
	if err != nil || !strings.Contains(out, `"dry_run": true`) || !strings.Contains(out, `"created": 3`) || !strings.Contains(out, `"skipped_rows": 1`) {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if n := countStudents(t, db); n != 0 {
		t.Fatalf("a dry run wrote %d", n)
	}
	// Flags from SYNCSERVER_* variables; a zip as PATH; the report in words.
	zpath := filepath.Join(dir, "export.zip")
	f, _ := os.Create(zpath)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("export/users.csv")
	users, _ := os.ReadFile(filepath.Join(export, "users.csv"))
	w.Write(users)
	zw.Close()
	f.Close()
	out, err = cli(t, "", []string{"SYNCSERVER_DB=" + db, "SYNCSERVER_SCHOOL=lincoln-elem", "SYNCSERVER_ORG=org-1"}, "import", "oneroster", zpath)
	if err != nil || !strings.Contains(out, "created:      3 students") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if n := countStudents(t, db); n != 3 {
		t.Fatalf("%d students", n)
	}
	out, err = cli(t, "", nil, "import", "oneroster", "--db", db, "--school", "lincoln-elem", "--json", export)
	var rep roster.Report
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.Unchanged != 3 {
		t.Fatalf("again: %v\n%s", err, out)
	}

	// Errors: exit status 1, the first 1,000 listed in --json with the
	// count of all (ADR 0026), the first 20 in words.
	var b strings.Builder
	b.WriteString("sourcedId,role,givenName,familyName,grades\n")
	for i := 0; i < 1025; i++ {
		fmt.Fprintf(&b, "x%d,student,A,B,13\n", i)
	}
	os.WriteFile(filepath.Join(export, "users.csv"), []byte(b.String()), 0o644)
	out, err = cli(t, "", nil, "import", "oneroster", "--db", db, "--school", "lincoln-elem", "--json", export)
	if exitCode(err) != 1 {
		t.Fatalf("exit %v\n%s", err, out)
	}
	json.Unmarshal([]byte(out[:strings.LastIndex(out, "}")+1]), &rep)
	if len(rep.Errors) != roster.MaxReportErrors || rep.ErrorCount != 1025 || rep.Errors[0] != (roster.Error{File: "users.csv", Line: 2, Column: "grades", Message: rep.Errors[0].Message}) {
		t.Fatalf("%d errors listed of %d: %+v", len(rep.Errors), rep.ErrorCount, rep.Errors[0])
	}
	out, err = cli(t, "", nil, "import", "oneroster", "--db", db, "--school", "lincoln-elem", export)
	if exitCode(err) != 1 || strings.Count(out, "users.csv:") != 20 || !strings.Contains(out, "1025 error(s)") || !strings.Contains(out, "and 1005 more") {
		t.Fatalf("in words: %v\n%s", err, out)
	}
	if n := countStudents(t, db); n != 3 {
		t.Fatalf("a refused import changed the students: %d", n)
	}
	// A missing users.csv and a missing school are refusals too.
	os.Remove(filepath.Join(export, "users.csv"))
	if out, err = cli(t, "", nil, "import", "oneroster", "--db", db, "--school", "lincoln-elem", export); exitCode(err) != 1 || !strings.Contains(out, "users.csv is missing") {
		t.Fatalf("no users.csv: %v\n%s", err, out)
	}
	if out, err = cli(t, "", nil, "import", "oneroster", "--db", db, "--school", "nope", zpath); exitCode(err) != 1 || !strings.Contains(out, "no school") {
		t.Fatalf("no school: %v\n%s", err, out)
	}
}

// TestImportKill9: the CLI import killed with SIGKILL at random moments
// leaves every student or none on the embedded store, never some: the
// import is one push, and a bbolt push is one transaction whose commit is
// a single meta page write.
func TestImportKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	const n = 5000
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	setup(t, base)
	export := filepath.Join(dir, "export")
	os.Mkdir(export, 0o755)
	writeUsers(t, export, n)
	seed, _ := os.ReadFile(base)

	// How long a whole import takes here, to spread the kills over it.
	db := filepath.Join(dir, "full.db")
	os.WriteFile(db, seed, 0o644)
	start := time.Now()
	if out, err := cli(t, "", nil, "import", "oneroster", "--db", db, "--school", "lincoln-elem", export); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	full := time.Since(start)
	if got := countStudents(t, db); got != n {
		t.Fatalf("a full import left %d", got)
	}

	outcomes := map[string]int{}
	for round := 0; round < 30; round++ {
		db := filepath.Join(dir, fmt.Sprintf("r%d.db", round))
		os.WriteFile(db, seed, 0o644)
		cmd := exec.Command(bin, "import", "oneroster", "--db", db, "--school", "lincoln-elem", export)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Most kills land in the second half, where the transaction is
		// written and committed; some anywhere.
		from := int64(full) / 2
		if round%3 == 0 {
			from = 0
		}
		time.Sleep(time.Duration(from + rand.Int64N(int64(full)*5/4-from)))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		killed := exitCode(err) == -1 // ended by the signal, not by exiting
		got := countStudents(t, db)
		switch {
		case got != 0 && got != n:
			t.Fatalf("round %d: %d of %d students after kill -9", round, got, n)
		case !killed:
			outcomes["finished first"]++
		case got == 0:
			outcomes["killed, none"]++
		default:
			outcomes["killed, all"]++
		}
	}
	t.Logf("a full import takes %v; outcomes of 30 kills: %v", full, outcomes)
	if outcomes["killed, none"]+outcomes["killed, all"] == 0 {
		t.Error("no kill landed while the import ran: the test proved nothing")
	}
}

// TestImportGroupsCLI: `syncserver import groups` with the downloadable
// examples of docs/examples, after the sample OneRoster export.
func TestImportGroupsCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	setup(t, db)
	if out, err := cli(t, "", nil, "import", "oneroster", "--db", db, "--school", "lincoln-elem", "--org", "org-lincoln", "../docs/examples/oneroster"); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	goals := filepath.Join(dir, "goals")
	os.Mkdir(goals, 0o755)
	b, _ := os.ReadFile("../docs/examples/smallwins-template/goals.csv")
	os.WriteFile(filepath.Join(goals, "goals.csv"), b, 0o644)
	out, err := cli(t, "", nil, "import", "groups", "--db", db, "--school", "lincoln-elem", "--json", goals)
	var rep roster.Report
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.Created != 2 {
		t.Fatalf("goals: %v\n%s", err, out)
	}
	// The example group needs its program and user, which this school lacks.
	out, err = cli(t, "", nil, "import", "groups", "--db", db, "--school", "lincoln-elem", "../docs/examples/smallwins-template")
	if exitCode(err) != 1 || !strings.Contains(out, "groups.csv:2 (program): no program") || !strings.Contains(out, "groups.csv:2 (interventionist)") {
		t.Fatalf("refused: %v\n%s", err, out)
	}
}
