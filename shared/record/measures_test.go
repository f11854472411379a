package record

import "testing"

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
