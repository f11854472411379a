package store

import "smallwins/shared/protocol"

// Held is what a store holds of one record before a push: a live version,
// only the stub of a purged tombstone (HLC set, Live false), or nothing.
type Held struct {
	Live       bool
	HLC        string // "" when nothing is held
	Author     string // of the live version
	Restricted bool   // of the live version
}

// Write is one record a push stores: its index in the batch, the seq it
// gets and the author it is stored with.
type Write struct {
	Index  int
	Seq    int64
	Author string
}

// PushPlan is the decision for one batch: a result per record, the records
// to write in request order with their seqs, and the school's seq after.
type PushPlan struct {
	Results []protocol.PushResult
	Writes  []Write
	LastSeq int64
}

// DuplicateIndex returns the index of the first record whose id appeared
// earlier in the batch, or -1. Stores check it before reading what they
// hold: PostgreSQL refuses two rows with one key in one upsert, and the
// decision below compares every record with the state before the batch.
func DuplicateIndex(b *PushBatch) int {
	seen := make(map[string]struct{}, len(b.Records))
	for i := range b.Records {
		if _, dup := seen[b.Records[i].ID]; dup {
			return i
		}
		seen[b.Records[i].ID] = struct{}{}
	}
	return -1
}

// PlanPush is the one push decision of every store (PROTOCOL §5, §6): given
// what is held of each record (held[i] for b.Records[i]) and the school's
// last seq, it refuses the whole batch when an id repeats (duplicate_id) or
// when a pusher who is neither the author nor an admin writes a restricted
// record or makes one restricted (forbidden, whatever the outcome would be,
// so no result reveals the held HLC); otherwise it decides each record with
// protocol.Decide and numbers the winners from lastSeq+1 in request order.
// With b.IfHLC, it first refuses the batch (ErrChanged) unless each named
// record is held live at the named HLC.
// A new record's author is the pusher; a written record keeps its author.
// It reads nothing and writes nothing: the store applies the plan inside
// the transaction where it read held.
func PlanPush(b *PushBatch, held []Held, lastSeq int64) (PushPlan, error) {
	if i := DuplicateIndex(b); i >= 0 {
		return PushPlan{}, protocol.RecordProblem(protocol.CodeDuplicateID, i, "server.push.same_id_twice")
	}
	for i, want := range b.IfHLC {
		if i < 0 || i >= len(b.Records) || !held[i].Live || held[i].HLC != want {
			return PushPlan{}, ErrChanged
		}
	}
	for i := range b.Records {
		author := b.Pusher
		if held[i].Live {
			author = held[i].Author
		}
		if !b.PusherIsAdmin && author != b.Pusher && (held[i].Restricted || b.Records[i].Restricted) {
			return PushPlan{}, protocol.RecordProblem(protocol.CodeForbidden, i, "server.push.restricted")
		}
	}
	p := PushPlan{Results: make([]protocol.PushResult, len(b.Records)), LastSeq: lastSeq}
	for i := range b.Records {
		e, h := &b.Records[i], held[i]
		out := protocol.Decide(h.HLC, e.HLC)
		p.Results[i] = protocol.PushResult{ID: e.ID, Outcome: out, HLC: h.HLC}
		if out != protocol.Applied {
			continue
		}
		p.Results[i].HLC = e.HLC
		p.LastSeq++
		author := b.Pusher
		if h.Live {
			author = h.Author
		}
		p.Writes = append(p.Writes, Write{Index: i, Seq: p.LastSeq, Author: author})
	}
	return p, nil
}
