package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/shared/hlc"
	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
)

// The team meeting (CONSOLE.md §3 `/meeting`, ADR 0017): the agenda in
// order of urgency, filtered and paged, a card per goal with its chart and
// one decision form; the meeting of a school and day (the page's as_of)
// with its attendees and action items, written as records; what was
// decided in it.

// agendaPageSize is the cards on one agenda page (CONSOLE.md §3).
const agendaPageSize = 25

// agendaPDFMax bounds the cards of one printed agenda: 25 pages of two
// charts. A bigger agenda prints its first cards and says how to print the
// rest (filter it): an agenda of 2,000 goals is no meeting's, and each
// chart is a drawing of its own.
const agendaPDFMax = 50

// agendaReasons are the reasons a goal is on the agenda in CONSOLE.md §3's
// order of urgency: its goal date has passed (review_goal); a change of
// instruction or its delivery gate; a raise; a review due; an overdue
// probe; and last a decision still waiting for data (ADR 0014).
var agendaReasons = []string{record.DecisionReviewGoal, record.DecisionChangeInstruction, record.DecisionRaiseGoal,
	"review_due", "overdue_probe", record.DecisionNotEnoughData}

// reasonWords are the agenda's reasons as the filter and the cards' tags
// list them. A decision of the data is named by the report's words
// (progress.Speaker.DecisionWords), as every surface names it (ADR 0015);
// the others, and review_goal, whose tag says why ("goal date passed"),
// are the catalog's meeting.reason.<code>; "" for a reason it does not name.
func reasonWords(l i18n.Lang, code string) string {
	if code != record.DecisionReviewGoal && slices.Contains(record.DecisionCodes, code) {
		return progress.In(l).DecisionWords(code)
	}
	if !cat.Has("meeting.reason." + code) {
		return ""
	}
	return tr(l, "meeting.reason."+code)
}

// reasonFilterOrder is the reason filter's list, in agenda order.
var reasonFilterOrder = []string{record.DecisionReviewGoal, record.DecisionChangeInstruction, record.DecisionFixDeliveryFirst,
	record.DecisionRaiseGoal, "review_due", "overdue_probe", record.DecisionNotEnoughData}

// agendaEntry is one goal on the agenda: cheap to make for every goal of
// a school (the card's words are made only for the page shown).
type agendaEntry struct {
	gv        *goalView
	student   string // display name, the order's last key
	groupID   string
	intID     string // the group's interventionist
	reason    string // the most urgent reason's code (data-reason)
	rank      int    // of reason, in agendaReasons
	reviewDue bool   // as the meeting found it (meetingReviewDue)
	// decided is the goal's latest decision recorded in this meeting (nil
	// when none): its card says "Decided today".
	decided *progress.TeamDecision
}

// meetingNode is the HLC node of what the console writes in a school:
// a decision with it, dated the meeting's day, was recorded in the meeting.
func meetingNode(schoolID string) string { return serverwriter.DeviceID(schoolID) }

// inMeeting: d was recorded through the console (the server's device) on
// day, the meeting's day. Only the meeting's form writes decisions there.
func inMeeting(d progress.TeamDecision, day, node string) bool {
	return d.Date == day && len(d.HLC) == hlc.TextLen && d.HLC[hlc.TextLen-len(node):] == node
}

// meetingReviewDue is DOMAIN §3.8's review due as the meeting found it:
// without the decisions recorded in the meeting itself, so that deciding
// a card neither drops it from the agenda nor moves it to another page.
func meetingReviewDue(gv *goalView, day, node string) bool {
	decs := gv.Decisions
	if slices.ContainsFunc(decs, func(d progress.TeamDecision) bool { return inMeeting(d, day, node) }) {
		decs = slices.DeleteFunc(slices.Clone(decs), func(d progress.TeamDecision) bool { return inMeeting(d, day, node) })
	}
	asOf, _ := progress.ParseDate(gv.Report.AsOf)
	return progress.ReviewDue(decs, gv.Report.PointsAfterBaseline, asOf)
}

// agendaReason is a goal's most urgent reason and its rank; "" when the
// goal is not on the agenda.
func agendaReason(decision string, reviewDue, overdue bool) (string, int) {
	var code string
	switch {
	case decision == record.DecisionFixDeliveryFirst:
		return decision, 1 // ranked with change_instruction
	case decision == record.DecisionReviewGoal || decision == record.DecisionChangeInstruction || decision == record.DecisionRaiseGoal:
		code = decision
	case reviewDue:
		code = "review_due"
	case overdue:
		code = "overdue_probe"
	case decision != record.DecisionContinue:
		code = decision
	default:
		return "", -1
	}
	if i := slices.Index(agendaReasons, code); i >= 0 {
		return code, i
	}
	return code, len(agendaReasons) // a code this version does not know
}

// agenda is the meeting's agenda as of day, in the viewer's scope: every
// goal whose decision is not continue, whose review is due or whose probe
// is overdue, and every goal decided in this meeting, most urgent first,
// then by decision, student and goal (a stable order, so pages do not
// shift). It reads the caseload's cached reports: no whole-school read
// when the school has not changed (ADR 0012).
func (c *Console) agenda(ctx context.Context, sc *scope, day progress.Date) ([]agendaEntry, []goalView, error) {
	gvs, err := c.caseloadGoals(ctx, sc, day)
	if err != nil {
		return nil, nil, err
	}
	node, dayS := meetingNode(sc.p.School.ID), day.String()
	var out []agendaEntry
	for i := range gvs {
		gv := &gvs[i]
		e := agendaEntry{gv: gv, groupID: gv.GroupID}
		for j := range gv.Decisions { // latest first
			if inMeeting(gv.Decisions[j], dayS, node) {
				e.decided = &gv.Decisions[j]
				break
			}
		}
		e.reviewDue = meetingReviewDue(gv, dayS, node)
		e.reason, e.rank = agendaReason(gv.Report.Decision.Code, e.reviewDue, gv.Report.OverdueProbe)
		if e.reason == "" {
			if e.decided == nil {
				continue
			}
			// Decided in this meeting with nothing left to flag: it was
			// reviewed, and stays where the meeting found it.
			e.reason, e.rank = "review_due", slices.Index(agendaReasons, "review_due")
		}
		e.student = gv.Student.DisplayName()
		if g, ok := sc.groups[gv.GroupID]; ok {
			e.intID = g.InterventionistID
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if d := decisionRank(a.gv.Report.Decision.Code) - decisionRank(b.gv.Report.Decision.Code); d != 0 {
			return d < 0
		}
		if a.student != b.student {
			return a.student < b.student
		}
		return a.gv.ID < b.gv.ID
	})
	return out, gvs, nil
}

// agendaFilter is the agenda's GET filters (CONSOLE.md §3) and page.
type agendaFilter struct {
	AsOf, Interventionist, Group, Grade, Program, Reason string
	Page                                                 int
}

func filterOf(q url.Values) agendaFilter {
	f := agendaFilter{AsOf: q.Get("as_of"), Interventionist: q.Get("interventionist"), Group: q.Get("group"),
		Grade: q.Get("grade"), Program: q.Get("program"), Reason: q.Get("reason")}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	return f
}

// query is the filter as a query string for a link of page (0: none).
func (f agendaFilter) query(page int) string {
	v := url.Values{}
	for k, s := range map[string]string{"as_of": f.AsOf, "interventionist": f.Interventionist, "group": f.Group,
		"grade": f.Grade, "program": f.Program, "reason": f.Reason} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

// href is the agenda page with the filter, page and an anchor.
func (f agendaFilter) href(page int, anchor string) string {
	h := "/meeting"
	if q := f.query(page); q != "" {
		h += "?" + q
	}
	if anchor != "" {
		h += "#" + anchor
	}
	return h
}

func (f agendaFilter) keep(e *agendaEntry) bool {
	return (f.Interventionist == "" || e.intID == f.Interventionist) && (f.Group == "" || e.groupID == f.Group) &&
		(f.Grade == "" || e.gv.Student.Grade == f.Grade) && (f.Program == "" || e.gv.ProgramID == f.Program) &&
		(f.Reason == "" || e.reason == f.Reason)
}

func (f agendaFilter) apply(all []agendaEntry) []agendaEntry {
	var out []agendaEntry
	for i := range all {
		if f.keep(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out
}

// card is one agenda item as its card shows it, every value in words.
type card struct {
	ID, StudentID, Decision, Reason, Status string
	Student, Grade, Group, Interventionist  string
	Program, Measure, DecisionText, Why     string
	ReasonText, StatusText, Delivery        string
	LastProbe, ChartSrc, ChartAlt           string
	// ChartNarrowSrc is the phone's drawing of the same chart (?size=narrow).
	ChartNarrowSrc      string
	LastScore, LastDate string // the last probe, for the page (a date does not break)
	GroupHref           string
	Flags               []string
	Decided             *decidedNote // nil unless decided in this meeting
	DecidedCode         string
	// Action is the decision form's target: it keeps the filters and the
	// page, so the answer comes back to this card.
	Action string
	// Observed is observed fidelity beside the reported one; the card
	// shows it when §3.7a flags a gap (ADR 0031).
	Observed observedView
}

func (c *Console) card(sc *scope, e *agendaEntry, f agendaFilter) card {
	gv := e.gv
	rep := &gv.Report
	l := sc.l
	sp := progress.In(l)
	k := card{ID: gv.ID, StudentID: gv.StudentID, Decision: rep.Decision.Code, Reason: e.reason, Status: rep.Status,
		Student: e.student, Grade: gv.Student.Grade, Group: "—", Interventionist: "—", Program: gv.Program.Name,
		Measure: measureName(l, rep.Goal.Measure), DecisionText: decisionText(l, rep.Decision.Code), Why: reasonText(l, *rep),
		ReasonText: reasonWords(l, e.reason), StatusText: sp.StatusWords(rep.Status), Delivery: sp.DeliveryShort(rep.Delivery),
		LastProbe: tr(l, "meeting.no_probe"), Action: formAction("/meeting/decisions", f)}
	if k.ReasonText == "" {
		k.ReasonText = e.reason
	}
	if d := rep.Delivery; d != nil {
		k.Observed = observedHooks(l, d.FidelityPct, d.Observations)
	}
	if g, ok := sc.groups[gv.GroupID]; ok {
		k.Group, k.Interventionist, k.GroupHref = g.Name, sc.userName(g.InterventionistID), groupHref(sc, gv.GroupID)
	}
	if n := len(rep.Points); n > 0 {
		p := rep.Points[n-1]
		k.LastScore, k.LastDate = sp.Number(progress.FormatScore(p.Score)), showDate(l, p.Date)
		k.LastProbe = tr(l, "probe.score_on", i18n.Args{"Score": k.LastScore, "Date": k.LastDate})
	}
	if rep.Decision.Code != record.DecisionContinue {
		k.Flags = append(k.Flags, tr(l, "meeting.flag.data", i18n.Args{"Decision": k.DecisionText}))
	}
	if e.reviewDue {
		k.Flags = append(k.Flags, tr(l, "meeting.flag.review_due"))
	}
	if rep.OverdueProbe {
		k.Flags = append(k.Flags, tr(l, "meeting.flag.overdue"))
	}
	k.ChartSrc = "/students/" + url.PathEscape(gv.StudentID) + "/goals/" + url.PathEscape(gv.ID) + "/chart.svg"
	q := ""
	if f.AsOf != "" {
		q = "?as_of=" + url.QueryEscape(f.AsOf)
	}
	k.ChartSrc, k.ChartNarrowSrc = k.ChartSrc+q, k.ChartSrc+withQuery(q, "size=narrow")
	k.ChartAlt = tr(l, "meeting.chart_alt", i18n.Args{"Points": rep.PointsAfterBaseline, "Measure": strings.ToLower(k.Measure),
		"Goal": sp.Number(progress.FormatScore(rep.Goal.GoalScore)), "Date": showDate(l, rep.Goal.GoalDate)})
	if d := e.decided; d != nil {
		k.Decided, k.DecidedCode = noteOf(sc, d.Decision), d.Code
	}
	return k
}

// decidedNote is a decision of the meeting in words: the page writes it
// with its date unbroken, the PDF as Text.
type decidedNote struct {
	Words, Next, Owner, Why string
	l                       i18n.Lang
}

func noteOf(sc *scope, d record.Decision) *decidedNote {
	n := &decidedNote{Words: decisionText(sc.l, d.Code), Next: showDate(sc.l, d.NextReviewDate), Why: d.Rationale, l: sc.l}
	if d.OwnerID != "" {
		n.Owner = sc.userName(d.OwnerID)
	}
	return n
}

// Text is the note in one sentence, after "Decided today: ".
func (n *decidedNote) Text() string {
	s := n.Words + "."
	if n.Next != "" {
		s += " " + tr(n.l, "meeting.decided.next", i18n.Args{"Date": n.Next})
	}
	if n.Owner != "" {
		s += " " + tr(n.l, "meeting.decided.owner", i18n.Args{"Name": n.Owner})
	}
	if n.Why != "" {
		s += " " + tr(n.l, "meeting.decided.why", i18n.Args{"Why": n.Why})
	}
	return s
}

type option struct{ Value, Label string }

// agendaOptions are the filter lists: what the whole agenda holds.
func agendaOptions(sc *scope, all []agendaEntry) (ints, groups, grades, programs, reasons []option) {
	seen := map[string]bool{}
	once := func(kind, v string) bool {
		if v == "" || seen[kind+v] {
			return false
		}
		seen[kind+v] = true
		return true
	}
	for i := range all {
		e := &all[i]
		if once("i", e.intID) {
			ints = append(ints, option{e.intID, sc.userName(e.intID)})
		}
		if once("g", e.groupID) {
			groups = append(groups, option{e.groupID, groupName(sc, e.groupID)})
		}
		if g := e.gv.Student.Grade; once("r", g) {
			grades = append(grades, option{g, tr(sc.l, "grade.n", i18n.Args{"Grade": g})})
		}
		if p := e.gv.ProgramID; once("p", p) {
			name := e.gv.Program.Name
			if name == "" {
				name = capital(tr(sc.l, "program.not_synced"))
			}
			programs = append(programs, option{p, name})
		}
		seen["reason"+e.reason] = true
	}
	for _, r := range reasonFilterOrder {
		if seen["reason"+r] {
			reasons = append(reasons, option{r, reasonWords(sc.l, r)})
		}
	}
	byLabel := func(o []option) {
		sort.Slice(o, func(i, j int) bool {
			return o[i].Label < o[j].Label || o[i].Label == o[j].Label && o[i].Value < o[j].Value
		})
	}
	byLabel(ints)
	byLabel(groups)
	byLabel(programs)
	sort.Slice(grades, func(i, j int) bool { return gradeRank(grades[i].Value) < gradeRank(grades[j].Value) })
	return ints, groups, grades, programs, reasons
}

// decidedLine is one entry of the page's "decided in this meeting" list.
type decidedLine struct {
	Href, Student, Measure string
	Note                   *decidedNote
}

// agendaView is the agenda a request asks for: its day, the viewer's
// scope, every item and the filtered ones. The page and the agenda PDF
// read it alike.
type agendaView struct {
	day        progress.Date
	sc         *scope
	all, shown []agendaEntry
	f          agendaFilter
	goals      []goalView // every caseload goal in scope (the fidelity gaps' list)
}

// agendaOf reads the request's agenda (as_of, scope, filter).
func (c *Console) agendaOf(ec echo.Context) (agendaView, error) {
	ctx := ec.Request().Context()
	day, err := c.asOf(ec)
	if err != nil {
		return agendaView{}, err
	}
	sc, err := c.loadScope(ctx, sessionOf(ec).p)
	if err != nil {
		return agendaView{}, err
	}
	all, goals, err := c.agenda(ctx, sc, day)
	if err != nil {
		return agendaView{}, err
	}
	f := filterOf(ec.QueryParams())
	return agendaView{day: day, sc: sc, all: all, shown: f.apply(all), f: f, goals: goals}, nil
}

// handleMeeting is the team's agenda (CONSOLE.md §3).
func (c *Console) handleMeeting(ec echo.Context) error {
	ctx := ec.Request().Context()
	v, err := c.agendaOf(ec)
	if err != nil {
		return err
	}
	day, sc, all, f, shown := v.day, v.sc, v.all, v.f, v.shown
	pages := max(1, (len(shown)+agendaPageSize-1)/agendaPageSize)
	f.Page = min(max(f.Page, 1), pages)
	from, to := (f.Page-1)*agendaPageSize, min(f.Page*agendaPageSize, len(shown))
	cards := make([]card, 0, to-from)
	for i := from; i < to; i++ {
		cards = append(cards, c.card(sc, &shown[i], f))
	}
	m, err := c.meetingOf(ctx, sc, day)
	if err != nil {
		return err
	}
	ints, groups, grades, programs, reasons := agendaOptions(sc, all)
	var codes []option
	for _, d := range decisionOrder {
		codes = append(codes, option{d, decisionText(sc.l, d)})
	}
	data := map[string]any{"Title": tr(sc.l, "meeting.title"), "Nav": "meeting", "AsOf": showDate(sc.l, day.String()), "F": f,
		"Cards": cards, "Total": len(shown), "All": len(all), "From": from + 1, "To": to, "Page": f.Page, "Pages": pages,
		"Codes": codes, "Owners": m.owners, "Interventionists": ints, "Groups": groups, "Grades": grades, "Programs": programs,
		"Reasons": reasons, "Decided": decidedList(sc, all, shown, f), "Meeting": m, "AttendeeText": tr(sc.l, "meeting.none_chosen")}
	if len(m.Names) > 0 {
		data["AttendeeText"] = strings.Join(m.Names, ", ")
	}
	data["Gaps"] = fidelityGaps(sc, v.goals)
	for k, v := range meetingLinks(f, pages) {
		data[k] = v
	}
	return c.render(ec, http.StatusOK, "meeting", data)
}

// decidedList is what the meeting decided across the whole agenda (not
// only the filter's): each entry links to its card where the filter shows
// it, else to the student's page.
func decidedList(sc *scope, all, shown []agendaEntry, f agendaFilter) []decidedLine {
	at := map[string]int{}
	for i := range shown {
		at[shown[i].gv.ID] = i
	}
	var out []decidedLine
	for i := range all {
		e := &all[i]
		if e.decided == nil {
			continue
		}
		href := "/students/" + url.PathEscape(e.gv.StudentID)
		if j, ok := at[e.gv.ID]; ok {
			href = f.href(j/agendaPageSize+1, "goal-"+e.gv.ID)
		}
		out = append(out, decidedLine{Href: href, Student: e.student, Measure: measureName(sc.l, e.gv.Report.Goal.Measure),
			Note: noteOf(sc, e.decided.Decision)})
	}
	return out
}

// meetingLinks are the page's links and form targets: each keeps the day,
// and the agenda's filter where it applies (the minutes are the whole
// day's; "Clear" keeps only the day).
func meetingLinks(f agendaFilter, pages int) map[string]string {
	day := agendaFilter{AsOf: f.AsOf}
	l := map[string]string{"AgendaPDF": "/meeting/agenda.pdf", "MinutesPDF": formAction("/meeting/minutes.pdf", day),
		"Clear": day.href(0, ""), "AttendeesAction": formAction("/meeting/attendees", f),
		"ActionsAction": formAction("/meeting/actions", f), "RemoveAction": formAction("/meeting/actions/remove", f),
		"EditAction": formAction("/meeting/actions/edit", f)}
	if q := f.query(0); q != "" {
		l["AgendaPDF"] += "?" + q
	}
	if f.Page > 1 {
		l["Prev"] = f.href(f.Page-1, "")
	}
	if f.Page < pages {
		l["Next"] = f.href(f.Page+1, "")
	}
	return l
}

// formAction is a meeting form's target: path with the agenda's filter and
// page, so the answer comes back to where the form was.
func formAction(path string, f agendaFilter) string {
	if q := f.query(f.Page); q != "" {
		return path + "?" + q
	}
	return path
}

// backTo is where a meeting form returns: the agenda with the filters and
// page the form was posted from (its query string, read through
// agendaFilter so nothing else is carried), at anchor.
func backTo(ec echo.Context, anchor string) string {
	f := filterOf(ec.QueryParams())
	return f.href(f.Page, anchor)
}

// meetingForm checks a meeting form's body and token and loads the
// poster's scope.
func (c *Console) meetingForm(ec echo.Context) (*session, *scope, error) {
	if err := parseForm(ec); err != nil {
		return nil, nil, err
	}
	s := sessionOf(ec)
	if !checkCSRF(ec, s.csrf) {
		return nil, nil, errBadCSRF
	}
	sc, err := c.loadScope(ec.Request().Context(), s.p)
	return s, sc, err
}

// handleDecision records a team decision as an ordinary `decision` record
// through serverwriter, under the signed-in user (CONSOLE.md §1), so it
// reaches every tablet on its next pull. It is dated the meeting's day
// (the page's as_of, default today), and the browser comes back to the
// decided card, with the filters and page it was on.
func (c *Console) handleDecision(ec echo.Context) error {
	s, sc, err := c.meetingForm(ec)
	if err != nil {
		return err
	}
	ctx := ec.Request().Context()
	f := ec.Request().PostForm
	goalID := f.Get("goal_id")
	if !record.IsID(goalID) {
		return errNotFound
	}
	goals, err := c.st.RecordsByID(ctx, s.p.School.ID, sc.v, goalID)
	if err != nil {
		return err
	}
	var g record.Goal
	if len(goals) != 1 || goals[0].Type != record.TypeGoal || record.DecodeData(goals[0].Data, &g) != nil {
		return errNotFound
	}
	if _, ok := sc.students[g.StudentID]; !ok {
		return errNotFound
	}
	day, err := c.asOf(ec)
	if err != nil {
		return err
	}
	d := record.Decision{StudentID: g.StudentID, GoalID: goalID, Date: day.String(), Code: f.Get("code"),
		Rationale: strings.TrimSpace(f.Get("rationale")), NextReviewDate: f.Get("next_review_date"), OwnerID: f.Get("owner_id")}
	if d.OwnerID != "" {
		if _, ok := sc.users[d.OwnerID]; !ok {
			return newErr(http.StatusBadRequest, "error.owner")
		}
	}
	if !slices.Contains(record.DecisionCodes, d.Code) {
		return newErr(http.StatusBadRequest, "error.decision_code")
	}
	if err := d.Validate(); err != nil {
		return newErr(http.StatusBadRequest, "error.decision_invalid", i18n.Args{"Problem": err.Error()})
	}
	if _, err := c.w.Write(ctx, s.p.School.ID, s.p.User, serverwriter.Draft{Type: record.TypeDecision, Data: d}); err != nil {
		return err
	}
	c.log.Info("console decision recorded", "school_id", s.p.School.ID, "user_id", s.p.User.ID)
	return ec.Redirect(http.StatusSeeOther, backTo(ec, "goal-"+goalID))
}
