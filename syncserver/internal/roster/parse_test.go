package roster

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

const hdr = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"

func sp(s string) *string { return &s }

func TestMapping(t *testing.T) {
	for _, tc := range []struct {
		name string
		csv  string
		opts Options
		rows []Row
		skip int
	}{
		{"a student", hdr + "s1,active,,true,org1,student,u,,Ana,Lopez,,,,,,,3,\n", Options{},
			[]Row{{Line: 2, ExternalID: "s1", GivenName: "Ana", FamilyName: "Lopez", Grade: "3", Active: true}}, 0},
		{"role any case, grade 03, list of grades", hdr + "s1,,,,org1,STUDENT,u,,Ana,Lopez,,,,,,,\"03,04\",\n", Options{},
			[]Row{{Line: 2, ExternalID: "s1", GivenName: "Ana", FamilyName: "Lopez", Grade: "3", Active: true}}, 0},
		{"PK PR TK KG 12", hdr +
			"a,,,,o,student,,,A,A,,,,,,,PK,\nb,,,,o,student,,,B,B,,,,,,,PR,\nc,,,,o,student,,,C,C,,,,,,,TK,\nd,,,,o,student,,,D,D,,,,,,,KG,\ne,,,,o,student,,,E,E,,,,,,,12,\n", Options{},
			[]Row{{2, "a", "A", "A", "PK", true, nil, nil}, {3, "b", "B", "B", "PK", true, nil, nil}, {4, "c", "C", "C", "PK", true, nil, nil},
				{5, "d", "D", "D", "K", true, nil, nil}, {6, "e", "E", "E", "12", true, nil, nil}}, 0},
		{"tobedeleted and enabledUser false are inactive", hdr +
			"a,tobedeleted,,true,o,student,,,A,A,,,,,,,1,\nb,active,,FALSE,o,student,,,B,B,,,,,,,1,\n", Options{},
			[]Row{{2, "a", "A", "A", "1", false, nil, nil}, {3, "b", "B", "B", "1", false, nil, nil}}, 0},
		{"other roles skipped", hdr + "t,,,,o,teacher,,,T,T,,,,,,,,\np,,,,o,parent,,,P,P,,,,,,,,\n", Options{}, nil, 2},
		{"org filter", hdr + "a,,,,\"o1,o2\",student,,,A,A,,,,,,,1,\nb,,,,o3,student,,,B,B,,,,,,,1,\n", Options{Org: "o2"},
			[]Row{{2, "a", "A", "A", "1", true, nil, nil}}, 1},
		{"BOM, CRLF, free column order, quoted line break", "\xef\xbb\xbfgrades,familyName,givenName,role,sourcedId\r\n" +
			"2,\"Lopez\r\nGarcia\",Ana,student,s1\r\n5,Kim,Jo,student,s2\r\n", Options{},
			[]Row{{2, "s1", "Ana", "Lopez\nGarcia", "2", true, nil, nil}, {4, "s2", "Jo", "Kim", "5", true, nil, nil}}, 0},
		{"preferredFirstName (1.2)", "sourcedId,role,givenName,familyName,grades,preferredFirstName\n" +
			"s1,student,Robert,Lee,4,Bobby\ns2,student,Ann,Lee,4,\n", Options{},
			[]Row{{2, "s1", "Robert", "Lee", "4", true, sp("Bobby"), nil}, {3, "s2", "Ann", "Lee", "4", true, nil, nil}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ParseUsers([]byte(tc.csv), tc.opts)
			if len(p.Errors) > 0 {
				t.Fatalf("errors: %+v", p.Errors)
			}
			if !reflect.DeepEqual(p.Rows, tc.rows) || p.Skipped != tc.skip {
				t.Errorf("rows %+v skipped %d; want %+v skipped %d", p.Rows, p.Skipped, tc.rows, tc.skip)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		csv  string
		want []Error
	}{
		{"missing required column", "sourcedId,role,givenName,grades\ns1,student,A,1\n",
			[]Error{{UsersFile, 1, "familyName", "required column familyName is missing"}}},
		{"header names match exactly", "sourcedid,role,givenName,familyName,grades\n",
			[]Error{{UsersFile, 1, "sourcedId", "required column sourcedId is missing"}}},
		{"empty required field", hdr + "s1,,,,o,student,,,,Lopez,,,,,,,1,\n",
			[]Error{{UsersFile, 2, "givenName", "required field givenName is empty"}}},
		{"every problem of a row", hdr + "s1,,,,o,student,,,,,,,,,,,X,\n",
			[]Error{{UsersFile, 2, "givenName", "required field givenName is empty"},
				{UsersFile, 2, "familyName", "required field familyName is empty"},
				{UsersFile, 2, "grades", "unknown grade: the first entry must be PK, PR, TK, KG or 1-12"}}},
		{"empty fields of other roles are fine", hdr + "t1,,,,o,teacher,,,,,,,,,,,,\n", nil},
		{"unknown grade", hdr + "s1,,,,o,student,,,A,B,,,,,,,13,\ns2,,,,o,student,,,A,B,,,,,,,Other,\n",
			[]Error{{UsersFile, 2, "grades", "unknown grade: the first entry must be PK, PR, TK, KG or 1-12"},
				{UsersFile, 3, "grades", "unknown grade: the first entry must be PK, PR, TK, KG or 1-12"}}},
		{"the same sourcedId twice, on its second line", hdr + "s1,,,,o,student,,,A,B,,,,,,,1,\ns2,,,,o,student,,,A,B,,,,,,,1,\ns1,,,,o,student,,,C,D,,,,,,,2,\n",
			[]Error{{UsersFile, 4, "sourcedId", "the same sourcedId as line 2"}}},
		{"a quoted line break counts its lines", "sourcedId,role,givenName,familyName,grades\n" +
			"s1,student,\"A\nB\nC\",X,1\ns1,student,A,X,1\n",
			[]Error{{UsersFile, 5, "sourcedId", "the same sourcedId as line 2"}}},
		{"field on a later physical line", "sourcedId,role,givenName,familyName,grades\n" +
			"s1,student,\"A\nB\",X,99\n",
			[]Error{{UsersFile, 3, "grades", "unknown grade: the first entry must be PK, PR, TK, KG or 1-12"}}},
		{"invalid UTF-8", "sourcedId,role,givenName,familyName,grades\ns1,student,A\xff,X,1\n",
			[]Error{{UsersFile, 2, "givenName", "the value is not valid UTF-8"}}},
		{"malformed CSV: a bare quote", "sourcedId,role,givenName,familyName,grades\ns1,student,A,X,1\ns2,student,A\"B,X,1\n",
			[]Error{{UsersFile, 3, "", "malformed CSV: bare \" in non-quoted-field (at byte 13 of the line)"}}},
		{"malformed CSV: an unclosed quote", "sourcedId,role,givenName,familyName,grades\ns1,student,\"A,X,1\n",
			[]Error{{UsersFile, 2, "", "malformed CSV: extraneous or missing \" in quoted-field (at byte 19 of the line)"}}},
		{"malformed CSV: wrong number of fields, and reading goes on", "sourcedId,role,givenName,familyName,grades\ns1,student,A,X\ns2,student,A,X,1,extra\ns3,student,A,,1\n",
			[]Error{{UsersFile, 2, "", "the row has 4 fields; the header has 5"},
				{UsersFile, 3, "", "the row has 6 fields; the header has 5"},
				{UsersFile, 4, "familyName", "required field familyName is empty"}}},
		{"empty file", "", []Error{{UsersFile, 1, "", "users.csv is empty (it needs a header line)"}}},
		{"too long a name", "sourcedId,role,givenName,familyName,grades\ns1,student," + strings.Repeat("n", 101) + ",X,1\n",
			[]Error{{UsersFile, 2, "givenName", "given name is 101 characters; at most 100"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ParseUsers([]byte(tc.csv), Options{})
			if !reflect.DeepEqual(p.Errors, tc.want) {
				t.Errorf("errors\n %+v\nwant\n %+v", p.Errors, tc.want)
			}
		})
	}
}

func TestParseFS(t *testing.T) {
	users := []byte("sourcedId,role,givenName,familyName,grades\ns1,student,A,B,1\n")
	if p := Parse(fstest.MapFS{"users.csv": {Data: users}, "orgs.csv": {Data: []byte("junk\"")}}, Options{}); len(p.Rows) != 1 || len(p.Errors) != 0 {
		t.Errorf("at the root: %+v", p)
	}
	if p := Parse(fstest.MapFS{"export/users.csv": {Data: users}}, Options{}); len(p.Rows) != 1 || len(p.Errors) != 0 {
		t.Errorf("in one folder: %+v", p)
	}
	p := Parse(fstest.MapFS{"classes.csv": {Data: users}}, Options{})
	if want := []Error{{UsersFile, 0, "", "users.csv is missing (it is required)"}}; !reflect.DeepEqual(p.Errors, want) {
		t.Errorf("missing users.csv: %+v", p.Errors)
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("users.csv")
	w.Write(users)
	zw.Close()
	zfs, err := OpenZip(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if p := Parse(zfs, Options{}); len(p.Rows) != 1 || len(p.Errors) != 0 {
		t.Errorf("zip: %+v", p)
	}
	if _, err := OpenZip(bytes.NewReader([]byte("not a zip")), 9); err == nil {
		t.Error("a non-zip opened")
	}
}

// rowsReader yields a header, then n rows made by row, without holding
// them: the size limits are tested on a stream, as a zip gives it.
type rowsReader struct {
	buf  []byte
	i, n int
	row  func(i int) string
}

func (r *rowsReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.i < r.n {
		r.buf = append(r.buf, r.row(r.i)...)
		r.i++
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func rows(header string, n int, row func(i int) string) io.Reader {
	return &rowsReader{buf: []byte(header), n: n, row: row}
}

// TestBounds (ADR 0026): what a parse keeps is bounded whatever the file
// holds: the first MaxReportErrors errors in file order and a count of
// all, at most MaxRows rows read, MaxRecords records kept, MaxFileBytes
// read; each limit is one error on the line where reading stopped.
func TestBounds(t *testing.T) {
	const h = "sourcedId,role,givenName,familyName,grades\n"
	t.Run("errors", func(t *testing.T) {
		p := parseUsers(rows(h, 1500, func(i int) string { return fmt.Sprintf("s%d,student,A,B,99\n", i) }), Options{})
		if p.ErrorCount != 1500 || len(p.Errors) != MaxReportErrors || p.Errors[0].Line != 2 || p.Errors[MaxReportErrors-1].Line != MaxReportErrors+1 {
			t.Errorf("%d errors listed of %d, lines %d…%d", len(p.Errors), p.ErrorCount, p.Errors[0].Line, p.Errors[len(p.Errors)-1].Line)
		}
		rep := MakePlan(nil, p).Report
		if rep.ErrorCount != 1500 || len(rep.Errors) != MaxReportErrors || rep.Created != 0 {
			t.Errorf("report: %d listed of %d, created %d", len(rep.Errors), rep.ErrorCount, rep.Created)
		}
		goals := "student,measure,direction,start_date,baseline_scores,goal_score,goal_date\n"
		plan := PlanTemplate(nil, rows(goals, 1500, func(i int) string { return "nobody,orf_wcpm,up,2026-09-08,1,2,2027-01-29\n" }), SchoolData{})
		if plan.Report.ErrorCount != 1500 || len(plan.Report.Errors) != MaxReportErrors || len(plan.Drafts) != 0 {
			t.Errorf("template: %d listed of %d", len(plan.Report.Errors), plan.Report.ErrorCount)
		}
	})
	t.Run("records", func(t *testing.T) {
		p := parseUsers(rows(h, MaxRecords+10, func(i int) string { return fmt.Sprintf("s%d,student,A,B,3\n", i) }), Options{})
		want := Error{UsersFile, MaxRecords + 2, "", fmt.Sprintf("more than %d records to import: import one school at a time (the org option) or split the file", MaxRecords)}
		if p.ErrorCount != 1 || p.Errors[0] != want || len(p.Rows) != MaxRecords {
			t.Errorf("%d rows kept, errors %+v", len(p.Rows), p.Errors)
		}
		if rep := MakePlan(nil, p).Report; rep.Created != 0 || rep.ErrorCount != 1 {
			t.Errorf("planned %+v", rep)
		}
		// Rows of other roles and orgs are read, not kept.
		if p := parseUsers(rows(h, MaxRecords+10, func(i int) string { return fmt.Sprintf("s%d,teacher,A,B,3\n", i) }), Options{}); p.ErrorCount != 0 || p.Skipped != MaxRecords+10 {
			t.Errorf("other roles: %d errors, %d skipped", p.ErrorCount, p.Skipped)
		}
	})
	t.Run("rows", func(t *testing.T) {
		p := parseUsers(rows(h, MaxRows+10, func(i int) string { return fmt.Sprintf("%d,x,,,\n", i) }), Options{})
		want := Error{UsersFile, MaxRows + 2, "", fmt.Sprintf("more than %d rows: reading stopped here; import one school's export, or split the file", MaxRows)}
		if p.ErrorCount != 1 || p.Errors[0] != want || p.Skipped != MaxRows {
			t.Errorf("%d skipped, errors %+v", p.Skipped, p.Errors)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		pad := strings.Repeat("x", 1<<10)
		n := MaxFileBytes/len(pad) + 10
		p := parseUsers(rows(h, n, func(i int) string { return fmt.Sprintf("%d,x,%s,,\n", i, pad) }), Options{})
		if p.ErrorCount != 1 || p.Errors[0].Line != 0 || p.Errors[0].Message != "the file is larger than 64 MiB" {
			t.Errorf("errors %+v", p.Errors)
		}
		// Exactly MaxFileBytes is not over.
		exact := h + strings.Repeat("x", MaxFileBytes-len(h)-3) + ",,\n"
		if p := ParseUsers([]byte(exact), Options{}); p.ErrorCount != 1 || strings.Contains(p.Errors[0].Message, "larger") {
			t.Errorf("a file of exactly %d bytes: %+v", MaxFileBytes, p.Errors)
		}
	})
}

// TestFamilyLanguage: the language columns of ADR 0037, their order when a file has several, a
// list's first tag, and an empty cell that leaves the app's value.
func TestFamilyLanguage(t *testing.T) {
	const base = "sourcedId,role,givenName,familyName,grades,"
	for _, tc := range []struct {
		name, csv string
		want      []*string
	}{
		{"OneRoster 1.1: no column", "sourcedId,role,givenName,familyName,grades\ns1,student,A,B,1\n", []*string{nil}},
		{"family_language as given", base + "family_language\ns1,student,A,B,1,es-MX\ns2,student,A,B,1,EN\ns3,student,A,B,1,\n",
			[]*string{sp("es-MX"), sp("EN"), nil}},
		{"an underscore is a hyphen", base + "home_language\ns1,student,A,B,1,es_MX\n", []*string{sp("es-MX")}},
		{"a OneRoster extension column", base + "metadata.home_language\ns1,student,A,B,1,spa\n", []*string{sp("spa")}},
		{"preferredLanguages: the first tag of the list", base + "preferredLanguages\ns1,student,A,B,1,\"es-419, en\"\n" +
			"s2,student,A,B,1,\"Spanish,es\"\ns3,student,A,B,1,\" , en\"\n", []*string{sp("es-419"), sp("es"), sp("en")}},
		{"the family's column before the student's list", base + "preferredLanguages,family_language\n" +
			"s1,student,A,B,1,en,es\ns2,student,A,B,1,en,\n", []*string{sp("es"), sp("en")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ParseUsers([]byte(tc.csv), Options{})
			if len(p.Errors) > 0 {
				t.Fatalf("errors: %+v", p.Errors)
			}
			var got []*string
			for _, r := range p.Rows {
				got = append(got, r.FamilyLanguage)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("family languages %s, want %s", show(got), show(tc.want))
			}
		})
	}
}

func show(ps []*string) string {
	var out []string
	for _, p := range ps {
		if p == nil {
			out = append(out, "nil")
		} else {
			out = append(out, fmt.Sprintf("%q", *p))
		}
	}
	return "[" + strings.Join(out, " ") + "]"
}

// TestFamilyLanguageRefused: what is not a language tag refuses the import with the file, line
// and column, and no message quotes the value: a name, a formula, a right-to-left override, a
// huge cell, a list without a tag; a bad family_language is not replaced by a lower column.
func TestFamilyLanguageRefused(t *testing.T) {
	huge := strings.Repeat("es-", 40000)
	csv := "sourcedId,role,givenName,familyName,grades,family_language,preferredLanguages\n" +
		"s1,student,A,B,1,Spanish,\n" +
		"s2,student,A,B,1,\"=HYPERLINK(\"\"http://x\"\",\"\"es\"\")\",\n" +
		"s3,student,A,B,1,\u202ees,\n" +
		"s4,student,A,B,1," + huge + ",\n" +
		"s5,student,A,B,1,,\"Spanish, Inglés\"\n" +
		"s6,student,A,B,1,,\"" + strings.Repeat("en,", 100) + "\"\n" +
		"s7,student,A,B,1,xx,es\n" +
		"t1,teacher,T,T,,Klingon,\n" +
		"s8,student,A,B,1,es,Spanish\n"
	p := ParseUsers([]byte(csv), Options{})
	notTag := "not a known BCP 47 language tag (e.g. es, en, es-MX; a language's name such as Spanish is not read)"
	chars := "a language tag holds only letters, digits and hyphens (e.g. es, en, es-MX)"
	want := []Error{
		{UsersFile, 2, "family_language", notTag},
		{UsersFile, 3, "family_language", chars},
		{UsersFile, 4, "family_language", chars},
		{UsersFile, 5, "family_language", "the language tag is longer than 64 characters"},
		{UsersFile, 6, "preferredLanguages", "no entry of the list is a BCP 47 language tag (e.g. es, en, es-MX)"},
		{UsersFile, 7, "preferredLanguages", "the list of languages is longer than 256 characters"},
		{UsersFile, 8, "family_language", notTag},
	}
	if !reflect.DeepEqual(p.Errors, want) {
		t.Errorf("errors\n%+v\nwant\n%+v", p.Errors, want)
	}
	if len(p.Rows) != 1 || p.Rows[0].ExternalID != "s8" || *p.Rows[0].FamilyLanguage != "es" {
		t.Errorf("rows %+v: want s8 alone, in es (a teacher's cell is not read)", p.Rows)
	}
}
