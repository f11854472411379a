package localstore

import (
	"context"
	"errors"

	"smallwins/shared/record"
)

// PutIf and DeleteIf are Put and Delete that write only while the record is
// still at the version the caller read: the check and the write are one
// bbolt transaction, so a pull applied in between (the syncer's goroutine)
// can never be overwritten by a stale undo (ADR 0620).

// errStale is returned inside the transaction when the version differs.
var errStale = errors.New("localstore: the record changed since it was read")

// wantKey carries the expected version from PutIf/DeleteIf to the check
// inside Put's and Delete's transaction (an unexported key: nothing outside
// this package can set it).
type wantKey struct{}

// checkWant fails with errStale when ctx carries an expected version and
// the stored one (a tombstone's HLC included; "" for none) differs.
func checkWant(ctx context.Context, prev *record.Envelope) error {
	want, ok := ctx.Value(wantKey{}).(string)
	if !ok {
		return nil
	}
	have := ""
	if prev != nil {
		have = prev.HLC
	}
	if have != want {
		return errStale
	}
	return nil
}

// PutIf is Put when the stored version of id has HLC want ("" for a record
// this store does not hold); ok is false, and nothing is written, when it
// has another.
func (s *Store) PutIf(ctx context.Context, typ, id string, data any, restricted bool, want string) (e record.Envelope, ok bool, err error) {
	e, err = s.Put(context.WithValue(ctx, wantKey{}, want), typ, id, data, restricted)
	if errors.Is(err, errStale) {
		return record.Envelope{}, false, nil
	}
	return e, err == nil, err
}

// DeleteIf is Delete when the live version of id has HLC want; ok is
// false, and nothing is written, when it has another.
func (s *Store) DeleteIf(ctx context.Context, id, want string) (e record.Envelope, ok bool, err error) {
	e, err = s.Delete(context.WithValue(ctx, wantKey{}, want), id)
	if errors.Is(err, errStale) {
		return record.Envelope{}, false, nil
	}
	return e, err == nil, err
}
