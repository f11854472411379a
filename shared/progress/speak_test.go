package progress

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

var es = In(i18n.Spanish)

// example53Gate is DOMAIN.md §5.3's gate: the §5.1 goal tied to the §5.3
// plan, as of 2025-03-16 (fix_delivery_first).
func example53Gate(t *testing.T) Report {
	t.Helper()
	envs := append(example53(), example51([]float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53})...)
	for i := range envs {
		if envs[i].ID == goalID {
			var g record.Goal
			if err := json.Unmarshal(envs[i].Data, &g); err != nil {
				t.Fatal(err)
			}
			g.PlanID = planID
			envs[i] = env(goalID, "goal", g)
		}
	}
	r, err := Progress(NewDataset(envs), goalID, mustDate("2025-03-16"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func eq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// TestSpanishWorkedExamples: DOMAIN.md §5's worked examples, said in
// Spanish by every sentence a screen shows.
func TestSpanishWorkedExamples(t *testing.T) {
	r51, _ := Progress(NewDataset(example51([]float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53})), goalID, mustDate("2025-03-17"))
	eq(t, "5.1 decision", es.DecisionWords(r51.Decision.Code), "Cambiar la enseñanza")
	eq(t, "5.1 reason", es.Reason(r51), "Los últimos 4 puntos están todos por debajo de la línea de meta. No se conoce la aplicación (no hay plan, o aún no hay nada planificado), así que no se pudo comprobar.")
	eq(t, "5.1 reason words", es.ReasonWords(r51), es.Reason(r51))
	eq(t, "5.1 light", es.LightWords(r51), "El semáforo está en rojo: los 3 más recientes de los últimos 4 puntos están por debajo de la línea de meta.")
	eq(t, "5.1 sufficiency", es.SufficiencyWords(r51), "A este ritmo de crecimiento, la meta no se alcanzará para su fecha.")
	eq(t, "5.1 growth", es.GrowthSentence(r51), "Crece 0,92 palabras correctas por semana (0,86 si los puntajes inusuales cuentan menos); la meta necesita 2.")
	eq(t, "5.1 projection", es.ProjectionSentence(r51), "A este ritmo, llegará a 59,7 para la fecha de la meta.")
	eq(t, "5.1 roi", es.ROISentence(r51), "")
	eq(t, "5.1 attendance", es.AttendanceWords(r51.Delivery), "asistencia desconocida (aún no hay nada planificado)")
	eq(t, "5.1 delivery", es.DeliveryShort(r51.Delivery), "sin plan")
	eq(t, "5.1 status", es.StatusWords(r51.Status), "No va bien: los 3 últimos puntos están todos peor que la línea de meta")
	eq(t, "5.1 measure", es.Measure(r51.Goal.Measure).Words(), "Fluidez en la lectura oral (palabras correctas por minuto)")
	eq(t, "5.1 present level", es.FormatScore(*r51.PresentLevel), "51")

	r52, _ := Progress(NewDataset(example51([]float64{43, 44, 45, 46, 47})), goalID, mustDate("2025-02-10"))
	eq(t, "5.2 decision", es.DecisionWords(r52.Decision.Code), "Aún no hay suficientes datos")
	eq(t, "5.2 reason", es.Reason(r52), "Aún no hay suficientes datos: 5 puntos en 5 semanas; hace falta reunir 1 punto más y 1 semana más de datos (al menos 6 puntos en 6 semanas). Atención: los últimos 4 puntos ya están todos por debajo de la línea de meta.")
	eq(t, "5.2 light", es.LightWords(r52), "El semáforo está en rojo: los 3 más recientes de los últimos 4 puntos están por debajo de la línea de meta.")
	eq(t, "5.2 sufficiency", es.SufficiencyWords(r52), "Hay muy pocos puntos para saber si se alcanzará la meta.")

	r53 := example53Gate(t)
	eq(t, "5.3 decision", es.DecisionWords(r53.Decision.Code), "Primero, mejorar la aplicación")
	eq(t, "5.3 reason (the team's, two decimals)", es.Reason(r53), "Los últimos 4 puntos están todos por debajo de la línea de meta. Primero, mejorar la aplicación: asistencia 75%, dosis 68,75%, por debajo del 80%.")
	eq(t, "5.3 reason words (the room's, whole)", es.ReasonWords(r53), "Los últimos 4 puntos están todos por debajo de la línea de meta. Primero, mejorar la aplicación: asistencia 75%, dosis 69%, por debajo del 80%.")
	eq(t, "5.3 attendance", es.AttendanceWords(r53.Delivery), "asistió a 6 de 8 sesiones planificadas")
	eq(t, "5.3 delivery", es.DeliveryShort(r53.Delivery), "asistencia 75%, dosis 69%, fidelidad 87%")
	eq(t, "5.3 fidelity", es.FormatPct(*r53.Delivery.FidelityPct), "87,27%")
	steps := map[int]string{
		3: "Paso 3, Lectura en pareja, se omitió en 1 de 7 sesiones.",
		5: "Paso 5, Lectura en pareja, se omitió en 3 de 7 sesiones.",
		6: "Paso 6, Lectura en pareja, se hizo en las 6 sesiones.",
	}
	for n, want := range steps {
		eq(t, "5.3 step", es.StepSentence(n, "Lectura en pareja", r53.Delivery.PerStep[n-1], false), want)
	}
}

// trendReport is a report decided by the trend rule: ten points whose
// trend grows olsSlope a week against an aimline of aimSlope.
func trendReport(code, direction string, olsSlope, aimSlope float64, del *Delivery) Report {
	r := Report{
		Goal:                GoalInfo{Measure: "orf_wcpm", Direction: direction, GoalDate: "2025-05-12", GoalScore: 78},
		AsOf:                "2025-03-17",
		Aimline:             &Aimline{SlopePerWeek: aimSlope},
		Trend:               &Trend{OLS: OLS{Slope: olsSlope, ProjectionAtGoalDate: 60}},
		PointsAfterBaseline: 10, WeeksOfData: 10,
		Status:   Yellow,
		Decision: Decision{Code: code, Rule: RuleTrend},
		Delivery: del,
	}
	for i := 0; i < 10; i++ {
		pos := Above
		if i%2 == 1 {
			pos = Below
		}
		r.Points = append(r.Points, Point{Position: pos})
	}
	return r
}

func TestSpanishReasons(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	full := &Delivery{AttendancePct: p(95), DosePct: p(90), FidelityPct: p(79.996)}
	cases := []struct {
		name     string
		r        Report
		reason   string
		inWords  string
		lightEnd string
	}{
		{"trend below, gated on fidelity just under 80", trendReport(record.DecisionFixDeliveryFirst, record.DirectionUp, 0.92, 2, full),
			"La tendencia es el 46% del crecimiento que necesita la línea de meta (por debajo del 90%). Primero, mejorar la aplicación: fidelidad 80%, por debajo del 80%.",
			"Crece 0,92 palabras correctas por semana; la meta necesita 2: 46% de lo necesario (por debajo del 90%). Primero, mejorar la aplicación: fidelidad justo por debajo del 80%, por debajo del 80%.",
			" La decisión sigue la tendencia de los 10 puntos."},
		{"trend above", trendReport(record.DecisionRaiseGoal, record.DirectionUp, 2.5, 2, nil),
			"La tendencia es el 125% del crecimiento que necesita la línea de meta (por encima del 110%).",
			"Crece 2,5 palabras correctas por semana; la meta necesita 2: 125% de lo necesario (por encima del 110%).", ""},
		{"trend within", trendReport(record.DecisionContinue, record.DirectionUp, 1.9, 2, nil),
			"La tendencia es el 95% del crecimiento que necesita la línea de meta (entre el 90 y el 110%).",
			"Crece 1,9 palabras correctas por semana; la meta necesita 2: 95% de lo necesario (entre el 90 y el 110%).", ""},
		{"trend the other way, a negative slope", trendReport(record.DecisionChangeInstruction, record.DirectionUp, -0.5, 2, nil),
			"La tendencia es el -25% del crecimiento que necesita la línea de meta (por debajo del 90%). No se conoce la aplicación (no hay plan, o aún no hay nada planificado), así que no se pudo comprobar.",
			"Baja 0,5 palabras correctas por semana; la meta necesita un crecimiento de 2: la tendencia va en sentido contrario (por debajo del 90%). No se conoce la aplicación (no hay plan, o aún no hay nada planificado), así que no se pudo comprobar.", ""},
		{"down goal falling as it should", trendReport(record.DecisionContinue, record.DirectionDown, -0.5, -0.5, nil),
			"La tendencia es el 100% del crecimiento que necesita la línea de meta (entre el 90 y el 110%).",
			"Baja 0,5 palabras correctas por semana; la meta necesita 0,5: 100% de lo necesario (entre el 90 y el 110%).", ""},
		{"flat trend", trendReport(record.DecisionChangeInstruction, record.DirectionUp, 0.001, 2, full),
			"La tendencia es el 0,05% del crecimiento que necesita la línea de meta (por debajo del 90%).",
			"No cambia; la meta necesita 2: 0% de lo necesario (por debajo del 90%).", ""},
	}
	for _, c := range cases {
		eq(t, c.name+": reason", es.Reason(c.r), c.reason)
		eq(t, c.name+": reason words", es.ReasonWords(c.r), c.inWords)
		if c.lightEnd != "" && !strings.HasSuffix(es.LightWords(c.r), c.lightEnd) {
			t.Errorf("%s: light %q does not end %q", c.name, es.LightWords(c.r), c.lightEnd)
		}
	}

	// The four-point rule for a down goal: better and worse, in the room.
	for _, c := range []struct {
		signs      [4]int
		code, want string
		light      string
	}{
		{[4]int{1, 1, 1, 1}, record.DecisionRaiseGoal, "Los últimos 4 puntos están todos mejor que la línea de meta.",
			"El semáforo está en verde: los 3 más recientes de los últimos 4 puntos están mejor que la línea de meta."},
		{[4]int{1, -1, 1, -1}, record.DecisionContinue, "Los últimos 4 puntos no están todos del mismo lado de la línea de meta: 2 mejores y 2 peores.",
			"El semáforo está en amarillo: los 3 más recientes de los últimos 4 puntos están repartidos (1 mejor y 2 peores)."},
	} {
		r := sixPoints(t, c.signs, record.DirectionDown)
		if r.Decision.Code != c.code {
			t.Fatalf("%v: decision %+v", c.signs, r.Decision)
		}
		eq(t, "down goal reason words", es.ReasonWords(r), c.want)
		eq(t, "down goal light", es.LightWords(r), c.light)
	}
	r := sixPoints(t, [4]int{1, -1, 1, -1}, record.DirectionUp)
	eq(t, "up goal, neither side", es.Reason(r), "Los últimos 4 puntos no están ni todos por encima ni todos por debajo de la línea de meta.")
	eq(t, "up goal counts", es.ReasonWords(r), "Los últimos 4 puntos no están todos del mismo lado de la línea de meta: 2 por encima y 2 por debajo.")

	// Rule 1 with one point and one week: singular in Spanish.
	one := Report{Aimline: &Aimline{SlopePerWeek: 2}, PointsAfterBaseline: 1, WeeksOfData: 1, Decision: Decision{Code: record.DecisionNotEnoughData, Rule: RuleNone},
		Points: []Point{{Position: Above}}, Status: Grey}
	eq(t, "one point", es.Reason(one), "Aún no hay suficientes datos: 1 punto en 1 semana; hace falta reunir 5 puntos más y 5 semanas más de datos (al menos 6 puntos en 6 semanas).")
	eq(t, "one point light", es.LightWords(one), "El semáforo está en gris: por ahora hay menos de 3 puntos.")
	one.WeeksOfData = 5.5
	one.PointsAfterBaseline = 6
	eq(t, "weeks short only", es.ReasonWords(one), "Aún no hay suficientes datos: 6 puntos en 5,5 semanas; hace falta reunir 1 semana más de datos (al menos 6 puntos en 6 semanas).")
	one.Aimline = nil
	eq(t, "no aimline", es.Reason(one), "No hay línea de meta (hay que corregir las fechas o los puntajes de la meta), así que no se puede tomar ninguna decisión.")

	// Rule 0, the goal date: the date in Spanish, with its year when not as_of's.
	review := Report{Goal: GoalInfo{GoalDate: "2024-05-12", GoalScore: 78.5}, AsOf: "2025-01-06", PointsAfterBaseline: 3, PresentLevel: ptr(51.25),
		Sufficiency: NotEnoughData, Decision: Decision{Code: record.DecisionReviewGoal, Rule: RuleGoalDate}}
	eq(t, "review", es.Reason(review), "La fecha de la meta, 12 de mayo de 2024, ya pasó y hay muy pocos puntos para saber si se alcanzó la meta de 78,5 (3 de 6; nivel actual 51,3): hay que fijar una nueva meta o terminar la intervención.")
	review.AsOf, review.Sufficiency, review.PointsAfterBaseline = "2024-06-01", GoalMet, 8
	eq(t, "review met", es.ReasonWords(review), "La fecha de la meta, 12 de mayo, ya pasó y el nivel actual, 51,3, alcanzó la meta de 78,5: hay que fijar una nueva meta o terminar la intervención.")
	eq(t, "sufficiency past", es.SufficiencyWords(review), "El nivel actual ya alcanzó la meta.")
	review.Sufficiency = Insufficient
	eq(t, "sufficiency past, not met", es.SufficiencyWords(review), "La fecha de la meta ya pasó y el nivel actual no alcanzó la meta.")
	review.PresentLevel = nil
	eq(t, "review, no level", es.Reason(review), "La fecha de la meta, 12 de mayo, ya pasó y hay muy pocos puntos para saber si se alcanzó la meta de 78,5 (8 de 6; sin nivel actual): hay que fijar una nueva meta o terminar la intervención.")
}

// TestSpanishReasonIsRebuiltNotTranslated: the Spanish reason is said from
// the report's fields, so it holds for a report read back from its JSON
// and does not read the English reason at all.
func TestSpanishReasonIsRebuiltNotTranslated(t *testing.T) {
	r := example53Gate(t)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	want := es.Reason(r)
	back.Decision.Reason = "anything at all"
	eq(t, "from JSON, English text replaced", es.Reason(back), want)
	eq(t, "English from the fields", In(i18n.English).Reason(back), r.Decision.Reason)
}

// TestEnglishReasonIsTheReportsOwn: Speaker.Reason in English is the
// report's reason for every golden report, also read back from JSON: the
// structured reason and the JSON text are one.
func TestEnglishReasonIsTheReportsOwn(t *testing.T) {
	en := In(i18n.English)
	for i, r := range goldenReports() {
		b, _ := json.Marshal(r)
		var back Report
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if got := en.Reason(back); got != r.Decision.Reason {
			t.Fatalf("report %d: %q, the report says %q", i, got, r.Decision.Reason)
		}
		if en.ReasonWords(back) != ReasonWords(r) || en.Warnings(back) == nil && len(r.Warnings) > 0 {
			t.Fatalf("report %d: the room's words differ after JSON", i)
		}
	}
}

func TestSpanishWords(t *testing.T) {
	want := map[string]string{
		record.DecisionNotEnoughData:     "Aún no hay suficientes datos",
		record.DecisionContinue:          "Continuar la intervención",
		record.DecisionRaiseGoal:         "Subir la meta",
		record.DecisionChangeInstruction: "Cambiar la enseñanza",
		record.DecisionFixDeliveryFirst:  "Primero, mejorar la aplicación",
		record.DecisionReviewGoal:        "Revisar la meta",
		"a_newer_code":                   "a_newer_code",
		"":                               "",
	}
	for code, w := range want {
		eq(t, "decision "+code, es.DecisionWords(code), w)
	}
	eq(t, "phase decision", es.PhaseWords(Phase{Kind: PhaseDecision, Code: record.DecisionChangeInstruction}), "Equipo: cambiar la enseñanza")
	eq(t, "phase decision, no code", es.PhaseWords(Phase{Kind: PhaseDecision}), "Decisión del equipo")
	eq(t, "phase start", es.PhaseWords(Phase{Kind: PhasePlanStart}), "Programa nuevo")
	eq(t, "phase end", es.PhaseWords(Phase{Kind: PhasePlanEnd}), "Fin del programa")
	eq(t, "phase other", es.PhaseWords(Phase{Kind: "x"}), "Cambio")
	eq(t, "status grey", es.StatusWords(Grey), "Aún sin señal: menos de 3 puntos, sin línea de meta, o la prueba está atrasada")
	eq(t, "status unknown", es.StatusWords("blue"), "blue")
	eq(t, "cico phase", es.CICOPhaseWords(record.PhaseSelfManaged), "Autogestión")
	eq(t, "cico eligible", es.PhaseStatusWords(PhaseStatus{Phase: record.PhaseCICO, Eligible: true, ConsecutiveWeeksMet: 7}),
		"Puede pasar a la autogestión: 7 semanas seguidas con la meta cumplida (se necesitan 6). El equipo puede pasar al estudiante a una tarjeta de autogestión.")
	eq(t, "cico counting", es.PhaseStatusWords(PhaseStatus{Phase: record.PhaseCICO, Counted: 1, Needed: 6}),
		"Semanas seguidas con la meta cumplida: 1 de las 6 necesarias para pasar a la autogestión.")
	eq(t, "faded", es.PhaseStatusWords(PhaseStatus{Phase: record.PhaseFaded, Counted: 0, Needed: 2}),
		"Semanas con la meta cumplida desde que se redujo el apoyo: 0 de 2 antes de completar el programa.")
	for band, w := range map[string]string{"high": "alta", "adequate": "adecuada", "partial": "parcial", "low": "baja", "odd": "odd"} {
		eq(t, "band "+band, es.BandWords(band), w)
		if band != "odd" && BandWords(band) != band {
			t.Errorf("English band %s is %q", band, BandWords(band))
		}
	}
	eq(t, "graduated", es.PhaseStatusWords(PhaseStatus{Phase: record.PhaseGraduated}), "El estudiante completó CICO.")

	m := es.Measure("office_referrals")
	if m.Name != "Remisiones a la dirección" || m.Unit != "remisiones por semana" || m.Growth() != "remisiones" || m.Direction != record.DirectionDown {
		t.Errorf("office_referrals in Spanish: %+v", m)
	}
	if m := es.Measure("district_wpm"); m.Words() != "district_wpm" || m.Growth() != "puntos" {
		t.Errorf("a district's code in Spanish: %+v %q", m, m.Growth())
	}
	if en := record.MeasureOf("office_referrals"); en.Name != "Office referrals" || en.Unit != "referrals per week" {
		t.Errorf("the API's English measure changed: %+v", en)
	}
	choices := es.MeasureChoices([]string{"zz"})
	if len(choices) != 10 || choices[0].Name != "Fluidez en la lectura oral" || choices[9].Name != "zz" {
		t.Errorf("choices %+v", choices)
	}
	for _, c := range record.NoteCategories {
		if back := es.NoteCategoryCode(es.NoteCategoryWords(c)); back != c {
			t.Errorf("note category %s: %q reads back as %q", c, es.NoteCategoryWords(c), back)
		}
	}
	eq(t, "note behavior", es.NoteCategoryWords(record.NoteBehavior), "Conducta")
	eq(t, "goal status", es.GoalStatusWords(record.GoalMet), "Alcanzada")
	eq(t, "goal status absent", es.GoalStatusWords(""), "Activa")
	eq(t, "type", es.TypeWords(record.TypeCalendarBreak), "Receso escolar")
	eq(t, "type unknown", es.TypeWords("future_thing"), "Future thing")
	eq(t, "describe probe", es.Describe(record.Probe{StudentID: "s", Date: "2025-03-04"}, goldenNamer{}), "Prueba de «student s» del «2025-03-04»")
	decoded, err := record.Decode(record.TypeSession, []byte(`{"group_id":"g","date":"2025-03-04"}`))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "describe a decoded record (a pointer)", es.Describe(decoded, goldenNamer{}), "Sesión de «group g» del «2025-03-04»")
	order := 2.5
	eq(t, "describe form", es.Describe(record.ProbeForm{FormID: "A3", FormTitle: "Otoño", Measure: "orf_wcpm", Grade: "2", Order: &order}, goldenNamer{}),
		"Formulario de prueba A3 Otoño (Fluidez en la lectura oral, grado 2, orden 2,5)")
}

// TestEnglishDescribeIsEachRecordsOwn: a record's Describe and
// DescribeIn(English) are one wording, for the types whose Describe is
// written beside their record.
func TestEnglishDescribeIsEachRecordsOwn(t *testing.T) {
	order := 3.0
	for _, p := range []record.Payload{
		record.Student{GivenName: "Ana", FamilyName: "Lee"}, record.Program{Name: "P"}, record.Group{Name: "G"}, record.Plan{StudentID: "s"},
		record.Session{GroupID: "g", Date: "2025-03-04"}, record.Note{StudentID: "s"}, record.Goal{StudentID: "s"}, record.Probe{StudentID: "s", Date: "d"},
		record.CICOCard{StudentID: "s", Date: "d"}, record.CICOPlan{StudentID: "s"}, record.Decision{StudentID: "s"}, record.CalendarBreak{Name: "Winter"},
		record.Meeting{Date: "d"}, record.MeetingAction{Text: "Call"}, record.Observation{SessionID: "x", Date: "d"},
		record.NormTable{Measure: "orf_wcpm", Grade: "2", Source: "S"}, record.ProbeForm{FormID: "A", FormTitle: "T", Measure: "maze", Grade: "3", Order: &order},
		record.ProbeForm{FormID: "A", Measure: "x"},
	} {
		eq(t, record.TypeOf(p), In(i18n.English).Describe(p, goldenNamer{}), p.Describe(goldenNamer{}))
		if s := es.Describe(p, goldenNamer{}); s == p.Describe(goldenNamer{}) || strings.Contains(s, "[") {
			t.Errorf("%s in Spanish: %q", record.TypeOf(p), s)
		}
	}
}

func TestSpanishFiguresAndCounts(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	cases := []struct {
		d    *Delivery
		want string
	}{
		{nil, "asistencia desconocida (aún no hay nada planificado)"},
		{&Delivery{AttendancePct: p(0)}, "aún no hay ninguna sesión planificada"},
		{&Delivery{AttendancePct: p(0), SessionsAttended: 1}, "asistió a 1 sesión hasta ahora, antes de que se planificara alguna"},
		{&Delivery{AttendancePct: p(0), SessionsAttended: 2}, "asistió a 2 sesiones hasta ahora, antes de que se planificara alguna"},
		{&Delivery{AttendancePct: p(100), PlannedSessions: 1, SessionsAttended: 1}, "asistió a la única sesión planificada hasta ahora"},
		{&Delivery{AttendancePct: p(100), PlannedSessions: 32.6, SessionsAttended: 33}, "asistió a las 33 sesiones planificadas hasta ahora"},
		{&Delivery{AttendancePct: p(106), PlannedSessions: 33, SessionsAttended: 35}, "asistió a 35 sesiones, más de las planificadas hasta ahora (33)"},
		{&Delivery{AttendancePct: p(0), PlannedSessions: 1, SessionsAttended: 0}, "asistió a 0 de 1 sesión planificada"},
		{&Delivery{AttendancePct: p(90), PlannedSessions: 33, SessionsAttended: 30}, "asistió a 30 de 33 sesiones planificadas"},
		{&Delivery{AttendancePct: p(100), PlannedSessions: 1000000, SessionsAttended: 1000000}, "asistió a las 1000000 sesiones planificadas hasta ahora"},
		{&Delivery{AttendancePct: p(0), SessionsAttended: 1000000}, "asistió a 1000000 sesiones hasta ahora, antes de que se planificara alguna"},
	}
	for _, c := range cases {
		eq(t, "attendance", es.AttendanceWords(c.d), c.want)
	}
	eq(t, "short above plan", es.DeliveryShort(&Delivery{AttendancePct: p(121), DosePct: p(99.7)}), "asistencia por encima de lo planificado, dosis 99,7%, fidelidad n/d")
	eq(t, "short gate", es.DeliveryShort(&Delivery{AttendancePct: p(79.6), DosePct: p(80.004), FidelityPct: p(99.999)}),
		"asistencia 79,6%, dosis justo por encima del 80%, fidelidad justo por debajo del 100%")
	eq(t, "sessions", es.FormatSessions(32.6), "aprox. 33")
	eq(t, "sessions whole", es.FormatSessions(33), "33")
	eq(t, "n/a", es.Number("n/a"), "n/d")
	eq(t, "n/a pct", es.FormatPctOf(nil), "n/d")
	eq(t, "pct", es.FormatPct(76.2149), "76,21%")
	eq(t, "slope", es.FormatSlope(-0.004), "0")
	eq(t, "figure", es.Figure(-1.25, 1), "-1,3")

	steps := []struct {
		done, app int
		recent    bool
		want      string
	}{
		{0, 0, false, "Paso 5, Lectura en pareja, aún no ha correspondido en ninguna sesión realizada."},
		{1, 1, false, "Paso 5, Lectura en pareja, se hizo en la única sesión."},
		{1, 1, true, "Paso 5, Lectura en pareja, se hizo en la última sesión."},
		{7, 7, true, "Paso 5, Lectura en pareja, se hizo en las últimas 7 sesiones."},
		{0, 1, false, "Paso 5, Lectura en pareja, se omitió en 1 de 1 sesión."},
		{0, 1, true, "Paso 5, Lectura en pareja, se omitió en la última sesión."},
		{4, 7, true, "Paso 5, Lectura en pareja, se omitió en 3 de las últimas 7 sesiones."},
	}
	for _, s := range steps {
		eq(t, "step", es.StepSentence(5, "Lectura en pareja", StepFid{Done: s.done, Applicable: s.app}, s.recent), s.want)
	}
	eq(t, "step without a name", es.StepSentence(2, "", StepFid{StepID: "s2", Done: 2, Applicable: 2}, false), "Paso 2, s2, se hizo en las 2 sesiones.")

	roi := func(typical, ratio float64, flag string) Report {
		r := Report{Goal: GoalInfo{Measure: "maze"}, ROI: ROI{Typical: &typical, Ratio: &ratio}}
		if flag != "" {
			r.ROI.Flag = &flag
		}
		return r
	}
	eq(t, "roi ambitious", es.ROISentence(roi(1.25, 1.6, "ambitious")), "El crecimiento típico es de 1,25 reemplazos correctos por semana; la meta necesita mucho más que eso: es una meta ambiciosa.")
	eq(t, "roi modest", es.ROISentence(roi(1, 0.4, "modest")), "El crecimiento típico es de 1 reemplazos correctos por semana; la meta necesita mucho menos que eso: es una meta modesta.")
	eq(t, "roi about", es.ROISentence(roi(1, 1, "")), "El crecimiento típico es de 1 reemplazos correctos por semana; la meta necesita más o menos eso.")
	eq(t, "roi negative", es.ROISentence(roi(-1, -2, "")), "El crecimiento típico es de -1 reemplazos correctos por semana.")

	need := Report{Goal: GoalInfo{Measure: "office_referrals"}, Aimline: &Aimline{SlopePerWeek: -0.25}}
	eq(t, "need a fall", es.GrowthSentence(need), "La meta necesita una baja de 0,25 remisiones por semana.")
	need.Trend = &Trend{OLS: OLS{Slope: 0.5}, Tukey: &Slope{Slope: -0.2}}
	eq(t, "growth against a fall", es.GrowthSentence(need), "Crece 0,5 remisiones por semana (baja 0,2 si los puntajes inusuales cuentan menos); la meta necesita una baja de 0,25.")
	eq(t, "no data", es.GrowthSentence(Report{}), "")
	eq(t, "no projection", es.ProjectionSentence(Report{}), "")
	eq(t, "no sufficiency", es.SufficiencyWords(Report{}), "")
	eq(t, "no light", es.LightWords(Report{}), "")
}

func TestSpanishWarnings(t *testing.T) {
	var w Warnings
	for i := 0; i < MaxWarnings+9980; i++ {
		w.Add("x")
	}
	lines := w.Lines()
	eq(t, "English count", lines[MaxWarnings], "…and 9,980 more warnings not listed.")
	eq(t, "Spanish count", es.Warning(lines[MaxWarnings]), "…y 9980 advertencias más que no se muestran.")
	eq(t, "Spanish one", es.Warning("…and 1 more warnings not listed."), "…y 1 advertencia más que no se muestra.")

	envs := example51([]float64{45})
	var g record.Goal
	json.Unmarshal(envs[0].Data, &g)
	g.PlanID = planID
	g.GoalDate = g.StartDate
	envs[0] = env(goalID, "goal", g)
	envs = append(envs, env(nextID(), "probe", map[string]any{"student_id": studentID}),
		env(nextID(), "calendar_break", record.CalendarBreak{Name: "Invierno", StartDate: "2025-02-10", EndDate: "2025-02-01"}))
	r, _ := Progress(NewDataset(envs), goalID, mustDate("2025-01-20"))
	got := es.Warnings(r)
	if len(got) != len(r.Warnings) || len(got) < 4 {
		t.Fatalf("warnings %q → %q", r.Warnings, got)
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{
		"Se omitió un registro (Prueba 00000000-0000-7000-8000-",
		"): se requieren student_id, measure, date y score",
		"Se omitió el receso escolar \"Invierno\": sus fechas no son válidas",
		"La fecha de la meta no es posterior a la fecha de inicio (sin contar los recesos), así que no hay línea de meta: hay que corregir la meta.",
		"El plan " + planID + " de la meta no está aquí (aún no se sincronizó, se eliminó o no es válido): no se conoce la aplicación.",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("Spanish warnings lack %q:\n%s\n(English: %q)", want, joined, r.Warnings)
		}
	}
	eq(t, "a newer server's warning", es.Warning("Something new."), "Something new.")
	eq(t, "English is the report's", strings.Join(In(i18n.English).Warnings(r), "|"), strings.Join(r.Warnings, "|"))
}

// englishLeftover finds English words a Spanish sentence must not carry.
var englishLeftover = regexp.MustCompile(`(?i)\b(the|of|and|is|are|was|week|weeks|session|sessions|point|points|goal|above|below|better|worse|trend|aimline|delivery|attendance|dose|fidelity|step|growing|falling|changing|n/a|about|just|light|decision|planned|more|less|typical|rate|not|needs|team|program|change|warning)\b|\[`)

// TestSpanishHasNoEnglishLeftover: every Spanish sentence of every golden
// report, delivery, step, code and phase is free of English words and of
// a missing message's [id].
func TestSpanishHasNoEnglishLeftover(t *testing.T) {
	check := func(what, s string) {
		t.Helper()
		if m := englishLeftover.FindString(s); m != "" {
			t.Errorf("%s: %q carries %q", what, s, m)
		}
	}
	for _, r := range goldenReports() {
		check("Reason", es.Reason(r))
		check("ReasonWords", es.ReasonWords(r))
		check("LightWords", es.LightWords(r))
		check("SufficiencyWords", es.SufficiencyWords(r))
		check("ROISentence", es.ROISentence(r))
		check("GrowthSentence", es.GrowthSentence(r))
		check("ProjectionSentence", es.ProjectionSentence(r))
		check("AttendanceWords", es.AttendanceWords(r.Delivery))
		check("DeliveryShort", es.DeliveryShort(r.Delivery))
		check("StatusWords", es.StatusWords(r.Status))
		check("DecisionWords", es.DecisionWords(r.Decision.Code))
		for _, w := range es.Warnings(r) {
			// A skipped record's validation error is the record's own
			// words (its fields), kept as written: the rest is checked.
			if i := strings.Index(w, "): "); strings.HasPrefix(w, "Se omitió un registro (") && i > 0 {
				w = w[:i]
			}
			check("Warning", w)
		}
		if r.Delivery != nil {
			for k, st := range r.Delivery.PerStep {
				check("StepSentence", es.StepSentence(k+1, "Lectura", st, k%2 == 0))
			}
		}
	}
	for _, d := range goldenDeliveries() {
		check("AttendanceWords", es.AttendanceWords(d))
		check("DeliveryShort", es.DeliveryShort(d))
	}
	for _, ph := range []string{record.PhaseCICO, record.PhaseSelfManaged, record.PhaseFaded, record.PhaseGraduated} {
		check("CICOPhaseWords", es.CICOPhaseWords(ph))
		for _, el := range []bool{false, true} {
			check("PhaseStatusWords", es.PhaseStatusWords(PhaseStatus{Phase: ph, Eligible: el, ConsecutiveWeeksMet: 7, Counted: 1, Needed: 2}))
		}
	}
	for _, k := range []string{PhasePlanStart, PhasePlanEnd, PhaseDecision} {
		for _, c := range []string{record.DecisionContinue, record.DecisionFixDeliveryFirst, ""} {
			check("PhaseWords", es.PhaseWords(Phase{Kind: k, Code: c}))
		}
	}
	for _, m := range es.MeasureChoices([]string{"zz"}) {
		check("Measure", m.Words()+" "+m.Axis()+" "+m.Growth())
	}
	for _, c := range record.NoteCategories {
		check("NoteCategoryWords", es.NoteCategoryWords(c))
	}
	for _, s := range record.GoalStatuses {
		check("GoalStatusWords", es.GoalStatusWords(s))
	}
	for _, v := range []float64{79.6, 79.996, 80.004, 99.999, 32.6} {
		check("FormatDeliveryPct", es.FormatDeliveryPct(v))
		check("FormatSessions", es.FormatSessions(v))
	}
}

// TestSharedCatalogComplete: every message of the shared catalog has its
// Spanish, with the same placeholders (docs/decisions/0029).
func TestSharedCatalogComplete(t *testing.T) {
	if p := i18n.Shared.Problems(); len(p) > 0 {
		t.Fatalf("the shared catalog is not complete:\n%s", strings.Join(p, "\n"))
	}
}
