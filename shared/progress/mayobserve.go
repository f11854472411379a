package progress

import "smallwins/shared/record"

// Who may observe a session (DOMAIN.md §2 `observation`, §3.7a; ADR 0028
// leaves these rules between records to the screens that write one, and
// ADR 0030 gives them one home here for every screen).

// Why an observation of a session is refused (MayObserve).
const (
	ObserveOK           = ""
	ObserveNotDelivered = "not_delivered" // in progress, cancelled or deleted
	ObserveNotToday     = "not_today"     // the session is not of the observer's day
	ObserveOwnSession   = "own_session"   // the observer ran it and is not an admin
)

// MayObserve says whether observerID may record an observation of session
// s on day today: s must be delivered and dated today, and the observer
// must be an admin or not the session's interventionist (runBy, the group's
// interventionist_id; "" when the group names nobody). It returns
// ObserveOK or the reason of the refusal.
func MayObserve(s record.Session, runBy, observerID string, admin bool, today Date) string {
	switch {
	case s.Status != record.SessionDelivered:
		return ObserveNotDelivered
	case s.Date != today.String():
		return ObserveNotToday
	case !admin && runBy != "" && runBy == observerID:
		return ObserveOwnSession
	}
	return ObserveOK
}
