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
// session referencing the plan's group, a probe referencing its student or
// a decision referencing it changed (before or after the change: both
// sets of references count). TestApplyMatchesRead checks a School after
// Apply against a fresh ReadSchool.
func (s *School) Apply(changes []record.Envelope) (*School, Changed) {
	n := &School{goals: maps.Clone(s.goals), plans: maps.Clone(s.plans), programs: maps.Clone(s.programs),
		sessionsByRef: maps.Clone(s.sessionsByRef), probesByRef: maps.Clone(s.probesByRef), decisionsByRef: maps.Clone(s.decisionsByRef),
		breaks: slices.Clip(s.breaks), cal: s.cal, typeOf: maps.Clone(s.typeOf), refsOf: maps.Clone(s.refsOf)}
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
		}
	}
	for _, e := range changes {
		if typ, ok := n.typeOf[e.ID]; ok {
			touch(e.ID, typ, n.refsOf[e.ID])
			n.unfile(e.ID, typ)
		}
		if e.Deleted || e.Restricted || !slices.Contains(schoolTypes, e.Type) {
			continue
		}
		p := parse(e)
		n.fileCopying(e, &p)
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

// unfile takes a record out of n (whose maps are n's own copies; lists
// are replaced, not edited, as they may be shared with the School n was
// copied from).
func (n *School) unfile(id, typ string) {
	without := func(list []progress.Decoded) []progress.Decoded {
		return slices.DeleteFunc(slices.Clone(list), func(d progress.Decoded) bool { return d.ID == id })
	}
	switch typ {
	case record.TypeGoal:
		delete(n.goals, id)
	case record.TypePlan:
		delete(n.plans, id)
	case record.TypeProgram:
		delete(n.programs, id)
	case record.TypeCalendarBreak:
		n.breaks = without(n.breaks)
	case record.TypeSession, record.TypeProbe:
		m := n.sessionsByRef
		if typ == record.TypeProbe {
			m = n.probesByRef
		}
		for _, r := range n.refsOf[id] {
			if l := without(m[r]); len(l) > 0 {
				m[r] = l
			} else {
				delete(m, r)
			}
		}
	case record.TypeDecision:
		for _, r := range n.refsOf[id] {
			l := slices.DeleteFunc(slices.Clone(n.decisionsByRef[r]), func(e record.Envelope) bool { return e.ID == id })
			if len(l) > 0 {
				n.decisionsByRef[r] = l
			} else {
				delete(n.decisionsByRef, r)
			}
		}
	}
	delete(n.refsOf, id)
	delete(n.typeOf, id)
}

// fileCopying is file for a School whose lists may be shared: every list
// it adds to is copied first (slices.Clip makes append copy).
func (n *School) fileCopying(e record.Envelope, p *parsedRec) {
	for _, r := range p.refs {
		if l, ok := n.sessionsByRef[r]; ok {
			n.sessionsByRef[r] = slices.Clip(l)
		}
		if l, ok := n.probesByRef[r]; ok {
			n.probesByRef[r] = slices.Clip(l)
		}
		if l, ok := n.decisionsByRef[r]; ok {
			n.decisionsByRef[r] = slices.Clip(l)
		}
	}
	n.breaks = slices.Clip(n.breaks)
	n.file(e, p)
}
