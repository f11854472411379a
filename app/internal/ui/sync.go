package ui

import (
	"context"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
	"smallwins/shared/record"
)

// syncScreen shows enrolment, the sync state, conflicts (with restore) and
// quarantined records, all in plain words.
type syncScreen struct {
	a    *App
	root fyne.CanvasObject
	list *fyne.Container

	// Enrolment form.
	server, school, code, username, password *widget.Entry
	enrol                                    *Button
	enrolErr                                 *widget.Label
	busy                                     bool

	// Sign out and erase: a first tap asks, saying what would be lost.
	erase, eraseYes, eraseNo *Button
	eraseAsk                 bool
	unsent                   int // read from the store when the question is asked

	// Change PIN: a first tap opens the form (current, new, again).
	changePIN, pinSave, pinCancel *Button
	pinCurrent, pinNew, pinAgain  *widget.Entry
	pinMessage                    *widget.Label
	pinOpen                       bool
	// lockNow covers the app with the lock screen (Config.Lock).
	lockNow *Button
	// language is the choice of the app's language (language.go).
	language *widget.RadioGroup

	status  *widget.Label
	problem *widget.Label // the sync error, in red
	syncNow *Button
	// Per conflict id / quarantined record id (tests tap them).
	restore, keep, retry map[string]*Button
	diff                 map[string][]diffRow // conflict id → its fields side by side
	conflicts            []Conflict
	quarantined          []Quarantined
}

func newSyncScreen(a *App) screen {
	s := &syncScreen{a: a}
	s.server = widget.NewEntry()
	s.server.SetPlaceHolder("https://sync.your-school.org")
	s.school = widget.NewEntry()
	s.school.SetPlaceHolder(lang.L("sync.placeholder.school"))
	s.code = widget.NewEntry()
	s.code.SetPlaceHolder(lang.L("sync.placeholder.code"))
	s.code.OnSubmitted = func(string) { s.tapEnrol() }
	s.username = widget.NewEntry()
	s.username.SetPlaceHolder(lang.L("sync.placeholder.username"))
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder(lang.L("sync.placeholder.password"))
	s.password.OnSubmitted = func(string) { s.tapEnrol() }
	s.enrol = newImportant(lang.L("sync.enrol"), widget.HighImportance, s.tapEnrol)
	s.enrolErr = wrapLabel("")
	s.enrolErr.Importance = widget.DangerImportance
	s.status = wrapLabel("")
	s.problem = wrapLabel("")
	s.problem.Importance = widget.DangerImportance
	s.syncNow = newImportant(lang.L("header.sync_now"), widget.HighImportance, a.SyncNow)
	s.erase = NewButton(lang.L("sync.sign_out_erase"), s.askErase)
	s.eraseYes = newImportant(lang.L("sync.erase_yes"), widget.DangerImportance, s.tapErase)
	s.eraseNo = NewButton(lang.L("sync.erase_no"), func() { s.eraseAsk = false; s.refresh() })
	s.changePIN = NewButton(lang.L("menu.change_pin"), s.openChangePIN)
	s.pinCurrent = pinEntry(lang.L("sync.pin.current_placeholder"))
	s.pinNew = pinEntry(lang.L("sync.pin.new_placeholder"))
	s.pinAgain = pinEntry(lang.L("sync.pin.again_placeholder"))
	s.pinAgain.OnSubmitted = func(string) { s.tapChangePIN() }
	s.pinSave = newImportant(lang.L("sync.pin.save"), widget.HighImportance, s.tapChangePIN)
	s.pinCancel = NewButton(lang.L("common.cancel"), func() { s.pinOpen = false; s.clearPIN(); s.refresh() })
	s.pinMessage = wrapLabel("")
	s.lockNow = NewButton(lang.L("menu.lock_now"), a.LockNow)
	s.language = newLanguageChoice(a)
	s.list = container.NewVBox()
	s.root = vscroll(container.NewPadded(s.list))
	if a.cfg.Sync != nil {
		e := a.cfg.Sync.Enrolment()
		s.server.SetText(e.ServerURL)
		s.school.SetText(e.School)
		s.username.SetText(e.Username)
	}
	return s
}

func (s *syncScreen) title() string              { return lang.L("nav.sync") }
func (s *syncScreen) content() fyne.CanvasObject { return s.root }
func (s *syncScreen) editing() bool              { return s.busy }

// validateEnrol checks the form before any network is tried.
func validateEnrol(f EnrolForm) string {
	switch {
	case f.ServerURL == "":
		return lang.L("sync.check.server_empty")
	case !strings.HasPrefix(f.ServerURL, "http://") && !strings.HasPrefix(f.ServerURL, "https://"):
		return lang.L("sync.check.server_scheme")
	}
	if u, err := url.Parse(f.ServerURL); err != nil || u.Host == "" {
		return lang.L("sync.check.server_bad")
	}
	switch {
	case f.School == "":
		return lang.L("sync.check.school_empty")
	case f.Code != "":
		return "" // an enrolment code stands for user name and password
	case f.Username == "":
		return lang.L("sync.check.username_empty")
	case f.Password == "":
		return lang.L("sync.check.password_empty")
	}
	return ""
}

func (s *syncScreen) tapEnrol() {
	if s.busy || s.a.cfg.Sync == nil {
		return
	}
	f := EnrolForm{ServerURL: strings.TrimRight(strings.TrimSpace(s.server.Text), "/"), School: strings.TrimSpace(s.school.Text),
		Code: strings.TrimSpace(s.code.Text), Username: strings.TrimSpace(s.username.Text), Password: s.password.Text}
	if msg := validateEnrol(f); msg != "" {
		s.enrolErr.SetText(msg)
		return
	}
	s.busy = true
	s.enrol.Disable()
	s.enrolErr.SetText(lang.L("sync.enrolling"))
	s.a.background(func() func() {
		err := s.a.cfg.Sync.Enrol(context.Background(), f)
		return func() {
			s.busy = false
			s.enrol.Enable()
			s.password.SetText("")
			s.code.SetText("") // a code works once
			if err != nil {
				s.enrolErr.SetText(err.Error())
				return
			}
			s.enrolErr.SetText("")
			s.a.say(lang.L("sync.enrolled_now"))
			st := s.a.sync
			st.Enrolled = true
			s.a.SetSyncState(st)
			s.refresh()
		}
	})
}

// eraseQuestion says what erasing would lose: the unsent changes first
// (waiting in the outbox, or set aside after the server refused them).
func eraseQuestion(pending int) string {
	q := lang.L("sync.erase.what")
	if pending > 0 {
		return lang.N("sync.erase.unsent", pending, map[string]any{"N": pending}) + " " + q
	}
	return q
}

// askErase asks before erasing, counting the unsent changes in the store
// now: the header's count may date from the last sync.
func (s *syncScreen) askErase() {
	s.eraseAsk = true
	if s.a.cfg.Sync != nil {
		s.unsent = s.a.cfg.Sync.Unsent()
	}
	s.refresh()
}

func (s *syncScreen) tapErase() {
	if s.a.cfg.Sync == nil {
		return
	}
	s.eraseAsk = false
	if err := s.a.cfg.Sync.Erase(context.Background()); err != nil {
		s.a.warn(lang.L("sync.could_not_erase", map[string]any{"Why": PlainError(err)}))
	}
}

func (s *syncScreen) refresh() {
	// One status, always true: the waiting count as of now, and the last
	// sync worded at the same instant as the header's.
	s.a.showGlance()
	st := s.a.sync
	var enr Enrolment
	if s.a.cfg.Sync != nil {
		enr = s.a.cfg.Sync.Enrolment()
	}
	objs := []fyne.CanvasObject{}
	lines := []string{}
	if st.Enrolled {
		who := enr.Username
		if enr.School != "" {
			who = lang.L("sync.who_at", map[string]any{"User": enr.Username, "School": enr.School})
		}
		lines = append(lines, lang.L("sync.enrolled_as", map[string]any{"Who": who, "Server": enr.ServerURL}))
		if st.LastSuccess.IsZero() {
			lines = append(lines, lang.L("sync.not_synced_yet"))
		} else {
			lines = append(lines, lang.L("sync.last_sync", map[string]any{"When": sinceText(st.LastSuccess, s.a.glanceAt)}))
		}
	} else {
		lines = append(lines, lang.L("sync.not_enrolled"))
	}
	if st.Pending == 0 {
		lines = append(lines, lang.L("sync.nothing_waiting"))
	} else {
		lines = append(lines, lang.N("sync.waiting", st.Pending, map[string]any{"N": st.Pending}))
	}
	if st.Syncing {
		lines = append(lines, lang.L("glance.syncing"))
	}
	s.status.SetText(strings.Join(lines, "\n"))
	s.problem.SetText(st.Err)
	// While a sync runs, its outcome is not known: the last error is not
	// shown beside "Syncing…" (it said both against a hung server).
	if st.Err != "" && st.Enrolled && !st.Syncing {
		s.problem.Show()
	} else {
		s.problem.Hide()
	}
	// Sync now first: the lines under it change with the state (an error
	// comes and goes), and the button must not move under the finger.
	objs = append(objs, card(heading(lang.L("nav.sync")), s.syncNow, s.status, s.problem))
	if !st.Enrolled || enr.Needed {
		title := lang.L("sync.enrol")
		if enr.Needed {
			title = lang.L("sync.enrol_again")
		}
		form := widget.NewForm(
			widget.NewFormItem(lang.L("sync.field.server"), s.server),
			widget.NewFormItem(lang.L("sync.field.school"), s.school),
			widget.NewFormItem(lang.L("sync.field.code"), s.code),
			widget.NewFormItem(lang.L("sync.field.username"), s.username),
			widget.NewFormItem(lang.L("sync.field.password"), s.password),
		)
		objs = append(objs, card(heading(title), wheelThrough(form, s.page), s.enrolErr, s.enrol))
		s.syncNow.Disable()
	} else {
		s.syncNow.Enable()
	}

	s.restore, s.keep, s.retry = map[string]*Button{}, map[string]*Button{}, map[string]*Button{}
	s.diff = map[string][]diffRow{}
	s.conflicts, s.quarantined = nil, nil
	if s.a.cfg.Sync != nil {
		var err error
		if s.conflicts, err = s.a.cfg.Sync.Conflicts(); err != nil {
			objs = append(objs, wrapLabel(lang.L("sync.read_conflicts_failed")))
		}
		if s.quarantined, err = s.a.cfg.Sync.Quarantined(); err != nil {
			objs = append(objs, wrapLabel(lang.L("sync.read_refused_failed")))
		}
	}
	if len(s.conflicts) > 0 {
		rows := []fyne.CanvasObject{heading(lang.L("sync.conflicts.title")),
			wrapLabel(lang.L("sync.conflicts.intro"))}
		for _, c := range s.conflicts {
			c := c
			what := describe(s.a.cfg.Records, c.Type, c.RecordID)
			if c.Deleted {
				what += " " + lang.L("sync.conflicts.you_deleted")
			}
			rb := NewButton(lang.L("sync.conflicts.restore"), func() { s.resolve(c.ID, true) })
			kb := NewButton(lang.L("sync.conflicts.keep"), func() { s.resolve(c.ID, false) })
			s.restore[c.ID], s.keep[c.ID] = rb, kb
			rows = append(rows, wrapLabel(what+": "+c.Summary+"."), s.conflictView(c), container.NewHBox(spacerH(), kb, rb))
		}
		objs = append(objs, card(rows...))
	}
	if len(s.quarantined) > 0 {
		rows := []fyne.CanvasObject{heading(lang.L("sync.refused.title")),
			wrapLabel(lang.L("sync.refused.intro"))}
		for _, q := range s.quarantined {
			q := q
			b := NewButton(lang.L("sync.refused.retry"), func() { s.retryOne(q.RecordID) })
			s.retry[q.RecordID] = b
			rows = append(rows, wrapLabel(describe(s.a.cfg.Records, q.Type, q.RecordID)+": "+refusal(q)), container.NewHBox(spacerH(), b))
		}
		objs = append(objs, card(rows...))
	}
	// The PIN's row: Lock now (ADR 0650: the app locked only when idle or
	// left) and Change PIN…, whose form opens in its place.
	pinRow := container.NewHBox(spacerH())
	if s.a.cfg.Lock != nil {
		pinRow.Add(s.lockNow)
	}
	if s.a.cfg.ChangePIN != nil {
		if s.pinOpen {
			objs = append(objs, card(heading(lang.L("sync.pin.title")),
				wheelThrough(widget.NewForm(widget.NewFormItem(lang.L("sync.pin.current"), s.pinCurrent), widget.NewFormItem(lang.L("sync.pin.new"), s.pinNew),
					widget.NewFormItem(lang.L("sync.pin.again"), s.pinAgain)), s.page),
				s.pinMessage, container.NewHBox(spacerH(), s.pinCancel, s.pinSave)))
		} else {
			pinRow.Add(s.changePIN)
		}
	}
	if len(pinRow.Objects) > 1 {
		objs = append(objs, pinRow)
	}
	objs = append(objs, card(heading(lang.L("sync.language.title")), s.language))
	// Signing out erases: a shared tablet handed on keeps nothing of its
	// last user (the server keeps what was synced).
	if s.eraseAsk {
		objs = append(objs, card(heading(lang.L("sync.erase.title")), wrapLabel(eraseQuestion(s.unsent)),
			container.NewHBox(spacerH(), s.eraseNo, s.eraseYes)))
	} else {
		s.erase.SetText(lang.L("sync.erase_only")) // nothing to sign out of yet
		if st.Enrolled {
			s.erase.SetText(lang.L("sync.sign_out_erase"))
		}
		objs = append(objs, container.NewHBox(spacerH(), s.erase))
	}
	s.list.Objects = objs
	s.list.Refresh()
}

// page is the screen's scroller, which the forms' wheel layers scroll.
func (s *syncScreen) page() *container.Scroll { sc, _ := s.root.(*container.Scroll); return sc }

// openChangePIN shows the form at the foot of the screen, scrolled into
// view, with the current PIN's box focused (typing goes there at once).
func (s *syncScreen) openChangePIN() {
	s.pinOpen = true
	s.pinMessage.SetText("")
	s.refresh()
	if sc := s.page(); sc != nil {
		sc.ScrollToBottom()
	}
	s.a.win.Canvas().Focus(s.pinCurrent)
}

// tapChangePIN checks the two new PINs agree, then asks the tablet (which
// checks the current PIN, counted like the lock screen's) off the main
// goroutine: deriving the key takes a noticeable fraction of a second.
func (s *syncScreen) tapChangePIN() {
	if s.busy {
		return
	}
	cur, pin, again := strings.TrimSpace(s.pinCurrent.Text), strings.TrimSpace(s.pinNew.Text), strings.TrimSpace(s.pinAgain.Text)
	if pin != again {
		s.pinMessage.Importance = widget.DangerImportance
		s.pinMessage.SetText(lang.L("pin.new_differ"))
		s.pinNew.SetText("")
		s.pinAgain.SetText("")
		s.a.win.Canvas().Focus(s.pinNew) // retyped from the first new box (ADR 0650)
		return
	}
	s.busy = true
	s.pinSave.Disable()
	s.pinMessage.Importance = widget.MediumImportance
	s.pinMessage.SetText(lang.L("sync.pin.changing"))
	s.a.background(func() func() {
		err := s.a.cfg.ChangePIN(cur, pin)
		return func() {
			s.busy = false
			s.pinSave.Enable()
			s.clearPIN()
			if err != nil {
				s.pinMessage.Importance = widget.DangerImportance
				s.pinMessage.SetText(PlainError(err))
				s.a.win.Canvas().Focus(s.pinCurrent) // all three are typed again
				return
			}
			s.pinOpen = false
			s.refresh()
			s.a.say(lang.L("sync.pin.changed"))
		}
	})
}

func (s *syncScreen) clearPIN() {
	s.pinCurrent.SetText("")
	s.pinNew.SetText("")
	s.pinAgain.SetText("")
}

func refusal(q Quarantined) string {
	code := map[string]any{"Code": q.Code}
	switch q.Code {
	case "too_large":
		return lang.L("sync.refusal.too_large")
	case "forbidden":
		return lang.L("sync.refusal.forbidden")
	case "invalid_record", "invalid_json":
		return lang.L("sync.refusal.invalid", code)
	case "duplicate_id":
		return lang.L("sync.refusal.duplicate")
	}
	return lang.L("sync.refusal.other", code)
}

func (s *syncScreen) resolve(id string, restore bool) {
	var err error
	if restore {
		err = s.a.cfg.Sync.RestoreConflict(context.Background(), id)
	} else {
		err = s.a.cfg.Sync.DismissConflict(context.Background(), id)
	}
	if err != nil {
		s.a.warn(lang.L("common.could_not_do"))
		return
	}
	if restore {
		s.a.sayUntilSent(lang.L("sync.conflicts.restored"))
	} else {
		s.a.say(lang.L("sync.conflicts.kept"))
	}
	st := s.a.sync
	if st.Conflicts > 0 {
		st.Conflicts--
	}
	if restore {
		st.Pending++
	}
	s.a.SetSyncState(st)
	s.refresh()
	s.toTop()
}

// toTop scrolls to the top after a choice removed a card: the page would
// otherwise stay scrolled past its shorter content, a blank screen.
func (s *syncScreen) toTop() {
	if sc := s.page(); sc != nil {
		sc.ScrollToTop()
	}
}

func (s *syncScreen) retryOne(id string) {
	if err := s.a.cfg.Sync.RetryQuarantined(context.Background(), id); err != nil {
		s.a.warn(lang.L("common.could_not_do"))
		return
	}
	s.a.sayUntilSent(lang.L("sync.refused.queued"))
	s.refresh()
	s.toTop()
}

// describe names a record for a person, in the app's language: "Session of Bluebirds on Tue 4
// Mar" (record.DescribeIn). A record this tablet cannot decode is named by its type.
func describe(r Records, typ, id string) string {
	if e, err := r.Get(id); err == nil && e.Type == typ {
		if p, err := record.Decode(typ, e.Data); err == nil {
			return record.DescribeIn(applang.Current(), p, namer{r})
		}
	}
	return typeWords(typ)
}

// namer names referenced records from the local store for descriptions.
type namer struct{ r Records }

// Name is the referenced record's title, or "Group not synced yet" for a
// record this tablet has not received (DOMAIN.md §2: show what you can).
func (n namer) Name(ref record.Ref) string { return refName(n.r, ref) }

// Date is "Tue 4 Mar".
func (namer) Date(s string) string { return prettyDate(s) }
