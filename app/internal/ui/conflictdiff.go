package ui

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smallwins/shared/record"
)

// diffRow is one field of a record in conflict: this tablet's value beside
// the newer one, and whether they differ.
type diffRow struct {
	Field, Mine, Newer string
	Differs            bool
}

// diffVersions compares two versions field by field (the payload's
// top-level JSON fields, in name order, differing ones first). A version
// that cannot be shown (deleted, not here, or restricted from this person)
// shows a sentence in every row instead of values.
func diffVersions(mine, newer record.Envelope, mineNote, newerNote string) []diffRow {
	a, b := fields(mine, mineNote), fields(newer, newerNote)
	names := map[string]bool{}
	for k := range a.vals {
		names[k] = true
	}
	for k := range b.vals {
		names[k] = true
	}
	var rows []diffRow
	for k := range names {
		m, n := a.pick(k), b.pick(k)
		rows = append(rows, diffRow{Field: fieldWords(k), Mine: m, Newer: n, Differs: m != n})
	}
	if len(rows) == 0 {
		m, n := a.pick(""), b.pick("")
		rows = append(rows, diffRow{Field: "Version", Mine: m, Newer: n, Differs: m != n})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Differs != rows[j].Differs {
			return rows[i].Differs
		}
		return rows[i].Field < rows[j].Field
	})
	return rows
}

// version is one side's fields as text, or the note saying why it cannot
// be shown (then every row shows the note).
type version struct {
	vals map[string]string
	note string
}

func fields(e record.Envelope, note string) version {
	if note != "" {
		return version{note: note}
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(e.Data, &m) != nil {
		return version{note: "Cannot be read."}
	}
	v := version{vals: map[string]string{}}
	for k, raw := range m {
		v.vals[k] = valueWords(raw)
	}
	return v
}

func (v version) pick(k string) string {
	if v.note != "" {
		return v.note
	}
	if s, ok := v.vals[k]; ok {
		return s
	}
	return "—"
}

// valueWords is a JSON value as a person reads it: text without quotes,
// numbers and lists compact, cut at 120 characters.
func valueWords(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return cut(s)
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) != nil {
		return cut(string(v))
	}
	return cut(buf.String())
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
		return "(no name)"
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// conflictView shows the two versions side by side, the fields that
// differ first and marked, so "Restore mine" and "Keep newer" are chosen
// knowing what each keeps (issue 16).
func (s *syncScreen) conflictView(c Conflict) fyne.CanvasObject {
	newer, err := s.a.cfg.Records.Get(c.RecordID)
	newerNote := ""
	switch {
	case err != nil:
		newerNote = "Not on this tablet."
	case newer.Deleted:
		newerNote = "Deleted."
	case !s.mayRead(newer):
		newerNote = "Restricted: not shown."
	}
	mineNote := ""
	switch {
	case c.Mine.ID == "":
		mineNote = "Not known."
	case c.Mine.Deleted || c.Deleted:
		mineNote = "Deleted."
	case !s.mayRead(c.Mine):
		mineNote = "Restricted: not shown."
	}
	rows := diffVersions(c.Mine, newer, mineNote, newerNote)
	s.diff[c.ID] = rows
	grid := container.NewGridWithColumns(3,
		boldLabel("Field"), boldLabel("Your version"), boldLabel("Newer version"))
	for _, r := range rows {
		cells := []*widget.Label{wrapLabel(r.Field), wrapLabel(r.Mine), wrapLabel(r.Newer)}
		for _, l := range cells {
			if r.Differs {
				// Differs: bold and in the warning colour (4.5:1 on a card,
				// TestThemeContrast), and the field says so in words too.
				l.TextStyle.Bold = true
				l.Importance = widget.WarningImportance
			}
		}
		if r.Differs {
			cells[0].Text += " (differs)"
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

func boldLabel(t string) *widget.Label {
	return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}
