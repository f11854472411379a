package ui

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"smallwins/app/internal/demo"
	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// wholeHistory reads as the screens did before the date index: every
// date read is the reference's whole history (ListByRef), filtered by each
// record's date here, without the index; asked for the newest dates it
// gives all of them, so every read of the newest records
// (repo.NewestByRef) reads everything.
type wholeHistory struct{ Records }

func (w wholeHistory) ListByRefDates(typ, ref, from, to string) ([]record.Envelope, error) {
	es, err := w.Records.ListByRef(typ, ref)
	var out []record.Envelope
	for _, e := range es {
		var d struct {
			Date string `json:"date"`
		}
		if json.Unmarshal(e.Data, &d) == nil && d.Date >= from && (to == "" || d.Date <= to) {
			if _, perr := record.ParseDate(d.Date); perr == nil {
				out = append(out, e)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return dataDate(out[i]) < dataDate(out[j]) })
	return out, err
}

func (w wholeHistory) RefDates(typ, ref, to string, _ int) ([]string, error) {
	es, err := w.ListByRefDates(typ, ref, "", to)
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		if d := dataDate(es[i]); len(out) == 0 || out[len(out)-1] != d {
			out = append(out, d)
		}
	}
	return out, err
}

func dataDate(e record.Envelope) string {
	var d struct {
		Date string `json:"date"`
	}
	_ = json.Unmarshal(e.Data, &d)
	return d.Date
}

// oldLight and oldOverdue are the lights and the overdue check as they
// were before the date index: every probe of the student, each goal's
// inputs read on their own.
func oldLight(rec Records, studentID string, today record.Date, cal progress.Calendar) studentLight {
	var best studentLight
	for _, g := range repo.ListByRef[record.Goal](rec, studentID) {
		if !g.Data.Active() {
			continue
		}
		rep, err := progress.Progress(statusDataset(statusInputs(rec, g), cal), g.ID, today)
		if err == nil && lightRank[rep.Status] > lightRank[best.Status] {
			best = studentLight{Status: rep.Status}
		}
	}
	return best
}

func oldOverdue(rec Records, studentID string, now time.Time, cal progress.Calendar) (int, bool) {
	today := record.DateOf(now)
	probes := repo.ListByRef[record.Probe](rec, studentID)
	worst, due := 0, false
	for _, g := range repo.ListByRef[record.Goal](rec, studentID) {
		if !g.Data.Active() {
			continue
		}
		rep, err := progress.Progress(statusDataset(statusInputs(rec, g), cal), g.ID, today)
		if err != nil || !rep.OverdueProbe {
			continue
		}
		due = true
		worst = max(worst, daysSinceProbe(g.Data, probes, today))
	}
	return worst, due
}

// counting counts the records the screens read.
type counting struct {
	Records
	n *int
}

func (c counting) Get(id string) (record.Envelope, error) { *c.n++; return c.Records.Get(id) }
func (c counting) List(typ string) ([]record.Envelope, error) {
	es, err := c.Records.List(typ)
	*c.n += len(es)
	return es, err
}
func (c counting) ListByRef(typ, ref string) ([]record.Envelope, error) {
	es, err := c.Records.ListByRef(typ, ref)
	*c.n += len(es)
	return es, err
}
func (c counting) ListByRefDates(typ, ref, from, to string) ([]record.Envelope, error) {
	es, err := c.Records.ListByRefDates(typ, ref, from, to)
	*c.n += len(es)
	return es, err
}

// TestScreensReadRecentRecordsAndShowTheSame: in a demo school of 48
// students and 40 weeks, thinned at random (probes and sessions deleted,
// so that probes fall due, lights turn grey and a group's last session is
// long ago), with sessions cancelled, left running and dated ahead, goals
// extended, second goals of another measure probed seldom or never, Today,
// My week, Probes due and every light show the same through the date index
// as from the whole history read without it; each group's "last time",
// session left running and "done today", each light and each overdue
// check equal what the code before the index computed — on school days,
// in a break, at the start and after the end of the data, while reading at
// most half the records (a goal never probed still reads its student's
// whole history).
func TestScreensReadRecentRecordsAndShowTheSame(t *testing.T) {
	ctx := context.Background()
	s, err := localstore.OpenWith(t.TempDir()+"/tablet.db", localstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := demo.Load(ctx, s, monday10, demo.Options{Students: 48, Weeks: 40}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 22))
	for _, g := range repo.List[record.Group](s) {
		sessions := repo.ListByRef[record.Session](s, g.ID)
		for i, ss := range sessions {
			switch r := rng.IntN(20); {
			case r < 3 || (i > len(sessions)-12 && rng.IntN(3) == 0):
				must(s.Delete(ctx, ss.ID))
			case r == 3:
				ss.Data.Status, ss.Data.CancelReason = record.SessionCancelled, "assembly"
				must(repo.Put(ctx, s, ss.ID, ss.Data, false))
			}
		}
		if rng.IntN(4) == 0 { // one left running yesterday, one dated ahead
			run := sessions[0].Data
			run.Date, run.Status, run.Minutes = (record.DateOf(monday10) - 1).String(), record.SessionInProgress, 0
			must(repo.Put(ctx, s, "", run, false))
			run.Date = (record.DateOf(monday10) + 3).String()
			must(repo.Put(ctx, s, "", run, false))
		}
	}
	for i, st := range repo.List[record.Student](s) {
		goals := repo.ListByRef[record.Goal](s, st.ID)
		if len(goals) > 0 && i%2 == 0 { // a goal whose time is not up: its probes can fall due
			g := goals[0]
			g.Data.GoalDate = (record.DateOf(monday10) + 60).String()
			must(repo.Put(ctx, s, g.ID, g.Data, false))
		}
		if len(goals) > 0 && i%3 == 0 { // a second goal, of another measure, probed now and then or never
			g := goals[0].Data
			g.Measure, g.GoalDate = "maze", (record.DateOf(monday10) + 90).String()
			must(repo.Put(ctx, s, "", g, false))
			for d := 0; i%2 == 0 && d < 200; d += 9 + rng.IntN(9) {
				must(repo.Put(ctx, s, "", record.Probe{StudentID: st.ID, Measure: "maze", Date: (record.DateOf(monday10) - record.Date(d)).String(), Score: float64(10 + rng.IntN(20))}, false))
			}
		}
		ps := repo.ListByRef[record.Probe](s, st.ID)
		cut := rng.IntN(8) // the newest few probes gone: some fall due
		for i, p := range ps {
			if i >= len(ps)-cut || rng.IntN(5) == 0 {
				must(s.Delete(ctx, p.ID))
			}
		}
	}
	rec := storeRecords{s}
	mine := func(string) bool { return true }
	var newReads, oldReads, running int
	for _, now := range []time.Time{monday10, monday10.AddDate(0, 0, 2), monday10.AddDate(0, 0, -9), monday10.AddDate(0, -5, 0),
		monday10.AddDate(0, -9, 3), monday10.AddDate(0, 0, 30)} {
		today := record.DateOf(now)
		idx, whole := counting{rec, &newReads}, counting{wholeHistory{rec}, &oldReads}
		got, want := loadToday(idx, now, mine), loadToday(whole, now, mine)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Today differs:\n%+v\n%+v", today, got, want)
		}
		// Each group's card as before: the last time, the session left
		// running and "done today" from the group's whole history.
		for _, g := range repo.List[record.Group](s) {
			recent, all := todaySessions(rec, g.ID, today.String()), repo.ListByRef[record.Session](rec, g.ID)
			gotLast, gotRun := lastTime(rec, recent, today.String())
			wantLast, wantRun := lastTime(rec, all, today.String())
			if gotLast != wantLast || gotRun != wantRun || deliveredOn(recent, today.String()) != deliveredOn(all, today.String()) {
				t.Errorf("%s: %s: %q %q, from the whole history %q %q", today, g.Data.Name, gotLast, gotRun, wantLast, wantRun)
			}
			if wantRun != "" {
				running++
			}
		}
		if got, want := loadWeek(idx, mondayOf(today), today, mine), loadWeek(whole, mondayOf(today), today, mine); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: My week differs:\n%+v\n%+v", today, got, want)
		}
		gotDue, wantDue := loadProbesDue(idx, now, mine), loadProbesDue(whole, now, mine)
		if !reflect.DeepEqual(gotDue, wantDue) {
			t.Errorf("%s: Probes due differs:\n%+v\n%+v", today, gotDue, wantDue)
		}
		statuses := map[string]int{}
		cal := schoolCalendar(rec)
		for _, st := range repo.List[record.Student](s) {
			got, want := lightOf(idx, st.ID, today, cal), oldLight(rec, st.ID, today, cal)
			if got != want || lightOf(whole, st.ID, today, cal) != want {
				t.Errorf("%s: %s's light %q, from the whole history %q", today, st.ID, got.Status, want.Status)
			}
			statuses[want.Status]++
			gotDays, gotDue := probeOverdue(rec, st.ID, now, cal)
			if wantDays, wantDue := oldOverdue(rec, st.ID, now, cal); gotDays != wantDays || gotDue != wantDue {
				t.Errorf("%s: %s overdue %v by %d days, from the whole history %v by %d", today, st.ID, gotDue, gotDays, wantDue, wantDays)
			}
		}
		t.Logf("%s: %d probes due, lights %v", today, len(wantDue), statuses)
		if now == monday10 && (len(wantDue) == 0 || len(statuses) < 3) {
			t.Fatalf("the thinned school shows too little to compare: %d due, lights %v", len(wantDue), statuses)
		}
	}
	if running == 0 {
		t.Fatal("no group on Today had a session left running: nothing compared")
	}
	t.Logf("records read: %d through the date index, %d from the whole history", newReads, oldReads)
	if newReads*2 > oldReads {
		t.Errorf("the date index read %d records, the whole history %d", newReads, oldReads)
	}
}
