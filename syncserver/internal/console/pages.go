package console

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/labstack/echo/v4"

	"smallwins/reportdoc"
	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// asOf is the server's date (as /v1/reports/progress defaults to), or the
// as_of query parameter when a page is asked for another day.
func (c *Console) asOf(ec echo.Context) (progress.Date, error) {
	if v := ec.QueryParam("as_of"); v != "" {
		d, err := progress.ParseDate(v)
		if err != nil {
			return 0, newErr(http.StatusBadRequest, "error.as_of")
		}
		return d, nil
	}
	d, _ := progress.ParseDate(c.now().UTC().Format("2006-01-02"))
	return d, nil
}

// row is one caseload line (CONSOLE.md §3), every cell already in words:
// the template only copies strings, so 2,000 rows cost no reflection
// beyond one flat struct each (ADR 0012). Decision and Status are the
// report's codes, for the data-* hooks (CONSOLE.md §4); the unexported
// fields are what the caseload sorts, filters and exports by (ADR 0018).
type row struct {
	ID, StudentID, GroupID, InterventionID string
	GroupHref                              string // "" when the viewer may not open the group's page
	Decision, Status                       string
	Student, Grade, Group, Interventionist string
	Measure, LastProbe, StatusText         string
	DecisionText, Reason                   string
	NextReview                             string
	Points                                 int
	ReviewDue, Overdue                     bool
	// MeasureCode and ProgramID are the measure and program filters'
	// values; Program the program's name ("—" without one).
	MeasureCode, ProgramID, Program string
	// LastDate and LastScore are the last probe's ("" when none yet),
	// DeliveryShort the delivery in one short line (progress.DeliveryShort).
	LastDate, LastScore, DeliveryShort string
	delivery                           *progress.Delivery
	lastScore                          float64
}

func (c *Console) rows(sc *scope, gvs []goalView) []row {
	out := make([]row, 0, len(gvs))
	l := sc.l
	sp := progress.In(l)
	// The words every row repeats, looked up once: a catalog lookup per
	// row would cost 2,000 of them a page.
	noneYet, on, date := tr(l, "probe.none_yet"), tr(l, "caseload.on"), dateMemo(l)
	for _, gv := range gvs {
		rep := &gv.Report
		r := row{ID: gv.ID, StudentID: gv.StudentID, GroupID: gv.GroupID, Decision: rep.Decision.Code, Status: rep.Status,
			Student: gv.Student.DisplayName(), Grade: gv.Student.Grade, Group: "—", Interventionist: "—",
			Measure: measureName(l, rep.Goal.Measure), LastProbe: noneYet, StatusText: sp.StatusWords(rep.Status),
			DecisionText: decisionText(l, rep.Decision.Code), Reason: reasonText(l, *rep),
			Points: rep.PointsAfterBaseline, ReviewDue: gv.ReviewDue, Overdue: rep.OverdueProbe,
			MeasureCode: rep.Goal.Measure, ProgramID: gv.ProgramID, Program: gv.Program.Name,
			DeliveryShort: sp.DeliveryShort(rep.Delivery), delivery: rep.Delivery}
		if g, ok := sc.groups[gv.GroupID]; ok {
			r.Group, r.InterventionID, r.Interventionist = g.Name, g.InterventionistID, sc.userName(g.InterventionistID)
			if canSeeGroup(sc, g) {
				r.GroupHref = "/groups/" + gv.GroupID
			}
			if r.ProgramID == "" {
				// No plan: the program of the goal's group, as its group is.
				r.ProgramID = g.ProgramID
			}
		}
		if n := len(rep.Points); n > 0 {
			p := rep.Points[n-1]
			r.LastDate, r.LastScore, r.lastScore = p.Date, sp.Number(progress.FormatScore(p.Score)), p.Score
			r.LastProbe = r.LastScore + " " + on + " " + date(p.Date)
		}
		if len(gv.Decisions) > 0 && gv.Decisions[0].NextReviewDate != "" {
			r.NextReview = gv.Decisions[0].NextReviewDate
		}
		out = append(out, r)
	}
	return out
}

func gradeRank(g string) int {
	switch g {
	case "PK":
		return -1
	case "K":
		return 0
	}
	var n int
	if _, err := fmt.Sscanf(g, "%d", &n); err == nil {
		return n
	}
	return 99
}

// caseloadRows is what the caseload and the meeting agenda both start from:
// the date, the signed-in person's scope and a row per goal they may see.
func (c *Console) caseloadRows(ec echo.Context) (progress.Date, *scope, []row, error) {
	ctx := ec.Request().Context()
	asOf, err := c.asOf(ec)
	if err != nil {
		return 0, nil, nil, err
	}
	sc, err := c.loadScope(ctx, sessionOf(ec).p)
	if err != nil {
		return 0, nil, nil, err
	}
	gvs, err := c.caseloadGoals(ctx, sc, asOf)
	if err != nil {
		return 0, nil, nil, err
	}
	rs := c.rows(sc, gvs)
	if err := c.programNames(ctx, sc, rs); err != nil {
		return 0, nil, nil, err
	}
	return asOf, sc, rs, nil
}

// studentInScope reads the route's student: 404 unless the user may see
// them (another school's id, a deleted student and a student outside an
// interventionist's groups all look the same).
func studentInScope(ec echo.Context, sc *scope) (string, record.Student, error) {
	id := ec.Param("id")
	s, ok := sc.students[id]
	if !record.IsID(id) || !ok {
		return "", record.Student{}, errNotFound
	}
	return id, s, nil
}

// studentGoal computes the route's goal of the route's student.
func (c *Console) studentGoal(ec echo.Context) (*scope, goalView, error) {
	ctx := ec.Request().Context()
	asOf, err := c.asOf(ec)
	if err != nil {
		return nil, goalView{}, err
	}
	sc, err := c.loadScope(ctx, sessionOf(ec).p)
	if err != nil {
		return nil, goalView{}, err
	}
	sid, _, err := studentInScope(ec, sc)
	if err != nil {
		return nil, goalView{}, err
	}
	gid := ec.Param("goal")
	if !record.IsID(gid) {
		return nil, goalView{}, errNotFound
	}
	gv, err := c.goalReport(ctx, sc, gid, asOf)
	if errors.Is(err, progress.ErrGoalNotFound) || err == nil && gv.StudentID != sid {
		return nil, goalView{}, errNotFound
	}
	return sc, gv, err
}

// noteView is a note as the student page shows it.
type noteView struct {
	Date, Author, Category, Body string
	Restricted                   bool
	hlc                          string // the version's, whose node is the tablet that wrote it
}

func (c *Console) handleStudent(ec echo.Context) error {
	if _, err := c.asOf(ec); err != nil {
		return err // a bad as_of is a 400 before anything is read
	}
	sc, err := c.loadScope(ec.Request().Context(), sessionOf(ec).p)
	if err != nil {
		return err
	}
	sid, _, err := studentInScope(ec, sc)
	if err != nil {
		return err
	}
	return c.renderStudent(ec, sc, sid, nil)
}

// renderStudent renders a student's page; notice is what an edit of a
// probe says, with its undo (nil otherwise).
func (c *Console) renderStudent(ec echo.Context, sc *scope, sid string, notice *probeNotice) error {
	ctx := ec.Request().Context()
	asOf, err := c.asOf(ec)
	if err != nil {
		return err
	}
	st := sc.students[sid]
	refs, err := c.st.RecordsByRef(ctx, sc.p.School.ID, sc.v, sid, record.TypeGoal, record.TypeNote)
	if err != nil {
		return err
	}
	var goalIDs []string
	var notes []noteView
	var shown []record.Envelope // the notes on the page, for the audit
	for _, e := range refs {
		switch e.Type {
		case record.TypeGoal:
			goalIDs = append(goalIDs, e.ID)
		case record.TypeNote:
			// The store already left out what this viewer may not see
			// (Viewer.CanSee: a restricted note is for its author and admins).
			var n record.Note
			if record.DecodeData(e.Data, &n) == nil {
				shown = append(shown, e)
				notes = append(notes, noteView{Date: noteDate(e.HLC), Author: n.AuthorID, hlc: e.HLC, Category: n.Category, Body: n.Body, Restricted: e.Restricted})
			}
		}
	}
	// Restricted notes on this page are audited before it is sent (ADR 0021).
	if err := c.auditShown(ec, shown); err != nil {
		return err
	}
	if err := c.noteAuthors(ctx, sc, notes); err != nil {
		return err
	}
	sort.Slice(notes, func(i, j int) bool { return notes[i].Date > notes[j].Date })
	gvs, err := c.goalReports(ctx, sc, goalIDs, asOf)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil { // the client is gone: no page to render
		return err
	}
	sort.Slice(gvs, func(i, j int) bool {
		return gvs[i].Goal.StartDate > gvs[j].Goal.StartDate || gvs[i].Goal.StartDate == gvs[j].Goal.StartDate && gvs[i].ID < gvs[j].ID
	})
	type goalPage struct {
		goalView
		Steps     []string
		Group     string
		GroupHref string
		// Slopes in words: the aimline's, and the two trends beside it.
		AimText, OLSText, TukeyText string
		AsOfQ                       string
		Decision                    []decisionLine
		// The chart's two sizes and the narrow one's query (ADR 0019).
		ChartWide, ChartNarrow reportdoc.ChartSize
		NarrowQ                string
		// Observed fidelity beside the self-reported one, the growth
		// sentence with its norm source, and the goal form (ADR 0031).
		Observed           observedView
		Growth, NormSource string
		EditHref           string
	}
	norms, err := c.normTables(ctx, sc, gvs)
	if err != nil {
		return err
	}
	var goals []goalPage
	for _, gv := range gvs {
		l := sc.l
		few := tr(l, "student.too_few_points")
		gp := goalPage{goalView: gv, Group: "—", AimText: "—", OLSText: few, TukeyText: few}
		m := gv.Report.Goal.Measure
		if a := gv.Report.Aimline; a != nil {
			gp.AimText = slopeText(l, a.SlopePerWeek, m)
		}
		if t := gv.Report.Trend; t != nil {
			gp.OLSText = slopeText(l, t.OLS.Slope, m) + vsAim(l, t.OLS.Slope, gv.Report.Aimline)
			gp.TukeyText = "—"
			if t.Tukey != nil {
				gp.TukeyText = slopeText(l, t.Tukey.Slope, m) + vsAim(l, t.Tukey.Slope, gv.Report.Aimline)
			}
		}
		if g, ok := sc.groups[gv.GroupID]; ok {
			gp.Group, gp.GroupHref = g.Name, groupHref(sc, gv.GroupID)
		}
		if d := gv.Report.Delivery; d != nil {
			for i, s := range d.PerStep {
				gp.Steps = append(gp.Steps, stepText(l, i, s, gv.Program))
			}
		}
		for _, d := range gv.Decisions {
			gp.Decision = append(gp.Decision, decisionLine{Date: showDate(l, d.Date), Code: decisionText(l, d.Code), Rationale: d.Rationale,
				NextReview: showDate(l, d.NextReviewDate), Owner: sc.userName(d.OwnerID)})
		}
		gp.AsOfQ = asOfQuery(ec)
		gp.ChartWide, gp.ChartNarrow, gp.NarrowQ = reportdoc.ConsoleChartWide, reportdoc.ConsoleChartNarrow, withQuery(gp.AsOfQ, "size=narrow")
		if d := gv.Report.Delivery; d != nil {
			gp.Observed = observedHooks(l, d.FidelityPct, d.Observations)
		}
		gp.NormSource = progress.NormSourceOf(norms, st.Grade, gv.Report, gv.Calendar)
		gp.Growth = progress.In(l).GrowthVsTypicalSentence(gv.Report, gp.NormSource)
		gp.EditHref = "/students/" + sid + "/goals/" + gv.ID + "/edit"
		goals = append(goals, gp)
	}
	probes, shownProbes, err := c.studentProbes(ec, sc, sid)
	if err != nil {
		return err
	}
	// Restricted probes in the table (an admin sees them) are restricted
	// content shown too (ADR 0021).
	if err := c.auditShown(ec, shownProbes); err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, "student", map[string]any{"Title": st.DisplayName(), "Nav": "", "StudentID": sid, "Student": st,
		"Group": groupName(sc, sc.groupOf[sid]), "GroupHref": groupHref(sc, sc.groupOf[sid]), "Goals": goals, "Notes": notes, "AsOf": asOf.String(),
		"Probes": probes, "Plans": planBlocks(sc, gvs), "CanEdit": sc.p.User.IsAdmin(), "Notice": notice, "Undone": ec.QueryParam("undone") == "1", "AsOfQ": asOfQuery(ec)})
}

type decisionLine struct{ Date, Code, Rationale, NextReview, Owner string }

// asOfQuery is "?as_of=…" when the page was asked for a day, so links
// and forms keep it.
func asOfQuery(ec echo.Context) string {
	if q := ec.QueryParam("as_of"); q != "" {
		return "?as_of=" + url.QueryEscape(q)
	}
	return ""
}

// withQuery adds a parameter to a query string that is "" or "?…".
func withQuery(q, param string) string {
	if q == "" {
		return "?" + param
	}
	return q + "&" + param
}

// groupHref is the group's page, or "" when the viewer may not open it.
func groupHref(sc *scope, id string) string {
	if g, ok := sc.groups[id]; ok && canSeeGroup(sc, g) {
		return "/groups/" + id
	}
	return ""
}

func groupName(sc *scope, id string) string {
	if g, ok := sc.groups[id]; ok {
		return g.Name
	}
	return "—"
}

// noteDate is the day a note was last written, from its HLC's wall clock
// (notes carry no date field of their own).
func noteDate(h string) string {
	ts, err := hlcParse(h)
	if err != nil {
		return ""
	}
	return ts
}

// chartOf is a goal's chart as every console surface draws it.
func chartOf(l i18n.Lang, gv goalView) reportdoc.Chart {
	return reportdoc.Chart{Report: gv.Report, Phases: gv.Phases, Calendar: gv.Calendar, Lang: l}
}

// handleChart is a goal's chart as SVG (CONSOLE.md §3), wide for a desktop
// page or, with size=narrow, drawn for a phone's width (ADR 0019).
func (c *Console) handleChart(ec echo.Context) error {
	_, gv, err := c.studentGoal(ec)
	if err != nil {
		return err
	}
	size := reportdoc.ConsoleChartWide
	switch ec.QueryParam("size") {
	case "", "wide":
	case "narrow":
		size = reportdoc.ConsoleChartNarrow
	default:
		return newErr(http.StatusBadRequest, "error.chart_size")
	}
	if err := ec.Request().Context().Err(); err != nil { // no chart for a client that is gone
		return err
	}
	svg, err := reportdoc.ProgressChartSVG(chartOf(langOf(ec), gv), size.W, size.H)
	if err != nil {
		return err
	}
	// The SVG carries its own embedded fonts and inline styles; it is an
	// image, with no script, and this policy keeps it so even opened alone.
	ec.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; frame-ancestors 'none'")
	return ec.Blob(http.StatusOK, "image/svg+xml", svg)
}

func (c *Console) handlePDF(ec echo.Context) error {
	sc, gv, err := c.studentGoal(ec)
	if err != nil {
		return err
	}
	if err := ec.Request().Context().Err(); err != nil { // no PDF for a client that is gone
		return err
	}
	norms, err := c.normTables(ec.Request().Context(), sc, []goalView{gv})
	if err != nil {
		return err
	}
	meta := reportdoc.DocMeta{School: sc.p.School.Name, Generated: gv.Report.AsOf, Student: gv.Student.DisplayName(),
		Phases: gv.Phases, PhaseNotes: gv.PhaseNotes, Calendar: gv.Calendar,
		NormSource: progress.NormSourceOf(norms, gv.Student.Grade, gv.Report, gv.Calendar), Lang: langOf(ec)}
	var buf bytes.Buffer
	if err := reportdoc.ProgressPDF(&buf, gv.Report, meta); err != nil {
		return err
	}
	ec.Response().Header().Set("Content-Disposition", `attachment; filename="progress-report.pdf"`)
	return ec.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}

// handleCSV is the goal's points as CSV (the numbers of the report JSON),
// written through reportdoc.WriteCSV's formula guard like every export: the
// measure's name in the header is a record's text.
func (c *Console) handleCSV(ec echo.Context) error {
	_, gv, err := c.studentGoal(ec)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(gv.Report.Points))
	for _, p := range gv.Report.Points {
		aim := ""
		if p.Aimline != nil {
			aim = exactNum(*p.Aimline)
		}
		rows = append(rows, []string{p.Date, exactNum(p.Week), exactNum(p.Score), aim, p.Position})
	}
	var buf bytes.Buffer
	if err := reportdoc.WriteCSV(&buf, []string{"date", "week", measureName(langOf(ec), gv.Report.Goal.Measure), "aimline", "position"}, rows); err != nil {
		return err
	}
	ec.Response().Header().Set("Content-Disposition", `attachment; filename="progress-points.csv"`)
	return ec.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
