package reportdoc

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Filter narrows an export: one group (or all), dates from/to inclusive
// ("YYYY-MM-DD"; empty means open).
type Filter struct {
	GroupID  string
	From, To string
}

// exportData is what the exports read, decoded once. Notes are never read.
type exportData struct {
	groups   map[string]record.Group
	programs map[string]record.Program
	students map[string]record.Student
	sessions []record.Session
}

func decodeExport(envs []record.Envelope, f Filter) exportData {
	d := exportData{groups: map[string]record.Group{}, programs: map[string]record.Program{}, students: map[string]record.Student{}}
	for _, e := range envs {
		if e.Deleted || e.Restricted {
			continue
		}
		// Each record is one of these types at most; DecodeAs skips the
		// others and any record whose data does not decode.
		if g, ok := record.DecodeAs[record.Group](e); ok {
			d.groups[e.ID] = g
		} else if p, ok := record.DecodeAs[record.Program](e); ok {
			d.programs[e.ID] = p
		} else if st, ok := record.DecodeAs[record.Student](e); ok {
			d.students[e.ID] = st
		} else if s, ok := record.DecodeAs[record.Session](e); ok && s.Status != record.SessionInProgress {
			if (f.GroupID != "" && s.GroupID != f.GroupID) || (f.From != "" && s.Date < f.From) || (f.To != "" && s.Date > f.To) {
				continue
			}
			d.sessions = append(d.sessions, s)
		}
	}
	sort.SliceStable(d.sessions, func(i, j int) bool {
		a, b := d.sessions[i], d.sessions[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		return d.groupName(a.GroupID) < d.groupName(b.GroupID)
	})
	return d
}

func (d exportData) groupName(id string) string {
	if g, ok := d.groups[id]; ok && g.Name != "" {
		return g.Name
	}
	return id // a group not synced yet: its id rather than nothing
}

func (d exportData) programName(id string) string {
	if p, ok := d.programs[id]; ok && p.Name != "" {
		return p.Name
	}
	return id
}

func (d exportData) studentName(id string) string {
	if s, ok := d.students[id]; ok {
		return s.DisplayName()
	}
	return id
}

// stepMarks returns each step's status for a delivered session: every step
// of its program (missing counts as skipped) plus removed steps it marked.
func (d exportData) stepMarks(s record.Session) []record.StepMark {
	return progress.SessionMarks(s, d.programs[s.ProgramID])
}

// Cell guards against CSV formula injection: a spreadsheet would run a
// cell that starts with = + - @ (or a tab or CR) as a formula, so such a
// cell gets a leading apostrophe and shows as text. A plain decimal number
// ("-3", "1.5e+06"), which a spreadsheet reads as a number and never as a
// formula, is left as it is, so a negative week or score stays a number.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) && !plainNumber(s) {
		return "'" + s
	}
	return s
}

// plainNumber reports whether s is a decimal number as strconv writes one:
// digits, a point, an exponent, signs, and nothing else (no "Inf", no
// hexadecimal).
func plainNumber(s string) bool {
	if strings.Trim(s, "0123456789.eE+-") != "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func fnum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// WriteCSV writes an RFC 4180 table (CRLF line ends) with every cell, the
// header's too, through Cell: every CSV the server serves is written here,
// so none can hold a live formula.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	guard := func(r []string) []string {
		out := make([]string, len(r))
		for i, v := range r {
			out[i] = Cell(v)
		}
		return out
	}
	if err := cw.Write(guard(header)); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(guard(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("reportdoc: csv: %w", err)
	}
	return nil
}

// SessionsCSV: date, group, program, status, minutes, fidelity %.
func SessionsCSV(w io.Writer, envs []record.Envelope, f Filter) error {
	d := decodeExport(envs, f)
	var rows [][]string
	for _, s := range d.sessions {
		fid, minutes := "", ""
		if s.Status == record.SessionDelivered {
			minutes = fnum(s.Minutes)
			if done, app := progress.FidelityCount(d.stepMarks(s)); app > 0 {
				fid = fnum(float64(done) / float64(app) * 100)
			}
		}
		rows = append(rows, []string{s.Date, d.groupName(s.GroupID), d.programName(s.ProgramID), s.Status, minutes, fid})
	}
	return WriteCSV(w, []string{"date", "group", "program", "status", "minutes", "fidelity_pct"}, rows)
}

// AttendanceCSV: date, group, student, status, minutes (delivered sessions).
func AttendanceCSV(w io.Writer, envs []record.Envelope, f Filter) error {
	d := decodeExport(envs, f)
	var rows [][]string
	for _, s := range d.sessions {
		if s.Status != record.SessionDelivered {
			continue
		}
		for _, a := range s.Attendance {
			m := 0.0
			switch {
			case a.Minutes != nil:
				m = *a.Minutes
			case a.Status == record.Present:
				m = s.Minutes
			}
			if a.Status == record.Absent {
				m = 0
			}
			rows = append(rows, []string{s.Date, d.groupName(s.GroupID), d.studentName(a.StudentID), a.Status, fnum(m)})
		}
	}
	return WriteCSV(w, []string{"date", "group", "student", "status", "minutes"}, rows)
}

// StepFidelityCSV: per group, program and step: done, applicable, %.
func StepFidelityCSV(w io.Writer, envs []record.Envelope, f Filter) error {
	d := decodeExport(envs, f)
	type key struct{ group, program, step string }
	type tally struct{ done, applicable, order int }
	counts := map[key]*tally{}
	var keys []key
	for _, s := range d.sessions {
		if s.Status != record.SessionDelivered {
			continue
		}
		for i, m := range d.stepMarks(s) {
			k := key{s.GroupID, s.ProgramID, m.StepID}
			t, ok := counts[k]
			if !ok {
				t = &tally{order: i}
				counts[k] = t
				keys = append(keys, k)
			}
			done, app := progress.CountStep(m.Status)
			t.done += done
			t.applicable += app
		}
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if d.groupName(a.group) != d.groupName(b.group) {
			return d.groupName(a.group) < d.groupName(b.group)
		}
		return counts[a].order < counts[b].order
	})
	var rows [][]string
	for _, k := range keys {
		t := counts[k]
		text := ""
		for _, st := range d.programs[k.program].Steps {
			if st.ID == k.step {
				text = st.Text
			}
		}
		pct := ""
		if t.applicable > 0 {
			pct = fnum(float64(t.done) / float64(t.applicable) * 100)
		}
		rows = append(rows, []string{d.groupName(k.group), d.programName(k.program), k.step, text, strconv.Itoa(t.done), strconv.Itoa(t.applicable), pct})
	}
	return WriteCSV(w, []string{"group", "program", "step_id", "step", "done", "applicable", "pct"}, rows)
}
