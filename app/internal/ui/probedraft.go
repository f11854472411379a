package ui

import (
	"context"
	"encoding/json"
	"time"

	"fyne.io/fyne/v2/lang"
)

// A probe's tally is durable while the probe runs (ADR 0620): every tap
// (start, an error, undo error, finished early) writes the probe's state as
// a draft in the local store (fsynced, never synced to the server, ADR
// 0620); opening the student's probe again — or starting the app after a
// crash — restores it. Saving the probe removes the draft.

// probeDraftKey holds the state of the probe of one student; currentProbeKey
// the student whose probe was running last (the app reopens it at start).
func probeDraftKey(studentID string) string { return "probe/" + studentID }

const currentProbeKey = "probe/current"

// A draft is restored when its probe's student is opened within
// draftKeptFor of its start, and reopened by itself at app start within
// draftResumeFor (a crash and a restart take minutes; a probe left on
// purpose yesterday is not brought back).
const (
	draftKeptFor   = 12 * time.Hour
	draftResumeFor = 30 * time.Minute
)

// probeDraft is the saved state of a running probe.
type probeDraft struct {
	StudentID string    `json:"student_id"`
	Started   time.Time `json:"started"`
	Stopped   time.Time `json:"stopped,omitzero"`
	Errors    int       `json:"errors"`
}

// saveDraft writes the probe's state; a failure is shown, and the tally
// goes on (it is still on the screen).
func (s *probeScreen) saveDraft() {
	d := probeDraft{StudentID: s.m.studentID, Started: s.m.started, Stopped: s.m.stopped, Errors: s.m.errors}
	b, err := json.Marshal(d)
	if err == nil {
		ctx := context.Background()
		if err = s.a.cfg.Records.PutDraft(ctx, probeDraftKey(s.m.studentID), b); err == nil {
			err = s.a.cfg.Records.PutDraft(ctx, currentProbeKey, []byte(s.m.studentID))
		}
	}
	if err != nil {
		s.a.warn(lang.L("probe.draft_failed"))
	}
}

// dropDraft forgets the probe's state once it is saved as a record.
func (s *probeScreen) dropDraft() {
	ctx := context.Background()
	_ = s.a.cfg.Records.DeleteDraft(ctx, probeDraftKey(s.m.studentID))
	if v, ok, _ := s.a.cfg.Records.Draft(currentProbeKey); ok && string(v) == s.m.studentID {
		_ = s.a.cfg.Records.DeleteDraft(ctx, currentProbeKey)
	}
}

// loadDraft restores a probe left running; false when there is none.
func (s *probeScreen) loadDraft() bool {
	b, ok, err := s.a.cfg.Records.Draft(probeDraftKey(s.m.studentID))
	if err != nil || !ok {
		return false
	}
	d, ok := decodeProbeDraft(b, s.m.studentID, s.a.cfg.Now(), draftKeptFor)
	if !ok {
		return false
	}
	s.m.started, s.m.stopped, s.m.errors = d.Started, d.Stopped, d.Errors
	return true
}

// decodeProbeDraft reads a saved probe state; false when it is unreadable,
// another student's, out of bounds or older than maxAge (start afresh
// rather than show a wrong tally).
func decodeProbeDraft(b []byte, studentID string, now time.Time, maxAge time.Duration) (probeDraft, bool) {
	var d probeDraft
	if json.Unmarshal(b, &d) != nil || d.StudentID != studentID || d.Errors < 0 || d.Errors > 1000 {
		return probeDraft{}, false
	}
	if !d.Stopped.IsZero() && d.Stopped.Before(d.Started) {
		return probeDraft{}, false
	}
	if age := now.Sub(d.Started); age < 0 || age > maxAge {
		return probeDraft{}, false
	}
	return d, true
}

// probeToResume is the student whose probe was left running, "" when none.
func probeToResume(r Records, now time.Time) string {
	v, ok, err := r.Draft(currentProbeKey)
	if err != nil || !ok {
		return ""
	}
	b, ok, _ := r.Draft(probeDraftKey(string(v)))
	if !ok {
		return ""
	}
	if _, ok := decodeProbeDraft(b, string(v), now, draftResumeFor); !ok {
		return ""
	}
	return string(v)
}
