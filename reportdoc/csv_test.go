package reportdoc

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"

	"smallwins/shared/record"
)

func envOf(id, typ string, v any) record.Envelope {
	b, _ := json.Marshal(v)
	return record.Envelope{ID: id, Type: typ, Data: b}
}

func exportFixture() []record.Envelope {
	mins := 20.0
	return []record.Envelope{
		envOf("g1", "group", record.Group{Name: "=HYPERLINK(\"evil\")", ProgramID: "p1", StudentIDs: []string{"s1", "s2"}}),
		envOf("p1", "program", record.Program{Name: "Phonics, level 2", Area: "reading", Steps: []record.Step{{ID: "a", Text: "Review"}, {ID: "b", Text: "Model \"the\" sound"}}}),
		envOf("s1", "student", record.Student{GivenName: "Ava", FamilyName: "Martinez", Grade: "2"}),
		envOf("x1", "session", record.Session{GroupID: "g1", ProgramID: "p1", Date: "2025-03-04", Status: "delivered", Minutes: 30,
			Attendance: []record.Attendance{{StudentID: "s1", Status: "present"}, {StudentID: "s2", Status: "late", Minutes: &mins}},
			Fidelity:   []record.StepMark{{StepID: "a", Status: "done"}}}),
		envOf("x2", "session", record.Session{GroupID: "g1", ProgramID: "p1", Date: "2025-03-03", Status: "cancelled", Attendance: []record.Attendance{}, Fidelity: []record.StepMark{}}),
		envOf("x3", "session", record.Session{GroupID: "g1", ProgramID: "p1", Date: "2025-04-01", Status: "delivered", Minutes: 30, Attendance: []record.Attendance{}, Fidelity: []record.StepMark{}}),
		{ID: "n1", Type: "note", Restricted: true, Data: []byte(`{"student_id":"s1","body":"SECRET"}`)},
	}
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180: %v\n%s", err, b)
	}
	return rows
}

func TestExports(t *testing.T) {
	envs := exportFixture()
	f := Filter{To: "2025-03-31"}
	var buf bytes.Buffer
	if err := SessionsCSV(&buf, envs, f); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if len(rows) != 3 || rows[0][5] != "fidelity_pct" || rows[1][0] != "2025-03-03" || rows[1][3] != "cancelled" || rows[2][5] != "50" || rows[2][4] != "30" {
		t.Fatalf("sessions %q", rows)
	}
	if rows[2][1] != `'=HYPERLINK("evil")` {
		t.Errorf("formula not neutralised: %q", rows[2][1])
	}
	buf.Reset()
	AttendanceCSV(&buf, envs, f)
	rows = readCSV(t, buf.Bytes())
	if len(rows) != 3 || rows[1][2] != "Ava Martinez" || rows[1][4] != "30" || rows[2][2] != "s2" || rows[2][3] != "late" || rows[2][4] != "20" {
		t.Fatalf("attendance %q", rows)
	}
	buf.Reset()
	StepFidelityCSV(&buf, envs, f)
	rows = readCSV(t, buf.Bytes())
	if len(rows) != 3 || rows[1][2] != "a" || rows[1][6] != "100" || rows[2][3] != `Model "the" sound` || rows[2][5] != "1" || rows[2][6] != "0" {
		t.Fatalf("fidelity %q", rows)
	}
	for _, fn := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return SessionsCSV(b, envs, Filter{}) },
		func(b *bytes.Buffer) error { return AttendanceCSV(b, envs, Filter{}) },
	} {
		var b bytes.Buffer
		fn(&b)
		if bytes.Contains(b.Bytes(), []byte("SECRET")) {
			t.Fatal("a restricted note reached an export")
		}
	}
}

// TestCell: every cell a spreadsheet would run as a formula is guarded;
// plain numbers, negative ones too, stay numbers.
func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+HYPERLINK(\"x\")": "'+HYPERLINK(\"x\")", "-1+cmd|' /C calc'!A0": "'-1+cmd|' /C calc'!A0",
		"@SUM(A1)": "'@SUM(A1)", "\t=1": "'\t=1", "\r=1": "'\r=1", "-Inf": "'-Inf", "-0x1p-2": "'-0x1p-2", "-": "'-",
		"-3": "-3", "-1.5": "-1.5", "-1e+06": "-1e+06", "+2": "+2", "42": "42", "": "", "Ava = top": "Ava = top",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []string{"=h"}, [][]string{{"@x"}}); err != nil || buf.String() != "'=h\r\n'@x\r\n" {
		t.Errorf("WriteCSV: %q %v", buf.String(), err)
	}
}
