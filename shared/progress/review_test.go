package progress

import (
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
)

func TestReviewDue(t *testing.T) {
	goal := "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01"
	node := uuid.MustParse("0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00")
	h := func(wall int64, l int) string { return hlc.Timestamp{Wall: wall, Logical: l, Node: node}.String() }
	env := func(id, h, data string) record.Envelope {
		return record.Envelope{ID: id, Type: record.TypeDecision, HLC: h, Data: []byte(data)}
	}
	// Two decisions on one date: the later HLC wins; an older date loses
	// whatever its HLC; another goal's and a deleted one are ignored.
	envs := []record.Envelope{
		env("a", h(1733000000000, 0), `{"student_id":"s","goal_id":"`+goal+`","date":"2025-03-10","code":"continue","next_review_date":"2025-03-20"}`),
		env("b", h(1733000000000, 1), `{"student_id":"s","goal_id":"`+goal+`","date":"2025-03-10","code":"raise_goal","next_review_date":"2025-04-20"}`),
		env("c", h(1799000000000, 0), `{"student_id":"s","goal_id":"`+goal+`","date":"2025-02-01","code":"change_instruction"}`),
		env("d", h(1799000000000, 0), `{"student_id":"s","goal_id":"other","date":"2025-05-01","code":"continue"}`),
		{ID: "e", Type: record.TypeDecision, HLC: h(1799000000000, 0), Deleted: true},
	}
	ds := TeamDecisions(envs, goal)
	if len(ds) != 3 || ds[0].ID != "b" || ds[1].ID != "a" || ds[2].ID != "c" {
		t.Fatalf("order = %+v", ds)
	}
	d := func(s string) Date { x, _ := ParseDate(s); return x }
	if ReviewDue(ds, 0, d("2025-04-19")) || !ReviewDue(ds, 0, d("2025-04-20")) {
		t.Errorf("review due follows the latest decision's next_review_date")
	}
	if ReviewDue(nil, 5, d("2025-04-19")) || !ReviewDue(nil, 6, d("2025-04-19")) {
		t.Errorf("without a decision a goal is due from 6 points")
	}
	if ReviewDue(ds[2:], 10, d("2030-01-01")) {
		t.Errorf("a latest decision without a next review date is not due")
	}
}
