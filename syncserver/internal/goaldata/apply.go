package goaldata

import (
	"maps"
	"slices"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Changed is what Apply changed: the goals whose dataset (or decisions)
// may differ from before, or All when a calendar break changed (every
// goal's time axis).
type Changed struct {
	All   bool
	Goals map[string]bool
}

// Apply returns a new School: s with changes applied, and the goals they
// touch. changes are current versions as a pull gives them, newer than s's
// read; a tombstone takes its record out, and so does a restricted version
// (a School for every viewer is read with store.Viewer{}, which sees
// nothing restricted: a pull gives such a viewer a restricted record as a
// tombstone). Types a School does not read are ignored. s itself is not
// changed, so requests still reading it are safe: maps are copied, and a
// list is replaced, never appended to in place.
//
// A goal is touched when it changed, or its plan, the plan's program, a
// session referencing the plan's group or an observation of such a
// session, a probe referencing its student or a decision referencing it
// changed (before or after the change: both
// sets of references count). TestApplyMatchesRead checks a School after
// Apply against a fresh ReadSchool.
func (s *School) Apply(changes []record.Envelope) (*School, Changed) {
	n := &School{goals: maps.Clone(s.goals), plans: maps.Clone(s.plans), programs: maps.Clone(s.programs),
		sessionsByRef: maps.Clone(s.sessionsByRef), probesByRef: maps.Clone(s.probesByRef), observationsByRef: maps.Clone(s.observationsByRef),
		decisionsByRef: maps.Clone(s.decisionsByRef),
		breaks:         slices.Clip(s.breaks), cal: s.cal, typeOf: maps.Clone(s.typeOf), refsOf: maps.Clone(s.refsOf)}
	ch := Changed{Goals: map[string]bool{}}
	students, groups, plans, programs := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	touch := func(id, typ string, refs []string) {
		switch typ {
		case record.TypeGoal:
			ch.Goals[id] = true
		case record.TypePlan:
			plans[id] = true
		case record.TypeProgram:
			programs[id] = true
		case record.TypeCalendarBreak:
			ch.All = true
		case record.TypeSession:
			for _, r := range refs {
				groups[r] = true // its group_id (and program_id, which no plan has as group)
			}
		case record.TypeProbe:
			for _, r := range refs {
				students[r] = true
			}
		case record.TypeDecision:
			for _, r := range refs {
				ch.Goals[r] = true
			}
		case record.TypeObservation:
			// Its session's group's goals: through the session as filed
			// now or before this Apply (a session changed in the same
			// batch touches its groups itself).
			for _, sess := range refs {
				for _, m := range []map[string][]string{n.refsOf, s.refsOf} {
					for _, r := range m[sess] {
						groups[r] = true
					}
				}
			}
		}
	}
	// Each changed record's previous version leaves the lists it was
	// filed in, then its new version is filed. A list is copied (it may
	// be shared with s) once per Apply, not once per record: a push of
	// 1,000 decisions on a goal that has 20,000 copied its list 1,000
	// times (ADR 0024). A pull gives one version per id; should an id come
	// twice, its last version is the one filed.
	last := make(map[string]int, len(changes))
	for i, e := range changes {
		last[e.ID] = i
	}
	l := lists{n: n, own: map[listKey]bool{}, gone: map[string]bool{}}
	for i, e := range changes {
		if typ, ok := n.typeOf[e.ID]; ok && last[e.ID] == i {
			touch(e.ID, typ, n.refsOf[e.ID])
			l.unfile(e.ID, typ)
		}
	}
	l.sweep()
	for i, e := range changes {
		if last[e.ID] != i || e.Deleted || e.Restricted || !slices.Contains(schoolTypes, e.Type) {
			continue
		}
		p := parse(e)
		l.file(e, &p)
		touch(e.ID, e.Type, p.refs)
	}
	if ch.All {
		n.cal = progress.CalendarOf(n.breaks)
	}
	for id, g := range n.goals {
		if ch.Goals[id] || students[g.studentID] || plans[g.planID] {
			ch.Goals[id] = true
			continue
		}
		if p, ok := n.plans[g.planID]; ok && (programs[p.programID] || p.groupID != "" && groups[p.groupID]) {
			ch.Goals[id] = true
		}
	}
	return n, ch
}

// listKey names one of a School's lists: the sessions, probes or
// decisions filed under a ref ("" typ: the calendar breaks).
type listKey struct{ typ, ref string }

// lists are one Apply's changes to n's lists, which may be shared with
// the School n was copied from: a list is replaced by a copy the first
// time this Apply changes it (own), and that copy is changed in place
// after, so each list is copied at most once per Apply.
type lists struct {
	n     *School
	own   map[listKey]bool
	gone  map[string]bool // ids taken out, swept from their lists at once
	dirty []listKey       // lists that held a record in gone
}

// unfile takes a record out of n's maps at once, and marks it to leave its
// lists in the sweep.
func (l *lists) unfile(id, typ string) {
	n := l.n
	switch typ {
	case record.TypeGoal:
		delete(n.goals, id)
	case record.TypePlan:
		delete(n.plans, id)
	case record.TypeProgram:
		delete(n.programs, id)
	case record.TypeCalendarBreak:
		l.dirty = append(l.dirty, listKey{})
	case record.TypeSession, record.TypeProbe, record.TypeDecision, record.TypeObservation:
		for _, r := range n.refsOf[id] {
			l.dirty = append(l.dirty, listKey{typ, r})
		}
	}
	l.gone[id] = true
	delete(n.refsOf, id)
	delete(n.typeOf, id)
}

// sweep takes every unfiled record out of its lists: each list that held
// one is filtered once, into a new list this Apply owns (an empty one is
// dropped).
func (l *lists) sweep() {
	n := l.n
	keep := func(id string) bool { return !l.gone[id] }
	for _, k := range l.dirty {
		if l.own[k] {
			continue // swept already
		}
		l.own[k] = true
		switch k.typ {
		case "":
			n.breaks = filter(n.breaks, func(d progress.Decoded) bool { return keep(d.ID) })
		case record.TypeDecision:
			setOrDrop(n.decisionsByRef, k.ref, filter(n.decisionsByRef[k.ref], func(e record.Envelope) bool { return keep(e.ID) }))
		default:
			m := l.decodedMap(k.typ)
			setOrDrop(m, k.ref, filter(m[k.ref], func(d progress.Decoded) bool { return keep(d.ID) }))
		}
	}
}

func (l *lists) decodedMap(typ string) map[string][]progress.Decoded { return l.n.decodedByRef(typ) }

// file adds one parsed record to n (file), first making every list it
// adds to this Apply's own: a shared list is clipped, so the append copies
// it, once.
func (l *lists) file(e record.Envelope, p *parsedRec) {
	n := l.n
	switch e.Type {
	case record.TypeCalendarBreak:
		if k := (listKey{}); !l.own[k] {
			n.breaks, l.own[k] = slices.Clip(n.breaks), true
		}
	case record.TypeSession, record.TypeProbe, record.TypeObservation:
		m := l.decodedMap(e.Type)
		for _, r := range p.refs {
			if k := (listKey{e.Type, r}); !l.own[k] {
				m[r], l.own[k] = slices.Clip(m[r]), true
			}
		}
	case record.TypeDecision:
		for _, r := range p.refs {
			if k := (listKey{e.Type, r}); !l.own[k] {
				n.decisionsByRef[r], l.own[k] = slices.Clip(n.decisionsByRef[r]), true
			}
		}
	}
	n.file(e, p)
}

// filter is the elements of list that keep accepts, in a new slice.
func filter[T any](list []T, keep func(T) bool) []T {
	out := make([]T, 0, len(list))
	for _, x := range list {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// setOrDrop sets m[k] to list, or deletes k when list is empty (as a
// School read fresh has no empty lists).
func setOrDrop[T any](m map[string][]T, k string, list []T) {
	if len(list) > 0 {
		m[k] = list
	} else {
		delete(m, k)
	}
}
