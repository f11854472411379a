package console

import (
	"bytes"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"smallwins/reportdoc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
)

// The meeting's printable documents (CONSOLE.md §3): the agenda, printed
// before the meeting with room for notes, and the minutes, the decisions
// recorded on the meeting's day. Both hold only what the signed-in user's
// pages show (their scope), and never a restricted record.

func (c *Console) handleAgendaPDF(ec echo.Context) error {
	asOf, sc, items, err := c.agenda(ec)
	if err != nil {
		return err
	}
	doc := reportdoc.MeetingDoc{Title: "Team meeting agenda", Subtitle: sc.p.School.Name + " - " + asOf.String(),
		Empty: "Nothing is on the agenda: every goal is continuing, none is due for review and no probe is overdue.",
		Blank: true, Date: asOf.String()}
	for _, it := range items {
		lines := []string{it.DecisionText + ". " + it.Reason}
		lines = append(lines, it.Why...)
		lines = append(lines, "Group: "+it.Group+". Interventionist: "+it.Interventionist+". Last probe: "+it.LastProbe+". Delivery: "+it.Delivery+".")
		doc.Sections = append(doc.Sections, reportdoc.MeetingSection{Heading: it.Student + " - " + it.Measure, Lines: lines})
	}
	return c.sendPDF(ec, doc, "meeting-agenda-"+asOf.String()+".pdf")
}

func (c *Console) handleMinutesPDF(ec echo.Context) error {
	ctx := ec.Request().Context()
	day, err := c.asOf(ec)
	if err != nil {
		return err
	}
	sc, err := c.loadScope(ctx, sessionOf(ec).p)
	if err != nil {
		return err
	}
	envs, err := c.st.Records(ctx, sc.p.School.ID, sc.v, record.TypeDecision)
	if err != nil {
		return err
	}
	type minute struct {
		d   progress.TeamDecision
		who string
	}
	var mins []minute
	var goalIDs []string
	for _, e := range envs {
		if e.Restricted {
			continue
		}
		var d record.Decision
		if record.DecodeData(e.Data, &d) != nil || d.Date != day.String() {
			continue
		}
		if _, ok := sc.students[d.StudentID]; !ok {
			continue
		}
		mins = append(mins, minute{d: progress.TeamDecision{ID: e.ID, HLC: e.HLC, Decision: d}, who: sc.students[d.StudentID].DisplayName()})
		if d.GoalID != "" {
			goalIDs = append(goalIDs, d.GoalID)
		}
	}
	measures := map[string]string{}
	if len(goalIDs) > 0 {
		goals, err := c.st.RecordsByID(ctx, sc.p.School.ID, sc.v, goalIDs...)
		if err != nil {
			return err
		}
		for _, e := range goaldata.OfType(goals, record.TypeGoal) {
			var g record.Goal
			if !e.Restricted && record.DecodeData(e.Data, &g) == nil {
				measures[e.ID] = measureName(g.Measure)
			}
		}
	}
	// In the order they were recorded (HLC: the server's clock for the
	// console's, the tablet's for a tablet's).
	sort.SliceStable(mins, func(i, j int) bool { return mins[i].d.HLC < mins[j].d.HLC })
	doc := reportdoc.MeetingDoc{Title: "Team meeting minutes", Subtitle: sc.p.School.Name + " - " + day.String(),
		Empty: "No decision was recorded on " + day.String() + ".", Date: day.String()}
	for _, m := range mins {
		head := m.who
		if ms := measures[m.d.GoalID]; ms != "" {
			head += " - " + ms
		}
		lines := []string{"Decision: " + decisionText(m.d.Code) + "."}
		if m.d.Rationale != "" {
			lines = append(lines, "Why: "+m.d.Rationale)
		}
		if m.d.NextReviewDate != "" {
			lines = append(lines, "Next review: "+m.d.NextReviewDate+".")
		}
		if m.d.OwnerID != "" {
			lines = append(lines, "Owner: "+sc.userName(m.d.OwnerID)+".")
		}
		doc.Sections = append(doc.Sections, reportdoc.MeetingSection{Heading: head, Lines: lines})
	}
	return c.sendPDF(ec, doc, "meeting-minutes-"+day.String()+".pdf")
}

func (c *Console) sendPDF(ec echo.Context, doc reportdoc.MeetingDoc, name string) error {
	if err := ec.Request().Context().Err(); err != nil { // no PDF for a client that is gone
		return err
	}
	var buf bytes.Buffer
	if err := reportdoc.MeetingPDF(&buf, doc); err != nil {
		return err
	}
	ec.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return ec.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
