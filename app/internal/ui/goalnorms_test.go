package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// fictionalORF2 is a made-up grade 2 ORF table (DOMAIN.md §6: no real
// norms are shipped), shaped so that §3.10's worked example holds: a start
// of 85 is the 50th percentile, whose typical growth is 1.4 a week.
func fictionalORF2() record.NormTable {
	f := func(v float64) *float64 { return &v }
	return record.NormTable{Measure: "orf_wcpm", Grade: "2", Source: "District local norms 2026 (fictional)",
		Rows: []record.NormRow{
			{Percentile: 10, Fall: f(40), Winter: f(55), Spring: f(70), ROI: f(1.0)},
			{Percentile: 25, Fall: f(60), Winter: f(75), Spring: f(90), ROI: f(1.2)},
			{Percentile: 50, Fall: f(85), Winter: f(100), Spring: f(115), ROI: f(1.4)},
			{Percentile: 75, Fall: f(110), Winter: f(125), Spring: f(140), ROI: f(1.9)},
			{Percentile: 90, Fall: f(130), Winter: f(145), Spring: f(160), ROI: f(2.2)},
		},
		Benchmark: &record.Benchmark{Fall: f(90), Winter: f(100), Spring: f(110)}}
}

// labelsText is every label's text under o, joined by newlines.
func labelsText(o fyne.CanvasObject) string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return strings.Join(out, "\n")
}

// typeIn taps an entry (which focuses it, as a finger does), clears it and
// types text.
func typeIn(t *testing.T, w fyne.Window, e *widget.Entry, text string) {
	t.Helper()
	w.Canvas().Focus(e)
	test.Tap(e)
	e.SetText("")
	test.Type(e, text)
}

// TestGoalFormSuggestsFromNorms: with a norm table for the student's grade
// and the goal's measure, the goal form shows the start percentile, "below
// benchmark" and the three suggestions of DOMAIN.md §3.10's worked example
// with their source; choosing one fills the goal score, the goal date and
// the typical growth, and the saved goal carries typical_roi.
func TestGoalFormSuggestsFromNorms(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	must(repo.Put(ctx, f.store, "", fictionalORF2(), false))
	a := f.start(landscape)
	a.push(newGoalForm(a, sc.students[1], ""))
	form := a.Current().(*formScreen)
	n := form.norms
	if n.box.Visible() {
		t.Fatal("suggestions shown before a measure and a baseline are known")
	}
	formWidget(t, form, "Measure").(*widget.Select).SetSelected("Oral reading fluency")
	typeIn(t, f.win, formWidget(t, form, "Start").(*widget.Entry), "2026-09-07")
	typeIn(t, f.win, formWidget(t, form, "Baseline scores").(*widget.Entry), "83, 85, 88")
	typeIn(t, f.win, formWidget(t, form, "Goal date").(*widget.Entry), "2027-05-17") // 36 weeks on
	if !n.box.Visible() {
		t.Fatal("no suggestions with a norm table for grade 2 ORF")
	}
	text := labelsText(n.box)
	for _, want := range []string{
		"Start percentile 50 in fall (District local norms 2026 (fictional)).",
		"Below benchmark",
		"Typical growth: 135.4 by ", ", 1.4 a week (District local norms 2026 (fictional))",
		"Ambitious growth: 153.4 by ", ", 1.9 a week (District local norms 2026 (fictional))",
		"Close the gap: 110 by ", ", the benchmark (District local norms 2026 (fictional))",
	} {
		if !strings.Contains(text, want) {
			t.Fatalf("suggestions lack %q:\n%s", want, text)
		}
	}
	// Ambitious: the goal is its number, the typical growth is still 1.4.
	test.Tap(n.choose["ambitious"])
	if g, r := formWidget(t, form, "Goal score").(*widget.Entry).Text, formWidget(t, form, "Typical growth a week").(*widget.Entry).Text; g != "153.4" || r != "1.4" {
		t.Fatalf("ambitious filled goal %q, growth %q", g, r)
	}
	test.Tap(n.choose["typical"])
	if g := formWidget(t, form, "Goal score").(*widget.Entry).Text; g != "135.4" {
		t.Fatalf("typical filled goal %q", g)
	}
	test.Tap(form.Save)
	goals := repo.ListByRef[record.Goal](f.store, sc.students[1])
	if len(goals) != 1 {
		t.Fatalf("goals %+v (message %q)", goals, a.Message())
	}
	g := goals[0].Data
	if g.GoalScore != 135.4 || g.GoalDate != "2027-05-17" || g.TypicalROI == nil || *g.TypicalROI != 1.4 || g.StartDate != "2026-09-07" {
		t.Fatalf("saved goal %+v", g)
	}
}

// TestGoalFormDefaultGoalDate: with no goal date typed, the suggestions are
// for 18 weeks on (ADR 0030), and choosing one fills that date.
func TestGoalFormDefaultGoalDate(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	must(repo.Put(context.Background(), f.store, "", fictionalORF2(), false))
	a := f.start(landscape)
	a.push(newGoalForm(a, sc.students[1], ""))
	form := a.Current().(*formScreen)
	formWidget(t, form, "Measure").(*widget.Select).SetSelected("Oral reading fluency")
	typeIn(t, f.win, formWidget(t, form, "Start").(*widget.Entry), "2026-09-07")
	typeIn(t, f.win, formWidget(t, form, "Baseline scores").(*widget.Entry), "85")
	formWidget(t, form, "Goal date").(*widget.Entry).SetText("")
	test.Tap(form.norms.choose["typical"])
	// 85 + 1.4 × 18 = 110.2 on 2027-01-11.
	if g, d := formWidget(t, form, "Goal score").(*widget.Entry).Text, formWidget(t, form, "Goal date").(*widget.Entry).Text; g != "110.2" || d != "2027-01-11" {
		t.Fatalf("default goal %q on %q", g, d)
	}
}

// TestGoalFormWithoutNorms: with no table for the student's grade (nor for
// a down measure), nothing of the norms is shown and the typed goal saves
// as before, with no typical_roi.
func TestGoalFormWithoutNorms(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	nt := fictionalORF2()
	nt.Grade = "5" // another grade's table is not this student's
	must(repo.Put(ctx, f.store, "", nt, false))
	a := f.start(landscape)
	a.push(newGoalForm(a, sc.students[1], ""))
	form := a.Current().(*formScreen)
	formWidget(t, form, "Measure").(*widget.Select).SetSelected("Oral reading fluency")
	typeIn(t, f.win, formWidget(t, form, "Baseline scores").(*widget.Entry), "30, 34, 31")
	typeIn(t, f.win, formWidget(t, form, "Goal score").(*widget.Entry), "60")
	typeIn(t, f.win, formWidget(t, form, "Goal date").(*widget.Entry), "2025-06-16")
	if form.norms.box.Visible() || len(form.norms.choose) != 0 {
		t.Fatalf("suggestions shown without a table: %q", labelsText(form.norms.box))
	}
	test.Tap(form.Save)
	goals := repo.ListByRef[record.Goal](f.store, sc.students[1])
	if len(goals) != 1 || goals[0].Data.GoalScore != 60 || goals[0].Data.TypicalROI != nil {
		t.Fatalf("goals %+v (message %q)", goals, a.Message())
	}
}

// TestGoalFormNormsInSpanish: the suggestions speak the app's language.
func TestGoalFormNormsInSpanish(t *testing.T) {
	if err := applang.Use(i18n.Spanish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = applang.Use(i18n.English) })
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	must(repo.Put(context.Background(), f.store, "", fictionalORF2(), false))
	a := f.start(landscape)
	a.push(newGoalForm(a, sc.students[1], ""))
	form := a.Current().(*formScreen)
	form.norms.update(goalInputs{measure: "orf_wcpm", direction: record.DirectionUp, start: "2026-09-07",
		baseline: "85", goalDate: "2027-05-17"})
	text := labelsText(form.norms.box)
	for _, want := range []string{"Percentil inicial 50 en otoño", "Por debajo del nivel esperado", "Crecimiento típico: 135,4", "1,4 por semana"} {
		if !strings.Contains(text, want) {
			t.Fatalf("Spanish suggestions lack %q:\n%s", want, text)
		}
	}
}

// BenchmarkGoalSuggestions is the goal form's suggestions with 30 norm
// tables (K–8 of several measures, 99 rows each) held in the tablet's real
// store: one keystroke's recomputation (the bound is 50 ms).
func BenchmarkGoalSuggestions(b *testing.B) {
	s, err := localstore.OpenWith(b.TempDir()+"/tablet.db", localstore.Options{KDF: cheapKDF})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	measures := []string{"orf_wcpm", "maze", "math_cbm_digits", "nwf_cls"}
	grades := []string{"K", "1", "2", "3", "4", "5", "6", "7", "8"}
	held := 0
	for _, m := range measures {
		for _, g := range grades {
			if held == 30 {
				break
			}
			nt := record.NormTable{Measure: m, Grade: g, Source: "District local norms 2026 (fictional)"}
			for p := 1; p <= 99; p++ {
				v := float64(p)
				fall, winter, spring, roi := v+20, v+35, v+50, 0.5+v/50
				nt.Rows = append(nt.Rows, record.NormRow{Percentile: v, Fall: &fall, Winter: &winter, Spring: &spring, ROI: &roi})
			}
			bm := 70.0
			nt.Benchmark = &record.Benchmark{Fall: &bm, Winter: &bm, Spring: &bm}
			if _, err := repo.Put(ctx, s, "", nt, false); err != nil {
				b.Fatal(err)
			}
			held++
		}
	}
	r := storeRecords{s}
	start, _ := record.ParseDate("2026-09-07")
	goal, _ := record.ParseDate("2027-05-17")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sg := normSuggestions(r, "8", "orf_wcpm", start, goal, 85)
		if len(sg.Suggestions) != 3 {
			b.Fatalf("suggestions %+v", sg)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/suggestion")
	b.ReportMetric(float64(held), "tables")
}
