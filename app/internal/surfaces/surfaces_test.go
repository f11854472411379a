package surfaces

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// answer is what a team reads about one goal, as a surface shows it: the
// decision and its reason in words, and the figures formatted for people
// (progress.Format*: one rounding everywhere). "" is "not shown": a goal
// without a plan has no delivery figures on any surface.
type answer struct {
	Decision   string
	Reason     string
	LastScore  string
	OLS, Tukey string
	Attendance string
	Dose       string
	Fidelity   string
}

// What each surface shows of the answer (the caseload has no room for the
// reason or the slopes; everything else shows everything).
var (
	allFields      = []string{"Decision", "Reason", "LastScore", "OLS", "Tukey", "Attendance", "Dose", "Fidelity"}
	caseloadFields = []string{"Decision", "LastScore", "Attendance", "Dose", "Fidelity"}
	agendaFields   = []string{"Decision", "Reason"}
)

// expected is the report JSON's answer, every figure through the one
// formatting rule.
func expected(r progress.Report) answer {
	a := answer{Decision: progress.DecisionWords(r.Decision.Code), Reason: r.Decision.Reason}
	if n := len(r.Points); n > 0 {
		a.LastScore = progress.FormatScore(r.Points[n-1].Score)
	}
	if t := r.Trend; t != nil {
		a.OLS = progress.FormatSlope(t.OLS.Slope)
		if t.Tukey != nil {
			a.Tukey = progress.FormatSlope(t.Tukey.Slope)
		}
	}
	if d := r.Delivery; d != nil {
		pct := func(p *float64) string {
			if p == nil {
				return ""
			}
			return progress.FormatPct(*p)
		}
		a.Attendance, a.Dose, a.Fidelity = pct(d.AttendancePct), pct(d.DosePct), pct(d.FidelityPct)
	}
	return a
}

// compare fails on every field of fields where the surface differs from
// the report.
func compare(t *testing.T, c *goalCase, surface string, want, got answer, fields []string) {
	t.Helper()
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	for _, f := range fields {
		if wv, gv := w.FieldByName(f).String(), g.FieldByName(f).String(); wv != gv {
			t.Errorf("%s (%s %s): %s: the report JSON says %q, %s shows %q", c.name, c.given, c.family, f, wv, surface, gv)
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
func TestOneAnswerOnEverySurface(t *testing.T) {
	sc := startSchool(t)
	reports := sc.reports(t)
	con := sc.console(t, "ana")
	caseload := con.get(t, "/?as_of="+asOf)
	rows := caseloadRows(t, caseload)
	agenda := agendaCards(con.get(t, "/meeting?as_of="+asOf))
	tab := openTablet(t, sc, "ana")
	for _, c := range sc.cases {
		rep := reports[c.goalID]
		want := expected(rep)
		// Every goal has a last score and both slopes, and a goal with a
		// plan its three delivery figures: no comparison below is of two
		// blanks where a figure was meant.
		if want.LastScore == "" || want.OLS == "" || want.Tukey == "" || c.withPlan && (want.Attendance == "" || want.Dose == "" || want.Fidelity == "") {
			t.Fatalf("%s: the report lacks a figure the test reads: %+v", c.name, want)
		}
		checkCaseloadRow(t, c, rep, want, rows)
		checkAgendaCard(t, c, rep, want, agenda)

		page := con.get(t, "/students/"+c.studentID+"?as_of="+asOf)
		sp := studentPage(t, page, c.goalID)
		sp.checkHooks(t, c, rep)
		compare(t, c, "the console's student page", want, sp.answer, allFields)

		screen := studentScreen(t, tab, c)
		compare(t, c, "the tablet's student screen", want, tabletAnswer(t, c, screen), allFields)

		pdf := sc.pdf(t, "/v1/reports/progress.pdf?goal="+c.goalID+"&as_of="+asOf)
		compare(t, c, "the progress PDF", want, pdfAnswer(t, c, pdf), allFields)
		consolePDF := con.pdfText(t, "/students/"+c.studentID+"/goals/"+c.goalID+"/report.pdf?as_of="+asOf)
		compare(t, c, "the console's progress PDF", want, pdfAnswer(t, c, consolePDF), allFields)

		if c.hiddenID != "" {
			hidden := progress.FormatScore(hiddenScore)
			for surface, text := range map[string]string{"the caseload": caseload, "the student page": page,
				"the tablet's student screen": strings.Join(screen, "\n"), "the PDF": pdf, "the console's PDF": consolePDF} {
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
func checkCaseloadRow(t *testing.T, c *goalCase, rep progress.Report, want answer, rows map[string]caseloadRow) {
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
	compare(t, c, "the caseload row", want, row.answer, caseloadFields)
}

// checkAgendaCard compares the goal's meeting card. Every goal whose data
// call for a change is on the agenda (the others are too, with no decision
// recorded yet: their review is due).
func checkAgendaCard(t *testing.T, c *goalCase, rep progress.Report, want answer, agenda map[string]agendaCard) {
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
	compare(t, c, "the meeting agenda", want, card.answer, agendaFields)
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
