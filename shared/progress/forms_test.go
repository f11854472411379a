package progress

import (
	"fmt"
	"testing"

	"smallwins/shared/record"
)

func formEnv(n int, wall int64, measure, grade, formID string, order float64) record.Envelope {
	e := env(fmt.Sprintf("00000000-0000-7000-8000-%012d", n), record.TypeProbeForm,
		record.ProbeForm{Measure: measure, Grade: grade, FormID: formID, FormTitle: "Passage " + formID, Order: &order})
	e.HLC = hlcAt(wall)
	return e
}

func readOn(formID, date string) record.Probe {
	return record.Probe{Measure: "orf_wcpm", Date: date, Score: 50, FormID: formID}
}

func TestSchoolYearStart(t *testing.T) {
	for d, want := range map[string]string{
		"2026-08-01": "2026-08-01", "2026-12-07": "2026-08-01", "2027-07-31": "2026-08-01",
		"2027-01-01": "2026-08-01", "2026-07-31": "2025-08-01",
	} {
		if got := SchoolYearStart(mustDate(d)).String(); got != want {
			t.Errorf("SchoolYearStart(%s) = %s, want %s", d, got, want)
		}
	}
}

// TestNextProbeForm: the first form in order the student has not read
// this school year (ADR 0030).
func TestNextProbeForm(t *testing.T) {
	// The rotation: B1 (order 1), A2 (order 2), C0 (order 0 comes first),
	// a grade 3 form and a maze form that are not grade 2 ORF's, a deleted
	// one and an invalid one (no title).
	c0 := formEnv(1, 100, "orf_wcpm", "2", "C0", 0)
	b1 := formEnv(2, 100, "orf_wcpm", "2", "B1", 1)
	a2 := formEnv(3, 100, "orf_wcpm", "2", "A2", 2)
	other := formEnv(4, 100, "orf_wcpm", "3", "G3", -1)
	maze := formEnv(5, 100, "maze", "2", "M1", -1)
	gone := formEnv(6, 100, "orf_wcpm", "2", "Z9", -5)
	gone.Deleted = true
	bad := env("00000000-0000-7000-8000-000000000007", record.TypeProbeForm, map[string]any{"measure": "orf_wcpm", "grade": "2", "form_id": "X", "order": -9})
	bad.HLC = hlcAt(100)
	all := []record.Envelope{a2, b1, c0, other, maze, gone, bad}
	asOf := mustDate("2026-12-07")
	cases := []struct {
		name   string
		forms  []record.Envelope
		probes []record.Probe
		want   string // "" for none
	}{
		{"no forms", nil, nil, ""},
		{"no form of the measure and grade", []record.Envelope{other, maze, gone, bad}, nil, ""},
		{"nothing read: the first in order", all, nil, "C0"},
		{"the first read: the second", all, []record.Probe{readOn("C0", "2026-09-14")}, "B1"},
		{"read out of order: the first unread", all, []record.Probe{readOn("B1", "2026-09-14")}, "C0"},
		{"read last school year: read again", all, []record.Probe{readOn("C0", "2026-07-31")}, "C0"},
		{"read after as_of: not yet", all, []record.Probe{readOn("C0", "2026-12-08")}, "C0"},
		{"another measure's probe names the form", all, []record.Probe{{Measure: "maze", Date: "2026-09-14", FormID: "C0"}}, "C0"},
		{"a probe with no form", all, []record.Probe{readOn("", "2026-09-14")}, "C0"},
		{"all read: the one read longest ago", all, []record.Probe{
			readOn("C0", "2026-10-05"), readOn("B1", "2026-09-14"), readOn("A2", "2026-11-02"), readOn("B1", "2026-08-20")}, "B1"},
		{"all read, read last on one day: the first in order", all, []record.Probe{
			readOn("C0", "2026-10-05"), readOn("B1", "2026-10-05"), readOn("A2", "2026-10-05")}, "C0"},
	}
	for _, c := range cases {
		got, ok := NextProbeForm(c.forms, c.probes, "orf_wcpm", "2", asOf)
		if c.want == "" {
			if ok {
				t.Errorf("%s: suggested %+v, want none", c.name, got)
			}
			continue
		}
		if !ok || got.Form.FormID != c.want {
			t.Errorf("%s: suggested %q (ok %v), want %q", c.name, got.Form.FormID, ok, c.want)
		}
	}
}

// TestProbeFormsNewestOfOneID: two records of one form id keep the newer,
// whatever order they come in; its id is the record's.
func TestProbeFormsNewestOfOneID(t *testing.T) {
	old := formEnv(1, 100, "orf_wcpm", "2", "A1", 5)
	newer := formEnv(2, 200, "orf_wcpm", "2", "A1", 1)
	for _, in := range [][]record.Envelope{{old, newer}, {newer, old}} {
		got := ProbeForms(in, "orf_wcpm", "2")
		if len(got) != 1 || got[0].ID != newer.ID || *got[0].Form.Order != 1 {
			t.Fatalf("forms %+v", got)
		}
	}
}
