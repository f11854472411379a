package record

import (
	"strings"
	"testing"
)

func TestMeasures(t *testing.T) {
	m := MeasureOf("orf_wcpm")
	if m.Words() != "Oral reading fluency (words correct per minute)" || m.Axis() != "words correct per minute" || m.Direction != DirectionUp {
		t.Errorf("orf_wcpm: %+v %q", m, m.Words())
	}
	if m := MeasureOf("office_referrals"); m.Direction != DirectionDown || m.Name != "Office referrals" {
		t.Errorf("office_referrals: %+v", m)
	}
	if m := MeasureOf("district_wpm"); m.Words() != "district_wpm" || m.Axis() != "district_wpm" {
		t.Errorf("an unknown code is not shown as itself: %+v", m)
	}
	if n := len(Measures()); n != 9 {
		t.Errorf("%d built-in measures, DOMAIN.md lists 9", n)
	}
	ms := Measures()
	ms[0].Name = "changed"
	if MeasureOf("orf_wcpm").Name == "changed" {
		t.Error("Measures hands out the table itself")
	}
}

func TestMeasureChoicesHasEveryBuiltInThenTheSchoolsOwn(t *testing.T) {
	got := MeasureChoices([]string{"zz_local", "maze", "", "aa_district", "zz_local"})
	var codes []string
	for _, m := range got {
		codes = append(codes, m.Code)
	}
	want := []string{"orf_wcpm", "maze", "lsf", "nwf_cls", "math_cbm_digits", "math_facts", "spelling_cls", "behavior_pct", "office_referrals", "aa_district", "zz_local"}
	if strings.Join(codes, ",") != strings.Join(want, ",") {
		t.Fatalf("choices %v, want %v", codes, want)
	}
	if got[len(got)-1].Name != "zz_local" {
		t.Fatalf("a district's own code is shown as itself, got %q", got[len(got)-1].Name)
	}
}
