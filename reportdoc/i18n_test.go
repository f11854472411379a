package reportdoc

import (
	"bytes"
	"strings"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// TestProgressPDFSpanish: the team's progress report in Spanish, read back
// with pdftotext: the catalog's words, accents intact, the decimal comma,
// Spanish page numbers and table heads.
func TestProgressPDFSpanish(t *testing.T) {
	var buf bytes.Buffer
	if err := ProgressPDF(&buf, example51(t), DocMeta{Student: "Ava Muñoz", School: "Escuela Lincoln", Generated: "2025-03-18", Lang: i18n.Spanish}); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, buf.Bytes(), "-layout")), " ")
	wantAll(t, "the Spanish progress report", text, []string{
		"Informe de progreso: Ava Muñoz",
		"Escuela Lincoln -",
		"Decisión:",
		"no se espera que Ava Muñoz alcance la meta de 78 para el 2025-05-12 (proyección: 59,7). El progreso es insuficiente.",
		"Línea de base: 42 (mediana de 42; 45; 40).",
		"Nivel actual: 51 (mediana de los últimos 3 puntos).",
		"Nivel esperado en la línea de meta al 2025-03-17: 62.",
		"Meta: 78 para el 2025-05-12.",
		"10 puntos después de la línea de base en 10 semanas.",
		"No se conoce la implementación",
		"Método",
		"Fecha Semana Resultado Línea de meta Frente a la línea de meta",
		"2025-03-17 10 53 62 por debajo",
		"Página 1 de 2", "Página 2 de 2",
	})
	for _, never := range []string{"Progress report", "Baseline", "Page 1", "median of"} {
		if strings.Contains(text, never) {
			t.Errorf("the Spanish progress report shows %q", never)
		}
	}
}

// TestChartWordsSpanish: the chart's legend, axis dates and goal label in
// Spanish with a decimal comma; the family's chart has no trend and calls
// the aimline the path to the goal.
func TestChartWordsSpanish(t *testing.T) {
	r := example51(t)
	r.Goal.GoalScore, r.Aimline.GoalScore = 78.5, 78.5
	team := record1(t, Chart{Report: r, Lang: i18n.Spanish})
	for _, want := range []string{"línea de meta", "por debajo de la línea de meta", "tendencia", "tendencia proyectada", "Meta 78,5 para el 12 may", "feb 2025", "mar"} {
		if _, ok := team.texts[want]; !ok {
			t.Errorf("the Spanish chart lacks %q: %v", want, keys(team.texts))
		}
	}
	family := record1(t, Chart{Report: r, Lang: i18n.Spanish, Family: true})
	for _, want := range []string{"camino hacia la meta", "un resultado por debajo del camino", "Meta 78,5 para el 12 may"} {
		if _, ok := family.texts[want]; !ok {
			t.Errorf("the family chart lacks %q: %v", want, keys(family.texts))
		}
	}
	for text := range family.texts {
		if strings.Contains(text, "tendencia") || strings.Contains(text, "línea de meta") || strings.Contains(text, "trend") {
			t.Errorf("the family chart shows %q", text)
		}
	}
	english := record1(t, Chart{Report: r})
	for _, want := range []string{"aimline", "below the aimline", "trend", "Goal 78.5 by 12 May", "Feb 2025", "Mar"} {
		if _, ok := english.texts[want]; !ok {
			t.Errorf("the English chart lacks %q: %v", want, keys(english.texts))
		}
	}
}

// TestCICOChartSpanish: the console's CICO chart in Spanish: legend, axis,
// dates, the phase line and the description for a screen reader.
func TestCICOChartSpanish(t *testing.T) {
	c := CICOChart{Title: "Puntos semanales de Maya", From: mustDay(t, "2025-02-05"), To: mustDay(t, "2025-03-19"), Lang: i18n.Spanish,
		Weeks:  []progress.CICOWeek{{WeekStart: "2025-02-03", Pct: 85, Met: true}, {WeekStart: "2025-02-10", Pct: 70}},
		Phases: []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: "2025-03-03"}}}
	for _, narrow := range []bool{false, true} {
		c.Narrow = narrow
		svg := CICOChartSVG(c)
		wellFormed(t, svg)
		s := string(svg)
		met := "semana cumplida (80% o más)"
		if narrow {
			met = "semana cumplida"
		}
		wantAll(t, "the Spanish CICO chart", s, []string{met + "<", "semana bajo el 80%", "meta semanal 80%", "semana que empieza (lunes)",
			"desde el 3 mar", ">3 feb<", "desde la semana del 3 de febrero de 2025 hasta la semana del 17 de marzo de 2025: 1 de 2 semanas"})
	}
}
