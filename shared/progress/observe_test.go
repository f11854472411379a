package progress

import (
	"strings"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// TestCheckObserve: ADR 0031's rule between records, case by case.
func TestCheckObserve(t *testing.T) {
	today := mustDate("2025-03-04")
	g := record.Group{InterventionistID: "ana"}
	for _, c := range []struct {
		name, status, date, observer string
		want                         ObserveRefusal
	}{
		{"a coach, today's delivered session", record.SessionDelivered, "2025-03-04", "coach", ObserveAllowed},
		{"the group's own interventionist", record.SessionDelivered, "2025-03-04", "ana", ObserveOwnSession},
		{"no observer", record.SessionDelivered, "2025-03-04", "", ObserveOwnSession},
		{"in progress", record.SessionInProgress, "2025-03-04", "coach", ObserveNotDelivered},
		{"cancelled", record.SessionCancelled, "2025-03-04", "coach", ObserveNotDelivered},
		{"yesterday", record.SessionDelivered, "2025-03-03", "coach", ObserveNotToday},
		{"tomorrow", record.SessionDelivered, "2025-03-05", "coach", ObserveNotToday},
		{"no date", record.SessionDelivered, "", "coach", ObserveNotToday},
	} {
		s := record.Session{Status: c.status, Date: c.date}
		if got := CheckObserve(s, g, c.observer, today); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestGroupDeliveryObservations: the group's observed fidelity is the
// plan's count over the group's delivered sessions (§3.7a), the cancelled,
// in-progress and other groups' sessions left out.
func TestGroupDeliveryObservations(t *testing.T) {
	envs := append(observedFixture(),
		env(obsID(0), "observation", observation(obsS1, "a:done b:skipped c:skipped d:done")),
		env(obsID(1), "observation", observation(obsCancel, "a:done b:done c:done d:done")),
		env(obsID(2), "observation", observation(obsOther, "a:done b:done c:done d:done")))
	g := GroupDelivery(NewDataset(envs), groupID, programID, mustDate("2025-03-16"))
	o := g.Observations
	if o == nil || o.Count != 1 || o.ObservedFidelityPct == nil || *o.ObservedFidelityPct != 50 ||
		o.MeanAgreementPct == nil || *o.MeanAgreementPct != 50 {
		t.Fatalf("observations %+v", o)
	}
	// The group's own fidelity counts every delivered session up to as_of
	// (02-28: 1 of 4, 03-03: 2 of 3, 03-04: 4 of 4): 7 of 11, 63.6%,
	// against 50% observed: 13.6 points, not flagged.
	if o.GapFlag == nil || *o.GapFlag {
		t.Fatalf("gap flag %v with fidelity %v", o.GapFlag, *g.FidelityPct)
	}
	envs[len(envs)-3] = env(obsID(0), "observation", observation(obsS1, "a:skipped b:skipped c:skipped d:skipped"))
	if o := GroupDelivery(NewDataset(envs), groupID, programID, mustDate("2025-03-16")).Observations; o == nil || o.GapFlag == nil || !*o.GapFlag {
		t.Fatalf("0%% observed against 63.6%%: %+v", o)
	}
	if none := GroupDelivery(NewDataset(observedFixture()), groupID, programID, mustDate("2025-03-16")); none.Observations != nil {
		t.Fatalf("no observation: %+v", none.Observations)
	}
}

// TestObservedSentence: the figures beside each other, and the gap said
// in words only when §3.7a flags it.
func TestObservedSentence(t *testing.T) {
	flag := true
	o := &Observed{Count: 2, ObservedFidelityPct: ptr(60.0), MeanAgreementPct: ptr(75.0), GapFlag: &flag}
	got := ObservedSentence(ptr(90.0), o)
	for _, want := range []string{"60%", "2 observations", "90% reported", "75% of the steps", "30 points above"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	noFlag := false
	o.GapFlag, o.ObservedFidelityPct = &noFlag, ptr(80.0)
	if got := ObservedSentence(ptr(90.0), o); strings.Contains(got, "points above") {
		t.Errorf("a gap of 10 flagged: %q", got)
	}
	if got := ObservedSentence(ptr(90.0), nil); !strings.Contains(got, "No session has been observed") {
		t.Errorf("no observation: %q", got)
	}
	if gap := ObservedGap(ptr(90.0), &Observed{Count: 1}); gap != nil {
		t.Errorf("gap without an observed figure: %v", *gap)
	}
}

// TestNormGrowthSentence: §3.10's worked example as a goal whose
// typical_roi came from the table says the table's source; a typed one, or
// a table that no longer gives it, says ROISentence.
func TestNormGrowthSentence(t *testing.T) {
	tables := []record.Envelope{normEnv(normID, 1_760_000_000_000, exampleTable())}
	rep := func(typical float64) Report {
		r := Report{Goal: GoalInfo{Measure: "orf_wcpm", Direction: "up", StartDate: "2025-09-08", GoalDate: "2026-05-18", GoalScore: 157}}
		r.Baseline.Score = 85
		r.ROI.Needed, r.ROI.Typical = ptr(2.0), ptr(typical)
		return r
	}
	r := rep(1.4)
	src := NormSourceOf(tables, "2", r, Calendar{})
	if src != "District local norms 2026 (fictional)" {
		t.Fatalf("source %q", src)
	}
	want := "Growth needed 2.0 a week; typical for a student starting here 1.4 (District local norms 2026 (fictional))."
	if got := GrowthVsTypicalSentence(r, src); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	typed := rep(1.6)
	if src := NormSourceOf(tables, "2", typed, Calendar{}); src != "" {
		t.Fatalf("a typed typical_roi named %q", src)
	}
	if got := GrowthVsTypicalSentence(typed, ""); got != ROISentence(typed) || got == "" {
		t.Fatalf("without a source: %q", got)
	}
	if src := NormSourceOf(tables, "3", r, Calendar{}); src != "" {
		t.Fatalf("another grade's goal named %q", src)
	}
}

// TestObservedSentencesSpanish: the observation sentences speak the
// Speaker's language (shared/i18n/catalog/observe.*.json), figures with
// its decimal mark, and English keeps its words.
func TestObservedSentencesSpanish(t *testing.T) {
	es := In(i18n.Spanish)
	flag := true
	o := &Observed{Count: 2, ObservedFidelityPct: ptr(60.0), MeanAgreementPct: ptr(75.0), GapFlag: &flag}
	want := "Los observadores vieron hechos el 60% de los pasos en 2 observaciones, frente al 90% que informó el intervencionista. " +
		"Coincidieron con las marcas de la propia sesión en el 75% de los pasos. La fidelidad informada está 30 puntos por encima de lo que " +
		"vieron los observadores (más de 20): revisen juntos la implementación antes de confiar en la cifra informada."
	if got := es.ObservedSentence(ptr(90.0), o); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := es.ObservedSentence(nil, &Observed{Count: 1}); got != "Los observadores no marcaron ningún paso aplicable en 1 observación." {
		t.Errorf("no step: %q", got)
	}
	if got := es.ObservedSentence(nil, nil); got != "Ninguna sesión fue observada en este período." {
		t.Errorf("none: %q", got)
	}
	r := Report{}
	r.ROI.Needed, r.ROI.Typical = ptr(-2.0), ptr(1.4)
	if got := es.GrowthVsTypicalSentence(r, "Normas X"); got != "Crecimiento necesario: 2,0 por semana; lo típico para un estudiante que empieza aquí: 1,4 (Normas X)." {
		t.Errorf("norm growth: %q", got)
	}
	if got := In(i18n.English).ObservedSentence(ptr(90.0), o); got != ObservedSentence(ptr(90.0), o) || !strings.Contains(got, "Observers saw 60%") {
		t.Errorf("English: %q", got)
	}
}
