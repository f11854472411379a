// Package repo reads and writes records as their DOMAIN.md payload types
// (package record) over any store with the local store's methods: the
// screens, the demo school, the soak tablets and the tests all go through
// it, so there is one repository layer. It holds no state and imports no
// storage, network or UI package: localstore.Store satisfies Writer, and
// ui.Records is the same method set.
package repo

import (
	"context"
	"log/slog"

	"smallwins/shared/record"
)

// Reader is the read side of a record store. Get fails for a record the
// store does not hold (yet) or holds only as a tombstone.
type Reader interface {
	Get(id string) (record.Envelope, error)
	List(typ string) ([]record.Envelope, error)
	ListByRef(typ, ref string) ([]record.Envelope, error)
}

// DateReader is a Reader that also reads a reference's records by their
// `date` (the local store's date index, ADR 0652): a week of a group's
// sessions, a student's newest probes, without decoding two years of them.
type DateReader interface {
	Reader
	// ListByRefDates is ListByRef limited to the records dated in [from,
	// to] ("" leaves an end open), in date order, then id order.
	ListByRefDates(typ, ref, from, to string) ([]record.Envelope, error)
	// RefDates is the distinct dates of those records on or before to
	// ("" for any), newest first, at most n (n <= 0: all).
	RefDates(typ, ref, to string, n int) ([]string, error)
}

// Writer is a Reader that also writes: Put validates a typed payload
// (DOMAIN.md §2) and writes one version in one durable transaction.
type Writer interface {
	Reader
	Put(ctx context.Context, typ, id string, data any, restricted bool) (record.Envelope, error)
}

// Payload is the constraint that ties a payload type T (e.g. record.Student)
// to its pointer, so that the record type comes from T itself: callers write
// Get[record.Student](r, id), and cannot ask for a student by the wrong type.
type Payload[T any] interface {
	*T
	record.Payload
}

// Doc is one live record decoded into its payload type T. Fields T does not
// know are not lost: the next Put of the same id encodes over the stored
// data (record.EncodeData).
type Doc[T any] struct {
	ID         string
	HLC        string
	Restricted bool
	Data       T
}

// typeOf is T's record type.
func typeOf[T any, P Payload[T]]() string {
	var zero T
	return P(&zero).RecordType()
}

// Decode decodes a live envelope of T's type; false for a tombstone,
// another type, or data that does not decode.
func Decode[T any, P Payload[T]](e record.Envelope) (Doc[T], bool) {
	v, ok := record.DecodeAs[T, P](e)
	if !ok {
		return Doc[T]{}, false
	}
	return Doc[T]{ID: e.ID, HLC: e.HLC, Restricted: e.Restricted, Data: v}, true
}

// DecodeAll decodes envelopes, skipping (not failing on) records that do
// not decode: one bad record from another app version must not hide the
// rest of a screen.
func DecodeAll[T any, P Payload[T]](es []record.Envelope) []Doc[T] {
	out := make([]Doc[T], 0, len(es))
	for _, e := range es {
		if d, ok := Decode[T, P](e); ok {
			out = append(out, d)
		}
	}
	return out
}

// Get returns record id decoded as T; false when absent, deleted, of
// another type or undecodable (e.g. a reference to a record not arrived
// yet: screens show what they can, DOMAIN.md §2).
func Get[T any, P Payload[T]](r Reader, id string) (Doc[T], bool) {
	if id == "" {
		return Doc[T]{}, false
	}
	e, err := r.Get(id)
	if err != nil {
		return Doc[T]{}, false
	}
	return Decode[T, P](e)
}

// List returns the decodable live records of T's type, in the store's
// order; a store error reads as no records (a screen shows what it can)
// and is logged, so that it is not lost.
func List[T any, P Payload[T]](r Reader) []Doc[T] {
	es, err := r.List(typeOf[T, P]())
	if err != nil {
		logReadError("list", typeOf[T, P](), err)
		return nil
	}
	return DecodeAll[T, P](es)
}

// ListByRef returns the decodable live records of T's type listed under
// ref (T's record.Payload.Owner: a student's probes, a group's sessions).
func ListByRef[T any, P Payload[T]](r Reader, ref string) []Doc[T] {
	if ref == "" {
		return nil
	}
	es, err := r.ListByRef(typeOf[T, P](), ref)
	if err != nil {
		logReadError("list by reference", typeOf[T, P](), err)
		return nil
	}
	return DecodeAll[T, P](es)
}

// ListByRefDates returns the decodable live records of T's type under ref
// dated in [from, to] ("" leaves an end open), in date order.
func ListByRefDates[T any, P Payload[T]](r DateReader, ref, from, to string) []Doc[T] {
	if ref == "" {
		return nil
	}
	es, err := r.ListByRefDates(typeOf[T, P](), ref, from, to)
	if err != nil {
		logReadError("list by date", typeOf[T, P](), err)
		return nil
	}
	return DecodeAll[T, P](es)
}

// NewestByRef returns typ's live records under ref dated on or before to
// ("" for any), in date order, reading back from the newest date a few
// whole dates at a time until enough says the records read hold what the
// caller needs, or none are left. A day is never split: every record of
// the oldest date read is among them.
func NewestByRef(r DateReader, typ, ref, to string, enough func([]record.Envelope) bool) []record.Envelope {
	if ref == "" {
		return nil
	}
	for n := 4; ; n *= 4 {
		dates, err := r.RefDates(typ, ref, to, n)
		if err != nil {
			logReadError("newest by date", typ, err)
			return nil
		}
		if len(dates) == 0 {
			return nil
		}
		es, err := r.ListByRefDates(typ, ref, dates[len(dates)-1], to)
		if err != nil {
			logReadError("newest by date", typ, err)
			return nil
		}
		if len(dates) < n || enough(es) {
			return es
		}
	}
}

// logReadError records a store error that a read turns into "no records".
// The store's errors name buckets and causes, never a record's content; the
// type is one of DOMAIN's record types, not client input.
func logReadError(op, typ string, err error) {
	slog.Warn("repo: a store read failed; shown as no records", "op", op, "type", typ, "err", err.Error())
}

// Put writes v as a new version of id (a new record when id is ""); the
// store validates it first and keeps the previous version's unknown fields.
func Put[T any, P Payload[T]](ctx context.Context, w Writer, id string, v T, restricted bool) (Doc[T], error) {
	e, err := w.Put(ctx, typeOf[T, P](), id, v, restricted)
	if err != nil {
		return Doc[T]{}, err
	}
	return Doc[T]{ID: e.ID, HLC: e.HLC, Restricted: e.Restricted, Data: v}, nil
}

// PutNote writes a note. It is restricted when restricted is true (the
// person marked it as holding health, family or legal matters), when its
// category requires it (record.Note.RestrictedCategory), or when the
// version it replaces was restricted: an edit never lifts the restriction by
// accident (Put with restricted = false lifts it on purpose).
func PutNote(ctx context.Context, w Writer, id string, n record.Note, restricted bool) (Doc[record.Note], error) {
	if id != "" {
		if prev, err := w.Get(id); err == nil && prev.Restricted {
			restricted = true
		}
	}
	return Put(ctx, w, id, n, restricted || n.RestrictedCategory())
}
