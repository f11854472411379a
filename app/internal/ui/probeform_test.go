package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// seedForms writes grade 2 ORF forms F1, F2, F3 in that rotation order.
func seedForms(t *testing.T, f *fixture) {
	t.Helper()
	for i, id := range []string{"F1", "F2", "F3"} {
		order := float64(i + 1)
		must(repo.Put(context.Background(), f.store, "", record.ProbeForm{Measure: "orf_wcpm", Grade: "2", FormID: id,
			FormTitle: "Passage " + id, Order: &order}, false))
	}
}

// saveScore types a score into the probe screen and saves it.
func saveScore(t *testing.T, f *fixture, p *probeScreen, score string) {
	t.Helper()
	f.win.Canvas().Focus(p.score)
	test.Tap(p.score)
	p.score.SetText("")
	test.Type(p.score, score)
	test.Tap(p.save)
}

// TestProbeScreenSuggestsNextForm: the probe screen suggests the first form
// of the rotation the student has not read this school year, records it on
// the probe, moves on after the save, and records another form when the
// person chooses it.
func TestProbeScreenSuggestsNextForm(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	seedForms(t, f)
	ctx := context.Background()
	ava := sc.students[0]
	// F1 read this school year (the fixture's today is 2025-03-17), F3
	// read last school year: F2 is next.
	must(repo.Put(ctx, f.store, "", record.Probe{StudentID: ava, Measure: "orf_wcpm", Date: "2025-03-10", Score: 50, FormID: "F1"}, false))
	must(repo.Put(ctx, f.store, "", record.Probe{StudentID: ava, Measure: "orf_wcpm", Date: "2024-05-10", Score: 40, FormID: "F2"}, false))
	a := f.start(landscape)
	a.push(newProbeScreen(a, ava))
	p := a.Current().(*probeScreen)
	if !p.form.shown() || p.form.sel.Selected != "F2 · Passage F2" || !strings.Contains(p.form.hint.Text, "F2") {
		t.Fatalf("suggested %q (shown %v), hint %q", p.form.sel.Selected, p.form.shown(), p.form.hint.Text)
	}
	saveScore(t, f, p, "52")
	if got := newestProbe(t, f, ava).FormID; got != "F2" {
		t.Fatalf("saved probe's form %q, want F2", got)
	}
	if !strings.Contains(p.result.Text, "form F2") {
		t.Fatalf("result %q", p.result.Text)
	}
	if p.form.sel.Selected != "F3 · Passage F3" {
		t.Fatalf("after reading F2 the suggestion is %q, want F3", p.form.sel.Selected)
	}
	// The person gives F1 again instead: that is what is recorded.
	p.form.sel.SetSelected("F1 · Passage F1")
	saveScore(t, f, p, "55")
	if got := newestProbe(t, f, ava).FormID; got != "F1" {
		t.Fatalf("chosen form recorded as %q, want F1", got)
	}
}

// TestProbeScreenWithoutForms: with no form for the student's grade the
// choice is not shown and the probe has no form_id, as before.
func TestProbeScreenWithoutForms(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	order := 1.0
	must(repo.Put(context.Background(), f.store, "", record.ProbeForm{Measure: "orf_wcpm", Grade: "5", FormID: "G5",
		FormTitle: "Grade 5 passage", Order: &order}, false))
	a := f.start(landscape)
	a.push(newProbeScreen(a, sc.students[0]))
	p := a.Current().(*probeScreen)
	if p.form.shown() {
		t.Fatalf("a form choice shown with no form for grade 2: %q", p.form.sel.Options)
	}
	saveScore(t, f, p, "47")
	if got := newestProbe(t, f, sc.students[0]); got.Score != 47 || got.FormID != "" {
		t.Fatalf("probe %+v", got)
	}
}

// newestProbe is the student's most recently saved ORF probe.
func newestProbe(t *testing.T, f *fixture, studentID string) record.Probe {
	t.Helper()
	ps := probesOf(f.store, studentID, "orf_wcpm")
	if len(ps) == 0 {
		t.Fatal("no probe saved")
	}
	best := ps[0]
	for _, p := range ps[1:] {
		if p.HLC > best.HLC {
			best = p
		}
	}
	return best.Data
}
