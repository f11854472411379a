package syncclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/localstore"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// Backoff bounds of PROTOCOL §9: 1 s doubling to 5 min, full jitter.
const (
	BackoffBase = time.Second
	BackoffMax  = 5 * time.Minute
)

// Errors SyncOnce returns besides *protocol.Error and *NetworkError.
var (
	// ErrNotEnrolled: the device has no usable token; enrol first.
	ErrNotEnrolled = errors.New("syncclient: device not enrolled")
	// ErrEnrolmentNeeded: the server refused the token (401); the device
	// must be enrolled again. All local data is kept (PROTOCOL §9).
	ErrEnrolmentNeeded = errors.New("syncclient: enrolment needed")
	// ErrOtherSchool: Enrol into a school other than the one whose data
	// this tablet holds; the app must start from a fresh store instead.
	ErrOtherSchool = errors.New("syncclient: this tablet holds another school's data")
	// ErrDeviceWiped: an admin revoked this device with wipe (PROTOCOL §13,
	// §9): the app must erase its data. Run stops when it meets it.
	ErrDeviceWiped = errors.New("syncclient: this device was wiped by an admin")
)

// State is what the app shows about sync (observable through OnState).
type State struct {
	Enrolled    bool
	Syncing     bool
	LastSuccess time.Time // zero if never
	Pending     int       // versions waiting for the server
	Conflicts   int       // kept losing versions
	Quarantined int       // versions the server refused, set aside
	Err         string    // the current problem in plain words; "" when none
	NextRetry   time.Time // when Run tries again after an error (zero if not waiting)
}

// Config wires a Syncer. Store is required; everything else has a default.
type Config struct {
	Store *localstore.Store
	// HTTP is the client (default: one with RequestTimeout).
	HTTP   *http.Client
	Logger *slog.Logger
	// RequestTimeout bounds one request, answer included (default 20 s):
	// against a hung server a sync ends in "Cannot reach the server"
	// instead of "Syncing…" for a minute or more. Ignored when HTTP is set
	// (its Timeout applies).
	RequestTimeout time.Duration
	// Interval between periodic syncs while the app is open (default 2 min).
	Interval time.Duration
	// NetworkDelay is how soon after NetworkUp a sync starts (default 2 s).
	NetworkDelay time.Duration
	// ProbeEvery is how often, while the server cannot be reached, Run
	// asks GET /healthz whether it can again (default 15 s, jittered ±50 %):
	// the sync then starts at once instead of at the end of a backoff of
	// up to 5 minutes. Probes are not sent after 429 or 5xx answers.
	ProbeEvery time.Duration
	// BatchRecords and BatchBytes bound one push (default and maximum:
	// PROTOCOL §5's 1000 records and 8 MiB).
	BatchRecords int
	BatchBytes   int
	// PullLimit is the page size asked for (default 5000, the maximum).
	PullLimit int
	// Now is the wall clock (default time.Now).
	Now func() time.Time
	// Rand returns a uniform int64 in [0, n) (default math/rand/v2).
	Rand func(n int64) int64
	// After is the sleeper (default time.After).
	After func(time.Duration) <-chan time.Time
	// OnState is called with every state change, from the syncing goroutine.
	OnState func(State)
}

// Syncer runs PROTOCOL §9 for one store.
type Syncer struct {
	cfg   Config
	store *localstore.Store
	log   *slog.Logger

	once sync.Mutex // one SyncOnce at a time
	// pushed counts the batches the server accepted, so Run can tell a
	// rate-limited sync that made progress from one that did not.
	pushed atomic.Int64

	mu      sync.Mutex
	state   State
	wake    chan struct{}
	netWake chan struct{}
}

// New returns a Syncer.
func New(cfg Config) *Syncer {
	if cfg.Interval <= 0 {
		cfg.Interval = 2 * time.Minute
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: cfg.RequestTimeout}
	}
	if cfg.NetworkDelay <= 0 {
		cfg.NetworkDelay = 2 * time.Second
	}
	if cfg.ProbeEvery <= 0 {
		cfg.ProbeEvery = 15 * time.Second
	}
	if cfg.BatchRecords <= 0 || cfg.BatchRecords > protocol.MaxPushRecords {
		cfg.BatchRecords = protocol.MaxPushRecords
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = protocol.MaxPushBodyBytes
	}
	if cfg.PullLimit <= 0 || cfg.PullLimit > protocol.MaxPullLimit {
		cfg.PullLimit = protocol.MaxPullLimit
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = func(n int64) int64 { return rand.Int64N(n) }
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Syncer{cfg: cfg, store: cfg.Store, log: cfg.Logger,
		wake: make(chan struct{}, 1), netWake: make(chan struct{}, 1)}
}

// State returns the current state.
func (s *Syncer) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *Syncer) publish(f func(*State)) {
	s.mu.Lock()
	f(&s.state)
	st := s.state
	s.mu.Unlock()
	if s.cfg.OnState != nil {
		s.cfg.OnState(st)
	}
}

// Refresh re-reads the counts and enrolment from the store and publishes
// them (call after local writes or at start-up).
func (s *Syncer) Refresh() {
	st := s.counts()
	s.publish(func(x *State) {
		x.Enrolled, x.Pending, x.Conflicts, x.Quarantined = st.Enrolled, st.Pending, st.Conflicts, st.Quarantined
		if x.LastSuccess.IsZero() {
			x.LastSuccess = st.LastSuccess
		}
	})
}

func (s *Syncer) counts() State {
	var st State
	st.Pending, _ = s.store.PendingCount()
	st.Conflicts, _ = s.store.ConflictCount()
	st.Quarantined, _ = s.store.QuarantineCount()
	if e, err := s.store.Enrolment(); err == nil {
		st.Enrolled = e.Enrolled()
	}
	if m, err := s.store.SyncMeta(); err == nil {
		st.LastSuccess = m.LastSync
	}
	return st
}

// SyncNow asks Run for a sync at once ("Sync now", or after a local write).
func (s *Syncer) SyncNow() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// NetworkUp tells Run that the network came back: it syncs soon
// (NetworkDelay) and forgets the backoff.
func (s *Syncer) NetworkUp() {
	select {
	case s.netWake <- struct{}{}:
	default:
	}
}

// EnrolParams is what the enrolment screen collects.
type EnrolParams struct {
	ServerURL  string
	School     string
	Username   string
	Password   string
	Code       string // an enrolment code (PROTOCOL §13) in place of username and password
	DeviceName string
}

// Enrol enrols the device (PROTOCOL §4) and saves the token and who it
// belongs to. The password is used once and never stored or logged. A
// store with a PIN gets a new recovery key, sent at the next sync (ADR 0610).
func (s *Syncer) Enrol(ctx context.Context, p EnrolParams) (localstore.Enrolment, error) {
	c := NewClient(p.ServerURL, "", s.cfg.HTTP)
	resp, err := c.Enrol(ctx, enrolRequest(s.store, p))
	if err != nil {
		s.publish(func(x *State) { x.Err = PlainEnrolError(err, p.Code != "") })
		return localstore.Enrolment{}, err
	}
	e, err := saveEnrolment(ctx, s.store, c, resp, p, s.cfg.Now)
	if err != nil {
		return localstore.Enrolment{}, err
	}
	// The server destroys its copy on revoke and wipe: a new enrolment
	// must not count on an old key.
	if err := s.store.NewRecoveryKey(ctx); err != nil {
		return localstore.Enrolment{}, err
	}
	s.publish(func(x *State) { x.Enrolled, x.Err = true, "" })
	s.SyncNow()
	return e, nil
}

func enrolRequest(store *localstore.Store, p EnrolParams) protocol.EnrolRequest {
	req := protocol.EnrolRequest{School: p.School, Username: p.Username, Password: p.Password,
		DeviceID: store.DeviceID(), DeviceName: p.DeviceName}
	if p.Code != "" {
		req.Username, req.Password, req.Code = "", "", p.Code
	}
	return req
}

// saveEnrolment keeps what POST /v1/devices answered. now nil: time.Now.
func saveEnrolment(ctx context.Context, store *localstore.Store, c *Client, resp *protocol.EnrolResponse, p EnrolParams, now func() time.Time) (localstore.Enrolment, error) {
	if now == nil {
		now = time.Now
	}
	if old, err := store.Enrolment(); err != nil {
		return localstore.Enrolment{}, err
	} else if old.SchoolID != "" && old.SchoolID != resp.School.ID {
		// This store's records and outbox belong to another school: pushing
		// them to this one would leak them across tenants.
		return localstore.Enrolment{}, ErrOtherSchool
	}
	store.Clock().ObserveServerTime(resp.ServerTimeMS)
	e := localstore.Enrolment{ServerURL: c.BaseURL, DeviceName: p.DeviceName, SchoolID: resp.School.ID,
		SchoolSlug: resp.School.Slug, SchoolName: resp.School.Name, UserID: resp.User.ID, Username: cmp.Or(resp.User.Username, p.Username),
		UserName: resp.User.Name, Role: resp.User.Role, Token: resp.Token, EnrolledAt: now()}
	if err := store.SetEnrolment(ctx, e); err != nil {
		return localstore.Enrolment{}, err
	}
	return e, nil
}

// Run syncs until ctx ends: at once, then every Interval, on SyncNow, soon
// after NetworkUp, and after errors with full-jitter backoff (PROTOCOL §9).
// After a 401 it waits for SyncNow or NetworkUp (i.e. a new enrolment).
func (s *Syncer) Run(ctx context.Context) error {
	s.Refresh()
	attempt := 0
	for {
		pushedBefore := s.pushed.Load()
		err := s.SyncOnce(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrDeviceWiped) {
			return err // the app erases the store; nothing more to sync
		}
		var wait <-chan time.Time
		var back <-chan struct{} // closed when a probe finds the server again
		probeCtx, stopProbe := context.WithCancel(ctx)
		switch {
		case err == nil:
			attempt = 0
			wait = s.cfg.After(s.cfg.Interval)
		case errors.Is(err, ErrNotEnrolled), errors.Is(err, ErrEnrolmentNeeded):
			attempt = 0 // wait for SyncNow (Enrol calls it)
		case Retryable(err):
			if isRateLimited(err) && s.pushed.Load() > pushedBefore {
				// The server paces a large sync (ADR 0025): it took what
				// it could and said when to come back. That is progress,
				// not a failure to back off from ever longer.
				attempt = 0
			}
			attempt++
			d := s.retryDelay(err, attempt)
			s.publish(func(x *State) { x.NextRetry = s.cfg.Now().Add(d) })
			wait = s.cfg.After(d)
			var ne *NetworkError
			if errors.As(err, &ne) {
				back = s.probe(probeCtx)
			}
		default:
			attempt = 0
			wait = s.cfg.After(s.cfg.Interval)
		}
		select {
		case <-ctx.Done():
			stopProbe()
			return ctx.Err()
		case <-wait:
		case <-s.wake:
		case <-back:
			attempt = 0
		case <-s.netWake:
			attempt = 0
			select {
			case <-ctx.Done():
				stopProbe()
				return ctx.Err()
			case <-s.cfg.After(s.cfg.NetworkDelay):
			}
		}
		stopProbe()
	}
}

// probe asks GET /healthz every ProbeEvery (jittered) until it answers 200
// or ctx ends; the returned channel is closed on a 200.
func (s *Syncer) probe(ctx context.Context) <-chan struct{} {
	back := make(chan struct{})
	enr, err := s.store.Enrolment()
	if err != nil || enr.ServerURL == "" {
		return back
	}
	c := NewClient(enr.ServerURL, "", s.cfg.HTTP)
	go func() {
		for {
			half := int64(s.cfg.ProbeEvery / 2)
			select {
			case <-ctx.Done():
				return
			case <-s.cfg.After(time.Duration(half + s.cfg.Rand(2*half+1))):
			}
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := c.do(pctx, http.MethodGet, "/healthz", nil, false, nil)
			cancel()
			if err == nil {
				close(back)
				return
			}
		}
	}()
	return back
}

// Backoff is the full-jitter delay before retry number attempt (1-based):
// uniform in [0, min(5 min, 1 s × 2^(attempt−1))].
func (s *Syncer) Backoff(attempt int) time.Duration {
	ceil := BackoffMax
	if attempt < 20 {
		if d := BackoffBase << (attempt - 1); d < ceil {
			ceil = d
		}
	}
	return time.Duration(s.cfg.Rand(int64(ceil) + 1))
}

// retryDelay is the backoff before retry number attempt, but never shorter
// than the server's Retry-After (a busy or rate-limiting server is not asked
// again sooner than it said).
func (s *Syncer) retryDelay(err error, attempt int) time.Duration {
	d := s.Backoff(attempt)
	if pe := AsProtocolError(err); pe != nil && pe.RetryAfter > 0 {
		d = max(d, min(time.Duration(pe.RetryAfter)*time.Second, BackoffMax))
	}
	return d
}

// isRateLimited: the server refused the request for now with 429 (a
// device's records per minute, PROTOCOL §8).
func isRateLimited(err error) bool {
	pe := AsProtocolError(err)
	return pe != nil && pe.Code == protocol.CodeRateLimited
}

// Retryable reports whether err is worth retrying later by itself: network
// errors, 429 and 5xx (PROTOCOL §9).
func Retryable(err error) bool {
	var ne *NetworkError
	if errors.As(err, &ne) {
		return true
	}
	if pe := AsProtocolError(err); pe != nil {
		st := pe.Status()
		return st == http.StatusTooManyRequests || st >= 500
	}
	return false
}

// PlainEnrolError is the sentence for a failed enrolment: with a code, a
// refusal means the code (not a password) was not right.
func PlainEnrolError(err error, withCode bool) string {
	if pe := AsProtocolError(err); withCode && pe != nil && pe.Code == protocol.CodeUnauthorized {
		return applang.L("syncerr.code_wrong")
	}
	if isRateLimited(err) { // the failed-login limit (PROTOCOL §4)
		return applang.L("syncerr.too_many")
	}
	return PlainError(err)
}

// PlainError is the sentence shown to the person for a sync error.
func PlainError(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNotEnrolled):
		return applang.L("syncerr.not_enrolled")
	case errors.Is(err, ErrOtherSchool):
		return applang.L("syncerr.other_school")
	case errors.Is(err, ErrEnrolmentNeeded):
		return applang.L("syncerr.enrol_again")
	case errors.Is(err, ErrDeviceWiped):
		return applang.L("syncerr.wiped")
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return applang.L("syncerr.offline")
	}
	if pe := AsProtocolError(err); pe != nil {
		switch {
		case pe.Code == protocol.CodeUnauthorized:
			return applang.L("syncerr.unauthorized")
		case pe.Code == protocol.CodeRateLimited:
			return applang.L("syncerr.rate_limited")
		case pe.Code == protocol.CodeConflict:
			return applang.L("syncerr.other_person")
		case pe.Code == protocol.CodeUnavailable:
			return applang.L("syncerr.busy")
		case pe.Status() >= 500:
			return applang.L("syncerr.server_problem")
		}
		return applang.L("syncerr.refused", map[string]any{"Code": string(pe.Code)})
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return applang.L("syncerr.interrupted")
	}
	return applang.L("syncerr.failed")
}

// errRestart: the outbox changed under the push (re-stamped, epoch change);
// go round again.
var errRestart = errors.New("restart")

// SyncOnce pushes the outbox, then pulls until the server has nothing more,
// following PROTOCOL §9. It returns nil only when both completed.
func (s *Syncer) SyncOnce(ctx context.Context) error {
	s.once.Lock()
	defer s.once.Unlock()
	s.publish(func(x *State) { x.Syncing = true })
	err := s.syncOnce(ctx)
	st := s.counts()
	s.publish(func(x *State) {
		x.Syncing = false
		x.Enrolled, x.Pending, x.Conflicts, x.Quarantined = st.Enrolled, st.Pending, st.Conflicts, st.Quarantined
		x.Err = PlainError(err)
		x.LastSuccess = st.LastSuccess
		if err == nil {
			x.NextRetry = time.Time{}
		}
	})
	if err != nil {
		s.log.Info("sync failed", "err", errCode(err))
	}
	return err
}

func errCode(err error) string {
	if pe := AsProtocolError(err); pe != nil {
		return string(pe.Code)
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return "network"
	}
	return err.Error()
}

func (s *Syncer) syncOnce(ctx context.Context) error {
	enr, err := s.store.Enrolment()
	if err != nil {
		return err
	}
	if !enr.Enrolled() {
		if enr.Needed {
			return ErrEnrolmentNeeded
		}
		return ErrNotEnrolled
	}
	c := NewClient(enr.ServerURL, enr.Token, s.cfg.HTTP)
	if err := s.armRecovery(ctx, c); err != nil {
		return s.fail(ctx, err)
	}
	restamps, resyncs := 0, 0
	for round := 0; round < 6; round++ {
		err := s.push(ctx, c, &restamps)
		if errors.Is(err, errRestart) {
			continue
		}
		if err != nil {
			return s.fail(ctx, err)
		}
		err = s.pull(ctx, c, &resyncs)
		if errors.Is(err, errRestart) {
			continue // the epoch changed: push every own version again, pull from 0
		}
		if err != nil {
			return s.fail(ctx, err)
		}
		if err := s.store.MarkSynced(ctx, s.cfg.Now()); err != nil {
			return err
		}
		return nil
	}
	return fmt.Errorf("syncclient: sync did not settle")
}

// fail handles the errors that change local state: 401 stops and asks for
// enrolment, keeping all data.
func (s *Syncer) fail(ctx context.Context, err error) error {
	if pe := AsProtocolError(err); pe != nil && pe.Code == protocol.CodeDeviceWiped {
		return fmt.Errorf("%w: %w", ErrDeviceWiped, err)
	}
	if pe := AsProtocolError(err); pe != nil && pe.Code == protocol.CodeUnauthorized {
		if merr := s.store.MarkEnrolmentNeeded(ctx); merr != nil {
			return merr
		}
		return fmt.Errorf("%w: %w", ErrEnrolmentNeeded, err)
	}
	return err
}

// push sends the outbox in batches within the limits. It repeats while an
// epoch change refills the outbox.
func (s *Syncer) push(ctx context.Context, c *Client, restamps *int) error {
	for pass := 0; pass < 3; pass++ {
		pending, err := s.store.Pending(0)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			return nil
		}
		again := false
		for _, b := range s.batches(pending) {
			changed, err := s.pushBatch(ctx, c, b, restamps)
			if err != nil {
				return err
			}
			again = again || changed
		}
		if !again {
			return nil
		}
	}
	return nil
}

// batches cuts pending into batches of at most BatchRecords records and
// BatchBytes of JSON.
func (s *Syncer) batches(pending []record.Envelope) [][]record.Envelope {
	var out [][]record.Envelope
	var cur []record.Envelope
	size := len(`{"records":[]}`)
	for _, e := range pending {
		n := envSize(e) + 1
		if len(cur) > 0 && (len(cur) >= s.cfg.BatchRecords || size+n > s.cfg.BatchBytes) {
			out = append(out, cur)
			cur, size = nil, len(`{"records":[]}`)
		}
		cur = append(cur, e)
		size += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// envSize is the encoded size of one envelope in a push body.
func envSize(e record.Envelope) int {
	// id, type, hlc, deleted, restricted and the punctuation around them.
	n := len(`{"id":"","type":"","hlc":"","deleted":false,"data":,"restricted":true}`)
	return n + len(e.ID) + len(e.Type) + len(e.HLC) + len(e.Data)
}

// pushBatch pushes one batch, halving on 413 and setting aside a record the
// server refuses by itself (PROTOCOL §9). It reports whether the epoch
// changed (the outbox was refilled).
func (s *Syncer) pushBatch(ctx context.Context, c *Client, b []record.Envelope, restamps *int) (bool, error) {
	resp, err := c.Push(ctx, b)
	if err == nil {
		changed, err := s.store.ObserveEpoch(ctx, resp.Epoch)
		if err != nil {
			return false, err
		}
		s.store.Clock().ObserveServerTime(resp.ServerTimeMS)
		if _, err := s.store.AckPush(ctx, b, resp.Results); err != nil {
			return false, err
		}
		s.pushed.Add(1)
		return changed, nil
	}
	pe := AsProtocolError(err)
	if pe == nil {
		return false, err
	}
	if pe.ServerTimeMS != nil {
		s.store.Clock().ObserveServerTime(*pe.ServerTimeMS)
	}
	switch pe.Code {
	case protocol.CodeTooLarge:
		if len(b) == 1 {
			return false, s.store.Quarantine(ctx, b[0], string(pe.Code), pe.Message)
		}
		half := len(b) / 2
		c1, err := s.pushBatch(ctx, c, b[:half], restamps)
		if err != nil {
			return c1, err
		}
		c2, err := s.pushBatch(ctx, c, b[half:], restamps)
		return c1 || c2, err
	case protocol.CodeInvalidRecord, protocol.CodeDuplicateID, protocol.CodeForbidden, protocol.CodeInvalidJSON,
		protocol.CodeInvalidRequest: // with an index: a record outside DOMAIN.md §2's bounds (ADR 0022)
		if pe.Index != nil && *pe.Index >= 0 && *pe.Index < len(b) {
			i := *pe.Index
			if err := s.store.Quarantine(ctx, b[i], string(pe.Code), pe.Message); err != nil {
				return false, err
			}
			rest := append(append([]record.Envelope(nil), b[:i]...), b[i+1:]...)
			if len(rest) == 0 {
				return false, nil
			}
			return s.pushBatch(ctx, c, rest, restamps)
		}
		if pe.Code == protocol.CodeForbidden && pe.Index == nil {
			return false, err // an admin-only refusal of the whole request, not of a record
		}
		if pe.Code == protocol.CodeInvalidRequest && pe.Index == nil {
			return false, err // the request's fault (or a bare 400 from a proxy), not a record's
		}
		if len(b) == 1 {
			return false, s.store.Quarantine(ctx, b[0], string(pe.Code), pe.Message)
		}
		half := len(b) / 2 // no index: find the culprit by halving
		c1, err := s.pushBatch(ctx, c, b[:half], restamps)
		if err != nil {
			return c1, err
		}
		c2, err := s.pushBatch(ctx, c, b[half:], restamps)
		return c1 || c2, err
	case protocol.CodeClockAhead:
		// PROTOCOL §5: correct the offset, re-stamp the unsynced records, push again.
		*restamps++
		if pe.ServerTimeMS == nil || *restamps > 2 {
			return false, err
		}
		if _, err := s.store.ReStamp(ctx, *pe.ServerTimeMS); err != nil {
			return false, err
		}
		return false, errRestart
	}
	return false, err
}

// pull pages from the cursor until more is false, each page and its cursor
// in one transaction (PROTOCOL §9). A 410 restarts from 0 as a resync; a
// new epoch returns errRestart.
func (s *Syncer) pull(ctx context.Context, c *Client, resyncs *int) error {
	m, err := s.store.SyncMeta()
	if err != nil {
		return err
	}
	cursor := m.Cursor
	for {
		resp, err := c.Pull(ctx, cursor, s.cfg.PullLimit)
		if pe := AsProtocolError(err); pe != nil && pe.Code == protocol.CodeResyncRequired && *resyncs < 2 {
			*resyncs++
			if err := s.store.StartResync(ctx); err != nil {
				return err
			}
			cursor = 0
			continue
		}
		if err != nil {
			return err
		}
		changed, err := s.store.ObserveEpoch(ctx, resp.Epoch)
		if err != nil {
			return err
		}
		if changed {
			return errRestart
		}
		s.store.Clock().ObserveServerTime(resp.ServerTimeMS)
		sum, err := s.store.ApplyPull(ctx, resp.Records, resp.Cursor, !resp.More)
		if err != nil {
			return err
		}
		if sum.Invalid > 0 || sum.UnreadableQuarantine > 0 {
			// Counts only: never a record's content.
			s.log.Warn("pull: records set aside", "invalid", sum.Invalid, "unreadable_quarantine", sum.UnreadableQuarantine)
		}
		if !resp.More {
			return nil
		}
		if resp.Cursor <= cursor {
			return fmt.Errorf("syncclient: pull: cursor did not advance past %d", cursor)
		}
		cursor = resp.Cursor
	}
}
