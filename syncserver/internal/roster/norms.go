package roster

// A district's norm tables and probe forms from CSV (DOMAIN.md §2
// `norm_table`, `probe_form`, §6; docs/norms.md; ADR 0028). The rules of
// PROTOCOL §14's import hold: BOM, CRLF, exact header names in any order,
// physical line numbers, every error listed (the first 1,000 and a count),
// all or nothing in one push, nothing written again for an unchanged file,
// and the one import slot.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// The names errors give the two files when the caller has none.
const (
	NormsFile = "norms.csv"
	FormsFile = "forms.csv"
)

// MaxDistrictFileBytes bounds a norms or forms file as read. A district's
// norms for 50 measures in 13 grades at 99 percentiles are about 3 MiB;
// anything much larger is not such a file, and is refused after reading
// this much of it.
const MaxDistrictFileBytes = 8 << 20

// The columns of each file (docs/norms.md). Every one must be in the
// header, so that a misspelt column is named rather than read as empty.
var (
	normColumns = []string{"measure", "grade", "source", "percentile", "fall", "winter", "spring", "roi"}
	formColumns = []string{"measure", "grade", "form_id", "title", "order"}
)

// benchmarkRow is the percentile cell of a table's benchmark row.
const benchmarkRow = "benchmark"

// measureCode is what a measure cell may hold: a code as the built-in
// ones are written (orf_wcpm), which a district's own codes follow.
var measureCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// formula reports whether a cell would be a formula in a spreadsheet; a
// file that holds one was not saved as values, and its text would be
// shown (and exported) as it is. A negative number is not one.
func formula(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		_, err := record.ParseNumber(s)
		return err != nil
	}
	return false
}

const formulaMessage = "the cell holds a formula: save the file with its values, not its formulas"

// cells checks a row's cells that must be filled, and every cell for a
// formula; false when any is bad (each reported).
func cells(get func(string) string, fail func(col, msg string), columns, required []string) bool {
	ok := true
	for _, c := range required {
		if get(c) == "" {
			fail(c, "required field "+c+" is empty")
			ok = false
		}
	}
	for _, c := range columns {
		if formula(get(c)) {
			fail(c, formulaMessage)
			ok = false
		}
	}
	return ok
}

// codeAndGrade checks the measure and grade cells.
func codeAndGrade(get func(string) string, fail func(col, msg string)) bool {
	ok := true
	if m := get("measure"); m != "" && !measureCode.MatchString(m) {
		fail("measure", "a measure is a code of letters, digits and _ (e.g. orf_wcpm), at most 64 characters")
		ok = false
	}
	if g := get("grade"); g != "" && !record.IsGrade(g) {
		fail("grade", "grade must be PK, K or 1-12")
		ok = false
	}
	return ok
}

// number reads an optional number cell of a record field, bounded as the
// field is (record.RangeOf); nil when the cell is empty.
func number(get func(string) string, fail func(col, msg string), col, typ, field string) (*float64, bool) {
	s := get(col)
	if s == "" {
		return nil, true
	}
	v, err := record.ParseNumber(s)
	if err != nil {
		fail(col, col+" must be a number")
		return nil, false
	}
	if r := record.RangeOf(typ, field); !r.Contains(v) {
		fail(col, fmt.Sprintf("%s must be %s", col, r))
		return nil, false
	}
	return &v, true
}

// readDistrictFile is readTable for a norms or forms file: at most
// MaxDistrictFileBytes and MaxRecords rows, and a file over either is
// refused with that one error, whatever its rows held (they were not all
// read, and listing their errors would hide the one that matters).
func readDistrictFile(file string, src io.Reader, required []string, errs *errorList,
	row func(get func(string) string, line func(string) int, fail func(col, msg string))) {
	lim := &sizeLimit{r: src, left: MaxDistrictFileBytes, max: MaxDistrictFileBytes}
	stopped := readTableMax(file, lim, MaxDistrictFileBytes+1, required, errs, row)
	switch {
	case lim.over:
		*errs = errorList{}
		errs.add(Error{File: file, Message: fmt.Sprintf("the file is larger than %d MiB: a district's norms or forms are far smaller; check that this is the right file", MaxDistrictFileBytes>>20)})
	case stopped:
		*errs = errorList{}
		errs.add(Error{File: file, Message: fmt.Sprintf("the file has more than %d rows: a district's norms or forms have far fewer; check that this is the right file", MaxRecords)})
	}
}

// tableKey names a norm table: one per measure and grade.
type tableKey struct{ measure, grade string }

// normTable is one table as the file builds it.
type normTable struct {
	line, sourceLine, lastLine, benchLine int
	t                                     record.NormTable
}

// PlanNorms reads a norms CSV (file names it in errors) and plans one
// `norm_table` per measure and grade against the school's live tables
// (existing, of any type: others are passed over). A table of the file
// updates the school's table of that measure and grade (the latest by
// HLC, the one §3.10 reads); tables not in the file are left as they are
// and counted in not_in_file.
func PlanNorms(file string, src io.Reader, existing []record.Envelope) Plan {
	var errs errorList
	tables := map[tableKey]*normTable{}
	var order []tableKey
	readDistrictFile(file, src, normColumns, &errs, func(get func(string) string, line func(string) int, fail func(col, msg string)) {
		if !cells(get, fail, normColumns, []string{"measure", "grade", "source", "percentile"}) || !codeAndGrade(get, fail) {
			return
		}
		if n := utf8.RuneCountInString(get("source")); n > 200 {
			fail("source", fmt.Sprintf("the source is %d characters; at most 200", n))
			return
		}
		k := tableKey{get("measure"), get("grade")}
		nt := tables[k]
		if nt == nil {
			nt = &normTable{line: line("measure"), sourceLine: line("source"),
				t: record.NormTable{Measure: k.measure, Grade: k.grade, Source: get("source"), Rows: []record.NormRow{}}}
			tables[k] = nt
			order = append(order, k)
		}
		if get("source") != nt.t.Source {
			fail("source", fmt.Sprintf("the source differs from line %d's: one measure and grade has one source", nt.sourceLine))
			return
		}
		if strings.EqualFold(get("percentile"), benchmarkRow) {
			normBenchmark(nt, get, line, fail)
			return
		}
		normRow(nt, get, line, fail)
	})
	if errs.count > 0 {
		var rep Report
		rep.Errors, rep.ErrorCount = errs.report()
		return Plan{Report: rep}
	}
	held := latestBy(existing, record.TypeNormTable, func(m map[string]any) string {
		return strField(m, "measure") + "\x00" + strField(m, "grade")
	})
	var d draftSet
	inFile := map[string]bool{}
	for _, k := range order {
		nt := tables[k]
		key := k.measure + "\x00" + k.grade
		inFile[key] = true
		fields := map[string]any{"measure": nt.t.Measure, "grade": nt.t.Grade, "source": nt.t.Source, "rows": nt.t.Rows}
		if nt.t.Benchmark != nil {
			fields["benchmark"] = nt.t.Benchmark
		}
		if msg, col := validate(record.TypeNormTable, withoutOwned(held[key], normOwned), fields, normFieldColumns); msg != "" {
			errs.add(Error{File: file, Line: nt.line, Column: col, Message: "the table of this measure and grade: " + msg})
			continue
		}
		d.replace(record.TypeNormTable, held[key], normOwned, fields)
	}
	return finish(&d, &errs, notInFile(held, inFile))
}

// normOwned are the fields of a norm table the file owns.
var normOwned = []string{"measure", "grade", "source", "rows", "benchmark"}

// normFieldColumns names the column of a norm table's field in errors.
var normFieldColumns = map[string]string{"measure": "measure", "grade": "grade", "source": "source", "rows": "percentile",
	"rows.percentile": "percentile", "rows.fall": "fall", "rows.winter": "winter", "rows.spring": "spring", "rows.roi": "roi",
	"benchmark.fall": "fall", "benchmark.winter": "winter", "benchmark.spring": "spring"}

// normRow reads one percentile row into its table; the rows of a table
// come in increasing percentile order (a table's rows must, DOMAIN.md §2).
func normRow(nt *normTable, get func(string) string, line func(string) int, fail func(col, msg string)) {
	p, err := record.ParseNumber(get("percentile"))
	if err != nil {
		fail("percentile", "percentile must be a number from 1 to 99, or the word benchmark")
		return
	}
	if !record.PercentileRange.Contains(p) {
		fail("percentile", "percentile must be "+record.PercentileRange.String())
		return
	}
	row := record.NormRow{Percentile: p}
	ok := true
	for _, c := range []struct {
		col string
		dst **float64
	}{{"fall", &row.Fall}, {"winter", &row.Winter}, {"spring", &row.Spring}, {"roi", &row.ROI}} {
		v, good := number(get, fail, c.col, record.TypeNormTable, "rows."+c.col)
		*c.dst, ok = v, ok && good
	}
	if !ok {
		return
	}
	if n := len(nt.t.Rows); n > 0 && p <= nt.t.Rows[n-1].Percentile {
		fail("percentile", fmt.Sprintf("the percentile is not above the one on line %d: list each measure and grade's rows in increasing percentile order, each percentile once", nt.lastLine))
		return
	}
	nt.t.Rows = append(nt.t.Rows, row)
	nt.lastLine = line("percentile")
}

// normBenchmark reads a table's benchmark row: the scores at or above
// which a student is on track, by season; no roi.
func normBenchmark(nt *normTable, get func(string) string, line func(string) int, fail func(col, msg string)) {
	if nt.t.Benchmark != nil {
		fail("percentile", fmt.Sprintf("a second benchmark row for this measure and grade (the first is on line %d)", nt.benchLine))
		return
	}
	if get("roi") != "" {
		fail("roi", "a benchmark row has no roi")
		return
	}
	var b record.Benchmark
	ok := true
	for _, c := range []struct {
		col string
		dst **float64
	}{{"fall", &b.Fall}, {"winter", &b.Winter}, {"spring", &b.Spring}} {
		v, good := number(get, fail, c.col, record.TypeNormTable, "benchmark."+c.col)
		*c.dst, ok = v, ok && good
	}
	if !ok {
		return
	}
	if b.Fall == nil && b.Winter == nil && b.Spring == nil {
		fail("percentile", "a benchmark row needs a score in fall, winter or spring")
		return
	}
	nt.t.Benchmark, nt.benchLine = &b, line("percentile")
}

// PlanForms reads a forms CSV and plans one `probe_form` per measure,
// grade and form_id against the school's live forms: a form of the file
// updates the school's form with that measure, grade and form_id (the
// latest by HLC); forms not in the file are left and counted.
func PlanForms(file string, src io.Reader, existing []record.Envelope) Plan {
	var errs errorList
	var d draftSet
	held := latestBy(existing, record.TypeProbeForm, func(m map[string]any) string {
		return strField(m, "measure") + "\x00" + strField(m, "grade") + "\x00" + strField(m, "form_id")
	})
	seen := map[string]int{}
	inFile := map[string]bool{}
	readDistrictFile(file, src, formColumns, &errs, func(get func(string) string, line func(string) int, fail func(col, msg string)) {
		if !cells(get, fail, formColumns, formColumns) || !codeAndGrade(get, fail) {
			return
		}
		order, ok := number(get, fail, "order", record.TypeProbeForm, "order")
		if !ok {
			return
		}
		key := get("measure") + "\x00" + get("grade") + "\x00" + get("form_id")
		if first, dup := seen[key]; dup {
			fail("form_id", fmt.Sprintf("the same measure, grade and form_id as line %d", first))
			return
		}
		seen[key], inFile[key] = line("form_id"), true
		fields := map[string]any{"measure": get("measure"), "grade": get("grade"), "form_id": get("form_id"), "title": get("title"), "order": *order}
		if msg, col := validate(record.TypeProbeForm, held[key], fields, map[string]string{"measure": "measure", "grade": "grade",
			"form_id": "form_id", "title": "title", "order": "order"}); msg != "" {
			fail(col, msg)
			return
		}
		d.replace(record.TypeProbeForm, held[key], formColumns, fields)
	})
	return finish(&d, &errs, notInFile(held, inFile))
}

// latestBy indexes the live records of typ among envs by key, keeping
// the one with the greatest HLC (then id) for each: the one §3.10 reads.
func latestBy(envs []record.Envelope, typ string, key func(map[string]any) string) map[string]*record.Envelope {
	out := map[string]*record.Envelope{}
	for i := range envs {
		e := &envs[i]
		if e.Type != typ || e.Deleted {
			continue
		}
		var m map[string]any
		if json.Unmarshal(e.Data, &m) != nil || m == nil {
			continue
		}
		k := key(m)
		if h := out[k]; h == nil || e.HLC > h.HLC || e.HLC == h.HLC && e.ID > h.ID {
			out[k] = e
		}
	}
	return out
}

func notInFile(held map[string]*record.Envelope, inFile map[string]bool) int {
	n := 0
	for k := range held {
		if !inFile[k] {
			n++
		}
	}
	return n
}

// finish is the plan: the errors, or the drafts and counts.
func finish(d *draftSet, errs *errorList, notIn int) Plan {
	if errs.count > 0 {
		var rep Report
		rep.Errors, rep.ErrorCount = errs.report()
		return Plan{Report: rep}
	}
	d.rep.Errors, d.rep.NotInFile = []Error{}, notIn
	return Plan{Report: d.rep, Drafts: d.drafts}
}

// replace adds a record whose fields named in owned the file owns whole:
// new, or held's data with those fields replaced by fields (one missing
// there is taken out: a table whose benchmark row is gone loses its
// benchmark) and every other field kept. A held record that would not
// change is counted unchanged and not written.
func (d *draftSet) replace(typ string, h *record.Envelope, owned []string, fields map[string]any) {
	data := map[string]json.RawMessage{}
	if h != nil {
		for k, v := range dataOf(h) {
			if !slices.Contains(owned, k) {
				data[k] = v
			}
		}
	}
	for k, v := range fields {
		data[k] = mustJSON(v)
	}
	raw := json.RawMessage(mustJSON(data))
	switch {
	case h == nil:
		d.drafts = append(d.drafts, serverwriter.Draft{Type: typ, Data: raw})
		d.rep.Created++
	case bytes.Equal(h.Data, raw) || sameJSON(h.Data, raw): // as written by this import, or reformatted by the store
		d.rep.Unchanged++
	default:
		d.drafts = append(d.drafts, serverwriter.Draft{ID: h.ID, Type: typ, Data: raw, Restricted: h.Restricted})
		d.rep.Updated++
	}
}

// dataOf is a held record's data as fields (none when it is not an object).
func dataOf(h *record.Envelope) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(h.Data, &m) != nil {
		return nil
	}
	return m
}

// withoutOwned is held with the owned fields taken out, as validate must
// see it: the file's fields replace them whole.
func withoutOwned(h *record.Envelope, owned []string) *record.Envelope {
	if h == nil {
		return nil
	}
	m := dataOf(h)
	for _, k := range owned {
		delete(m, k)
	}
	cut := *h
	cut.Data = mustJSON(m)
	return &cut
}

// ImportNorms reads a norms CSV from src (file names it in errors) and
// imports it: planned against the school's live norm tables, written in
// one push unless dryRun or any error, all while holding the one import
// slot.
func (im Importer) ImportNorms(ctx context.Context, schoolID string, by store.User, file string, src io.Reader, dryRun bool) (Report, error) {
	return im.importDistrict(ctx, schoolID, by, record.TypeNormTable, dryRun, func(existing []record.Envelope) Plan {
		return PlanNorms(file, src, existing)
	})
}

// ImportForms is ImportNorms for a forms CSV.
func (im Importer) ImportForms(ctx context.Context, schoolID string, by store.User, file string, src io.Reader, dryRun bool) (Report, error) {
	return im.importDistrict(ctx, schoolID, by, record.TypeProbeForm, dryRun, func(existing []record.Envelope) Plan {
		return PlanForms(file, src, existing)
	})
}

func (im Importer) importDistrict(ctx context.Context, schoolID string, by store.User, typ string, dryRun bool, plan func([]record.Envelope) Plan) (Report, error) {
	release, err := lockImports(ctx)
	if err != nil {
		return Report{}, err
	}
	defer release()
	existing, err := im.Store.Records(ctx, schoolID, store.Viewer{IsAdmin: true}, typ)
	if err != nil {
		return Report{}, err
	}
	p := plan(existing)
	p.Report.DryRun = dryRun
	if dryRun || len(p.Report.Errors) > 0 || len(p.Drafts) == 0 {
		return p.Report, nil
	}
	if _, err := im.Writer.Write(ctx, schoolID, by, p.Drafts...); err != nil {
		return Report{}, err
	}
	return p.Report, nil
}

// FileName is the name an uploaded or given file goes by in errors: its
// base name, or def when it has none fit to repeat.
func FileName(name, def string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "" || len(name) > 100 || !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return def
	}
	return name
}
