package console

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
	"smallwins/syncserver/internal/serverwriter"
)

// A coach's observations in the console (DOMAIN.md §2 `observation`,
// §3.7a; ADR 0031). Anyone signed in who is not the session's
// interventionist (its group's interventionist_id) may observe a session
// delivered today: the form shows the group's name, its program's steps and
// the day, never a student, so the scope of CONSOLE.md §2 holds for an
// interventionist observing a colleague. The observation is one record
// written through serverwriter, like a team decision, so the
// interventionist's tablet pulls it.

// observeWindowDays is the coach's calendar's period: a group not observed
// within it is listed (ADR 0031: "at least once per cycle", six weeks).
const observeWindowDays = 42

// The observation pages' refusals (catalog/observe.*.json).
var (
	errObserveOwn          = newErr(http.StatusForbidden, "observe.err.own")
	errObserveNotDelivered = newErr(http.StatusConflict, "observe.err.not_delivered")
	errObserveNotToday     = newErr(http.StatusConflict, "observe.err.not_today")
	errObserveNoProgram    = newErr(http.StatusConflict, "observe.err.no_program")
	errObserveTooLarge     = newErr(http.StatusRequestEntityTooLarge, "observe.err.too_large")
	errObserveNoGroup      = newErr(http.StatusConflict, "observe.err.no_group")
)

var refusalPage = map[progress.ObserveRefusal]*errPage{
	progress.ObserveOwnSession:   errObserveOwn,
	progress.ObserveNotDelivered: errObserveNotDelivered,
	progress.ObserveNotToday:     errObserveNotToday,
}

// stepChoices are the marks an observer gives a step, in the form's order,
// with the message id of each mark's word.
var stepChoices = []struct{ Value, Label string }{
	{record.StepDone, "observe.mark.done"}, {record.StepSkipped, "observe.mark.skipped"}, {record.StepNA, "observe.mark.na"},
}

// ratingLabels name quality and engagement's four levels (DOMAIN.md §2)
// in language l.
func ratingLabels(l i18n.Lang) []string {
	out := make([]string, 4)
	for i := range out {
		out[i] = tr(l, "observe.rating."+strconv.Itoa(i+1))
	}
	return out
}

// observeMu makes "is this form's observation already written?" and its
// write one step in this process, so a double-submitted form writes one
// record; across instances both write the same id (observationID), still
// one observation.
var observeMu sync.Mutex

// observationSpace is the UUID namespace of observationID (a fixed random UUID).
var observationSpace = uuid.MustParse("6c1f0e2a-7b4d-4e8a-9f35-2d8c4b1a0e97")

// observationID is the record id of one filled form: a name-based UUID of
// the session, the observer and the form's nonce. A form sent twice writes
// one record; a posted value can never name another record.
func observationID(school, session, observer, nonce string) string {
	return uuid.NewSHA1(observationSpace, []byte(school+"\x00"+session+"\x00"+observer+"\x00"+nonce)).String()
}

// newNonce is a form's random nonce.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validNonce: newNonce's shape, so a posted nonce is bounded.
func validNonce(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 16
}

// observedSession is a session with what the observation form needs.
type observedSession struct {
	ID      string
	S       record.Session
	Group   record.Group
	Program record.Program
}

// sessionToObserve reads the route's session, its group and its program,
// and checks the rule between records (progress.CheckObserve) for the
// signed-in user today. An id that is not a session of this school is 404.
func (c *Console) sessionToObserve(ctx context.Context, sc *scope, id string) (observedSession, error) {
	var ses observedSession
	if !record.IsID(id) {
		return ses, errNotFound
	}
	envs, err := c.st.RecordsByID(ctx, sc.p.School.ID, sc.v, id)
	if err != nil {
		return ses, err
	}
	s, ok := record.Envelope{}, false
	for _, e := range envs {
		if e.Type == record.TypeSession {
			s, ok = e, true
		}
	}
	if !ok || record.DecodeData(s.Data, &ses.S) != nil {
		return ses, errNotFound
	}
	ses.ID = id
	g, known := sc.groups[ses.S.GroupID]
	if !known {
		return ses, errObserveNoGroup
	}
	ses.Group = g
	if refusal := progress.CheckObserve(ses.S, g, sc.p.User.ID, c.today()); refusal != progress.ObserveAllowed {
		return ses, refusalPage[refusal]
	}
	progID := ses.S.ProgramID
	if progID == "" {
		progID = g.ProgramID
	}
	progs, err := c.st.RecordsByID(ctx, sc.p.School.ID, sc.v, progID)
	if err != nil {
		return ses, err
	}
	for _, e := range goaldata.OfType(progs, record.TypeProgram) {
		if p, ok := progress.Decode(e).Value().(record.Program); ok {
			ses.Program = p
		}
	}
	if len(ses.Program.Steps) == 0 {
		return ses, errObserveNoProgram
	}
	return ses, nil
}

// today is the console's day (the caseload's as_of without a query).
func (c *Console) today() progress.Date {
	d, _ := progress.ParseDate(c.now().UTC().Format("2006-01-02"))
	return d
}

// observeForm is what the form shows, and what a refused post shows again.
type observeForm struct {
	Steps                []observeStep
	Quality, Engagement  string
	Note, Nonce, Problem string
}

type observeStep struct {
	N       int
	Text    string
	Choices []observeChoice
}

type observeChoice struct {
	Value, Label string
	Checked      bool
}

func newObserveForm(l i18n.Lang, prog record.Program, marks []string) observeForm {
	f := observeForm{Nonce: newNonce()}
	for i, st := range prog.Steps {
		ses := observeStep{N: i + 1, Text: st.Text}
		for _, ch := range stepChoices {
			ses.Choices = append(ses.Choices, observeChoice{Value: ch.Value, Label: tr(l, ch.Label), Checked: i < len(marks) && marks[i] == ch.Value})
		}
		f.Steps = append(f.Steps, ses)
	}
	return f
}

func (c *Console) renderObserve(ec echo.Context, sc *scope, ses observedSession, f observeForm, status int) error {
	l := sc.l
	return c.render(ec, status, "observe", map[string]any{"Title": tr(l, "observe.title", i18n.Args{"Group": ses.Group.Name}), "Nav": "observations",
		"SessionID": ses.ID, "Group": ses.Group.Name, "Date": ses.S.Date, "Program": ses.Program.Name,
		"Interventionist": sc.userName(ses.Group.InterventionistID), "Form": f, "Ratings": ratingLabels(l)})
}

// handleObserveForm shows the checklist of a session delivered today.
func (c *Console) handleObserveForm(ec echo.Context) error {
	sc, err := c.loadScope(ec.Request().Context(), sessionOf(ec).p)
	if err != nil {
		return err
	}
	ses, err := c.sessionToObserve(ec.Request().Context(), sc, ec.Param("id"))
	if err != nil {
		return err
	}
	return c.renderObserve(ec, sc, ses, newObserveForm(sc.l, ses.Program, nil), http.StatusOK)
}

// handleObserve records an observation: the form's marks for every step of
// the session's program (step ids come from the program, never the form),
// quality and engagement 1–4 or none, and a note, validated as any
// observation record and written in one push.
func (c *Console) handleObserve(ec echo.Context) error {
	if err := parseForm(ec); err != nil {
		if ec.Request().ContentLength > maxFormBody {
			return errObserveTooLarge
		}
		return err
	}
	s := sessionOf(ec)
	if !checkCSRF(ec, s.csrf) {
		return errBadCSRF
	}
	ctx := ec.Request().Context()
	sc, err := c.loadScope(ctx, s.p)
	if err != nil {
		return err
	}
	ses, err := c.sessionToObserve(ctx, sc, ec.Param("id"))
	if err != nil {
		return err
	}
	pf := ec.Request().PostForm
	nonce := pf.Get("nonce")
	if !validNonce(nonce) {
		return newErr(http.StatusBadRequest, "observe.err.nonce")
	}
	o := record.Observation{SessionID: ses.ID, ObserverID: s.p.User.ID, Date: ses.S.Date, Fidelity: []record.StepMark{}, Note: strings.TrimSpace(pf.Get("note"))}
	l := sc.l
	marks := make([]string, len(ses.Program.Steps))
	problem := ""
	for i, st := range ses.Program.Steps {
		v := pf.Get("step" + strconv.Itoa(i+1))
		switch v {
		case record.StepDone, record.StepSkipped, record.StepNA:
			marks[i] = v
			o.Fidelity = append(o.Fidelity, record.StepMark{StepID: st.ID, Status: v})
		case "":
			problem = tr(l, "observe.problem.unmarked", i18n.Args{"N": i + 1})
		default:
			return newErr(http.StatusBadRequest, "observe.err.bad_mark")
		}
	}
	var ratingErr string
	o.Quality, ratingErr = rating(l, pf.Get("quality"), "observe.problem.quality")
	if ratingErr != "" && problem == "" {
		problem = ratingErr
	}
	o.Engagement, ratingErr = rating(l, pf.Get("engagement"), "observe.problem.engagement")
	if ratingErr != "" && problem == "" {
		problem = ratingErr
	}
	if n := len([]rune(o.Note)); n > maxObserveNote && problem == "" {
		problem = tr(l, "observe.problem.note_long", i18n.Args{"N": n})
	}
	if problem == "" {
		if err := o.Validate(); err != nil {
			problem = tr(l, "observe.problem.invalid", i18n.Args{"Reason": fieldReason(err)})
		}
	}
	if problem != "" {
		f := newObserveForm(l, ses.Program, marks)
		f.Nonce, f.Problem, f.Note = nonce, problem, o.Note
		f.Quality, f.Engagement = pf.Get("quality"), pf.Get("engagement")
		if len([]rune(f.Note)) > maxObserveNote {
			f.Note = "" // not echoed back: a page of 60 kB of someone's paste
		}
		return c.renderObserve(ec, sc, ses, f, http.StatusBadRequest)
	}
	id := observationID(s.p.School.ID, ses.ID, s.p.User.ID, nonce)
	observeMu.Lock()
	defer observeMu.Unlock()
	held, err := c.st.RecordsByID(ctx, s.p.School.ID, sc.v, id)
	if err != nil {
		return err
	}
	if len(held) == 0 {
		if _, err := c.w.Write(ctx, s.p.School.ID, s.p.User, serverwriter.Draft{ID: id, Type: record.TypeObservation, Data: o}); err != nil {
			return err
		}
		c.log.Info("console observation recorded", "school_id", s.p.School.ID, "user_id", s.p.User.ID, "record_id", id)
	}
	q := url.Values{"observed": {ses.ID}}
	if href := groupHref(sc, ses.S.GroupID); href != "" {
		return ec.Redirect(http.StatusSeeOther, href+"?"+q.Encode()+"#observations")
	}
	return ec.Redirect(http.StatusSeeOther, "/observations?"+q.Encode())
}

// maxObserveNote is an observation's note bound (record.Observation.Validate).
const maxObserveNote = 20000

// rating reads a 1–4 rating; "" is none. problemID says what is wrong
// with it.
func rating(l i18n.Lang, v, problemID string) (*float64, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, ""
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 4 {
		return nil, tr(l, problemID)
	}
	x := float64(n)
	return &x, ""
}

// fieldReason is a record rule's reason in words.
func fieldReason(err error) string {
	if fe := (*record.FieldError)(nil); errors.As(err, &fe) {
		return fe.Reason + "."
	}
	return err.Error()
}

// observationRow is one observation as the group page and the calendar
// list it.
type observationRow struct {
	ID, Date, Observer  string
	Quality, Engagement string
	Note                string
	ObservedPct         string
	Agreement           string
	AgreementPct        string // for data-agreement
	SessionID           string
}

// sessionObservations reads the observations of the sessions among envs in
// one indexed read (store.RecordsByRefs).
func (c *Console) sessionObservations(ctx context.Context, sc *scope, envs []record.Envelope) ([]record.Envelope, error) {
	var ids []string
	for _, e := range envs {
		if e.Type == record.TypeSession {
			ids = append(ids, e.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return c.st.RecordsByRefs(ctx, sc.p.School.ID, sc.v, ids, record.TypeObservation)
}

// observationRows lists observations (obs) of the sessions among envs,
// newest first, each with its own observed fidelity and its agreement
// with the session (progress.Agreement) over the session's program.
func observationRows(sc *scope, obs, envs []record.Envelope, progs map[string]record.Program, groupProgram string) []observationRow {
	byID := map[string]record.Session{}
	for _, e := range envs {
		if s, ok := record.DecodeAs[record.Session](e); ok && e.Type == record.TypeSession {
			byID[e.ID] = s
		}
	}
	sp := progress.In(sc.l)
	var out []observationRow
	for _, e := range obs {
		o, ok := record.DecodeAs[record.Observation](e)
		s, known := byID[o.SessionID]
		if !ok || !known || o.Validate() != nil {
			continue
		}
		pid := s.ProgramID
		if pid == "" {
			pid = groupProgram
		}
		prog := progs[pid]
		r := observationRow{ID: e.ID, Date: o.Date, Observer: sc.userName(o.ObserverID), Quality: ratingText(sc.l, o.Quality),
			Engagement: ratingText(sc.l, o.Engagement), Note: o.Note, ObservedPct: "—", Agreement: "—", SessionID: o.SessionID}
		if d, a := progress.FidelityCount(progress.SessionMarks(record.Session{Fidelity: o.Fidelity}, prog)); a > 0 {
			r.ObservedPct = sp.FormatPctWhole(float64(d) / float64(a) * 100)
		}
		if pct, ok := progress.Agreement(s, o, prog); ok {
			r.Agreement, r.AgreementPct = sp.FormatPctWhole(pct), exactNum(pct)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Date > out[j].Date || out[i].Date == out[j].Date && out[i].ID < out[j].ID
	})
	return out
}

// todayToObserve lists the group's sessions of today that the viewer may
// observe (progress.CheckObserve), for the group page's links.
func todayToObserve(sc *scope, g record.Group, envs []record.Envelope, today progress.Date) []string {
	var out []string
	for _, e := range envs {
		if s, ok := record.DecodeAs[record.Session](e); ok && e.Type == record.TypeSession &&
			progress.CheckObserve(s, g, sc.p.User.ID, today) == progress.ObserveAllowed {
			out = append(out, e.ID)
		}
	}
	sort.Strings(out)
	return out
}

func ratingText(l i18n.Lang, x *float64) string {
	if x == nil {
		return tr(l, "observe.not_rated")
	}
	return tr(l, "observe.rating_of", i18n.Args{"N": progress.In(l).FormatScore(*x)})
}

// calendarRow is one group on the coach's calendar.
type calendarRow struct {
	ID, Name, Href, Interventionist string
	LastObserved, LastText          string
	ObserveHref                     string
}

// handleObservations is the coach's calendar (ADR 0031): the groups not
// observed in the last six weeks, the longest waiting first, with the date
// of their last observation; for a non-admin, the groups they may observe
// (not their own). Two reads: the school's observations and the sessions
// they name, never the school's sessions.
func (c *Console) handleObservations(ec echo.Context) error {
	ctx := ec.Request().Context()
	sc, err := c.loadScope(ctx, sessionOf(ec).p)
	if err != nil {
		return err
	}
	school := sc.p.School.ID
	obs, err := c.st.Records(ctx, school, sc.v, record.TypeObservation)
	if err != nil {
		return err
	}
	var sessionIDs []string
	byObs := map[string]record.Observation{}
	for _, e := range obs {
		if o, ok := record.DecodeAs[record.Observation](e); ok && record.IsID(o.SessionID) {
			byObs[e.ID] = o
			sessionIDs = append(sessionIDs, o.SessionID)
		}
	}
	groupOfSession := map[string]string{}
	if len(sessionIDs) > 0 {
		sess, err := c.st.RecordsByID(ctx, school, sc.v, sessionIDs...)
		if err != nil {
			return err
		}
		for _, e := range sess {
			if s, ok := record.DecodeAs[record.Session](e); ok && e.Type == record.TypeSession {
				groupOfSession[e.ID] = s.GroupID
			}
		}
	}
	last := map[string]string{}
	for _, o := range byObs {
		gid := groupOfSession[o.SessionID]
		if gid != "" && o.Date > last[gid] {
			last[gid] = o.Date
		}
	}
	today := c.today()
	since := (today - observeWindowDays).String()
	var rows []calendarRow
	for gid, g := range sc.groups {
		if !sc.p.User.IsAdmin() && g.InterventionistID == sc.p.User.ID {
			continue // one's own group is someone else's to observe
		}
		if last[gid] > since {
			continue
		}
		r := calendarRow{ID: gid, Name: g.Name, Href: groupHref(sc, gid), Interventionist: sc.userName(g.InterventionistID),
			LastObserved: last[gid], LastText: tr(sc.l, "observations.never"), ObserveHref: "/groups/" + gid + "/observe"}
		if r.LastObserved != "" {
			r.LastText = tr(sc.l, "observations.last", i18n.Args{"Date": showDate(sc.l, r.LastObserved)})
		}
		if g.InterventionistID == sc.p.User.ID {
			r.ObserveHref = ""
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		return a.LastObserved < b.LastObserved || a.LastObserved == b.LastObserved && (a.Name < b.Name || a.Name == b.Name && a.ID < b.ID)
	})
	return c.render(ec, http.StatusOK, "observations", map[string]any{"Title": tr(sc.l, "nav.observations"), "Nav": "observations", "Rows": rows,
		"Since": since, "Today": today.String(), "Observed": ec.QueryParam("observed") != ""})
}

// todaySession is a session of a group delivered today, offered for
// observation.
type todaySession struct {
	ID, Status, Minutes string
	Href                string
}

// handleGroupObserve lists a group's sessions of today, each with its
// observation form when it may be observed: one read of the group's
// sessions. A non-admin may open it for any group but their own (the page
// shows no student).
func (c *Console) handleGroupObserve(ec echo.Context) error {
	ctx := ec.Request().Context()
	sc, err := c.loadScope(ctx, sessionOf(ec).p)
	if err != nil {
		return err
	}
	gid := ec.Param("id")
	g, ok := sc.groups[gid]
	if !record.IsID(gid) || !ok {
		return errNotFound
	}
	if g.InterventionistID == sc.p.User.ID {
		return errObserveOwn
	}
	envs, err := c.st.RecordsByRef(ctx, sc.p.School.ID, sc.v, gid, record.TypeSession)
	if err != nil {
		return err
	}
	today := c.today()
	var list []todaySession
	for _, e := range envs {
		s, ok := record.DecodeAs[record.Session](e)
		if !ok || s.GroupID != gid || s.Date != today.String() {
			continue
		}
		ts := todaySession{ID: e.ID, Status: tr(sc.l, sessionStatusWords[s.Status]), Minutes: progress.In(sc.l).FormatMinutes(s.Minutes)}
		if progress.CheckObserve(s, g, sc.p.User.ID, today) == progress.ObserveAllowed {
			ts.Href = "/sessions/" + e.ID + "/observe"
		}
		list = append(list, ts)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return c.render(ec, http.StatusOK, "groupobserve", map[string]any{"Title": tr(sc.l, "observe.title", i18n.Args{"Group": g.Name}), "Nav": "observations",
		"Group": g.Name, "GroupHref": groupHref(sc, gid), "Today": today.String(), "Sessions": list})
}

// sessionStatusWords are the message ids of a session's status words.
var sessionStatusWords = map[string]string{
	record.SessionDelivered:  "observe.status.delivered",
	record.SessionInProgress: "observe.status.in_progress",
	record.SessionCancelled:  "observe.status.cancelled",
}

// mountObservations adds the observation pages to the console's routes.
func (c *Console) mountObservations(e *echo.Echo) {
	e.GET("/observations", c.signedIn(c.handleObservations))
	e.GET("/groups/:id/observe", c.signedIn(c.handleGroupObserve))
	e.GET("/sessions/:id/observe", c.signedIn(c.handleObserveForm))
	e.POST("/sessions/:id/observe", c.signedIn(c.handleObserve))
}

// observedView is observed fidelity beside the self-reported one (the
// report's delivery.observations, or a group's): the sentence, and the
// figures for the data-* hooks as the JSON writes them.
type observedView struct {
	Sentence                  string
	Count                     int
	Self, Observed, Agreement string
	Gap                       string
	GapFlag                   string // "true", "false" or "" (null)
}

func observedHooks(l i18n.Lang, self *float64, o *progress.Observed) observedView {
	v := observedView{Sentence: progress.In(l).ObservedSentence(self, o)}
	if self != nil {
		v.Self = exactNum(*self)
	}
	if o == nil {
		return v
	}
	v.Count = o.Count
	if o.ObservedFidelityPct != nil {
		v.Observed = exactNum(*o.ObservedFidelityPct)
	}
	if o.MeanAgreementPct != nil {
		v.Agreement = exactNum(*o.MeanAgreementPct)
	}
	if g := progress.ObservedGap(self, o); g != nil {
		v.Gap = exactNum(*g)
	}
	if o.GapFlag != nil {
		v.GapFlag = strconv.FormatBool(*o.GapFlag)
	}
	return v
}

// gapLine is a goal on the meeting's list of fidelity gaps.
type gapLine struct {
	GoalID, StudentID, Student, Measure string
	Group, GroupHref                    string
	Gap, GapText                        string
	Observed                            observedView
	gap                                 float64
}

// fidelityGaps lists the caseload goals in scope whose delivery §3.7a
// flags (gap_flag), the widest gap first: the meeting lists them beside
// its agenda whatever their decision, since a decision read from
// overstated fidelity is the one to question (ADR 0031). gvs are the
// agenda's caseload goals: no read of its own.
func fidelityGaps(sc *scope, gvs []goalView) []gapLine {
	var out []gapLine
	for _, gv := range gvs {
		d := gv.Report.Delivery
		if d == nil || d.Observations == nil || d.Observations.GapFlag == nil || !*d.Observations.GapFlag {
			continue
		}
		gap := progress.ObservedGap(d.FidelityPct, d.Observations)
		if gap == nil {
			continue
		}
		out = append(out, gapLine{GoalID: gv.ID, StudentID: gv.StudentID, Student: gv.Student.DisplayName(), Measure: measureName(sc.l, gv.Report.Goal.Measure),
			Group: groupName(sc, gv.GroupID), GroupHref: groupHref(sc, gv.GroupID), Gap: exactNum(*gap),
			GapText: tr(sc.l, "gaps.points", i18n.Args{"N": progress.In(sc.l).Figure(*gap, 0)}), Observed: observedHooks(sc.l, d.FidelityPct, d.Observations), gap: *gap})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].gap > out[j].gap || out[i].gap == out[j].gap && out[i].GoalID < out[j].GoalID
	})
	return out
}
