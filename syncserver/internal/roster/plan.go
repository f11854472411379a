package roster

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// Report is PROTOCOL §14's report, as `--json` prints it and the endpoint
// returns it.
type Report struct {
	DryRun      bool `json:"dry_run"`
	Created     int  `json:"created"`
	Updated     int  `json:"updated"`
	Unchanged   int  `json:"unchanged"`
	NotInFile   int  `json:"not_in_file"`
	SkippedRows int  `json:"skipped_rows"`
	// ErrorCount counts every error; Errors lists the first
	// MaxReportErrors of them (PROTOCOL §14).
	ErrorCount int     `json:"error_count"`
	Errors     []Error `json:"errors"` // never null: [] when none
}

// Plan is what an import would write.
type Plan struct {
	Report Report
	Drafts []serverwriter.Draft // one per created or updated student
}

// mapped are the data fields an import owns; every other field of a
// student's data is left as it is.
const (
	fGiven     = "given_name"
	fFamily    = "family_name"
	fPreferred = "preferred_name"
	fGrade     = "grade"
	fExternal  = "external_id"
	fActive    = "active"
	fLanguage  = "family_language"
)

// held is one live student of the school as the import sees it.
type held struct {
	env    record.Envelope
	fields map[string]json.RawMessage
}

// MakePlan matches rows against the school's live students (existing:
// every current, non-deleted `student` record, as an admin reads them) and
// works out the report and the drafts. Errors of parsing come in p and go
// on into the report; with any error the plan has no drafts and counts
// nothing as created, updated or unchanged.
func MakePlan(existing []record.Envelope, p Parsed) Plan {
	rep := Report{SkippedRows: p.Skipped}
	var errs errorList
	errs.addAll(p.Errors, p.ErrorCount)
	inFile := make(map[string]int, len(p.Rows)) // external_id → line
	for _, r := range p.Rows {
		inFile[r.ExternalID] = r.Line
	}

	// The school's live students by external_id, whoever made them.
	byExt := make(map[string][]held, len(existing))
	for _, e := range existing {
		if e.Type != record.TypeStudent || e.Deleted {
			continue
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(e.Data, &fields); err != nil || fields == nil {
			continue // not an object: not a student the import can match
		}
		ext, ok := str(fields[fExternal])
		if !ok || ext == "" {
			continue
		}
		byExt[ext] = append(byExt[ext], held{env: e, fields: fields})
	}
	// Two live students with one external_id: the import cannot know which
	// one a row means. Reported in a stable order, on the row's line when
	// the file has that id.
	var dups []string
	for ext, hs := range byExt {
		if len(hs) > 1 {
			dups = append(dups, ext)
		}
	}
	sort.Strings(dups)
	for _, ext := range dups {
		line, col := inFile[ext], colSourcedID
		if line == 0 {
			col = ""
		}
		errs.add(Error{File: UsersFile, Line: line, Column: col,
			Message: fmt.Sprintf("%d live students of the school have this external_id; merge or delete all but one in the app first", len(byExt[ext]))})
	}
	for ext := range byExt {
		if _, ok := inFile[ext]; !ok {
			rep.NotInFile++
		}
	}
	if errs.count > 0 {
		rep.Errors, rep.ErrorCount = errs.report()
		return Plan{Report: rep}
	}

	var drafts []serverwriter.Draft
	for _, r := range p.Rows {
		hs := byExt[r.ExternalID]
		if len(hs) == 0 {
			active := r.Active
			s := record.Student{GivenName: r.GivenName, FamilyName: r.FamilyName, Grade: r.Grade,
				ExternalID: r.ExternalID, Active: &active}
			if r.PreferredName != nil {
				s.PreferredName = *r.PreferredName
			}
			if r.FamilyLanguage != nil {
				s.FamilyLanguage = *r.FamilyLanguage
			}
			drafts = append(drafts, serverwriter.Draft{Type: record.TypeStudent, Data: s})
			rep.Created++
			continue
		}
		h := hs[0]
		if !changed(h.fields, r) {
			rep.Unchanged++
			continue
		}
		// Only the mapped fields are replaced; a preferred name or a family
		// language set in the app (when the file has none) and fields of
		// newer app versions stay.
		f := h.fields
		f[fGiven] = mustJSON(r.GivenName)
		f[fFamily] = mustJSON(r.FamilyName)
		f[fGrade] = mustJSON(r.Grade)
		f[fExternal] = mustJSON(r.ExternalID)
		f[fActive] = mustJSON(r.Active) // always written (§14)
		if r.PreferredName != nil {
			f[fPreferred] = mustJSON(*r.PreferredName)
		}
		if r.FamilyLanguage != nil {
			f[fLanguage] = mustJSON(*r.FamilyLanguage)
		}
		data, err := json.Marshal(f)
		if err != nil { // cannot happen: every value is valid JSON already
			panic(err)
		}
		drafts = append(drafts, serverwriter.Draft{ID: h.env.ID, Type: record.TypeStudent, Data: json.RawMessage(data),
			Restricted: h.env.Restricted})
		rep.Updated++
	}
	rep.Errors, rep.ErrorCount = errs.report()
	return Plan{Report: rep, Drafts: drafts}
}

// changed reports whether a mapped field of the held data differs from the
// row. A missing `active` means true (DOMAIN.md §2), so a student the app
// made without it is not rewritten just to spell out the default.
func changed(f map[string]json.RawMessage, r Row) bool {
	for _, c := range []struct{ field, want string }{
		{fGiven, r.GivenName}, {fFamily, r.FamilyName}, {fGrade, r.Grade}} {
		if v, ok := str(f[c.field]); !ok || v != c.want {
			return true
		}
	}
	for _, c := range []struct {
		field string
		want  *string
	}{{fPreferred, r.PreferredName}, {fLanguage, r.FamilyLanguage}} {
		if c.want == nil {
			continue // the file does not say: the app's value stays
		}
		if v, ok := str(f[c.field]); !ok || v != *c.want {
			return true
		}
	}
	active := true
	if raw, ok := f[fActive]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &active); err != nil {
			return true // not a bool: the import writes a proper one
		}
	}
	return active != r.Active
}

// str decodes a JSON string; false when raw is absent or not a string.
func str(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// Importer runs imports against one store: it reads the school's records
// and users there, and writes through Writer.
type Importer struct {
	Store interface {
		store.RecordReader
		store.Users
	}
	Writer *serverwriter.Writer
}

// importSlot runs one import at a time in this process, from reading its
// files to its push, whichever surface started it (API, console): two at
// once would both see "no match" and create the same new records twice,
// and reading a file holds up to a file's worth of memory, so uploads
// queue here rather than add up (ADR 0009, 0026).
var importSlot = make(chan struct{}, 1)

// lockImports waits for the slot; a request whose client is gone stops
// waiting.
func lockImports(ctx context.Context) (release func(), err error) {
	select {
	case importSlot <- struct{}{}:
		return func() { <-importSlot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ImportOneRoster is PROTOCOL §14's import of an export: it reads
// users.csv from fsys (Parse), plans and writes like Import, all while
// holding the one import slot.
func (im Importer) ImportOneRoster(ctx context.Context, schoolID string, by store.User, fsys fs.FS, opts Options, dryRun bool) (Report, error) {
	release, err := lockImports(ctx)
	if err != nil {
		return Report{}, err
	}
	defer release()
	return im.importParsed(ctx, schoolID, by, Parse(fsys, opts), dryRun)
}

// Import plans p against the school's students and, unless dryRun or the
// plan has errors, writes every draft in one push by `by`: PROTOCOL §14's
// all or nothing rests on that push being one transaction in either store.
// The report says what was (or, dry, would be) written.
func (im Importer) Import(ctx context.Context, schoolID string, by store.User, p Parsed, dryRun bool) (Report, error) {
	release, err := lockImports(ctx)
	if err != nil {
		return Report{}, err
	}
	defer release()
	return im.importParsed(ctx, schoolID, by, p, dryRun)
}

func (im Importer) importParsed(ctx context.Context, schoolID string, by store.User, p Parsed, dryRun bool) (Report, error) {
	existing, err := im.Store.Records(ctx, schoolID, store.Viewer{IsAdmin: true}, record.TypeStudent)
	if err != nil {
		return Report{}, err
	}
	plan := MakePlan(existing, p)
	plan.Report.DryRun = dryRun
	if dryRun || len(plan.Report.Errors) > 0 || len(plan.Drafts) == 0 {
		return plan.Report, nil
	}
	if _, err := im.Writer.Write(ctx, schoolID, by, plan.Drafts...); err != nil {
		return Report{}, err
	}
	return plan.Report, nil
}
