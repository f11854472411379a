// Package roster is PROTOCOL §14's roster import: it reads a OneRoster 1.1
// CSV export (a directory or a zip), maps its student rows to `student`
// records (DOMAIN.md §2), plans which records to create or update against
// what the school already holds, and writes them all in one push through
// serverwriter, or nothing at all.
//
// The package never logs: the files hold student names, and errors carry
// only a file, a line, a column name and a sentence about the value's kind,
// never the value itself.
package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"math"
	"path"
	"strings"
	"unicode/utf8"

	"smallwins/shared/i18n"
)

// UsersFile is the one file an import needs; every other OneRoster file may
// be present and is not read.
const UsersFile = "users.csv"

// Limits on what an import reads, so a hostile or mistaken upload cannot
// take the server's memory (the HTTP endpoint also bounds its body).
const (
	// MaxImportBody is PROTOCOL §14's bound on an uploaded export, the zip
	// as sent: 20 MiB. The API and the console refuse a larger upload.
	MaxImportBody = 20 << 20
	// MaxFileBytes bounds users.csv as read (decompressed): a district of
	// 100,000 users is about 20 MiB.
	MaxFileBytes = 64 << 20
	// MaxZipEntries bounds the entries of a zip; a OneRoster export has
	// about a dozen files.
	MaxZipEntries = 200
	// MaxZipTotal bounds the declared uncompressed size of a whole zip.
	MaxZipTotal = 256 << 20
	// MaxRows bounds the data rows of users.csv that are read, whatever
	// their role: every sourcedId is remembered to find repeats. A 64 MiB
	// export of real rows (150 bytes and more) has well under 500,000.
	MaxRows = 1_000_000
	// MaxRecords bounds what one import may write: the student rows of
	// users.csv kept (after role and --org), and the rows of each template
	// file. A school has a few thousand students; a district's whole
	// export belongs in one school per --org (ADR 0026).
	MaxRecords = 100_000
	// MaxReportErrors is how many errors a report lists (PROTOCOL §14: the
	// first 1,000); Report.ErrorCount counts them all.
	MaxReportErrors = 1000
)

// Error is one problem of an import, as PROTOCOL §14 lists it. Line 1 is
// the header; 0 means the problem belongs to no line (a missing file, a
// broken zip). Column is a header name or "".
type Error struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

func (e Error) String() string {
	loc := e.File
	if e.Line > 0 {
		loc += fmt.Sprintf(":%d", e.Line)
	}
	if e.Column != "" {
		loc += " (" + e.Column + ")"
	}
	if loc == "" {
		return e.Message
	}
	return loc + ": " + e.Message
}

// Options narrow an import.
type Options struct {
	// Org, when set, keeps only student rows whose orgSourcedIds list holds
	// it (PROTOCOL §14's --org).
	Org string
}

// Row is one student row of users.csv, mapped to DOMAIN.md's fields.
type Row struct {
	Line       int    // physical line of the row's first field
	ExternalID string // sourcedId
	GivenName  string
	FamilyName string
	Grade      string // DOMAIN.md's form: "PK", "K", "1"…"12"
	Active     bool
	// PreferredName is nil when the export has no preferredFirstName column
	// or the cell is empty: the app's value stays (ADR 0009).
	PreferredName *string
	// FamilyLanguage is the BCP 47 tag of a language column (ADR 0037);
	// nil when the export has none or its cells are empty: the app's value
	// stays.
	FamilyLanguage *string
}

// Parsed is what Parse read: the mapped student rows, the rows it skipped
// (other roles, other orgs) and the first MaxReportErrors errors in file
// order, with ErrorCount counting them all.
type Parsed struct {
	Rows       []Row
	Skipped    int
	Errors     []Error
	ErrorCount int
}

// errorList keeps the first MaxReportErrors errors and counts them all: a
// file of millions of bad rows costs a count, not a report of hundreds of
// MiB (ADR 0026).
type errorList struct {
	list  []Error
	count int
}

func (l *errorList) add(e Error) {
	l.count++
	if len(l.list) < MaxReportErrors {
		l.list = append(l.list, e)
	}
}

// addAll adds errors already bounded elsewhere and counted by count
// (count may be 0 for a plain list, as a zip's one error comes).
func (l *errorList) addAll(errs []Error, count int) {
	for _, e := range errs {
		l.add(e)
	}
	l.count += max(count-len(errs), 0)
}

// report is the list as a report holds it: never nil.
func (l *errorList) report() ([]Error, int) {
	if l.list == nil {
		return []Error{}, l.count
	}
	return l.list, l.count
}

// Column names of users.csv (OneRoster 1.1 §4.13; preferredFirstName is
// 1.2's). Header names match exactly, as §14 says.
const (
	colSourcedID = "sourcedId"
	colRole      = "role"
	colGiven     = "givenName"
	colFamily    = "familyName"
	colGrades    = "grades"
	colStatus    = "status"
	colEnabled   = "enabledUser"
	colOrgs      = "orgSourcedIds"
	colPreferred = "preferredFirstName"
)

var requiredColumns = []string{colSourcedID, colRole, colGiven, colFamily, colGrades}

// languageColumns carry the family's language, in the order they are
// preferred when a file has several (ADR 0037): our field's own name and the
// names SIS exports give a home language, plain or as a OneRoster CSV
// extension (metadata.*), then preferredLanguages, a list of the user's own
// languages.
var languageColumns = []struct {
	name string
	list bool // a comma-separated list: its first valid tag is taken
}{
	{"family_language", false}, {"metadata.family_language", false},
	{"home_language", false}, {"metadata.home_language", false},
	{"preferredLanguages", true},
}

// maxLanguageList bounds a list cell before it is split: a handful of tags
// fit many times over, and a hostile cell is refused rather than split.
const maxLanguageList = 256

// Parse reads users.csv from fsys (at its root, or in the one top-level
// directory that holds it: a zip made of an export's folder) and maps it.
// It reads no other file, and reads it as a stream: the file is never
// held whole.
func Parse(fsys fs.FS, opts Options) Parsed {
	name, err := findUsers(fsys)
	if err != nil {
		return Parsed{Errors: []Error{{File: UsersFile, Message: err.Error()}}, ErrorCount: 1}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return Parsed{Errors: []Error{{File: UsersFile, Message: "cannot open users.csv"}}, ErrorCount: 1}
	}
	defer f.Close()
	return parseUsers(f, opts)
}

// findUsers finds users.csv at the root of fsys or in a single top-level
// directory.
func findUsers(fsys fs.FS) (string, error) {
	if st, err := fs.Stat(fsys, UsersFile); err == nil && !st.IsDir() {
		return UsersFile, nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "", errors.New("cannot list the export's files")
	}
	var found []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := path.Join(e.Name(), UsersFile)
		if st, err := fs.Stat(fsys, p); err == nil && !st.IsDir() {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", errors.New("users.csv is missing (it is required)")
	}
	return "", errors.New("more than one folder holds a users.csv")
}

// ParseUsers maps the bytes of one users.csv.
func ParseUsers(data []byte, opts Options) Parsed {
	return parseUsers(bytes.NewReader(data), opts)
}

// parseUsers maps one users.csv read from src, row by row: what it keeps
// is bounded by MaxFileBytes, MaxRows, MaxRecords and MaxReportErrors,
// whatever the file holds.
func parseUsers(src io.Reader, opts Options) (p Parsed) {
	var errs errorList
	defer func() { p.Errors, p.ErrorCount = errs.list, errs.count }()
	fail := func(line int, col, msg string) {
		errs.add(Error{File: UsersFile, Line: line, Column: col, Message: msg})
	}
	r := newCSVReader(src, fail)
	if r == nil {
		return p
	}
	header, col := readHeader(r, UsersFile, requiredColumns, fail)
	if header == nil {
		return p
	}
	if errs.count > 0 {
		return p // without the columns, no row can be read
	}
	_, hasPreferred := col[colPreferred]
	var langCols []int // indexes into languageColumns of the file's columns
	for i, c := range languageColumns {
		if _, ok := col[c.name]; ok {
			langCols = append(langCols, i)
		}
	}
	seen := make(idSet)

	for read := 0; ; read++ {
		rec, ok, done := nextRow(r, header, fail)
		if done {
			break
		}
		if read == MaxRows {
			tooMany(r, fmt.Sprintf("more than %d rows: reading stopped here; import one school's export, or split the file", MaxRows), fail)
			break
		}
		if !ok {
			continue
		}
		line := func(i int) int { l, _ := r.FieldPos(i); return l }
		get := func(c string) string {
			if i, ok := col[c]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		start := line(0)
		id := get(colSourcedID)
		if id != "" {
			if first, dup := seen.add(id, start); dup {
				fail(line(col[colSourcedID]), colSourcedID, fmt.Sprintf("the same sourcedId as line %d", first))
				continue
			}
		}
		if !strings.EqualFold(get(colRole), "student") {
			p.Skipped++
			continue
		}
		if opts.Org != "" && !listHas(get(colOrgs), opts.Org) {
			p.Skipped++
			continue
		}
		// Every problem of the row is reported, not just the first.
		bad := false
		for _, c := range []string{colSourcedID, colGiven, colFamily, colGrades} {
			if get(c) == "" {
				fail(line(col[c]), c, "required field "+c+" is empty")
				bad = true
			}
		}
		grade, ok := mapGrade(get(colGrades))
		if !ok && get(colGrades) != "" {
			fail(line(col[colGrades]), colGrades, "unknown grade: the first entry must be PK, PR, TK, KG or 1-12")
			bad = true
		}
		for _, c := range []struct{ col, what string }{{colGiven, "given name"}, {colFamily, "family name"}} {
			if n := utf8.RuneCountInString(get(c.col)); n > 100 {
				fail(line(col[c.col]), c.col, fmt.Sprintf("%s is %d characters; at most 100", c.what, n))
				bad = true
			}
		}
		lang, ok := familyLanguage(get, langCols, func(c, msg string) { fail(line(col[c]), c, msg) })
		if !ok {
			bad = true
		}
		if bad {
			continue
		}
		row := Row{
			Line:       start,
			ExternalID: id,
			GivenName:  get(colGiven),
			FamilyName: get(colFamily),
			Grade:      grade,
			Active:     !strings.EqualFold(get(colStatus), "tobedeleted") && !strings.EqualFold(get(colEnabled), "false"),
		}
		if hasPreferred {
			if v := get(colPreferred); v != "" {
				row.PreferredName = &v
			}
		}
		if lang != "" {
			row.FamilyLanguage = &lang
		}
		if len(p.Rows) == MaxRecords {
			tooMany(r, tooManyRecords, fail)
			break
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

// familyLanguage reads a row's family language from the first of the file's
// language columns (cols, in languageColumns' order) whose cell is not
// empty: its tag as given (i18n.ReadTag), or, for a list, its first entry
// that is a tag. A cell that holds no tag is reported through fail and the
// columns after it are not looked at: the file said something, and it is
// not read as something else. "" when every cell is empty.
func familyLanguage(get func(string) string, cols []int, fail func(col, msg string)) (string, bool) {
	for _, i := range cols {
		c := languageColumns[i]
		v := get(c.name)
		if v == "" {
			continue
		}
		if !c.list {
			tag, err := i18n.ReadTag(v)
			if err != nil {
				fail(c.name, err.Error())
				return "", false
			}
			return tag, true
		}
		if len(v) > maxLanguageList {
			fail(c.name, fmt.Sprintf("the list of languages is longer than %d characters", maxLanguageList))
			return "", false
		}
		for _, entry := range strings.Split(v, ",") {
			if tag, err := i18n.ReadTag(entry); err == nil {
				return tag, true
			}
		}
		fail(c.name, "no entry of the list is a BCP 47 language tag (e.g. es, en, es-MX)")
		return "", false
	}
	return "", true
}

// idSet remembers every sourcedId of a file with the line it was first
// on, to find repeats. It keeps a 128-bit hash of each id (two maphash
// sums under this process's random seeds) rather than the id itself: a
// million ids then cost some 30 MiB, however long they are, where
// strings cost their length and more (ADR 0026). Two different ids of one
// file share both sums with a chance below 1 in 10^25, and the seeds are
// secret, so a file cannot be made to collide on purpose.
type idSet map[[2]uint64]int32

var idSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// add records id on line, or reports the line it was first on.
func (s idSet) add(id string, line int) (first int, dup bool) {
	k := [2]uint64{maphash.String(idSeeds[0], id), maphash.String(idSeeds[1], id)}
	if l, ok := s[k]; ok {
		return int(l), true
	}
	s[k] = int32(min(line, math.MaxInt32))
	return 0, false
}

// mapGrade maps the first entry of a OneRoster grades list (§14's table).
func mapGrade(grades string) (string, bool) {
	first, _, _ := strings.Cut(grades, ",")
	switch g := strings.TrimSpace(first); g {
	case "PK", "PR", "TK":
		return "PK", true
	case "KG":
		return "K", true
	default:
		if len(g) == 2 && g[0] == '0' {
			g = g[1:]
		}
		switch g {
		case "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12":
			return g, true
		}
	}
	return "", false
}

// listHas reports whether a comma-separated list (one CSV field) holds v.
func listHas(list, v string) bool {
	for _, x := range strings.Split(list, ",") {
		if strings.TrimSpace(x) == v {
			return true
		}
	}
	return false
}

// nextRow reads one data row with §14's rules, for both the OneRoster
// files and the template's: a row with the wrong number of fields, or with
// a value that is not UTF-8, is reported through fail and skipped (ok
// false); a broken quote is reported and ends the file (done), since the
// reader is then out of step with the rows; so does the end of the file.
func nextRow(r *csv.Reader, header []string, fail func(line int, col, msg string)) (rec []string, ok, done bool) {
	rec, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, false, true
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			fail(pe.StartLine, "", fmt.Sprintf("the row has %d fields; the header has %d", len(rec), len(header)))
			return nil, false, false
		}
		fail(errLine(err, 0), "", malformed(err))
		return nil, false, true
	}
	ok = true
	for i, v := range rec {
		if !utf8.ValidString(v) {
			l, _ := r.FieldPos(i)
			fail(l, header[i], "the value is not valid UTF-8")
			ok = false
		}
	}
	return rec, ok, false
}

func errLine(err error, def int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return def
}

// malformed words an error of reading a file without the offending text:
// a CSV syntax error, a file over MaxFileBytes, or bytes a damaged zip
// could not give.
func malformed(err error) string {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		return fmt.Sprintf("malformed CSV: %v (at byte %d of the line)", pe.Err, pe.Column)
	}
	var tl *fileTooLarge
	if errors.As(err, &tl) {
		return fmt.Sprintf("the file is larger than %d MiB", tl.max>>20)
	}
	return "the file cannot be read (a damaged zip?)"
}

// fileTooLarge is a file read past its limit (MaxFileBytes, or a smaller
// one of its kind): the size is checked on the bytes actually read, not on
// what a zip header declares.
type fileTooLarge struct{ max int64 }

func (e *fileTooLarge) Error() string { return "roster: file over the size limit" }

// sizeLimit reads at most max bytes of r, then a *fileTooLarge if more
// follows.
type sizeLimit struct {
	r         io.Reader
	left, max int64
	over      bool // more than max bytes were there
}

func (l *sizeLimit) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := io.ReadFull(l.r, one[:]); n == 0 {
			return 0, io.EOF
		}
		l.over = true
		return 0, &fileTooLarge{l.max}
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// newCSVReader reads one CSV file of an import with §14's rules, for the
// OneRoster file, the template's, and the norms and forms alike: at most
// MaxFileBytes (newCSVReaderMax: another bound), a UTF-8
// byte-order mark skipped, every row with the header's number of fields.
// A file whose lines end with a bare CR is refused through fail (nil is
// returned): encoding/csv would read it as one long line and report
// something beside the point, or nothing at all.
func newCSVReader(src io.Reader, fail func(line int, col, msg string)) *csv.Reader {
	return newCSVReaderMax(src, MaxFileBytes, fail)
}

// newCSVReaderMax is newCSVReader for a file of at most maxBytes.
func newCSVReaderMax(src io.Reader, maxBytes int64, fail func(line int, col, msg string)) *csv.Reader {
	br := bufio.NewReaderSize(&sizeLimit{r: src, left: maxBytes, max: maxBytes}, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	if crOnly(br) {
		fail(1, "", "the lines end with a bare carriage return (CR), as some old spreadsheet programs save them: save the file again as CSV with LF or CRLF line ends")
		return nil
	}
	r := csv.NewReader(br)
	r.ReuseRecord = true
	// Every row must have the header's number of fields; a short or long row
	// is malformed CSV, reported on its line (encoding/csv goes on reading).
	r.FieldsPerRecord = 0
	return r
}

// crOnly reports whether the file's first line, within what br holds,
// has a CR that does not end it (CRLF): a file saved with bare CR line
// ends. No header name holds a CR, so a real file never has one there.
func crOnly(br *bufio.Reader) bool {
	b, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	i := bytes.IndexByte(b, '\r')
	return i >= 0 && i < len(b)-1
}

// tooManyRecords is the error of a file with more than MaxRecords records
// to write.
var tooManyRecords = fmt.Sprintf("more than %d records to import: import one school at a time (the org option) or split the file", MaxRecords)

// tooMany reports that reading stopped at the current row, which is over
// a limit (MaxRows, MaxRecords), on that row's line.
func tooMany(r *csv.Reader, msg string, fail func(line int, col, msg string)) {
	line, _ := r.FieldPos(0)
	fail(line, "", msg)
}

// readHeader reads a CSV file's header line (§14: names matched exactly,
// order free) and reports an empty file, malformed CSV, invalid UTF-8, a
// repeated column and each required column missing through fail. It
// returns nil when there is no header to read rows by.
func readHeader(r *csv.Reader, file string, required []string, fail func(line int, col, msg string)) ([]string, map[string]int) {
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		fail(1, "", file+" is empty (it needs a header line)")
		return nil, nil
	}
	if err != nil {
		fail(errLine(err, 1), "", malformed(err))
		return nil, nil
	}
	header = append([]string(nil), header...) // ReuseRecord would overwrite it
	col := map[string]int{}
	for i, h := range header {
		if !utf8.ValidString(h) {
			fail(1, "", fmt.Sprintf("column %d of the header is not valid UTF-8", i+1))
			continue
		}
		if _, dup := col[h]; dup {
			fail(1, h, "the column appears twice in the header")
			continue
		}
		col[h] = i
	}
	for _, c := range required {
		if _, ok := col[c]; !ok {
			fail(1, c, "required column "+c+" is missing")
		}
	}
	return header, col
}
