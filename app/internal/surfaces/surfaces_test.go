package surfaces

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// answer is what a team reads about one goal, as a surface shows it: the
// decision and its reason in words, the figures formatted for people
// (progress.Format*: one rounding everywhere), and the sentences a surface
// words for the room (progress.ReasonWords, LightWords, GrowthSentence,
// AttendanceWords, DeliveryShort). "" is "not shown": a goal without a
// plan has no delivery figures on any surface. A sentence is compared
// whole with the shared function applied to the report JSON, and the
// figures read out of it are compared too (ADR 0015): a sentence computed
// from other data, or a formatter gone wrong, fails either way.
type answer struct {
	Decision   string
	Reason     string
	Light      string // the traffic light in words
	Growth     string // the trend in words (GrowthSentence)
	LastScore  string
	Present    string // the present level (the median of the last 3 points)
	OLS, Tukey string
	Need       string // the aimline's growth a week, as the growth sentence says it
	Attended   string // attendance in whole sessions (AttendanceWords)
	Sessions   string // "attended of planned", read out of Attended: "30/33"
	Attendance string
	Dose       string
	Fidelity   string
	Delivery   string // the caseload's one line (DeliveryShort)
}

// What each surface shows of the answer. The caseload has no room for the
// reason or the slopes; the team's documents (the console's student page,
// the PDFs) keep the report's reason and two-decimal percentages; the
// tablet words the reason, the light, the trend and attendance for the
// room (ADR 0651), and where the trend rule decides, its reason is the
// growth sentence (with the OLS slope and the aimline's, not Tukey's).
var (
	pageFields     = []string{"Decision", "Reason", "LastScore", "Present", "OLS", "Tukey", "Attended", "Sessions", "Attendance", "Dose", "Fidelity"}
	pdfFields      = []string{"Decision", "Reason", "Light", "Growth", "LastScore", "Present", "OLS", "Tukey", "Need", "Attended", "Sessions", "Attendance", "Dose", "Fidelity"}
	caseloadFields = []string{"Decision", "Light", "LastScore", "Attendance", "Dose", "Fidelity", "Delivery"}
	agendaFields   = []string{"Decision", "Reason"}
)

// tabletFields are the fields of the tablet's student screen for r.
func tabletFields(r progress.Report) []string {
	f := []string{"Decision", "Reason", "Light", "LastScore", "OLS", "Need", "Attended", "Sessions", "Dose", "Fidelity"}
	if r.PresentLevel != nil {
		f = append(f, "Present")
	}
	if r.Decision.Rule != progress.RuleTrend {
		f = append(f, "Growth", "Tukey")
	}
	return f
}

// expected is the report JSON's answer in rd's language, every figure
// through the one formatting rule (with the language's decimal mark),
// every sentence through its one shared function (progress.In). The
// figures are as the team's documents show them; roomAnswer and
// caseloadAnswer turn them into the room's and the caseload's. The
// documents' reason is the report's own in English and the room's wording
// in Spanish, which the shared catalogs translate (ADR 0036).
func expected(rd *reading, r progress.Report) answer {
	sp := rd.sp
	a := answer{Decision: sp.DecisionWords(r.Decision.Code), Reason: r.Decision.Reason,
		Light: sp.LightWords(r), Growth: sp.GrowthSentence(r)}
	if rd.lang != i18n.English {
		a.Reason = sp.ReasonWords(r)
	}
	if n := len(r.Points); n > 0 {
		a.LastScore = sp.FormatScore(r.Points[n-1].Score)
	}
	if r.PresentLevel != nil {
		a.Present = sp.FormatScore(*r.PresentLevel)
	}
	if t := r.Trend; t != nil {
		a.OLS = sp.FormatSlope(t.OLS.Slope)
		if t.Tukey != nil {
			a.Tukey = sp.FormatSlope(t.Tukey.Slope)
		}
	}
	if r.Aimline != nil {
		a.Need = sp.FormatSlope(r.Aimline.SlopePerWeek)
	}
	if d := r.Delivery; d != nil {
		pct := func(p *float64) string {
			if p == nil {
				return ""
			}
			return sp.FormatPct(*p)
		}
		a.Attendance, a.Dose, a.Fidelity = pct(d.AttendancePct), pct(d.DosePct), pct(d.FidelityPct)
		if d.AttendancePct != nil {
			a.Attended = sp.AttendanceWords(d)
			a.Sessions = fmt.Sprintf("%d/%d", d.SessionsAttended, int(math.Round(d.PlannedSessions)))
		}
	}
	a.Delivery = sp.DeliveryShort(r.Delivery) // "no plan" without one
	return a
}

// roomAnswer is the report JSON's answer as the tablet words it: the
// reason in room words, whole delivery percentages (never rounded onto the
// delivery gate's limit, FormatDeliveryPct).
func roomAnswer(rd *reading, r progress.Report) answer {
	a := expected(rd, r)
	a.Reason = rd.sp.ReasonWords(r)
	if d := r.Delivery; d != nil {
		whole := func(p *float64) string {
			if p == nil {
				return ""
			}
			return rd.sp.FormatDeliveryPct(*p)
		}
		a.Attendance, a.Dose, a.Fidelity = "", whole(d.DosePct), whole(d.FidelityPct)
	}
	return a
}

// caseloadAnswer is the report JSON's answer as the caseload row shows it:
// the light as "last 3 points: <the status's first words>" and the
// delivery's whole percentages as the tablet's (DeliveryShort, through
// FormatDeliveryPct).
func caseloadAnswer(rd *reading, r progress.Report) answer {
	a := expected(rd, r)
	w, _, _ := strings.Cut(rd.sp.StatusWords(r.Status), ":")
	a.Light = rd.last3 + strings.ToLower(w)
	if d := r.Delivery; d != nil {
		whole := func(p *float64) string {
			if p == nil {
				return ""
			}
			return rd.sp.FormatDeliveryPct(*p)
		}
		a.Attendance, a.Dose, a.Fidelity = whole(d.AttendancePct), whole(d.DosePct), whole(d.FidelityPct)
		if d.AttendancePct != nil && *d.AttendancePct > 100 {
			a.Attendance = "" // "attendance above plan": the figure is not shown
		}
	}
	return a
}

// compare fails on every field of fields where the surface differs from
// the report.
func compare(t *testing.T, rd *reading, c *goalCase, surface string, want, got answer, fields []string) {
	t.Helper()
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	for _, f := range fields {
		if wv, gv := w.FieldByName(f).String(), g.FieldByName(f).String(); wv != gv {
			t.Errorf("%s (%s %s) in %s: %s: the report JSON says %q, %s shows %q", c.name, c.given, c.family, rd.lang, f, wv, surface, gv)
		}
	}
	checkFigures(t, rd, c, surface, got)
}

// checkFigures: every figure a surface shows is the report JSON's value to
// the precision shown (within half its last digit). The string comparisons
// catch a surface that rounds its own way; this catches a shared formatter
// that prints a wrong number on every surface at once.
func checkFigures(t *testing.T, rd *reading, c *goalCase, surface string, got answer) {
	t.Helper()
	r := c.report
	figs := map[string]*float64{}
	if n := len(r.Points); n > 0 {
		figs["LastScore"] = &r.Points[n-1].Score
	}
	figs["Present"] = r.PresentLevel
	if r.Trend != nil {
		figs["OLS"] = &r.Trend.OLS.Slope
		if r.Trend.Tukey != nil {
			figs["Tukey"] = &r.Trend.Tukey.Slope
		}
	}
	if r.Aimline != nil {
		figs["Need"] = &r.Aimline.SlopePerWeek
	}
	if d := r.Delivery; d != nil {
		figs["Attendance"], figs["Dose"], figs["Fidelity"] = d.AttendancePct, d.DosePct, d.FidelityPct
	}
	g := reflect.ValueOf(got)
	for f, v := range figs {
		shown := strings.TrimSuffix(g.FieldByName(f).String(), "%")
		// "just under 80%" is a figure within 0.005 of 80: read as 80, it
		// is within half of the last digit.
		for _, p := range rd.near {
			shown = strings.TrimPrefix(shown, p)
		}
		if shown == "" || v == nil {
			continue
		}
		// A figure in the language's decimal mark only: "61.3" on a
		// Spanish surface is a figure that skipped progress.In's Number.
		if rd.mark != "." {
			if strings.Contains(shown, ".") {
				t.Errorf("%s (%s %s) in %s: %s: %s shows %q, with a decimal point, not %q", c.name, c.given, c.family, rd.lang, f, surface, shown, rd.mark)
				continue
			}
			shown = strings.Replace(shown, rd.mark, ".", 1)
		}
		x, err := strconv.ParseFloat(shown, 64)
		digits := 0
		if _, frac, ok := strings.Cut(shown, "."); ok {
			digits = len(frac)
		}
		if err != nil || math.Abs(x-*v) > 0.5*math.Pow(10, -float64(digits))+1e-9 {
			t.Errorf("%s (%s %s) in %s: %s: %s shows %q, the report JSON's value is %v", c.name, c.given, c.family, rd.lang, f, surface, shown, *v)
		}
	}
}

// TestOneAnswerOnEverySurface: a school with a goal in every decision
// state (and one with a restricted probe) on the real server; for each
// goal, the report JSON, the console's caseload row, meeting agenda card
// and student page, the tablet's student screen and both progress PDFs
// (the API's and the console's) say the same decision and reason and show
// the same last score, slopes and delivery figures, formatted the one way
// (ADR 0015). The restricted probe appears on none of them, and is not
// counted.
func TestOneAnswerOnEverySurface(t *testing.T) { oneAnswerOnEverySurface(t, english) }

// TestOneAnswerOnEverySurfaceInSpanish is the same school read in Spanish:
// the tablet with Spanish chosen, the console with Accept-Language es, the
// console's progress PDF in the request's language and the family letter
// in the student's family_language (es). Each says the report JSON's
// answer as progress.In(Spanish) words it: the decision, the reason and
// the light in Spanish words, the figures with the decimal comma. The
// API's PDF is not read: the API does not translate (ADR 0029).
func TestOneAnswerOnEverySurfaceInSpanish(t *testing.T) { oneAnswerOnEverySurface(t, spanish) }

// oneAnswerOnEverySurface reads every surface in rd's language and
// compares it with the report JSON.
func oneAnswerOnEverySurface(t *testing.T, rd *reading) {
	sc := startSchool(t)
	reports := sc.reports(t)
	con := sc.console(t, "ana")
	con.lang = rd.lang.String()
	caseload := con.get(t, "/?as_of="+asOf)
	rows := caseloadRows(t, rd, caseload)
	agenda := agendaCards(con.get(t, "/meeting?as_of="+asOf))
	tab := openTablet(t, sc, "ana", rd.lang)
	for _, c := range sc.cases {
		rep := reports[c.goalID]
		c.report = rep
		want := expected(rd, rep)
		// Every goal has a last score and both slopes, and a goal with a
		// plan its three delivery figures: no comparison below is of two
		// blanks where a figure was meant.
		if want.LastScore == "" || want.OLS == "" || want.Tukey == "" || c.withPlan && (want.Attendance == "" || want.Dose == "" || want.Fidelity == "") {
			t.Fatalf("%s: the report lacks a figure the test reads: %+v", c.name, want)
		}
		checkCaseloadRow(t, rd, c, rep, caseloadAnswer(rd, rep), rows)
		checkAgendaCard(t, rd, c, rep, want, agenda)

		page := con.get(t, "/students/"+c.studentID+"?as_of="+asOf)
		sp := studentPage(t, rd, page, c.goalID)
		sp.checkHooks(t, c, rep)
		compare(t, rd, c, "the console's student page", want, sp.answer, pageFields)

		screen := studentScreen(t, tab, c)
		room := roomAnswer(rd, rep)
		compare(t, rd, c, "the tablet's student screen", room, tabletAnswer(t, rd, c, screen), tabletFields(rep))

		texts := map[string]string{"the caseload": caseload, "the student page": page, "the tablet's student screen": strings.Join(screen, "\n")}
		if rd.lang == i18n.English {
			pdf := sc.pdf(t, "/v1/reports/progress.pdf?goal="+c.goalID+"&as_of="+asOf)
			compare(t, rd, c, "the progress PDF", want, pdfAnswer(t, rd, c, pdf), pdfFields)
			texts["the PDF"] = pdf
		}
		consolePDF := con.pdfText(t, "/students/"+c.studentID+"/goals/"+c.goalID+"/report.pdf?as_of="+asOf)
		compare(t, rd, c, "the console's progress PDF", want, pdfAnswer(t, rd, c, consolePDF), pdfFields)
		texts["the console's PDF"] = consolePDF

		if rd.letterNow != nil {
			letter := sc.pdf(t, "/v1/reports/family-letter.pdf?goal="+c.goalID+"&as_of="+asOf)
			compare(t, rd, c, "the family letter", room, letterAnswer(t, rd, c, letter), letterFields(rep))
			texts["the family letter"] = letter
		}

		if len(rd.wrongTerms) > 0 {
			texts["the console's chart"] = con.get(t, "/students/"+c.studentID+"/goals/"+c.goalID+"/chart.svg?as_of="+asOf)
			checkTerms(t, rd, c, texts)
		}

		if c.hiddenID != "" {
			hidden := rd.sp.FormatScore(hiddenScore)
			for surface, text := range texts {
				if strings.Contains(text, hidden) || strings.Contains(text, c.hiddenID) {
					t.Errorf("%s: %s shows the restricted probe (%s)", c.name, surface, hidden)
				}
			}
			if e, err := tab.Store.Get(c.hiddenID); err == nil && !e.Deleted {
				t.Errorf("%s: Ana's tablet holds the restricted probe", c.name)
			}
		}
	}
}

// reports are the report JSON of every goal as Ana's tablet gets it. The
// fixture must give each goal the decision it was made for, and cover
// every code of DOMAIN §4: otherwise the test would prove less than it says.
func (sc *school) reports(t *testing.T) map[string]progress.Report {
	t.Helper()
	reports := map[string]progress.Report{}
	seen := map[string]bool{}
	for _, c := range sc.cases {
		r, raw := sc.report(t, sc.anaToken, c.goalID)
		if r.Decision.Code != c.want {
			t.Fatalf("%s: the fixture gives %q (%s), not %q: the test would not cover every state", c.name, r.Decision.Code, r.Decision.Reason, c.want)
		}
		seen[r.Decision.Code] = true
		reports[c.goalID] = r
		if c.hiddenID != "" {
			sc.checkHiddenInReport(t, c, r, raw)
		}
	}
	for _, code := range record.DecisionCodes {
		if !seen[code] {
			t.Fatalf("no goal of the fixture is %q", code)
		}
	}
	for _, c := range sc.cases {
		if suff := reports[c.goalID].Sufficiency; c.given == "Greta" && suff != progress.GoalMet ||
			c.given == "Gus" && suff == progress.GoalMet || c.given == "Nell" && suff != progress.NotEnoughData {
			t.Fatalf("%s: sufficiency %q", c.name, suff)
		}
	}
	return reports
}

// checkCaseloadRow compares the goal's caseload row, hooks and cells.
func checkCaseloadRow(t *testing.T, rd *reading, c *goalCase, rep progress.Report, want answer, rows map[string]caseloadRow) {
	t.Helper()
	row, ok := rows[c.goalID]
	if !ok {
		t.Errorf("%s: no caseload row", c.name)
		return
	}
	if row.decision != rep.Decision.Code || row.status != rep.Status {
		t.Errorf("%s: caseload hooks decision %q status %q, the report %q %q", c.name, row.decision, row.status, rep.Decision.Code, rep.Status)
	}
	if row.points != fmt.Sprint(rep.PointsAfterBaseline) {
		t.Errorf("%s: caseload points %q, the report %d", c.name, row.points, rep.PointsAfterBaseline)
	}
	compare(t, rd, c, "the caseload row", want, row.answer, caseloadFields)
}

// checkAgendaCard compares the goal's meeting card. Every goal whose data
// call for a change is on the agenda (the others are too, with no decision
// recorded yet: their review is due).
func checkAgendaCard(t *testing.T, rd *reading, c *goalCase, rep progress.Report, want answer, agenda map[string]agendaCard) {
	t.Helper()
	card, ok := agenda[c.goalID]
	if !ok {
		if rep.Decision.Code != record.DecisionContinue {
			t.Errorf("%s: not on the meeting agenda", c.name)
		}
		return
	}
	if card.code != rep.Decision.Code {
		t.Errorf("%s: agenda hook decision %q, the report %q", c.name, card.code, rep.Decision.Code)
	}
	compare(t, rd, c, "the meeting agenda", want, card.answer, agendaFields)
	// A card on the agenda for a decision of the data's names it as every
	// surface does; review_goal's tag says why instead ("goal date passed").
	if slices.Contains(record.DecisionCodes, card.why) && card.why != record.DecisionReviewGoal {
		if w := rd.sp.DecisionWords(card.why); card.tag != w {
			t.Errorf("%s in %s: the meeting agenda's tag for %q says %q, every other surface %q", c.name, rd.lang, card.why, card.tag, w)
		}
	}
}

// checkHiddenInReport: the restricted probe is in no report, Ana's (who
// may not see it) nor the admin's (who may): reports leave restricted
// records out whoever reads (DOMAIN.md §2, ADR 0021).
func (sc *school) checkHiddenInReport(t *testing.T, c *goalCase, r progress.Report, raw []byte) {
	t.Helper()
	admin, _ := sc.report(t, sc.bossTok, c.goalID)
	for who, rep := range map[string]progress.Report{"Ana's": r, "the admin's": admin} {
		for _, p := range rep.Points {
			if p.Score == hiddenScore || p.Date == asOf {
				t.Errorf("%s: %s report counts the restricted probe: %+v", c.name, who, p)
			}
		}
		if rep.PointsAfterBaseline != 9 || rep.Decision.Code != c.want {
			t.Errorf("%s: %s report has %d points and decides %q", c.name, who, rep.PointsAfterBaseline, rep.Decision.Code)
		}
	}
	if strings.Contains(string(raw), c.hiddenID) {
		t.Errorf("%s: the report JSON names the restricted probe", c.name)
	}
}
