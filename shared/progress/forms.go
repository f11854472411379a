package progress

import (
	"sort"
	"time"

	"smallwins/shared/record"
)

// Probe forms in rotation (DOMAIN.md §2 `probe_form`, ADR 0030): a
// district gives its passages in a set order; the next form for a student
// is the first in that order the student has not read this school year.
// The tablet's probe screen and any other surface call NextProbeForm.

// SchoolYearStart is the first day of d's school year: 1 August, when §3.10's
// fall begins; a school year runs to 31 July (ADR 0030).
func SchoolYearStart(d Date) Date {
	t := d.Time()
	y := t.Year()
	if t.Month() < time.August {
		y--
	}
	return record.DateOf(time.Date(y, time.August, 1, 0, 0, 0, 0, time.UTC))
}

// FormChoice is a probe form with its record id.
type FormChoice struct {
	ID   string
	Form record.ProbeForm
}

// ProbeForms are the valid, live probe_form records of measure and grade
// among candidates (records of any type), in rotation order (then form
// id). Two records of one form id keep the newer (greatest HLC, then id),
// as the import keeps one form per measure, grade and form id (ADR 0028).
func ProbeForms(candidates []record.Envelope, measure, grade string) []FormChoice {
	type held struct {
		env  record.Envelope
		form record.ProbeForm
	}
	byID := map[string]held{}
	for _, e := range candidates {
		if e.Type != record.TypeProbeForm || e.Deleted || e.Restricted {
			continue
		}
		f, ok := record.DecodeAs[record.ProbeForm](e)
		if !ok || f.Measure != measure || f.Grade != grade || f.Validate() != nil {
			continue
		}
		if h, seen := byID[f.FormID]; seen && (e.HLC < h.env.HLC || e.HLC == h.env.HLC && e.ID < h.env.ID) {
			continue
		}
		byID[f.FormID] = held{e, f}
	}
	out := make([]FormChoice, 0, len(byID))
	for _, h := range byID {
		out = append(out, FormChoice{ID: h.env.ID, Form: h.form})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Form, out[j].Form
		if *a.Order != *b.Order {
			return *a.Order < *b.Order
		}
		return a.FormID < b.FormID
	})
	return out
}

// NextProbeForm suggests the form of a student's next probe of measure: the
// first form of the rotation (ProbeForms) that none of the student's probes
// of that measure dated in asOf's school year, up to asOf, names. When
// every form was read this year, the rotation starts again with the one
// read longest ago (the first in order among equals). ok is false when the
// district has no form for the measure and grade.
func NextProbeForm(forms []record.Envelope, probes []record.Probe, measure, grade string, asOf Date) (FormChoice, bool) {
	rotation := ProbeForms(forms, measure, grade)
	if len(rotation) == 0 {
		return FormChoice{}, false
	}
	from := SchoolYearStart(asOf)
	lastRead := map[string]Date{}
	for _, p := range probes {
		if p.Measure != measure || p.FormID == "" {
			continue
		}
		d, err := record.ParseDate(p.Date)
		if err != nil || d < from || d > asOf {
			continue
		}
		if last, seen := lastRead[p.FormID]; !seen || d > last {
			lastRead[p.FormID] = d
		}
	}
	best := -1
	for i, f := range rotation {
		last, read := lastRead[f.Form.FormID]
		if !read {
			return f, true
		}
		if best < 0 || last < lastRead[rotation[best].Form.FormID] {
			best = i
		}
	}
	return rotation[best], true
}
