// Package serverwriter writes records as the server itself: a team decision
// recorded in the console, a roster import. CONSOLE.md §1 and PROTOCOL §14:
// such writes are ordinary records, stamped by the server's clock under a
// server device id and applied through the store's push path, so tablets
// pull them and last-writer-wins and the restricted rules hold as for any
// tablet's write.
package serverwriter

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// DeviceID is the server's device id in a school: the node of every HLC
// the server stamps there (protocol.ServerDeviceID, which tablets read too
// to tell a console's version from another tablet's).
func DeviceID(schoolID string) string { return protocol.ServerDeviceID(schoolID) }

// Writer stamps and pushes records as the server. It is safe for
// concurrent use; one clock per school keeps each school's stamps
// increasing.
type Writer struct {
	st  store.RecordStore
	now func() time.Time

	mu     sync.Mutex
	clocks map[string]*hlc.Clock
}

// New returns a writer over st; now is the server's clock (nil: time.Now).
func New(st store.RecordStore, now func() time.Time) *Writer {
	if now == nil {
		now = time.Now
	}
	return &Writer{st: st, now: now, clocks: map[string]*hlc.Clock{}}
}

// Draft is one record to write: its id (empty: a new one), type, data (a
// payload or raw JSON object), or a deletion.
type Draft struct {
	ID         string
	Type       string
	Data       any // marshalled with record.EncodeData; nil with Deleted
	Deleted    bool
	Restricted bool
	// IfHLC, when set, writes the draft only over the held version with
	// this HLC (store.PushBatch.IfHLC): otherwise the whole write fails
	// with store.ErrChanged and nothing is written. An edit made on a page
	// read before another write, or an undo after one, changes nothing.
	IfHLC string
}

// Write stamps drafts with the school's server clock, after observing the
// HLC of every version the store holds of them (so the new version wins
// last-writer-wins even against a tablet whose clock runs ahead), and
// applies them in one push by `by` (the author of new records; the
// restricted rule of PROTOCOL §6 applies to them as to any pusher). It
// returns the envelopes as written, in order, and fails if any draft did not
// apply (a concurrent newer write won: the caller may read and try again).
func (w *Writer) Write(ctx context.Context, schoolID string, by store.User, drafts ...Draft) ([]record.Envelope, error) {
	if len(drafts) == 0 {
		return nil, nil
	}
	envs := make([]record.Envelope, len(drafts))
	ids := make([]string, 0, len(drafts))
	for i, d := range drafts {
		id := d.ID
		if id == "" {
			id = uuid.Must(uuid.NewV7()).String()
		}
		envs[i] = record.Envelope{ID: id, Type: d.Type, Deleted: d.Deleted, Restricted: d.Restricted}
		if !d.Deleted {
			data, err := record.EncodeData(d.Data, nil)
			if err != nil {
				return nil, fmt.Errorf("serverwriter: %s %s: %w", d.Type, id, err)
			}
			envs[i].Data = data
		}
		ids = append(ids, id)
	}
	// Every held version, restricted ones included, so a stamp never loses.
	held, err := w.st.RecordsByID(ctx, schoolID, store.Viewer{IsAdmin: true}, ids...)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	clock := w.clock(schoolID)
	for _, h := range held {
		if ts, err := hlc.Parse(h.HLC); err == nil {
			clock.Observe(ts)
		}
	}
	for i := range envs {
		envs[i].HLC = clock.Now().String()
	}
	w.mu.Unlock()
	for i := range envs {
		if err := record.Validate(&envs[i]); err != nil {
			return nil, fmt.Errorf("serverwriter: record %d: %w", i, err)
		}
		// The bounds a tablet's push passes (ADR 0022): the store's push
		// path does not check them, and a draft of raw data or one merged
		// over a held version's unknown fields has passed no Validate.
		if err := record.DataBounds(envs[i].Type, envs[i].Data); err != nil {
			return nil, fmt.Errorf("serverwriter: record %d: %w", i, err)
		}
	}
	batch := store.PushBatch{SchoolID: schoolID, Pusher: by.ID, PusherIsAdmin: by.IsAdmin(), Records: envs, At: w.now()}
	for i, d := range drafts {
		if d.IfHLC != "" {
			if batch.IfHLC == nil {
				batch.IfHLC = map[int]string{}
			}
			batch.IfHLC[i] = d.IfHLC
		}
	}
	reply, err := w.st.Push(ctx, batch)
	if err != nil {
		return nil, err
	}
	for i, r := range reply.Results {
		if r.Outcome != protocol.Applied {
			return nil, fmt.Errorf("serverwriter: %s %s was %s by a newer version", envs[i].Type, envs[i].ID, r.Outcome)
		}
	}
	return envs, nil
}

func (w *Writer) clock(schoolID string) *hlc.Clock {
	c, ok := w.clocks[schoolID]
	if !ok {
		c = hlc.NewClock(uuid.MustParse(DeviceID(schoolID)), hlc.State{}, w.now)
		w.clocks[schoolID] = c
	}
	return c
}
