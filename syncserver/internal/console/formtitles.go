package console

import (
	"context"

	"smallwins/shared/record"
)

// The probe table names each probe's form by its title (DOMAIN.md §2
// `probe_form`): the form of the probe's measure and form_id, the student's
// grade's first, else any grade's; an unknown form_id is shown as itself
// (ADR 0031).

// titleBook finds a form's title.
type titleBook struct {
	grade string
	exact map[[2]string]string // measure, form_id → title (the student's grade)
	other map[[2]string]string // any grade
}

func (b titleBook) of(measure, formID string) string {
	if formID == "" {
		return "—"
	}
	k := [2]string{measure, formID}
	if t, ok := b.exact[k]; ok {
		return t
	}
	if t, ok := b.other[k]; ok {
		return t
	}
	return formID
}

// formTitles reads the school's probe forms when one of probes names a
// form; none otherwise.
func (c *Console) formTitles(ctx context.Context, sc *scope, sid string, probes []record.Envelope) (titleBook, error) {
	b := titleBook{grade: sc.students[sid].Grade, exact: map[[2]string]string{}, other: map[[2]string]string{}}
	named := false
	for _, e := range probes {
		if p, ok := record.DecodeAs[record.Probe](e); ok && p.FormID != "" {
			named = true
			break
		}
	}
	if !named {
		return b, nil
	}
	envs, err := c.st.Records(ctx, sc.p.School.ID, sc.v, record.TypeProbeForm)
	if err != nil {
		return b, err
	}
	for _, e := range envs {
		f, ok := record.DecodeAs[record.ProbeForm](e)
		if !ok || f.Validate() != nil {
			continue
		}
		k := [2]string{f.Measure, f.FormID}
		if f.Grade == b.grade {
			b.exact[k] = f.FormTitle
		} else if _, seen := b.other[k]; !seen {
			b.other[k] = f.FormTitle
		}
	}
	return b, nil
}
