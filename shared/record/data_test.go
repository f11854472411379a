package record

import (
	"encoding/json"
	"testing"
)

func TestEncodeDataKeepsUnknownFields(t *testing.T) {
	prev := json.RawMessage(`{"given_name":"Ana","family_name":"Ruiz","grade":"2","preferred_name":"Annie","pronouns":"she/her","future":{"x":[1,2]}}`)
	var s Student
	if err := DecodeData(prev, &s); err != nil {
		t.Fatal(err)
	}
	s.Grade = "3"
	s.PreferredName = "" // cleared: must not come back from prev
	out, err := EncodeData(s, prev)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got["grade"] != "3" {
		t.Errorf("grade = %v, want 3", got["grade"])
	}
	if _, ok := got["preferred_name"]; ok {
		t.Errorf("cleared preferred_name came back: %s", out)
	}
	if got["pronouns"] != "she/her" {
		t.Errorf("unknown field pronouns lost: %s", out)
	}
	if f, ok := got["future"].(map[string]any); !ok || len(f["x"].([]any)) != 2 {
		t.Errorf("unknown nested field lost: %s", out)
	}
}

func TestEncodeDataNewRecord(t *testing.T) {
	out, err := EncodeData(CalendarBreak{Name: "Winter", StartDate: "2025-12-22", EndDate: "2026-01-02"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateData(out); err != nil {
		t.Fatalf("encoded data does not validate: %v", err)
	}
	var b CalendarBreak
	if err := DecodeData(out, &b); err != nil || b.EndDate != "2026-01-02" {
		t.Fatalf("round trip: %+v, %v", b, err)
	}
}
