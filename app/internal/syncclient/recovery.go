package syncclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"smallwins/app/internal/localstore"
	"smallwins/shared/protocol"
)

// The recovery key (ADR 0610): a random 32-byte key that wraps
// the tablet's data key beside the PIN. The server keeps it per device
// (PUT/GET /v1/device/recovery-key, device token auth) and destroys it on
// revoke and wipe, so a person who forgets the PIN but can sign in again
// gets the data key — and their unsent work — back.

// ErrNoRecoveryKey: the server holds no recovery key for this device (it
// was never sent, or the device was revoked or wiped since).
var ErrNoRecoveryKey = errors.New("syncclient: the server holds no recovery key for this tablet")

type recoveryKeyBody struct {
	RecoveryKey string `json:"recovery_key"`
}

// PutRecoveryKey gives the server this device's recovery key (204).
func (c *Client) PutRecoveryKey(ctx context.Context, key []byte) error {
	body, err := json.Marshal(recoveryKeyBody{RecoveryKey: base64.RawURLEncoding.EncodeToString(key)})
	if err != nil {
		return fmt.Errorf("syncclient: put recovery key: %w", err)
	}
	if err := c.do(ctx, http.MethodPut, "/v1/device/recovery-key", body, false, nil); err != nil {
		return fmt.Errorf("syncclient: put recovery key: %w", err)
	}
	return nil
}

// GetRecoveryKey fetches this device's recovery key; ErrNoRecoveryKey on 404.
func (c *Client) GetRecoveryKey(ctx context.Context) ([]byte, error) {
	var out recoveryKeyBody
	err := c.do(ctx, http.MethodGet, "/v1/device/recovery-key", nil, false, &out)
	if pe := AsProtocolError(err); pe != nil && pe.Code == protocol.CodeNotFound {
		return nil, fmt.Errorf("syncclient: get recovery key: %w", ErrNoRecoveryKey)
	}
	if err != nil {
		return nil, fmt.Errorf("syncclient: get recovery key: %w", err)
	}
	k, err := base64.RawURLEncoding.Strict().DecodeString(out.RecoveryKey)
	if err != nil || len(k) != 32 {
		return nil, fmt.Errorf("syncclient: get recovery key: the server's answer is not a 32-byte key")
	}
	return k, nil
}

// armRecovery sends a recovery key the server has not confirmed yet. A
// server that cannot take it now (offline, an older version without the
// endpoint) is asked again at the next sync; until then the app says that
// recovery is not armed. Only a refused or wiped token stops the sync.
func (s *Syncer) armRecovery(ctx context.Context, c *Client) error {
	rk, ok, err := s.store.PendingRecoveryKey()
	if err != nil || !ok {
		return err
	}
	if err := c.PutRecoveryKey(ctx, rk); err != nil {
		if pe := AsProtocolError(err); pe != nil && (pe.Code == protocol.CodeUnauthorized || pe.Code == protocol.CodeDeviceWiped) {
			return err
		}
		s.log.Info("recovery key not sent", "err", errCode(err))
		return nil
	}
	return s.store.RecoveryKeySent(ctx, rk)
}

// RecoverParams is what the forgotten-PIN form collects: the same sign-in
// as an enrolment (password or enrolment code), and the new PIN.
type RecoverParams struct {
	EnrolParams
	NewPIN string
}

// Recover is the forgotten-PIN path on a locked store (ADR 0610): the
// person signs in again with this device's id (a new token), the server
// gives back the recovery key, which unwraps the data key; the new PIN
// wraps it, and the new token is saved. Records and the outbox are not
// touched: unsent work survives. hc nil: the default client.
func Recover(ctx context.Context, store *localstore.Store, hc *http.Client, p RecoverParams) (localstore.Enrolment, error) {
	if msg := localstore.PINProblem(p.NewPIN); msg != "" {
		return localstore.Enrolment{}, fmt.Errorf("syncclient: recover: %s", msg)
	}
	c := NewClient(p.ServerURL, "", hc)
	resp, err := c.Enrol(ctx, enrolRequest(store, p.EnrolParams))
	if err != nil {
		return localstore.Enrolment{}, fmt.Errorf("syncclient: recover: %w", err)
	}
	c.Token = resp.Token
	rk, err := c.GetRecoveryKey(ctx)
	if err != nil {
		return localstore.Enrolment{}, fmt.Errorf("syncclient: recover: %w", err)
	}
	if err := store.RecoverPIN(ctx, rk, p.NewPIN); err != nil {
		return localstore.Enrolment{}, fmt.Errorf("syncclient: recover: %w", err)
	}
	e, err := saveEnrolment(ctx, store, c, resp, p.EnrolParams, nil)
	if err != nil {
		return localstore.Enrolment{}, fmt.Errorf("syncclient: recover: %w", err)
	}
	return e, nil
}
