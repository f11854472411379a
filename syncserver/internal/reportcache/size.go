package reportcache

import (
	"unsafe"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// The byte estimate of a cached View: the struct itself and everything it
// points to, each allocation rounded up as the Go allocator does (about).
// Strings shared with the school read (ids, dates) are counted as if the
// view held them alone, so the estimate errs high, never low: it is what
// the cache's byte budget adds up (ADR 0025). TestViewBytesCoversEveryField
// checks it against a reflective walk of the types, so a field added later
// is not forgotten; TestViewBytesMatchesTheHeap against the heap.

// perViewOverhead is each cached view's share of its date set's maps (the
// id key, the map slots of the view and its size).
const perViewOverhead = 128

// viewBytes is the estimated memory of one cached view.
func viewBytes(v *View) int64 {
	n := alloc(int64(unsafe.Sizeof(*v))) + perViewOverhead
	n += str(v.ID) + str(v.PlanGroup) + str(v.ProgramID)
	n += goalBytes(&v.Goal) + programBytes(&v.Program) + reportBytes(&v.Report)
	n += slice(cap(v.Decisions), unsafe.Sizeof(progress.TeamDecision{}))
	for i := range v.Decisions {
		d := &v.Decisions[i]
		n += str(d.ID) + str(d.HLC) + str(d.StudentID) + str(d.GoalID) + str(d.Date) + str(d.Code) +
			str(d.Rationale) + str(d.NextReviewDate) + str(d.OwnerID)
	}
	return n
}

func goalBytes(g *record.Goal) int64 {
	return str(g.StudentID) + str(g.PlanID) + str(g.Measure) + str(g.Direction) + str(g.StartDate) +
		str(g.GoalDate) + str(g.Status) + slice(cap(g.BaselineScores), 8) + float(g.TypicalROI)
}

func programBytes(p *record.Program) int64 {
	n := str(p.Name) + str(p.Area) + slice(cap(p.Steps), unsafe.Sizeof(record.Step{}))
	for _, s := range p.Steps {
		n += str(s.ID) + str(s.Text)
	}
	return n
}

func reportBytes(r *progress.Report) int64 {
	g := &r.Goal
	n := str(g.ID) + str(g.StudentID) + str(g.Measure) + str(g.Direction) + str(g.StartDate) + str(g.GoalDate)
	n += str(r.AsOf) + slice(cap(r.Baseline.Scores), 8)
	if a := r.Aimline; a != nil {
		n += alloc(int64(unsafe.Sizeof(*a))) + str(a.StartDate) + str(a.GoalDate)
	}
	n += float(r.ExpectedLevel) + float(r.PresentLevel)
	n += slice(cap(r.Points), unsafe.Sizeof(progress.Point{}))
	for i := range r.Points {
		p := &r.Points[i]
		n += str(p.Date) + str(p.Position) + float(p.Aimline)
	}
	if t := r.Trend; t != nil {
		n += alloc(int64(unsafe.Sizeof(*t)))
		if t.Tukey != nil {
			n += alloc(int64(unsafe.Sizeof(*t.Tukey)))
		}
	}
	n += str(r.Status) + str(r.Sufficiency) + str(r.Decision.Code) + str(r.Decision.Rule) + str(r.Decision.Reason)
	if d := r.Delivery; d != nil {
		n += alloc(int64(unsafe.Sizeof(*d))) + float(d.AttendancePct) + float(d.DosePct) + float(d.FidelityPct) + strPtr(d.FidelityBand)
		n += slice(cap(d.PerStep), unsafe.Sizeof(progress.StepFid{}))
		for _, s := range d.PerStep {
			n += str(s.StepID) + float(s.Pct)
		}
		if o := d.Observations; o != nil {
			n += alloc(int64(unsafe.Sizeof(*o))) + float(o.ObservedFidelityPct) + float(o.MeanAgreementPct)
			if o.GapFlag != nil {
				n += alloc(1)
			}
		}
	}
	n += float(r.ROI.Needed) + float(r.ROI.Typical) + float(r.ROI.Ratio) + strPtr(r.ROI.Flag)
	n += slice(cap(r.Warnings), unsafe.Sizeof(""))
	for _, w := range r.Warnings {
		n += str(w)
	}
	return n
}

// alloc is n bytes as the allocator hands them out: small sizes in classes
// at most 16 bytes apart, larger ones within an eighth.
func alloc(n int64) int64 {
	switch {
	case n == 0:
		return 0
	case n <= 256:
		return (n + 15) &^ 15
	}
	return n + n/8
}

// str is a string's bytes (its header is counted in its struct).
func str(s string) int64 { return alloc(int64(len(s))) }

// strPtr is a *string: the header's allocation and the bytes.
func strPtr(s *string) int64 {
	if s == nil {
		return 0
	}
	return alloc(int64(unsafe.Sizeof(*s))) + str(*s)
}

// float is a *float64's allocation.
func float(f *float64) int64 {
	if f == nil {
		return 0
	}
	return alloc(8)
}

// slice is a backing array of capacity c of elements of size bytes.
func slice(c int, size uintptr) int64 { return alloc(int64(c) * int64(size)) }
