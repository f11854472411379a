package ui

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
	"smallwins/shared/record"
)

// diffRow is one thing that differs between the two versions of a record
// in conflict: a field, or one student's attendance or one step of a
// session, with this tablet's value beside the newer one, in words.
type diffRow struct {
	Field, Mine, Newer string
	Differs            bool
}

// diffNamer words what a version refers to: records by name, user ids as
// "you" or "a colleague" (the tablet knows no other user's name), a
// program's checklist steps.
type diffNamer interface {
	ref(r record.Ref) string // a referenced record's name or description
	user(id string) string   // "you" or "a colleague"
	steps(programID string) []record.Step
}

// diffVersions compares two versions of a record and lists only what
// differs in the data (ADR 0651): a field one version leaves out and the
// other sets to the payload's default (a probe's 60 s) is no difference,
// and a session's attendance and checklist are compared per student and per
// step. A version that cannot be shown (deleted, not here, or restricted
// from this person) shows its note instead of values. nm may be nil (no
// names: ids are left out of the words).
func diffVersions(mine, newer record.Envelope, mineNote, newerNote string, nm diffNamer) []diffRow {
	typ := mine.Type
	if typ == "" {
		typ = newer.Type
	}
	a, b := fields(mine, mineNote), fields(newer, newerNote)
	if a.note != "" && b.note != "" || (a.note != "" || b.note != "") && len(a.vals)+len(b.vals) == 0 {
		return []diffRow{{Field: lang.L("conflicts.version"), Mine: a.shown(), Newer: b.shown(), Differs: a.shown() != b.shown()}}
	}
	w := words{typ: typ, nm: nm, refs: refTypes(typ, mine, newer), steps: stepNames(typ, mine, newer, nm)}
	keys := map[string]bool{}
	for k := range a.vals {
		keys[k] = true
	}
	for k := range b.vals {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var rows []diffRow
	for _, k := range names {
		ra, rb := withDefault(typ, k, a), withDefault(typ, k, b)
		if a.note == "" && b.note == "" && sameJSON(ra, rb) {
			continue
		}
		if typ == record.TypeSession && (k == "attendance" || k == "fidelity") && a.note == "" && b.note == "" {
			rows = append(rows, w.items(k, ra, rb)...)
			continue
		}
		m, n := a.note, b.note
		if m == "" {
			m = w.value(k, ra)
		}
		if n == "" {
			n = w.value(k, rb)
		}
		rows = append(rows, diffRow{Field: cut(w.field(k)), Mine: cut(m), Newer: cut(n), Differs: true})
	}
	return rows
}

// version is one side's top-level fields, or the note saying why it cannot
// be shown.
type version struct {
	vals map[string]json.RawMessage
	note string
}

func fields(e record.Envelope, note string) version {
	if note != "" {
		return version{note: note}
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(e.Data, &m) != nil {
		return version{note: lang.L("conflicts.unreadable")}
	}
	return version{vals: m}
}

// shown is the version as a whole: its note, or "—" (no field at all).
func (v version) shown() string {
	if v.note != "" {
		return v.note
	}
	return "—"
}

// withDefault is field k of v, or the payload's default for it when v
// leaves it out (record.FieldDefault); nil when neither.
func withDefault(typ, k string, v version) json.RawMessage {
	if raw, ok := v.vals[k]; ok {
		return raw
	}
	if def, ok := record.FieldDefault(typ, k); ok && v.note == "" {
		return def
	}
	return nil
}

// sameJSON compares two JSON values as data (60 and 60.0 are one number;
// the order of an object's keys does not matter); a missing value is null.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if len(a) == 0 {
		a = json.RawMessage("null")
	}
	if len(b) == 0 {
		b = json.RawMessage("null")
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(x, y)
}

// refTypes maps each reference field of either version ("student_id",
// "student_ids") to the type it refers to.
func refTypes(typ string, vs ...record.Envelope) map[string]string {
	out := map[string]string{}
	for _, e := range vs {
		p, err := record.Decode(typ, e.Data)
		if err != nil {
			continue
		}
		for _, r := range p.Refs() {
			out[r.Field] = r.Type
		}
	}
	return out
}

// stepNames is "Step 1, Review sight words" per step id of a session's
// program (either version's), for its checklist rows.
func stepNames(typ string, mine, newer record.Envelope, nm diffNamer) map[string]string {
	out := map[string]string{}
	if typ != record.TypeSession || nm == nil {
		return out
	}
	for _, e := range []record.Envelope{mine, newer} {
		var s record.Session
		if record.DecodeData(e.Data, &s) != nil {
			continue
		}
		for i, st := range nm.steps(s.ProgramID) {
			if _, ok := out[st.ID]; !ok {
				out[st.ID] = lang.L("conflicts.step_n", map[string]any{"N": i + 1, "Text": st.Text})
			}
		}
	}
	return out
}

// words says a version's fields and values for a person.
type words struct {
	typ   string
	nm    diffNamer
	refs  map[string]string
	steps map[string]string
}

// userFields hold user ids, which are no records (record.Payload.Refs).
var userFields = map[string]string{"author_id": "Written by", "owner_id": "Owner", "interventionist_id": "Interventionist"}

// Fields are worded by the catalog's field.<name> messages (those whose generic words would read
// oddly, "raw_score" as "Count read", among them); a field it lacks is worded by fieldWords.

// field is a field's name for a person: a reference by what it refers to
// ("Student", "Students"), never "Student id".
func (w words) field(k string) string {
	if t, ok := w.refs[k]; ok {
		if strings.HasSuffix(k, "_ids") {
			return typePlural(t)
		}
		return typeWords(t)
	}
	if s := lang.L("field." + k); s != "field."+k {
		return s
	}
	return fieldWords(k)
}

// value is one field's value for a person: names for references and
// users, a measure's and a category's words, dates as "Mon 10 Mar", codes
// in words; other values as compact JSON.
func (w words) value(k string, raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return "—"
	}
	var s string
	isString := json.Unmarshal(raw, &s) == nil
	var ids []string
	switch {
	case isString && w.refs[k] != "":
		return w.name(record.Ref{Field: k, Type: w.refs[k], ID: s})
	case !isString && w.refs[k] != "" && json.Unmarshal(raw, &ids) == nil:
		names := make([]string, 0, len(ids))
		for _, id := range ids {
			names = append(names, w.name(record.Ref{Field: k, Type: w.refs[k], ID: id}))
		}
		return strings.Join(names, ", ")
	case isString && userFields[k] != "":
		if w.nm == nil {
			return lang.L("conflicts.a_colleague")
		}
		return w.nm.user(s)
	case isString && k == "measure":
		return inAppLang().Measure(s).Name
	case isString && k == "category" && w.typ == record.TypeNote:
		return inAppLang().NoteCategoryWords(s)
	case isString && k == "code" && w.typ == record.TypeDecision:
		return inAppLang().DecisionWords(s)
	case isString && k == "direction":
		if s == record.DirectionDown {
			return lang.L("conflicts.lower_better")
		}
		return lang.L("conflicts.higher_better")
	case isString && k == "status" && w.typ == record.TypeGoal:
		return record.GoalStatusWordsIn(applang.Current(), s)
	case isString && k == "phase":
		return inAppLang().CICOPhaseWords(s)
	case isString && (k == "status" || k == "area"):
		if word := lang.L("value." + s); word != "value."+s {
			return word
		}
		return fieldWords(s)
	case isString:
		return prettyDate(s) // a date in words; any other text as it is
	case k == "schedule":
		var sl []record.ScheduleSlot
		if json.Unmarshal(raw, &sl) == nil {
			return scheduleText(sl)
		}
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		if b {
			return lang.L("common.yes")
		}
		return lang.L("common.no")
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

func (w words) name(r record.Ref) string {
	if w.nm == nil {
		return typeWords(r.Type)
	}
	return w.nm.ref(r)
}

// items compares a session's attendance per student, or its checklist per
// step, and lists the ones that differ.
func (w words) items(k string, a, b json.RawMessage) []diffRow {
	read := func(raw json.RawMessage) (map[string]string, []string) {
		vals, order := map[string]string{}, []string{}
		if k == "attendance" {
			var at []record.Attendance
			_ = json.Unmarshal(raw, &at)
			for _, x := range at {
				v := statusWord(x.Status)
				if x.Minutes != nil && x.Status != record.Absent {
					v += ", " + sayFigure(fmtMin(*x.Minutes)) + " min"
				}
				vals[x.StudentID], order = v, append(order, x.StudentID)
			}
			return vals, order
		}
		var fid []record.StepMark
		_ = json.Unmarshal(raw, &fid)
		for _, x := range fid {
			vals[x.StepID], order = stepWord(x.Status), append(order, x.StepID)
		}
		return vals, order
	}
	va, oa := read(a)
	vb, ob := read(b)
	seen := map[string]bool{}
	var rows []diffRow
	for _, id := range append(oa, ob...) {
		if seen[id] {
			continue
		}
		seen[id] = true
		m, okA := va[id]
		n, okB := vb[id]
		if okA && okB && m == n {
			continue
		}
		if !okA {
			m = "—"
		}
		if !okB {
			n = "—"
		}
		field := w.steps[id]
		if k == "attendance" {
			field = w.name(record.Ref{Field: "attendance.student_id", Type: record.TypeStudent, ID: id})
		} else if field == "" {
			field = lang.L("conflicts.step_id", map[string]any{"ID": id})
		}
		rows = append(rows, diffRow{Field: cut(field), Mine: cut(m), Newer: cut(n), Differs: true})
	}
	return rows
}

// stepWord is a checklist mark in words.
func stepWord(st string) string {
	switch st {
	case record.StepDone:
		return lang.L("conflicts.step.done")
	case record.StepSkipped:
		return lang.L("conflicts.step.skipped")
	case record.StepNA:
		return lang.L("conflicts.step.na")
	}
	return fieldWords(st)
}

func cut(s string) string {
	if r := []rune(s); len(r) > 120 {
		return string(r[:119]) + "…"
	}
	return s
}

// fieldWords is "given_name" as "Given name".
func fieldWords(k string) string {
	w := cut(strings.ReplaceAll(k, "_", " "))
	if w == "" {
		return lang.L("conflicts.no_name")
	}
	r := []rune(w)
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// screenNamer names a version's references from this tablet's records.
type screenNamer struct{ a *App }

func (n screenNamer) ref(r record.Ref) string {
	name := refName(n.a.cfg.Records, r)
	if e, err := n.a.cfg.Records.Get(r.ID); err == nil && e.Type == r.Type {
		if p, err := record.Decode(e.Type, e.Data); err == nil && p.Title() == "" {
			return record.DescribeIn(applang.Current(), p, namer{n.a.cfg.Records}) // a plan, a goal: by what it is of
		}
	}
	return name
}

func (n screenNamer) user(id string) string {
	if n.a.isMe(id) {
		return lang.L("conflicts.you")
	}
	return lang.L("conflicts.a_colleague")
}

func (n screenNamer) steps(programID string) []record.Step {
	if p, err := n.a.cfg.Records.Get(programID); err == nil {
		var pr record.Program
		if record.DecodeData(p.Data, &pr) == nil {
			return pr.Steps
		}
	}
	return nil
}

// conflictView shows what differs between the two versions, side by side,
// so "Restore mine" and "Keep newer" are chosen knowing what each keeps.
func (s *syncScreen) conflictView(c Conflict) fyne.CanvasObject {
	newer, err := s.a.cfg.Records.Get(c.RecordID)
	newerNote := ""
	switch {
	case err != nil:
		newerNote = lang.L("conflicts.not_here")
	case newer.Deleted:
		newerNote = lang.L("conflicts.deleted")
	case !s.mayRead(newer):
		newerNote = lang.L("conflicts.restricted")
	}
	mineNote := ""
	switch {
	case c.Mine.ID == "":
		mineNote = lang.L("conflicts.not_known")
	case c.Mine.Deleted || c.Deleted:
		mineNote = lang.L("conflicts.deleted")
	case !s.mayRead(c.Mine):
		mineNote = lang.L("conflicts.restricted")
	}
	if c.Mine.Type == "" {
		c.Mine.Type = c.Type
	}
	rows := diffVersions(c.Mine, newer, mineNote, newerNote, screenNamer{s.a})
	s.diff[c.ID] = rows
	if len(rows) == 0 {
		return wrapLabel(lang.L("conflicts.same"))
	}
	by := c.By
	if by == "" {
		by = lang.L("conflicts.by.tablet")
	}
	grid := container.NewGridWithColumns(3,
		boldLabel(lang.L("conflicts.col.what")), boldLabel(lang.L("conflicts.col.mine")), boldLabel(lang.L("conflicts.col.newer", map[string]any{"By": by})))
	for _, r := range rows {
		cells := []*widget.Label{wrapLabel(r.Field), wrapLabel(r.Mine), wrapLabel(r.Newer)}
		for _, l := range cells {
			if r.Differs {
				// Bold and in the warning colour (4.5:1 on a card,
				// TestThemeContrast).
				l.TextStyle.Bold = true
				l.Importance = widget.WarningImportance
			}
		}
		for _, l := range cells {
			grid.Add(l)
		}
	}
	return grid
}

// mayRead applies DOMAIN.md §1's rule for restricted records on this
// tablet: an admin, or the author of a restricted note, reads it; nobody
// else, on any path.
func (s *syncScreen) mayRead(e record.Envelope) bool {
	if !e.Restricted {
		return true
	}
	if _, admin := s.a.me(); admin {
		return true
	}
	if e.Type == record.TypeNote {
		var n record.Note
		if record.DecodeData(e.Data, &n) == nil && s.a.isMe(n.AuthorID) {
			return true
		}
	}
	return false
}

// boldLabel is a column head; it wraps, so a long one ("Newer version,
// from the console") never widens the grid past a portrait screen.
func boldLabel(t string) *widget.Label {
	l := widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// typePlural names several records of a type ("Students").
func typePlural(typ string) string {
	id := "type." + typ + ".plural"
	if s := lang.L(id); s != id {
		return s
	}
	return lang.L("common.several", map[string]any{"What": typeWords(typ)})
}
