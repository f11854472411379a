package tablet

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/localstore"
	"smallwins/app/internal/syncclient"
	"smallwins/app/internal/ui"
	"smallwins/shared/record"
)

// The app lock (ADR 0611): the lock screen at start, after
// IdleLock without activity, and when the app leaves and comes back to the
// foreground. While locked the window shows only the lock screen; the data
// key stays in memory so that the syncer can go on (a locked tablet still
// sends its unsent work), which is what a PIN on a running app can protect:
// the screen, not the memory of a process an attacker can already read.

// locker adapts the store (and the forgotten-PIN sign-in) to ui.Locker,
// turning its errors into sentences.
type locker struct{ t *Tablet }

func (l locker) LockState() ui.LockState {
	li, err := l.t.Store.LockInfo()
	if err != nil {
		// A damaged keyring: say so through Unlock's error; offer the PIN.
		return ui.LockState{HasPIN: true}
	}
	return ui.LockState{HasPIN: li.HasPIN, Failures: li.Failures, RetryAt: li.RetryAt, Disabled: li.Disabled,
		RecoveryArmed: li.RecoveryArmed, ServerURL: li.ServerURL, School: li.School}
}

func (l locker) SetPIN(pin string) error {
	if err := pinProblem(pin); err != nil {
		return err
	}
	if err := l.t.Store.SetPIN(context.Background(), pin); err != nil {
		l.t.log.Error("setting the PIN failed", "err", err.Error())
		return plainErr(applang.L("tablet.pin.set_failed"))
	}
	return nil
}

func (l locker) Unlock(pin string) error {
	err := l.t.Store.Unlock(context.Background(), pin)
	var wrong *localstore.WrongPINError
	var wait *localstore.WaitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &wrong):
		if wrong.Left <= 0 {
			return plainErr(applang.L("tablet.pin.wrong_last"))
		}
		msg := applang.L("tablet.pin.wrong")
		if wrong.Wait > 0 {
			msg += " " + applang.L("tablet.pin.wait", map[string]any{"Wait": waitWords(wrong.Wait)})
		}
		if wrong.Left <= 5 {
			msg += " " + applang.N("tablet.pin.left", wrong.Left, map[string]any{"N": wrong.Left})
		}
		return plainErr(msg)
	case errors.As(err, &wait):
		return plainErr(applang.L("tablet.pin.too_many_wait", map[string]any{"Wait": waitWords(time.Until(wait.Until))}))
	case errors.Is(err, localstore.ErrPINDisabled):
		return plainErr(applang.L("tablet.pin.disabled"))
	}
	l.t.log.Error("unlocking failed", "err", err.Error())
	return plainErr(applang.L("tablet.open_failed"))
}

// ChangePIN is "Change PIN" on the Sync screen: the current PIN is checked
// as at the lock screen (a wrong one counts and slows down the same way),
// then the data key is wrapped under the new one. Nothing else changes.
func (l locker) ChangePIN(current, newPIN string) error {
	if err := pinProblem(newPIN); err != nil {
		return err
	}
	if err := l.Unlock(current); err != nil {
		return err
	}
	if err := l.t.Store.ChangePIN(context.Background(), newPIN); err != nil {
		l.t.log.Error("changing the PIN failed", "err", err.Error())
		return plainErr(applang.L("tablet.pin.change_failed"))
	}
	return nil
}

func (l locker) Recover(ctx context.Context, f ui.EnrolForm, newPIN string) error {
	if err := pinProblem(newPIN); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := syncclient.Recover(ctx, l.t.Store, nil, syncclient.RecoverParams{EnrolParams: syncclient.EnrolParams{ServerURL: f.ServerURL,
		School: f.School, Username: f.Username, Password: f.Password, Code: f.Code, DeviceName: "Small Wins tablet"}, NewPIN: newPIN})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syncclient.ErrNoRecoveryKey):
		return plainErr(applang.L("tablet.recover.no_key"))
	case errors.Is(err, localstore.ErrTampered):
		return plainErr(applang.L("tablet.recover.wrong_key"))
	case errors.Is(err, syncclient.ErrOtherSchool):
		return plainErr(syncclient.PlainError(err))
	}
	var ne *syncclient.NetworkError
	if syncclient.AsProtocolError(err) != nil || errors.As(err, &ne) {
		return plainErr(syncclient.PlainEnrolError(err, f.Code != ""))
	}
	l.t.log.Error("recovery failed", "err", err.Error())
	return plainErr(applang.L("tablet.recover.failed"))
}

// pinProblem is what is wrong with a new PIN, in the app's language (nil when it is fine).
func pinProblem(pin string) error {
	if rule := localstore.PINRule(pin); rule != "" {
		return plainErr(applang.L("tablet.pin."+rule, map[string]any{"N": localstore.MinPINLength}))
	}
	return nil
}

func waitWords(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	switch {
	case s <= 1:
		return applang.N("tablet.wait.seconds", 1, map[string]any{"N": 1})
	case s < 120:
		return applang.N("tablet.wait.seconds", s, map[string]any{"N": s})
	}
	m := (s + 59) / 60
	return applang.N("tablet.wait.minutes", m, map[string]any{"N": m})
}

// touch records activity (a screen change, a saved record, a key).
func (t *Tablet) touch() {
	t.mu.Lock()
	t.lastUsed = t.cfg.Now()
	t.mu.Unlock()
}

// checkIdle locks after IdleLock without activity. Call on the main goroutine.
func (t *Tablet) checkIdle() {
	t.mu.Lock()
	idle := t.cfg.Now().Sub(t.lastUsed)
	t.mu.Unlock()
	if idle >= t.cfg.IdleLock {
		t.LockNow()
	}
}

// LockNow covers the window with the lock screen (a no-op when it is up
// already). Call on the main goroutine.
func (t *Tablet) LockNow() {
	if t.Lock.Showing() {
		return
	}
	t.Lock.Show("")
}

// watchLifecycle locks when the app leaves the foreground (so that the app
// switcher's picture is the lock screen too) and makes sure it is locked
// when it comes back.
func (t *Tablet) watchLifecycle(lc fyne.Lifecycle) {
	lc.SetOnExitedForeground(func() {
		t.mu.Lock()
		t.away = true
		t.mu.Unlock()
		t.LockNow()
	})
	lc.SetOnEnteredForeground(func() {
		t.mu.Lock()
		away := t.away
		t.away = false
		t.mu.Unlock()
		if away {
			t.LockNow()
		}
	})
}

// activeRecords counts every write the screens make as activity, also
// those that do not go through ui.App.put (notes, drafts).
type activeRecords struct {
	Records
	touch func()
}

func (r activeRecords) Put(ctx context.Context, typ, id string, data any, restricted bool) (record.Envelope, error) {
	r.touch()
	return r.Records.Put(ctx, typ, id, data, restricted)
}

// PutDraft is a tap too (a probe's error tally).
func (r activeRecords) PutDraft(ctx context.Context, key string, value []byte) error {
	r.touch()
	return r.Records.PutDraft(ctx, key, value)
}
