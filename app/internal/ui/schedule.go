package ui

import (
	"errors"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/shared/record"
)

// scheduleEditor is the group form's "Meets on": one row per weekday, a
// tick and that day's own start time (DOMAIN.md §2 `group.schedule` is a
// list of {weekday, start}, so Monday at 08:30 and Wednesday at 13:15 is one
// group). A record from before, with one time for every day, opens with
// that time on each of its days, and saves back the same list.
type scheduleEditor struct {
	days  [7]*widget.Check
	times [7]*widget.Entry
	// extra keeps further slots of a weekday (a group meeting twice on one
	// day, written by another app): they stay while the day stays ticked.
	extra [7][]record.ScheduleSlot
	box   *fyne.Container
}

func newScheduleEditor(slots []record.ScheduleSlot) *scheduleEditor {
	e := &scheduleEditor{box: container.NewVBox()}
	common := "09:00" // the time offered for a day not ticked yet: the group's usual one
	counts := map[string]int{}
	for _, sl := range slots {
		counts[sl.Start]++
		if counts[sl.Start] > counts[common] {
			common = sl.Start
		}
	}
	for i := range e.days {
		i := i
		e.times[i] = entryWith("", lang.L("schedule.time_placeholder"))
		e.days[i] = widget.NewCheck(dayName(i), func(on bool) {
			if on && strings.TrimSpace(e.times[i].Text) == "" {
				e.times[i].SetText(common)
			}
		})
		e.times[i].OnChanged = func(s string) {
			// Typing a time for a day means it meets then.
			if strings.TrimSpace(s) != "" && !e.days[i].Checked {
				e.days[i].SetChecked(true)
			}
		}
	}
	for _, sl := range slots {
		if sl.Weekday < 1 || sl.Weekday > 7 {
			continue
		}
		i := sl.Weekday - 1
		if e.days[i].Checked {
			e.extra[i] = append(e.extra[i], sl)
			continue
		}
		e.times[i].SetText(sl.Start)
		e.days[i].SetChecked(true)
	}
	for i := range e.days {
		// One width for every day, so the times line up; never less than
		// the check needs (its box and text are taller than MinTarget).
		cell := fyne.NewSize(90, MinTarget).Max(e.days[i].MinSize())
		e.box.Add(container.NewBorder(nil, nil, container.NewGridWrap(cell, e.days[i]), nil, e.times[i]))
	}
	return e
}

// slots reads the ticked days and their times; an error names the first
// day whose time is not HH:MM.
func (e *scheduleEditor) slots() ([]record.ScheduleSlot, error) {
	var out []record.ScheduleSlot
	for i := range e.days {
		if !e.days[i].Checked {
			continue
		}
		t := strings.TrimSpace(e.times[i].Text)
		if _, err := time.Parse("15:04", t); err != nil || len(t) != 5 {
			return nil, errors.New(lang.L("schedule.bad_time", map[string]any{"Day": dayName(i)}))
		}
		out = append(out, record.ScheduleSlot{Weekday: i + 1, Start: t})
		out = append(out, e.extra[i]...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Weekday != out[j].Weekday {
			return out[i].Weekday < out[j].Weekday
		}
		return out[i].Start < out[j].Start
	})
	return out, nil
}
