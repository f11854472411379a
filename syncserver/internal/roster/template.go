package roster

// Our own CSV template for what OneRoster lacks: intervention groups and
// goals with baselines (docs/roster-import.md, "Groups and goals"). The
// same rules as users.csv — BOM, CRLF, quoted line breaks, exact header
// names in any order, physical line numbers, every error listed, all or
// nothing — and one push for everything.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// The template's files; a PATH holds either or both.
const (
	GroupsFile = "groups.csv"
	GoalsFile  = "goals.csv"
)

// readTable reads one CSV file with §14's rules, as a stream, and calls
// row for each data row that is well-formed: get returns a trimmed cell
// ("" for a column the file lacks), line the physical line a column's
// cell starts on (the row's first line for a missing column). Every error,
// the file's and row's, goes to errs. Every row may be a record, so at
// most MaxRecords rows are read.
func readTable(file string, src io.Reader, required []string, errs *errorList,
	row func(get func(string) string, line func(string) int, fail func(col, msg string))) {
	readTableMax(file, src, MaxFileBytes, required, errs, row)
}

// readTableMax is readTable for a file of at most maxBytes; stopped says
// that reading stopped at MaxRecords rows.
func readTableMax(file string, src io.Reader, maxBytes int64, required []string, errs *errorList,
	row func(get func(string) string, line func(string) int, fail func(col, msg string))) (stopped bool) {
	add := func(line int, col, msg string) {
		errs.add(Error{File: file, Line: line, Column: col, Message: msg})
	}
	r := newCSVReaderMax(src, maxBytes, add)
	if r == nil {
		return false
	}
	before := errs.count
	header, col := readHeader(r, file, required, add)
	if header == nil || errs.count > before {
		return false
	}
	for read := 0; ; read++ {
		rec, ok, done := nextRow(r, header, add)
		if done {
			return false
		}
		if read == MaxRecords {
			tooMany(r, tooManyRecords, add)
			return true
		}
		if !ok {
			continue
		}
		line := func(c string) int {
			i, ok := col[c]
			if !ok {
				i = 0
			}
			l, _ := r.FieldPos(i)
			return l
		}
		get := func(c string) string {
			if i, ok := col[c]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row(get, line, func(c, msg string) { add(line(c), c, msg) })
	}
}

// SchoolData is what the template refers to: the school's live records of
// these types and its users.
type SchoolData struct {
	Students, Programs, Groups, Goals []record.Envelope
	Users                             []store.User
}

// draftSet collects the drafts and counts of one template import.
type draftSet struct {
	rep    Report
	drafts []serverwriter.Draft
}

// put adds a record: new (no held) or changed fields merged into held.
func (d *draftSet) put(typ string, h *record.Envelope, fields map[string]any) {
	if h == nil {
		data := map[string]json.RawMessage{}
		for k, v := range fields {
			data[k] = mustJSON(v)
		}
		d.drafts = append(d.drafts, serverwriter.Draft{Type: typ, Data: data})
		d.rep.Created++
		return
	}
	var old map[string]json.RawMessage
	if json.Unmarshal(h.Data, &old) != nil || old == nil {
		old = map[string]json.RawMessage{}
	}
	same := true
	for k, v := range fields {
		nv := mustJSON(v)
		if !sameJSON(old[k], nv) {
			same = false
		}
		old[k] = nv
	}
	if same {
		d.rep.Unchanged++
		return
	}
	d.drafts = append(d.drafts, serverwriter.Draft{ID: h.ID, Type: typ, Data: old, Restricted: h.Restricted})
	d.rep.Updated++
}

// sameJSON compares two JSON values by meaning (key order, spacing and
// number spelling aside); an absent value equals nothing.
func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return string(mustJSON(va)) == string(mustJSON(vb))
}

// PlanTemplate maps groups.csv and goals.csv (either may be nil: absent)
// against the school's data, reading each as a stream.
func PlanTemplate(groups, goals io.Reader, sc SchoolData) Plan {
	var d draftSet
	var errs errorList
	if groups == nil && goals == nil {
		errs.add(Error{File: GroupsFile, Message: "neither groups.csv nor goals.csv is there"})
	}
	students, dupErrs := studentsByExternalID(sc.Students)
	errs.addAll(dupErrs, 0)
	if groups != nil {
		planGroups(groups, sc, students, &d, &errs)
	}
	if goals != nil {
		planGoals(goals, sc, students, &d, &errs)
	}
	if errs.count > 0 {
		var rep Report
		rep.Errors, rep.ErrorCount = errs.report()
		return Plan{Report: rep}
	}
	d.rep.Errors = []Error{}
	return Plan{Report: d.rep, Drafts: d.drafts}
}

// studentsByExternalID maps external_id → the live student's id; two live
// students with one external_id are an error, as in §14.
func studentsByExternalID(envs []record.Envelope) (map[string]string, []Error) {
	out := map[string]string{}
	n := map[string]int{}
	for _, e := range envs {
		var s struct {
			ExternalID string `json:"external_id"`
		}
		if json.Unmarshal(e.Data, &s) == nil && s.ExternalID != "" {
			out[s.ExternalID] = e.ID
			n[s.ExternalID]++
		}
	}
	var errs []Error
	var dups []string
	for ext, c := range n {
		if c > 1 {
			dups = append(dups, ext)
		}
	}
	sort.Strings(dups)
	for _, ext := range dups {
		delete(out, ext)
		errs = append(errs, Error{Message: fmt.Sprintf("%d live students of the school share one external_id; merge or delete all but one in the app first", n[ext])})
	}
	return out, errs
}

// byField indexes live records by a string key of their data; keys held
// by more than one record map to nil and are reported when used.
func byField(envs []record.Envelope, key func(map[string]any) string) map[string][]*record.Envelope {
	out := map[string][]*record.Envelope{}
	for i := range envs {
		var m map[string]any
		if json.Unmarshal(envs[i].Data, &m) != nil || m == nil {
			continue
		}
		if k := key(m); k != "" {
			out[k] = append(out[k], &envs[i])
		}
	}
	return out
}

func strField(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// splitList splits a cell of several values: separated by semicolons,
// commas or spaces.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\n' || r == '\t' })
}

var weekdays = map[string]int{"mon": 1, "monday": 1, "tue": 2, "tuesday": 2, "wed": 3, "wednesday": 3,
	"thu": 4, "thursday": 4, "fri": 5, "friday": 5, "sat": 6, "saturday": 6, "sun": 7, "sunday": 7,
	"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7}

// parseSchedule reads "Mon 08:30; Wed 08:30" (weekday names or 1–7,
// Monday = 1).
func parseSchedule(s string) ([]record.ScheduleSlot, bool) {
	var out []record.ScheduleSlot
	for _, part := range strings.Split(s, ";") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, false
		}
		wd, ok := weekdays[strings.ToLower(f[0])]
		if !ok || len(f[1]) != 5 || f[1][2] != ':' {
			return nil, false
		}
		h, err1 := strconv.Atoi(f[1][:2])
		m, err2 := strconv.Atoi(f[1][3:])
		if err1 != nil || err2 != nil || h > 23 || m > 59 {
			return nil, false
		}
		out = append(out, record.ScheduleSlot{Weekday: wd, Start: f[1]})
	}
	return out, len(out) > 0
}

func planGroups(src io.Reader, sc SchoolData, students map[string]string, d *draftSet, errs *errorList) {
	programs := byField(sc.Programs, func(m map[string]any) string { return strField(m, "name") })
	groups := byField(sc.Groups, func(m map[string]any) string { return strField(m, "name") })
	users := map[string]string{}
	for _, u := range sc.Users {
		users[u.Username] = u.ID
	}
	seen := map[string]int{}
	readTable(GroupsFile, src, []string{"name", "program", "students"}, errs, func(get func(string) string, line func(string) int, fail func(col, msg string)) {
		bad := false
		failed := func(col, msg string) { fail(col, msg); bad = true }
		name := get("name")
		for _, c := range []string{"name", "program", "students"} {
			if get(c) == "" {
				failed(c, "required field "+c+" is empty")
			}
		}
		if name != "" {
			if first, dup := seen[name]; dup {
				failed("name", fmt.Sprintf("the same group name as line %d", first))
				return
			}
			seen[name] = line("name")
		}
		fields := map[string]any{"name": name}
		if p := get("program"); p != "" {
			switch ps := programs[p]; len(ps) {
			case 0:
				failed("program", "no program of the school has this name (add it in the app first)")
			case 1:
				fields["program_id"] = ps[0].ID
			default:
				failed("program", fmt.Sprintf("%d programs of the school have this name", len(ps)))
			}
		}
		if u := get("interventionist"); u != "" {
			if id, ok := users[u]; ok {
				fields["interventionist_id"] = id
			} else {
				failed("interventionist", "no user of the school has this username")
			}
		}
		if s := get("schedule"); s != "" {
			if slots, ok := parseSchedule(s); ok {
				fields["schedule"] = slots
			} else {
				failed("schedule", "the schedule must be like: Mon 08:30; Wed 08:30")
			}
		}
		if list := splitList(get("students")); len(list) > 0 {
			ids := make([]string, 0, len(list))
			for i, ext := range list {
				if id, ok := students[ext]; ok {
					ids = append(ids, id)
				} else {
					failed("students", fmt.Sprintf("student %d of the list is not a live student of the school (import the OneRoster export first)", i+1))
				}
			}
			if len(list) > 12 {
				failed("students", fmt.Sprintf("a group has 1-12 students; this one has %d", len(list)))
			}
			fields["student_ids"] = ids
		}
		if bad {
			return
		}
		var held *record.Envelope
		switch hs := groups[name]; len(hs) {
		case 0:
		case 1:
			held = hs[0]
		default:
			failed("name", fmt.Sprintf("%d live groups of the school have this name", len(hs)))
			return
		}
		if msg, col := validate(record.TypeGroup, held, fields, map[string]string{"name": "name", "program_id": "program",
			"student_ids": "students", "schedule.weekday": "schedule", "schedule.start": "schedule"}); msg != "" {
			failed(col, msg)
			return
		}
		d.put(record.TypeGroup, held, fields)
	})
}

func planGoals(src io.Reader, sc SchoolData, students map[string]string, d *draftSet, errs *errorList) {
	key := func(student, measure, start string) string { return student + "\x00" + measure + "\x00" + start }
	goals := byField(sc.Goals, func(m map[string]any) string {
		return key(strField(m, "student_id"), strField(m, "measure"), strField(m, "start_date"))
	})
	required := []string{"student", "measure", "direction", "start_date", "baseline_scores", "goal_score", "goal_date"}
	seen := map[string]int{}
	readTable(GoalsFile, src, required, errs, func(get func(string) string, line func(string) int, fail func(col, msg string)) {
		bad := false
		failed := func(col, msg string) { fail(col, msg); bad = true }
		for _, c := range required {
			if get(c) == "" {
				failed(c, "required field "+c+" is empty")
			}
		}
		if bad {
			return
		}
		fields := map[string]any{"measure": get("measure"), "direction": get("direction"),
			"start_date": get("start_date"), "goal_date": get("goal_date")}
		sid, ok := students[get("student")]
		if !ok {
			failed("student", "not a live student of the school (import the OneRoster export first)")
		}
		fields["student_id"] = sid
		var scores []float64
		for _, s := range splitList(get("baseline_scores")) {
			f, err := record.ParseNumber(s)
			if err != nil {
				failed("baseline_scores", "baseline scores must be numbers separated by spaces or semicolons")
				break
			}
			scores = append(scores, f)
		}
		fields["baseline_scores"] = scores
		num := func(col, field string) {
			if v := get(col); v != "" {
				f, err := record.ParseNumber(v)
				if err != nil {
					failed(col, col+" must be a number")
					return
				}
				fields[field] = f
			}
		}
		num("goal_score", "goal_score")
		num("typical_roi", "typical_roi")
		if s := get("status"); s != "" {
			fields["status"] = s
		}
		if bad {
			return
		}
		k := key(sid, get("measure"), get("start_date"))
		if first, dup := seen[k]; dup {
			failed("student", fmt.Sprintf("the same student, measure and start date as line %d", first))
			return
		}
		seen[k] = line("student")
		var held *record.Envelope
		switch hs := goals[k]; len(hs) {
		case 0:
		case 1:
			held = hs[0]
		default:
			failed("student", fmt.Sprintf("%d live goals of the school have this student, measure and start date", len(hs)))
			return
		}
		cols := map[string]string{"student_id": "student"}
		for _, c := range required[1:] {
			cols[c] = c
		}
		cols["typical_roi"], cols["status"] = "typical_roi", "status"
		if msg, col := validate(record.TypeGoal, held, fields, cols); msg != "" {
			failed(col, msg)
			return
		}
		d.put(record.TypeGoal, held, fields)
	})
}

// validate checks the record as it would be written (held data with the
// mapped fields replaced) by DOMAIN.md's rules, and names the column of
// the field at fault.
func validate(typ string, held *record.Envelope, fields map[string]any, cols map[string]string) (msg, col string) {
	m := map[string]json.RawMessage{}
	if held != nil {
		json.Unmarshal(held.Data, &m)
	}
	for k, v := range fields {
		m[k] = mustJSON(v)
	}
	data := mustJSON(m)
	p, err := record.Decode(typ, data)
	if err == nil {
		err = p.Validate()
	}
	if err == nil {
		// Fields the held version has that this version does not know
		// are bounded too (ADR 0022), as the write will check.
		err = record.DataBounds(typ, data)
	}
	var fe *record.FieldError
	switch {
	case err == nil:
		return "", ""
	case errors.As(err, &fe):
		return fe.Reason, cols[fe.Field]
	}
	return "the values do not make a valid " + typ, ""
}

// ImportTemplate reads groups.csv and goals.csv from fsys and imports
// them like Import: planned against the school's live records, written in
// one push unless dryRun or any error, all while holding the one import
// slot.
func (im Importer) ImportTemplate(ctx context.Context, schoolID string, by store.User, fsys fs.FS, dryRun bool) (Report, error) {
	release, err := lockImports(ctx)
	if err != nil {
		return Report{}, err
	}
	defer release()
	var files [2]io.Reader
	for i, name := range []string{GroupsFile, GoalsFile} {
		f, err := fsys.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Report{DryRun: dryRun, ErrorCount: 1, Errors: []Error{{File: name, Message: "cannot open " + name}}}, nil
		}
		defer f.Close()
		files[i] = f
	}
	var sc SchoolData
	admin := store.Viewer{IsAdmin: true}
	for _, x := range []struct {
		typ string
		dst *[]record.Envelope
	}{{record.TypeStudent, &sc.Students}, {record.TypeProgram, &sc.Programs}, {record.TypeGroup, &sc.Groups}, {record.TypeGoal, &sc.Goals}} {
		envs, err := im.Store.Records(ctx, schoolID, admin, x.typ)
		if err != nil {
			return Report{}, err
		}
		*x.dst = envs
	}
	users, err := im.Store.ListUsers(ctx, schoolID)
	if err != nil {
		return Report{}, err
	}
	sc.Users = users
	plan := PlanTemplate(files[0], files[1], sc)
	plan.Report.DryRun = dryRun
	if dryRun || len(plan.Report.Errors) > 0 || len(plan.Drafts) == 0 {
		return plan.Report, nil
	}
	if _, err := im.Writer.Write(ctx, schoolID, by, plan.Drafts...); err != nil {
		return Report{}, err
	}
	return plan.Report, nil
}
