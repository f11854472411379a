package console

import (
	"context"
	"strings"

	"smallwins/shared/hlc"
	"smallwins/shared/i18n"
	"smallwins/syncserver/internal/store"
)

// noteAuthors puts each note's author in words (ADR 0027), in place of the
// author_id its Author holds: a user of the school by name; a tablet's
// author before enrolment ("device:<id>", ADR 0601) by the tablet's user;
// and an author_id the school does not know by the user of the tablet that
// wrote the note (its HLC's node), said as such. The device list is read
// only when some author is not a user.
func (c *Console) noteAuthors(ctx context.Context, sc *scope, notes []noteView) error {
	var devices map[string]store.Device
	for i := range notes {
		n := &notes[i]
		if u, ok := sc.users[n.Author]; ok {
			n.Author = u.Name
			continue
		}
		if devices == nil {
			devs, err := c.st.ListDevices(ctx, sc.p.School.ID)
			if err != nil {
				return err
			}
			devices = make(map[string]store.Device, len(devs))
			for _, d := range devs {
				devices[d.DeviceID] = d
			}
		}
		n.Author = authorByDevice(sc.l, devices, n.Author, n.hlc)
	}
	return nil
}

func authorByDevice(l i18n.Lang, devices map[string]store.Device, authorID, h string) string {
	if id, ok := strings.CutPrefix(authorID, "device:"); ok {
		if d, ok := devices[id]; ok {
			return d.User.Name
		}
	}
	if ts, err := hlc.Parse(h); err == nil {
		if d, ok := devices[ts.Node.String()]; ok {
			return tr(l, "note.author_tablet", i18n.Args{"Name": d.User.Name, "Device": d.DeviceName})
		}
	}
	return tr(l, "note.author_unknown")
}

// planBlock is one plan's delivery on the student page: said once however
// many of the student's goals the plan carries (ADR 0027).
type planBlock struct {
	ID, Program, Group, GroupHref, Delivery string
	Goals                                   []string
	Steps                                   []string
}

// planBlocks are the delivery of each plan the page's goals name, in the
// goals' order: every goal of one plan has the same delivery (DOMAIN.md
// §3.7 is the plan's, for its student), so it is shown once.
func planBlocks(sc *scope, gvs []goalView) []planBlock {
	var out []planBlock
	l := sc.l
	at := map[string]int{}
	for _, gv := range gvs {
		pid := gv.Goal.PlanID
		if pid == "" || gv.Report.Delivery == nil {
			continue
		}
		goal := tr(l, "student.plan_goal", i18n.Args{"Measure": measureName(l, gv.Report.Goal.Measure),
			"Score": round1(l, gv.Report.Goal.GoalScore), "Date": showDate(l, gv.Report.Goal.GoalDate)})
		if i, ok := at[pid]; ok {
			out[i].Goals = append(out[i].Goals, goal)
			continue
		}
		b := planBlock{ID: pid, Program: gv.Program.Name, Group: groupName(sc, gv.GroupID), GroupHref: groupHref(sc, gv.GroupID),
			Delivery: deliveryText(l, gv.Report.Delivery), Goals: []string{goal}}
		if b.Program == "" {
			b.Program = capital(tr(l, "program.not_synced"))
		}
		for i, s := range gv.Report.Delivery.PerStep {
			b.Steps = append(b.Steps, stepText(l, i, s, gv.Program))
		}
		at[pid] = len(out)
		out = append(out, b)
	}
	return out
}
