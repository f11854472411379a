package tablet

import (
	"context"
	"errors"
	"time"

	"smallwins/app/internal/applang"
	"smallwins/shared/i18n"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/syncclient"
	"smallwins/app/internal/ui"
)

// Records adapts the local store to ui.Records. Store.Put checks typed
// payloads against DOMAIN.md §2 before writing ("the app validates before
// writing"); a refusal wraps a *record.FieldError, which ui.PlainError turns
// into the sentence to show.
type Records struct{ *localstore.Store }

// Sync adapts the syncer and the store's sync bookkeeping to ui.Sync.
type Sync struct {
	Store  *localstore.Store
	Syncer *syncclient.Syncer
	erase  func(context.Context) error
}

// Erase signs out and erases the tablet (Tablet.Erase).
func (s *Sync) Erase(ctx context.Context) error {
	if s.erase == nil {
		return errors.New("tablet: this tablet cannot be erased from here")
	}
	return s.erase(ctx)
}

// Unsent counts the outbox and the quarantine, read now.
func (s *Sync) Unsent() int {
	p, _ := s.Store.PendingCount()
	q, _ := s.Store.QuarantineCount()
	return p + q
}

// SyncNow asks the running syncer for a sync.
func (s *Sync) SyncNow() { s.Syncer.SyncNow() }

// PendingCount is the number of changes waiting to be sent, read from the
// outbox now (the last sync state's count is stale after a new save).
func (s *Sync) PendingCount() (int, error) { return s.Store.PendingCount() }

// plainErr is an error whose text is the sentence for a person.
type plainErr string

func (e plainErr) Error() string { return string(e) }
func (e plainErr) Plain() string { return string(e) }

// Enrol enrols the tablet; errors come back in plain words.
func (s *Sync) Enrol(ctx context.Context, f ui.EnrolForm) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := s.Syncer.Enrol(ctx, syncclient.EnrolParams{ServerURL: f.ServerURL, School: f.School,
		Username: f.Username, Password: f.Password, Code: f.Code, DeviceName: "Small Wins tablet"})
	if err != nil {
		return plainErr(syncclient.PlainEnrolError(err, f.Code != ""))
	}
	return nil
}

// Enrolment is who the tablet belongs to.
func (s *Sync) Enrolment() ui.Enrolment {
	e, err := s.Store.Enrolment()
	if err != nil {
		return ui.Enrolment{}
	}
	school := e.SchoolName
	if school == "" {
		school = e.SchoolSlug
	}
	return ui.Enrolment{Enrolled: e.Enrolled(), Needed: e.Needed, ServerURL: e.ServerURL, School: school,
		Username: e.Username, UserID: e.UserID, Role: e.Role, DeviceName: e.DeviceName}
}

// Conflicts lists the kept losing versions.
func (s *Sync) Conflicts() ([]ui.Conflict, error) {
	cs, err := s.Store.Conflicts()
	if err != nil {
		return nil, err
	}
	out := make([]ui.Conflict, 0, len(cs))
	for _, c := range cs {
		out = append(out, ui.Conflict{ID: c.ID, RecordID: c.RecordID(), Type: c.Loser.Type, By: conflictBy(c),
			Summary: conflictSummary(c, time.Local), Deleted: c.Loser.Deleted, Mine: c.Loser})
	}
	return out, nil
}

// RestoreConflict writes the losing version again.
func (s *Sync) RestoreConflict(ctx context.Context, id string) error {
	_, err := s.Store.RestoreConflict(ctx, id)
	if err == nil {
		s.Syncer.Refresh()
	}
	return err
}

// DismissConflict keeps the newer version.
func (s *Sync) DismissConflict(ctx context.Context, id string) error {
	err := s.Store.DismissConflict(ctx, id)
	if err == nil {
		s.Syncer.Refresh()
	}
	return err
}

// Quarantined lists the versions the server refused.
func (s *Sync) Quarantined() ([]ui.Quarantined, error) {
	qs, err := s.Store.ListQuarantined()
	if err != nil {
		return nil, err
	}
	out := make([]ui.Quarantined, 0, len(qs))
	for _, q := range qs {
		out = append(out, ui.Quarantined{RecordID: q.Record.ID, Type: q.Record.Type, Code: q.Code, Message: q.Message, At: q.At})
	}
	return out, nil
}

// RetryQuarantined queues a refused version again.
func (s *Sync) RetryQuarantined(ctx context.Context, id string) error {
	err := s.Store.RetryQuarantined(ctx, id)
	if err == nil {
		s.Syncer.Refresh()
		s.Syncer.SyncNow()
	}
	return err
}

func uiState(st syncclient.State) ui.SyncState {
	return ui.SyncState{Enrolled: st.Enrolled, Syncing: st.Syncing, LastSuccess: st.LastSuccess, Pending: st.Pending,
		Conflicts: st.Conflicts, Quarantined: st.Quarantined, Err: st.Err}
}

// conflictBy is who saved the newer version, in the app's language (localstore.Conflict.By's
// words: the tablet names no one, ADR 0651).
func conflictBy(c localstore.Conflict) string {
	if c.ByServer {
		return applang.L("conflicts.by.console")
	}
	return applang.L("conflicts.by.tablet")
}

// conflictSummary is localstore.Conflict.Summary in the app's language: "another tablet saved a
// newer version at 10:42".
func conflictSummary(c localstore.Conflict, loc *time.Location) string {
	d := map[string]any{"By": conflictBy(c)}
	t := c.WinnerTime()
	if t.IsZero() {
		return applang.L("conflicts.summary.saved", d)
	}
	t = t.In(loc)
	d["Time"] = t.Format("15:04")
	id := "conflicts.summary.saved_at"
	if c.WinnerDeleted {
		id = "conflicts.summary.deleted_at"
	}
	if at := c.At.In(loc); at.Year() == t.Year() && at.YearDay() == t.YearDay() {
		return applang.L(id, d)
	}
	d["Date"] = applang.L("tablet.date.month_day", map[string]any{"Day": t.Day(), "MonthShort": i18n.MonthShort(applang.Current(), t.Month())})
	return applang.L(id+"_on", d)
}
