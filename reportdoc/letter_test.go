package reportdoc

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// letterReport is DOMAIN.md §5.1 with a plan's attendance (37 of 40
// sessions) and a goal of 78.5, so a decimal mark shows; its decision is
// change_instruction, whose words and reason must never reach the family.
func letterReport(t testing.TB) progress.Report {
	r := example51(t)
	att, dose, fid := 92.5, 92.5, 61.0
	r.Delivery = &progress.Delivery{PlannedSessions: 40, DeliveredSessions: 38, SessionsAttended: 37, AttendancePct: &att,
		PlannedMinutes: 1200, MinutesReceived: 1110, DosePct: &dose, FidelityPct: &fid}
	r.Goal.GoalScore = 78.5
	r.Warnings = append(r.Warnings, "TEAM-ONLY-WARNING: two probes on 2025-02-03")
	return r
}

// onePagePDF reads a PDF back with pdftotext, checks it has exactly one
// page and returns its words joined by single spaces.
func onePagePDF(t *testing.T, b []byte) string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdfText(t, b)
	if n := strings.Count(text, "\f"); n != 1 {
		t.Fatalf("the family document has %d pages, want 1\n%s", n, text)
	}
	return strings.Join(strings.Fields(text), " ")
}

func letterText(t *testing.T, d FamilyLetterDoc) string {
	t.Helper()
	var buf bytes.Buffer
	if err := FamilyLetterPDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	return onePagePDF(t, buf.Bytes())
}

func wantAll(t *testing.T, what, text string, want []string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("%s lacks %q\n%s", what, s, text)
		}
	}
}

// TestFamilyLetterSpanish: pdftotext reads back the letter in Spanish,
// accents intact (the embedded UTF-8 font), Spanish month names and the
// decimal comma.
func TestFamilyLetterSpanish(t *testing.T) {
	text := letterText(t, FamilyLetterDoc{Report: letterReport(t), Student: "Ava Muñoz", School: "Escuela Lincoln",
		Generated: "2025-03-18", FamilyLanguage: "es-MX"})
	wantAll(t, "the Spanish letter", text, []string{
		"Carta de progreso: Ava Muñoz",
		"Escuela Lincoln - 17 de marzo de 2025",
		"Estimada familia:",
		"En esta carta le contamos cómo le va a Ava en",
		"La meta es llegar a 78,5",
		"para el 12 de mayo de 2025.",
		"El progreso hasta ahora",
		"Ava empezó con 42",
		"y ahora está en 51.",
		"Cada marca del gráfico es un resultado",
		"Asistencia",
		"Gracias por apoyar a Ava en casa. ¿Tiene alguna pregunta? Comuníquese con nosotros en la escuela.",
		"Atentamente,",
		"Hecho con Small Wins el 18 de marzo de 2025.",
	})
	for _, never := range []string{"78.5", "March", "This letter is in English", "Progress letter"} {
		if strings.Contains(text, never) {
			t.Errorf("the Spanish letter shows %q\n%s", never, text)
		}
	}
}

// TestFamilyLetterEnglish: the letter in English, for an English family and
// for one without a family_language (no line about the language).
func TestFamilyLetterEnglish(t *testing.T) {
	for _, tag := range []string{"", "en", "en-US"} {
		text := letterText(t, FamilyLetterDoc{Report: letterReport(t), Student: "Ava Martinez", School: "Lincoln Elementary",
			Generated: "2025-03-18", FamilyLanguage: tag})
		wantAll(t, "the English letter", text, []string{
			"Progress letter: Ava Martinez",
			"Lincoln Elementary - March 17, 2025",
			"Dear family,",
			"This letter tells you how Ava is doing in oral reading fluency, the skill we are working on together.",
			"The goal is to reach 78.5 words correct per minute by May 12, 2025.",
			"Growth so far",
			"Ava started at 42 words correct per minute and is now at 51.",
			"Attendance Ava attended 37 of 40 planned sessions.",
			"Thank you for supporting Ava at home.",
			"Made with Small Wins on March 18, 2025.",
		})
		if strings.Contains(text, "not yet available") {
			t.Errorf("family_language %q: the letter says it is not available\n%s", tag, text)
		}
	}
	// Nameless and without scores or a plan: "your child", said so.
	r := letterReport(t)
	r.Points, r.PresentLevel, r.Delivery = nil, nil, nil
	text := letterText(t, FamilyLetterDoc{Report: r, Generated: "2025-03-18"})
	wantAll(t, "the nameless letter", text, []string{
		"Progress letter: Your child",
		"This letter tells you how your child is doing",
		"Your child has just started: the first scores will be in the next letter.",
		"Attendance will be shown here once sessions are planned.",
	})
}

// TestFamilyDocumentsUnsupportedLanguage: a family language the product
// does not have gives English with a line saying so, naming the language
// (or, for a tag that is not one, "your family's language").
func TestFamilyDocumentsUnsupportedLanguage(t *testing.T) {
	for tag, name := range map[string]string{"fr": "French (français)", "vi-VN": "Vietnamese (Tiếng Việt)", "ht": "Haitian Creole",
		"zh-Hant": "Chinese", "ar-EG": "Arabic", "x-klingon": "your family's language", "not a tag!": "your family's language"} {
		letter := letterText(t, FamilyLetterDoc{Report: letterReport(t), Student: "Ava Martinez", Generated: "2025-03-18", FamilyLanguage: tag})
		wantAll(t, "letter ("+tag+")", letter, []string{
			"This letter is in English because it is not yet available in " + name + ".",
			"Progress letter: Ava Martinez",
		})
		card := familyPDF(t, CICOCardDoc{Student: "Ava Martinez", Date: "2025-03-18", Cards: familyCards(), FamilyLanguage: tag})
		wantAll(t, "card ("+tag+")", card, []string{
			"This card is in English because it is not yet available in " + name + ".",
			"Daily behaviour card: Ava Martinez",
		})
	}
	for _, tag := range []string{"es", "ES-us", "es-419"} {
		if l, missing := FamilyLanguage(tag); l != i18n.Spanish || missing != "" {
			t.Errorf("FamilyLanguage(%q) = %q, %q; want Spanish", tag, l, missing)
		}
	}
	if _, missing := FamilyLanguage(strings.Repeat("x", 10000)); missing != "your family's language" {
		t.Errorf("a 10,000-byte tag is named %q", missing)
	}
}

// TestFamilyCardSpanish: pdftotext reads back the daily and the weekly card
// in Spanish: its words, Spanish weekday and month names, the decimal comma.
func TestFamilyCardSpanish(t *testing.T) {
	plan := record.CICOPlan{StudentID: cardStudent, Expectations: []string{"Be safe"}, Periods: []string{"x"},
		Phases: []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: "2025-03-19"}}}
	day := familyPDF(t, CICOCardDoc{Student: "Ava Muñoz", School: "Escuela Lincoln", Generated: "2025-03-18",
		Date: "2025-03-18", Cards: familyCards(), FamilyLanguage: "es"})
	wantAll(t, "the Spanish daily card", day, []string{
		"Tarjeta diaria de conducta: Ava Muñoz",
		"Escuela Lincoln - martes 18 de marzo de 2025",
		"En la escuela, Ava trabaja en estas metas todos los días: Be safe, Be respectful, Be responsible.",
		"Después de cada parte del día, un adulto da 2 puntos",
		"Parte del día Be safe Be respectful Be responsible",
		"Morning En parte (1) Todavía no (0) En parte (1)",
		"Afternoon Logrado (2) En parte (1) Todavía no (0)",
		"Hoy Ava obtuvo 5 de 12 puntos (41,67%).",
		"La meta diaria es 80%: hoy no se alcanzó. Mañana es un nuevo día.",
		"Por favor, hable con Ava sobre la tarjeta, elogie lo que salió bien y firme abajo.",
		"Firma del padre, madre o tutor:",
		"Hecho con Small Wins el 18 de marzo de 2025.",
	})
	week := familyPDF(t, CICOCardDoc{Student: "Ava Muñoz", School: "Escuela Lincoln", Generated: "2025-03-21",
		Date: "2025-03-21", Weekly: true, Cards: familyCards(), Plan: &plan, FamilyLanguage: "es-US"})
	wantAll(t, "the Spanish weekly card", week, []string{
		"Tarjeta semanal de conducta: Ava Muñoz",
		"Semana del lunes 17 de marzo de 2025",
		"Día Be safe Be respectful Be responsible Puntos Meta diaria",
		"lun 17 mar 4 de 4 4 de 4 1 de 2 9 de 10 alcanzada",
		"mar 18 mar 3 de 4 1 de 4 1 de 4 5 de 12 todavía no",
		"mié 19 mar",
		"Esta semana Ava obtuvo 32 de 42 puntos (76,19%).",
		"La meta semanal es del 80%. Ava alcanzó la meta diaria 3 de 4 días.",
		"Ahora Ava califica su propia tarjeta durante el día y después la revisa con un adulto.",
		"Ava y el adulto coincidieron en 4 de 5 casillas.",
	})
	for _, text := range []string{day, week} {
		for _, never := range []string{"Daily", "Weekly", "March", "Met (2)", "41.67", "76.19", "not yet available"} {
			if strings.Contains(text, never) {
				t.Errorf("the Spanish card shows %q\n%s", never, text)
			}
		}
	}
}

// TestFamilyDocumentsPlainWords: the letter and the card, in both
// languages, hold no decision code or decision words, none of the team's
// reasons or warnings, no note text and no delivery gate (DOMAIN.md §4.3).
func TestFamilyDocumentsPlainWords(t *testing.T) {
	r := letterReport(t)
	if r.Decision.Code != record.DecisionChangeInstruction {
		t.Fatalf("the fixture's decision is %q", r.Decision.Code)
	}
	codes := []string{record.DecisionNotEnoughData, record.DecisionContinue, record.DecisionRaiseGoal,
		record.DecisionChangeInstruction, record.DecisionFixDeliveryFirst, record.DecisionReviewGoal}
	var never []string
	never = append(never, codes...)
	never = append(never, "fidelity", "fidelidad", "dose", "dosis", "delivery", "aimline", "trend", "tendencia",
		"insufficient", "sufficiency", "NOTE-BODY", "TEAM-ONLY-WARNING", "61%", "92.5%", "92,5%")
	for _, l := range i18n.Supported {
		sp := progress.In(l)
		for _, c := range codes {
			never = append(never, sp.DecisionWords(c))
		}
		never = append(never, r.Decision.Reason, sp.ReasonWords(r), sp.LightWords(r), sp.SufficiencyWords(r))
		if s := sp.GrowthSentence(r); s != "" {
			never = append(never, s)
		}
	}
	plan := record.CICOPlan{StudentID: cardStudent, Phases: []record.CICOPhase{{Phase: record.PhaseFaded, StartDate: "2025-03-01"}}}
	for _, tag := range []string{"en", "es", "fr"} {
		docs := map[string]string{
			"letter":      letterText(t, FamilyLetterDoc{Report: r, Student: "Ava Martinez", School: "Lincoln", Generated: "2025-03-18", FamilyLanguage: tag}),
			"daily card":  familyPDF(t, CICOCardDoc{Student: "Ava Martinez", Date: "2025-03-18", Cards: familyCards(), Plan: &plan, FamilyLanguage: tag}),
			"weekly card": familyPDF(t, CICOCardDoc{Student: "Ava Martinez", Date: "2025-03-18", Weekly: true, Cards: familyCards(), Plan: &plan, FamilyLanguage: tag}),
		}
		for what, text := range docs {
			low := strings.ToLower(text)
			for _, n := range never {
				if n != "" && strings.Contains(low, strings.ToLower(n)) {
					t.Errorf("%s (%s) holds the team's %q\n%s", what, tag, n, text)
				}
			}
		}
	}
}

// TestFamilyLetterOnePage: hostile input still gives one page: a very long
// name and school, thousands of points, a goal far away, no start date.
func TestFamilyLetterOnePage(t *testing.T) {
	r := longHistory(t)
	for _, tag := range []string{"es", "en"} {
		letterText(t, FamilyLetterDoc{Report: r, Student: longName + " " + longName, School: strings.Repeat("Escuela ", 40), Generated: "2025-03-18", FamilyLanguage: tag})
	}
	letterText(t, FamilyLetterDoc{Report: progress.Report{Goal: progress.GoalInfo{Measure: "district_code", GoalScore: 1e6}}, FamilyLanguage: "es"})
}

// TestCatalogComplete: every message has its Spanish, with the same
// placeholders, and every message id the code names is in the catalog.
func TestCatalogComplete(t *testing.T) {
	if p := Catalog().Problems(); len(p) > 0 {
		t.Fatalf("reportdoc/catalog is incomplete:\n%s", strings.Join(p, "\n"))
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`"((?:card|letter|chart|doc|family|report|meeting|cico)\.[a-z_.]*[a-z_])"`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range id.FindAllSubmatch(src, -1) {
			seen++
			if !Catalog().Has(string(m[1])) {
				t.Errorf("%s names message %q, which the catalog lacks", f, m[1])
			}
		}
	}
	if seen < 40 {
		t.Errorf("only %d message ids found in the code", seen)
	}
}

// TestWriteFamilyDocumentExamples writes the family letter (Spanish and
// English) and the Spanish weekly card into $SMALLWINS_EXAMPLES, from which
// docs/screenshots/family-*.png are made with pdftoppm; skipped unless set.
func TestWriteFamilyDocumentExamples(t *testing.T) {
	dir := os.Getenv("SMALLWINS_EXAMPLES")
	if dir == "" {
		t.Skip("set SMALLWINS_EXAMPLES=<dir> to write the example family documents")
	}
	plan := record.CICOPlan{StudentID: cardStudent, Phases: []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: "2025-03-19"}}}
	// A Spanish-speaking school's card names its expectations in Spanish.
	cards := familyCards()
	for i := range cards {
		cards[i].Expectations = []string{"Ser seguro", "Ser respetuoso", "Ser responsable"}
		cards[i].Periods = []string{"Mañana", "Tarde"}
	}
	docs := map[string]func(*bytes.Buffer) error{
		"family-letter-es.pdf": func(b *bytes.Buffer) error {
			return FamilyLetterPDF(b, FamilyLetterDoc{Report: letterReport(t), Student: "Ava Muñoz", School: "Escuela Primaria Lincoln", Generated: "2025-03-18", FamilyLanguage: "es-MX"})
		},
		"family-letter-en.pdf": func(b *bytes.Buffer) error {
			return FamilyLetterPDF(b, FamilyLetterDoc{Report: letterReport(t), Student: "Ava Martinez", School: "Lincoln Elementary", Generated: "2025-03-18", FamilyLanguage: "en"})
		},
		"family-card-es.pdf": func(b *bytes.Buffer) error {
			return CICOCardPDF(b, CICOCardDoc{Student: "Ava Muñoz", School: "Escuela Primaria Lincoln", Generated: "2025-03-21",
				Date: "2025-03-19", Weekly: true, Cards: cards, Plan: &plan, FamilyLanguage: "es"})
		},
	}
	for name, write := range docs {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkFamilyLetterPDF: one Spanish letter of DOMAIN.md §5.1, chart
// included (the chart's PNG at print resolution is most of the cost).
func BenchmarkFamilyLetterPDF(b *testing.B) {
	d := FamilyLetterDoc{Report: letterReport(b), Student: "Ava Muñoz", School: "Escuela Lincoln", Generated: "2025-03-18", FamilyLanguage: "es"}
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := FamilyLetterPDF(&buf, d); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1024, "KiB/letter")
}
