package progress

import (
	"testing"

	"smallwins/shared/record"
)

func TestMayObserve(t *testing.T) {
	today := mustDate("2026-12-07")
	delivered := record.Session{Status: record.SessionDelivered, Date: "2026-12-07"}
	at := func(status, date string) record.Session { return record.Session{Status: status, Date: date} }
	cases := []struct {
		name            string
		s               record.Session
		runBy, observer string
		admin           bool
		want            string
	}{
		{"a coach, another's session of today", delivered, "ana", "coach", false, ObserveOK},
		{"the interventionist", delivered, "ana", "ana", false, ObserveOwnSession},
		{"an admin observing their own", delivered, "ana", "ana", true, ObserveOK},
		{"a group led by nobody", delivered, "", "ana", false, ObserveOK},
		{"yesterday's session", at(record.SessionDelivered, "2026-12-06"), "ana", "coach", false, ObserveNotToday},
		{"tomorrow's session", at(record.SessionDelivered, "2026-12-08"), "ana", "coach", true, ObserveNotToday},
		{"a running session", at(record.SessionInProgress, "2026-12-07"), "ana", "coach", false, ObserveNotDelivered},
		{"a cancelled session", at(record.SessionCancelled, "2026-12-07"), "ana", "coach", true, ObserveNotDelivered},
	}
	for _, c := range cases {
		if got := MayObserve(c.s, c.runBy, c.observer, c.admin, today); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
