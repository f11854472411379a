package httpapi

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/roster"
)

// PROTOCOL §14's endpoint, on the real bbolt store.

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const importPath = "/v1/admin/import/oneroster"

func TestImportOneRoster(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	ana := e.enrol("lincoln", "ana")
	users := "\xef\xbb\xbfsourcedId,role,givenName,familyName,grades,orgSourcedIds\r\n" +
		"s1,student,Ana,Lopez,03,o1\r\ns2,student,Ben,Kim,KG,o2\r\nt1,teacher,T,R,,o1\r\n"
	body := zipOf(t, map[string]string{"users.csv": users, "orgs.csv": "sourcedId\r\no1\r\n"})
	post := func(q, token string, b []byte, ct string) (int, []byte) {
		return e.do("POST", importPath+q, token, b, "Content-Type", ct)
	}
	report := func(b []byte) roster.Report {
		var r roster.Report
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("report %s: %v", b, err)
		}
		return r
	}

	// Admin only.
	s, b := post("", ana.token, body, "application/zip")
	wantError(t, s, b, 403, protocol.CodeForbidden, -1)
	// Only zips.
	s, b = post("", admin.token, body, "application/json")
	wantError(t, s, b, 415, protocol.CodeUnsupportedMediaType, -1)
	s, b = post("?dry_run=maybe", admin.token, body, "application/zip")
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)

	// A dry run with --org: the exact report, nothing written.
	s, b = post("?dry_run=1&org=o1", admin.token, body, "application/zip")
	if s != 200 || string(b) != `{"dry_run":true,"created":1,"updated":0,"unchanged":0,"not_in_file":0,"skipped_rows":2,"error_count":0,"errors":[]}`+"\n" {
		t.Fatalf("dry run: %d %s", s, b)
	}
	if n := len(e.pullAll(ana)); n != 0 {
		t.Fatalf("a dry run wrote %d records", n)
	}
	s, b = post("", admin.token, body, "application/zip")
	if r := report(b); s != 200 || r.Created != 2 || r.SkippedRows != 1 || r.DryRun {
		t.Fatalf("import: %d %s", s, b)
	}
	// The tablets pull the students like any record.
	pulled := e.pullAll(ana)
	if len(pulled) != 2 {
		t.Fatalf("pulled %d", len(pulled))
	}
	for _, r := range pulled {
		if r.Type != "student" || !strings.Contains(string(r.Data), `"active":true`) {
			t.Fatalf("pulled %+v", r)
		}
	}
	s, b = post("", admin.token, body, "application/zip")
	if r := report(b); s != 200 || r.Unchanged != 2 {
		t.Fatalf("again: %d %s", s, b)
	}

	// Errors: 400 invalid_request, the §8 body and the report beside it.
	bad := zipOf(t, map[string]string{"users.csv": users + "s3,student,Cy,,99,o1\r\n"})
	s, b = post("", admin.token, bad, "application/zip")
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	var eb struct {
		Report roster.Report `json:"report"`
	}
	json.Unmarshal(b, &eb)
	want := []roster.Error{{File: "users.csv", Line: 5, Column: "familyName", Message: "required field familyName is empty"},
		{File: "users.csv", Line: 5, Column: "grades", Message: "unknown grade: the first entry must be PK, PR, TK, KG or 1-12"}}
	if len(eb.Report.Errors) != 2 || eb.Report.Errors[0] != want[0] || eb.Report.Errors[1] != want[1] {
		t.Fatalf("error report %s", b)
	}
	if strings.Contains(string(b), "Cy") {
		t.Error("the error body repeats a value of the file")
	}
	// A zip without users.csv, and a body that is not a zip.
	s, b = post("", admin.token, zipOf(t, map[string]string{"orgs.csv": "x"}), "application/zip")
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	s, b = post("", admin.token, []byte("PK not really"), "application/zip")
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	if len(e.pullAll(ana)) != 2 {
		t.Fatal("a refused import wrote")
	}
	if strings.Contains(e.logs.String(), "Lopez") {
		t.Error("a student's name in the log")
	}
}

// TestImportGroups: the template endpoint, with the OneRoster one's rules.
func TestImportGroups(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	ana := e.enrol("lincoln", "ana")
	post := func(path, token string, b []byte) (int, []byte) {
		return e.do("POST", path, token, b, "Content-Type", "application/zip")
	}
	users := zipOf(t, map[string]string{"users.csv": "sourcedId,role,givenName,familyName,grades\ns1,student,A,B,1\n"})
	if s, b := post(importPath, admin.token, users); s != 200 {
		t.Fatalf("%d %s", s, b)
	}
	goals := zipOf(t, map[string]string{"goals.csv": "student,measure,direction,start_date,baseline_scores,goal_score,goal_date\n" +
		"s1,orf_wcpm,up,2026-09-08,38 41 40,72,2027-01-29\n"})
	s, b := post("/v1/admin/import/groups", ana.token, goals)
	wantError(t, s, b, 403, protocol.CodeForbidden, -1)
	s, b = post("/v1/admin/import/groups?dry_run=1", admin.token, goals)
	if s != 200 || !strings.Contains(string(b), `"dry_run":true,"created":1`) {
		t.Fatalf("dry run %d %s", s, b)
	}
	if s, b = post("/v1/admin/import/groups", admin.token, goals); s != 200 || !strings.Contains(string(b), `"created":1`) {
		t.Fatalf("import %d %s", s, b)
	}
	if s, b = post("/v1/admin/import/groups", admin.token, goals); s != 200 || !strings.Contains(string(b), `"unchanged":1`) {
		t.Fatalf("again %d %s", s, b)
	}
	groups := zipOf(t, map[string]string{"groups.csv": "name,program,students\nG,No such program,s1\n"})
	s, b = post("/v1/admin/import/groups", admin.token, groups)
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	if !strings.Contains(string(b), `"report":{`) || !strings.Contains(string(b), `"column":"program"`) {
		t.Fatalf("refusal %s", b)
	}
}

func TestImportLimits(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	post := func(b []byte) (int, []byte) {
		return e.do("POST", importPath, admin.token, b, "Content-Type", "application/zip")
	}
	// Over 20 MiB: 413 before the body is read.
	s, b := post(make([]byte, roster.MaxImportBody+1))
	wantError(t, s, b, 413, protocol.CodeTooLarge, -1)

	// A zip bomb: a small upload declaring more than a file may hold.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("users.csv")
	zero := make([]byte, 1<<20)
	for i := 0; i < roster.MaxFileBytes>>20+1; i++ {
		w.Write(zero)
	}
	zw.Close()
	if buf.Len() > roster.MaxImportBody {
		t.Fatalf("the bomb is %d bytes", buf.Len())
	}
	s, b = post(buf.Bytes())
	wantError(t, s, b, 413, protocol.CodeTooLarge, -1)

	// Too many entries.
	files := map[string]string{"users.csv": "sourcedId,role,givenName,familyName,grades\n"}
	for i := 0; i <= roster.MaxZipEntries; i++ {
		files[strings.Repeat("x", 1+i%50)+string(rune('a'+i%26))+strings.Repeat("y", i/50)+".csv"] = ""
	}
	s, b = post(zipOf(t, files))
	wantError(t, s, b, 413, protocol.CodeTooLarge, -1)
}

// TestImportCROnlyFiles (issue 20): a CSV whose lines end with a bare CR
// (as old Mac spreadsheets save them) is refused with one clear error on
// line 1, for the OneRoster file and each template file alike, rather than
// read as one long line; the same rows with LF or CRLF ends still import.
func TestImportCROnlyFiles(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	post := func(path string, b []byte) (int, []byte) {
		return e.do("POST", path+"?dry_run=1", admin.token, b, "Content-Type", "application/zip")
	}
	const msg = "the lines end with a bare carriage return (CR), as some old spreadsheet programs save them: save the file again as CSV with LF or CRLF line ends"
	users := "sourcedId,role,givenName,familyName,grades\ns1,student,A,B,1\n"
	if s, b := e.do("POST", importPath, admin.token, zipOf(t, map[string]string{"users.csv": users}), "Content-Type", "application/zip"); s != 200 {
		t.Fatalf("users: %d %s", s, b)
	}
	groups := "name,program,students\nG,P,s1\n"
	goals := "student,measure,direction,start_date,baseline_scores,goal_score,goal_date\ns1,orf_wcpm,up,2026-09-08,38 41 40,72,2027-01-29\n"
	for _, tc := range []struct {
		path, file, csv string
	}{
		{importPath, "users.csv", users},
		{"/v1/admin/import/groups", "groups.csv", groups},
		{"/v1/admin/import/groups", "goals.csv", goals},
		{importPath, "users.csv", "\xef\xbb\xbf" + `"sourcedId","role","givenName","familyName","grades"` + "\n" + `"s1","student","A","B","1"` + "\n"},
	} {
		cr := strings.ReplaceAll(tc.csv, "\n", "\r")
		s, b := post(tc.path, zipOf(t, map[string]string{tc.file: cr}))
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
		var body struct {
			Report roster.Report `json:"report"`
		}
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatal(err)
		}
		want := []roster.Error{{File: tc.file, Line: 1, Column: "", Message: msg}}
		if body.Report.ErrorCount != 1 || len(body.Report.Errors) != 1 || body.Report.Errors[0] != want[0] {
			t.Errorf("%s with CR line ends: %+v, want %+v", tc.file, body.Report, want)
		}
		// With LF or CRLF ends the rows are read: the goal and the student
		// import, the group is refused for its unknown program (column
		// "program", on line 2), not for its line ends.
		for _, ends := range []string{"\n", "\r\n"} {
			s, b := post(tc.path, zipOf(t, map[string]string{tc.file: strings.ReplaceAll(tc.csv, "\n", ends)}))
			ok := s == 200
			if tc.file == "groups.csv" {
				ok = s == 400 && strings.Contains(string(b), `"line":2,"column":"program"`)
			}
			if !ok || strings.Contains(string(b), "carriage return") {
				t.Errorf("%s with %q line ends: %d %s", tc.file, ends, s, b)
			}
		}
	}
}
