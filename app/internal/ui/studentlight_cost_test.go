package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// TestListsReadTheCalendarOnce: the students list's lights and Probes due
// compute every goal with the school's calendar decoded once
// (schoolCalendar), and each goal's report is the one its dataset with
// every break in it gives (as the student screen computes it), warnings
// and all: 300 breaks, a third of them synced in bad (not decodable, or
// ending before they start), name 20 and count the rest, once per report.
func TestListsReadTheCalendarOnce(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	day, _ := record.ParseDate("2025-01-13")
	for i, v := range []float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53} {
		must(repo.Put(ctx, f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: (day + record.Date(7*i)).String(), Score: v}, false))
	}
	for i := 0; i < 300; i++ {
		from := day + record.Date(3*i)
		data := fmt.Sprintf(`{"name":"b%d","start_date":%q,"end_date":%q}`, i, from, from+record.Date(i%2))
		switch i % 3 {
		case 1:
			data = `{"name":7}`
		case 2:
			data = fmt.Sprintf(`{"name":"backwards","start_date":%q,"end_date":%q}`, from, from-1)
		}
		// As a sync writes them: raw, not validated by this app.
		must(f.store.Put(ctx, record.TypeCalendarBreak, "", json.RawMessage(data), false))
	}
	today, _ := record.ParseDate("2025-03-17")
	g := repo.ListByRef[record.Goal](f.rec, sc.students[0])[0]
	breaks, _ := f.rec.List(record.TypeCalendarBreak)
	got, err := progress.Progress(statusDataset(statusInputs(f.rec, g), schoolCalendar(f.rec)), g.ID, today)
	if err != nil {
		t.Fatal(err)
	}
	want, err := progress.Progress(progress.NewDataset(append(statusInputs(f.rec, g), breaks...)), g.ID, today)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with the school's calendar:\n%+v\nwith the breaks in the dataset:\n%+v", got, want)
	}
	if len(got.Warnings) != progress.MaxWarnings+1 || got.Warnings[progress.MaxWarnings] != "…and 180 more warnings not listed." {
		t.Errorf("%d warnings, the last %q", len(got.Warnings), got.Warnings[len(got.Warnings)-1])
	}
	if l := lightOf(f.rec, sc.students[0], today, schoolCalendar(f.rec)); l.Status != want.Status {
		t.Errorf("light %q, report %q", l.Status, want.Status)
	}
}

// statusInputs are a goal's status inputs with every probe of the student
// (the light reads only the newest, statusProbes): the reference the
// light's report is compared with.
func statusInputs(rec Records, g repo.Doc[record.Goal]) []record.Envelope {
	probes, _ := rec.ListByRef(record.TypeProbe, g.Data.StudentID)
	return goalStatusInputs(rec, g, probes)
}

// goalStatusInputs is what goalStatuses reads for a goal, as envelopes:
// the goal, its plan and the probes given.
func goalStatusInputs(rec Records, g repo.Doc[record.Goal], probes []record.Envelope) []record.Envelope {
	ge, err := rec.Get(g.ID)
	if err != nil {
		return nil
	}
	out := []record.Envelope{ge}
	if g.Data.PlanID != "" {
		if pe, err := rec.Get(g.Data.PlanID); err == nil {
			out = append(out, pe)
		}
	}
	return append(out, probes...)
}

// statusDataset is a goal's dataset of its status inputs with the school's
// calendar.
func statusDataset(envs []record.Envelope, cal progress.Calendar) *progress.Dataset {
	ds := progress.NewDataset(envs)
	ds.Calendar = cal
	return ds
}
