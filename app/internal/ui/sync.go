package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

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
	s.school.SetPlaceHolder("school code, e.g. lincoln-elementary")
	s.code = widget.NewEntry()
	s.code.SetPlaceHolder("e.g. 7KQ4M-2XD9P-WHR3T")
	s.code.OnSubmitted = func(string) { s.tapEnrol() }
	s.username = widget.NewEntry()
	s.username.SetPlaceHolder("or your user name…")
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder("…and password")
	s.password.OnSubmitted = func(string) { s.tapEnrol() }
	s.enrol = newImportant("Enrol this tablet", widget.HighImportance, s.tapEnrol)
	s.enrolErr = wrapLabel("")
	s.enrolErr.Importance = widget.DangerImportance
	s.status = wrapLabel("")
	s.problem = wrapLabel("")
	s.problem.Importance = widget.DangerImportance
	s.syncNow = newImportant("Sync now", widget.HighImportance, a.SyncNow)
	s.erase = NewButton("Sign out and erase this tablet…", s.askErase)
	s.eraseYes = newImportant("Erase this tablet", widget.DangerImportance, s.tapErase)
	s.eraseNo = NewButton("Keep everything", func() { s.eraseAsk = false; s.refresh() })
	s.changePIN = NewButton("Change PIN…", s.openChangePIN)
	s.pinCurrent = pinEntry("current PIN")
	s.pinNew = pinEntry("new PIN, at least 6 digits")
	s.pinAgain = pinEntry("the new PIN again")
	s.pinAgain.OnSubmitted = func(string) { s.tapChangePIN() }
	s.pinSave = newImportant("Change PIN", widget.HighImportance, s.tapChangePIN)
	s.pinCancel = NewButton("Cancel", func() { s.pinOpen = false; s.clearPIN(); s.refresh() })
	s.pinMessage = wrapLabel("")
	s.lockNow = NewButton("Lock now", a.LockNow)
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

func (s *syncScreen) title() string              { return "Sync" }
func (s *syncScreen) content() fyne.CanvasObject { return s.root }
func (s *syncScreen) editing() bool              { return s.busy }

// validateEnrol checks the form before any network is tried.
func validateEnrol(f EnrolForm) string {
	switch {
	case f.ServerURL == "":
		return "Enter the server address your coordinator gave you, e.g. https://sync.your-school.org."
	case !strings.HasPrefix(f.ServerURL, "http://") && !strings.HasPrefix(f.ServerURL, "https://"):
		return "The server address must start with https:// (or http:// on a test network)."
	}
	if u, err := url.Parse(f.ServerURL); err != nil || u.Host == "" {
		return "The server address does not look right; check it with your coordinator."
	}
	switch {
	case f.School == "":
		return "Enter your school's code."
	case f.Code != "":
		return "" // an enrolment code stands for user name and password
	case f.Username == "":
		return "Enter the enrolment code from your coordinator, or your user name and password."
	case f.Password == "":
		return "Enter your password."
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
	s.enrolErr.SetText("Enrolling…")
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
			s.a.say("This tablet is enrolled. Syncing now.")
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
	q := "Erasing removes every student, session and note from this tablet, and signs it out. What was synced stays on the server."
	switch {
	case pending == 1:
		return "1 change on this tablet has not been sent to the server and will be lost. " + q
	case pending > 1:
		return fmt.Sprintf("%d changes on this tablet have not been sent to the server and will be lost. ", pending) + q
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
		s.a.warn("Could not erase: " + PlainError(err))
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
			who += " at " + enr.School
		}
		lines = append(lines, "Enrolled: "+who+" ("+enr.ServerURL+").")
		if st.LastSuccess.IsZero() {
			lines = append(lines, "Not synced yet.")
		} else {
			lines = append(lines, "Last sync: "+sinceText(st.LastSuccess, s.a.glanceAt)+".")
		}
	} else {
		lines = append(lines, "This tablet is not enrolled. It works fully on its own; enrol it on the school network to share your work.")
	}
	switch st.Pending {
	case 0:
		lines = append(lines, "Nothing waiting to be sent.")
	case 1:
		lines = append(lines, "1 change is saved on this tablet, waiting to be sent.")
	default:
		lines = append(lines, fmt.Sprintf("%d changes are saved on this tablet, waiting to be sent.", st.Pending))
	}
	if st.Syncing {
		lines = append(lines, "Syncing…")
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
	objs = append(objs, card(heading("Sync"), s.syncNow, s.status, s.problem))
	if !st.Enrolled || enr.Needed {
		title := "Enrol this tablet"
		if enr.Needed {
			title = "Enrol again"
		}
		form := widget.NewForm(
			widget.NewFormItem("Server", s.server),
			widget.NewFormItem("School", s.school),
			widget.NewFormItem("Enrolment code", s.code),
			widget.NewFormItem("User name", s.username),
			widget.NewFormItem("Password", s.password),
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
			objs = append(objs, wrapLabel("Could not read the kept versions on this tablet."))
		}
		if s.quarantined, err = s.a.cfg.Sync.Quarantined(); err != nil {
			objs = append(objs, wrapLabel("Could not read the refused changes on this tablet."))
		}
	}
	if len(s.conflicts) > 0 {
		rows := []fyne.CanvasObject{heading("Changes to review"),
			wrapLabel("A newer version of each of these was saved elsewhere. Your version is kept here: restore it, or keep the newer one.")}
		for _, c := range s.conflicts {
			c := c
			what := describe(s.a.cfg.Records, c.Type, c.RecordID)
			if c.Deleted {
				what += " (your version deleted it)"
			}
			rb := NewButton("Restore mine", func() { s.resolve(c.ID, true) })
			kb := NewButton("Keep newer", func() { s.resolve(c.ID, false) })
			s.restore[c.ID], s.keep[c.ID] = rb, kb
			rows = append(rows, wrapLabel(what+": "+c.Summary+"."), s.conflictView(c), container.NewHBox(spacerH(), kb, rb))
		}
		objs = append(objs, card(rows...))
	}
	if len(s.quarantined) > 0 {
		rows := []fyne.CanvasObject{heading("Changes the server refused"),
			wrapLabel("These stay on this tablet and do not hold up the rest. Try again after the server is updated, or ask your coordinator.")}
		for _, q := range s.quarantined {
			q := q
			b := NewButton("Try again", func() { s.retryOne(q.RecordID) })
			s.retry[q.RecordID] = b
			rows = append(rows, wrapLabel(describe(s.a.cfg.Records, q.Type, q.RecordID)+": "+refusal(q)), container.NewHBox(spacerH(), b))
		}
		objs = append(objs, card(rows...))
	}
	// The PIN's row: Lock now (issue 22: the app locked only when idle or
	// left) and Change PIN…, whose form opens in its place.
	pinRow := container.NewHBox(spacerH())
	if s.a.cfg.Lock != nil {
		pinRow.Add(s.lockNow)
	}
	if s.a.cfg.ChangePIN != nil {
		if s.pinOpen {
			objs = append(objs, card(heading("Change the PIN"),
				wheelThrough(widget.NewForm(widget.NewFormItem("Current PIN", s.pinCurrent), widget.NewFormItem("New PIN", s.pinNew),
					widget.NewFormItem("Again", s.pinAgain)), s.page),
				s.pinMessage, container.NewHBox(spacerH(), s.pinCancel, s.pinSave)))
		} else {
			pinRow.Add(s.changePIN)
		}
	}
	if len(pinRow.Objects) > 1 {
		objs = append(objs, pinRow)
	}
	// Signing out erases: a shared tablet handed on keeps nothing of its
	// last user (the server keeps what was synced).
	if s.eraseAsk {
		objs = append(objs, card(heading("Sign out and erase?"), wrapLabel(eraseQuestion(s.unsent)),
			container.NewHBox(spacerH(), s.eraseNo, s.eraseYes)))
	} else {
		s.erase.SetText("Erase this tablet…") // nothing to sign out of yet
		if st.Enrolled {
			s.erase.SetText("Sign out and erase this tablet…")
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
		s.pinMessage.SetText("The two new PINs are not the same. Type them again.")
		s.pinNew.SetText("")
		s.pinAgain.SetText("")
		s.a.win.Canvas().Focus(s.pinNew) // retyped from the first new box (issue 22)
		return
	}
	s.busy = true
	s.pinSave.Disable()
	s.pinMessage.Importance = widget.MediumImportance
	s.pinMessage.SetText("Changing the PIN…")
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
			s.a.say("PIN changed. Use the new PIN from now on.")
		}
	})
}

func (s *syncScreen) clearPIN() {
	s.pinCurrent.SetText("")
	s.pinNew.SetText("")
	s.pinAgain.SetText("")
}

func refusal(q Quarantined) string {
	switch q.Code {
	case "too_large":
		return "too large to send."
	case "forbidden":
		return "your account may not change this."
	case "invalid_record", "invalid_json":
		return "the server could not accept it (" + q.Code + ")."
	case "duplicate_id":
		return "sent twice in one batch."
	}
	return "refused (" + q.Code + ")."
}

func (s *syncScreen) resolve(id string, restore bool) {
	var err error
	if restore {
		err = s.a.cfg.Sync.RestoreConflict(context.Background(), id)
	} else {
		err = s.a.cfg.Sync.DismissConflict(context.Background(), id)
	}
	if err != nil {
		s.a.warn("Could not do that on this tablet. Please try again.")
		return
	}
	if restore {
		s.a.sayUntilSent("Your version is restored; it will be sent at the next sync.")
	} else {
		s.a.say("Kept the newer version.")
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
		s.a.warn("Could not do that on this tablet. Please try again.")
		return
	}
	s.a.sayUntilSent("Queued again; it will be sent at the next sync.")
	s.refresh()
	s.toTop()
}

// describe names a record for a person: "Session of Bluebirds on Tue 4 Mar".
// The payload type words it (record.Payload.Describe); a record this tablet
// cannot decode is named by its type.
func describe(r Records, typ, id string) string {
	if e, err := r.Get(id); err == nil && e.Type == typ {
		if p, err := record.Decode(typ, e.Data); err == nil {
			return p.Describe(namer{r})
		}
	}
	return record.TypeWords(typ)
}

// namer names referenced records from the local store for descriptions.
type namer struct{ r Records }

// Name is the referenced record's title, or "Group not synced yet" for a
// record this tablet has not received (DOMAIN.md §2: show what you can).
func (n namer) Name(ref record.Ref) string { return refName(n.r, ref) }

// Date is "Tue 4 Mar".
func (namer) Date(s string) string { return prettyDate(s) }
