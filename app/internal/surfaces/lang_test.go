package surfaces

import (
	"regexp"
	"strings"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
)

// reading is how the test reads the surfaces in one language: the words a
// surface puts around the figures (headings, column heads, the sentences'
// fixed words) and the figures' decimal mark. The figures and sentences
// themselves are never taken from here: they are read off the surface and
// compared with the report JSON said through progress.In(lang) (ADR 0015,
// ADR 0032).
type reading struct {
	lang   i18n.Lang
	sp     progress.Speaker
	number string // a figure as the surfaces print it
	mark   string // the decimal mark
	near   []string

	caseloadHeads struct{ lastProbe, points, decision, delivery string }
	lastProbe     *regexp.Regexp // the caseload's "Last probe" cell: its score
	last3         string         // the caseload's light in words, before the status's words

	attendance, dose, fidelity *regexp.Regexp
	sessions                   []sessionsRE

	growth           *regexp.Regexp // see growthRE
	falling, growing []string       // the way words of a growth sentence: first word, then slopes'

	pageTerms [5]string // the student page's facts: OLS, Tukey, Delivery; the attendance's bracket; present level

	pdfDecision, pdfLight, pdfSessions, pdfGrowth, pdfPoint, pdfPresent *regexp.Regexp
	pdfHeads                                                            [5]string // Sufficiency, Numbers, Method, Data points, Delivery

	tabletHead     string    // after the measure's words on the goal's heading
	tabletDelivery [2]string // the delivery line's prefix, and what ends its attendance
	tabletPresent  *regexp.Regexp

	letterNow         *regexp.Regexp // the family letter's present level; nil: the letter is not read
	letterAttendanceH string         // the family letter's attendance heading

	// wrongTerms are words for the report's terms other than the ones the
	// language fixes (ADR 0032): one thing called two names on two
	// surfaces reads as two things.
	wrongTerms []*regexp.Regexp
}

var english = func() *reading {
	rd := &reading{lang: i18n.English, sp: progress.In(i18n.English), number: number, mark: ".",
		near: []string{"just under ", "just over "}, last3: "last 3 points: ",
		attendance: attendanceRE, dose: doseRE, fidelity: fidelityRE, sessions: sessionsREs,
		growth: growthRE, falling: []string{"Falling", "falling ", "a fall of "}, growing: []string{"growing ", "growth of "},
		pageTerms:   [5]string{"Trend (OLS)", "Trend (Tukey)", "Delivery", " (attendance ", "Present level"},
		pdfPresent:  regexp.MustCompile(`Present level: (` + number + `) \(`),
		pdfDecision: pdfDecisionRE, pdfLight: pdfLightRE, pdfSessions: pdfSessionsRE, pdfGrowth: pdfGrowthRE, pdfPoint: pdfPointRE,
		pdfHeads:   [5]string{"Sufficiency", "Numbers", "Method", "Data points", "Delivery"},
		tabletHead: ": from ", tabletDelivery: [2]string{"Delivery: ", ", dose "},
		tabletPresent: regexp.MustCompile(`(?:^|\n)Present level (` + number + `)[;.]`),
	}
	rd.caseloadHeads.lastProbe, rd.caseloadHeads.points, rd.caseloadHeads.decision, rd.caseloadHeads.delivery = "Last probe", "Points", "Decision", "Delivery"
	rd.lastProbe = regexp.MustCompile(`^(` + number + `) on \d{4}-\d{2}-\d{2}$`)
	return rd
}()

// esNumber is a figure with Spanish's decimal comma ("61,3"; ADR 0029).
const esNumber = `-?\d+(?:,\d+)?`

var spanish = func() *reading {
	pct := `(?:justo por (?:debajo|encima) del )?` + esNumber + `%`
	rd := &reading{lang: i18n.Spanish, sp: progress.In(i18n.Spanish), number: esNumber, mark: ",",
		near: []string{"justo por debajo del ", "justo por encima del "}, last3: "últimos 3 puntos: ",
		attendance: regexp.MustCompile(`(?i)asistencia (` + pct + `)`),
		dose:       regexp.MustCompile(`(?i)dosis (` + pct + `)`),
		fidelity:   regexp.MustCompile(`(?i)fidelidad:? (` + pct + `)`),
		sessions: []sessionsRE{
			{regexp.MustCompile(`^asistió a (\d+) de (\d+) sesiones planificadas$`), 1, 2},
			{regexp.MustCompile(`^asistió a (\d+) de (1) sesión planificada$`), 1, 2},
			{regexp.MustCompile(`^asistió a las (\d+) sesiones planificadas hasta ahora$`), 0, 1},
			{regexp.MustCompile(`^asistió a la única sesión planificada hasta ahora$`), -2, -2},
			{regexp.MustCompile(`^asistió a (\d+) sesi(?:ón|ones), más de las planificadas hasta ahora \((\d+)\)$`), 1, 2},
			{regexp.MustCompile(`^asistió a (\d+) sesi(?:ón|ones) hasta ahora, antes de que se planificara alguna$`), 1, -1},
		},
		growth: regexp.MustCompile(`^(Crece|Baja|No cambia)(?: (` + esNumber + `) [^;():]*? por semana)?` +
			`(?: \((crece |baja )?(` + esNumber + `) si los puntajes inusuales cuentan menos\))?` +
			`(?:; la meta necesita (un crecimiento de |una baja de )?(` + esNumber + `))?[.:]`),
		falling: []string{"Baja", "baja ", "una baja de "}, growing: []string{"crece ", "un crecimiento de "},
		pageTerms:   [5]string{"Tendencia (MCO)", "Tendencia (Tukey)", "Implementación", " (asistencia ", "Nivel actual"},
		pdfPresent:  regexp.MustCompile(`Nivel actual: (` + esNumber + `) \(`),
		pdfDecision: regexp.MustCompile(`^Decisión: (.+)$`),
		pdfLight:    regexp.MustCompile(`puntos? después de la línea de base en ` + esNumber + ` semanas?\. (.*)$`),
		pdfSessions: regexp.MustCompile(`^Sesiones: \d+ impartidas?; (.*) \(asistencia `),
		pdfGrowth:   regexp.MustCompile(`(?:Crece|Baja|No cambia)`),
		pdfPoint:    regexp.MustCompile(`^\d{4}-\d{2}-\d{2} (\d+) (` + esNumber + `)(?: ` + esNumber + `)? (?:por encima|por debajo|sobre la línea|-)$`),
		pdfHeads:    [5]string{"Suficiencia", "Cifras", "Método", "Datos", "Implementación"},
		tabletHead:  ": de ", tabletDelivery: [2]string{"Implementación: ", ", dosis "},
		tabletPresent:     regexp.MustCompile(`(?:^|\n)Nivel actual (` + esNumber + `)[;.]`),
		letterNow:         regexp.MustCompile(`y ahora está en (\S+?)\.(?: |$)`),
		letterAttendanceH: "Asistencia",
		wrongTerms: []*regexp.Regexp{
			regexp.MustCompile(`(?i)línea meta`), // aimline: "línea de meta"
			regexp.MustCompile(`(?i)sondeo`),     // probe: "prueba"
		},
	}
	rd.caseloadHeads.lastProbe, rd.caseloadHeads.points, rd.caseloadHeads.decision, rd.caseloadHeads.delivery = "Última prueba", "Puntos", "Decisión", "Implementación"
	rd.lastProbe = regexp.MustCompile(`^(` + esNumber + `) el \d{1,2} \pL+ \d{4}$`)
	return rd
}()

// letterFields are what the family letter shows of r: where the student
// is now (the present level, or the last score while there are fewer than
// 3 points) and attendance in the report's words, which the tablet says
// too. It has no decision, reason or slopes by design (DOMAIN.md §4.3).
func letterFields(r progress.Report) []string {
	f := []string{"LastScore"}
	if r.PresentLevel != nil {
		f = []string{"Present"}
	}
	if r.Delivery != nil && r.Delivery.AttendancePct != nil {
		f = append(f, "Attended", "Sessions")
	}
	return f
}

// letterAnswer reads the family letter (pdftotext, its lines joined): the
// growth sentence's "now" figure and the attendance sentence under its
// heading, "<given name> <AttendanceWords>."
func letterAnswer(t *testing.T, rd *reading, c *goalCase, text string) answer {
	t.Helper()
	var a answer
	flat := strings.Join(strings.Fields(text), " ")
	if m := rd.letterNow.FindStringSubmatch(flat); m != nil {
		a.Present = m[1]
		if c.report.PresentLevel == nil {
			a.LastScore, a.Present = m[1], ""
		}
	} else {
		t.Errorf("%s: the family letter says no present level:\n%s", c.name, text)
	}
	att := regexp.MustCompile(regexp.QuoteMeta(rd.letterAttendanceH+" "+c.given+" ") + `(.+?)\.(?: |$)`)
	if m := att.FindStringSubmatch(flat); m != nil {
		a.Attended = m[1]
		a.Sessions = rd.sessionsOf(a.Attended)
	}
	return a
}

// checkTerms fails on a surface that names one of the report's terms with
// another word than the language's (ADR 0032).
func checkTerms(t *testing.T, rd *reading, c *goalCase, texts map[string]string) {
	t.Helper()
	for surface, text := range texts {
		for _, re := range rd.wrongTerms {
			if m := re.FindString(text); m != "" {
				t.Errorf("%s in %s: %s says %q, not the term ADR 0032 fixes", c.name, rd.lang, surface, m)
			}
		}
	}
}
