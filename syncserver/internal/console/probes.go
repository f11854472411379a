package console

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// Probes on the student page (CONSOLE.md §3: "probes (editable by admins,
// with undo)"). An edit is a new version of the probe record written
// through serverwriter, so tablets pull it; it is written only over the
// version the form showed (IfHLC), so an edit on a stale page never
// overwrites a tablet's newer write. Undo writes the previous version's
// data back as a new version, again only over the edit it undoes. The
// previous data travels in the undo form (base64 of its JSON) rather than
// in server state, so any instance can take the undo; it is validated as
// a probe of the same student and measure like any write, and only an
// admin, who may write any probe anyway, can send it.

// probeRow is one probe as the page lists it.
type probeRow struct {
	ID, HLC, Date, Measure, Score, Errors string
	Prorated                              string // "" or "prorated from N in S s"
	// Count and Seconds fill the edit form: the stored figures written
	// exactly (record.Probe.Count), never the rounded Score.
	Count, Seconds string
	// FormID is the probe's form_id and Form its title (formTitles).
	FormID, Form string
}

// studentProbes lists a student's probes, newest first, and their
// envelopes (for the audit of restricted content shown).
func (c *Console) studentProbes(ec echo.Context, sc *scope, sid string) ([]probeRow, []record.Envelope, error) {
	envs, err := c.st.RecordsByRef(ec.Request().Context(), sc.p.School.ID, sc.v, sid, record.TypeProbe)
	if err != nil {
		return nil, nil, err
	}
	titles, err := c.formTitles(ec.Request().Context(), sc, sid, envs)
	if err != nil {
		return nil, nil, err
	}
	var out []probeRow
	var shown []record.Envelope
	for _, e := range envs {
		var p record.Probe
		if record.DecodeData(e.Data, &p) != nil || p.StudentID != sid {
			continue
		}
		count, secs := p.Count()
		sp := progress.In(sc.l)
		r := probeRow{ID: e.ID, HLC: e.HLC, Date: p.Date, Measure: measureName(sc.l, p.Measure), Score: sp.Number(progress.FormatScore(p.Score)), Errors: "—",
			Count: record.FormatInput(count), Seconds: record.FormatInput(secs)}
		if p.Errors != nil {
			r.Errors = sp.Number(progress.FormatScore(*p.Errors))
		}
		r.FormID, r.Form = p.FormID, titles.of(p.Measure, p.FormID)
		if p.RawScore != nil && p.Seconds > 0 {
			r.Prorated = tr(sc.l, "probe.prorated", i18n.Args{"Raw": sp.Number(progress.FormatScore(*p.RawScore)), "Seconds": sp.Number(progress.FormatScore(p.Seconds))})
		}
		out = append(out, r)
		shown = append(shown, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Date > out[j].Date || out[i].Date == out[j].Date && out[i].ID < out[j].ID
	})
	return out, shown, nil
}

// probeOfStudent reads the route's probe, which must be a probe of the
// route's student that the admin sees: otherwise 404.
func (c *Console) probeOfStudent(ec echo.Context, sc *scope) (string, record.Envelope, record.Probe, error) {
	sid, _, err := studentInScope(ec, sc)
	if err != nil {
		return "", record.Envelope{}, record.Probe{}, err
	}
	pid := ec.Param("probe")
	if !record.IsID(pid) {
		return "", record.Envelope{}, record.Probe{}, errNotFound
	}
	envs, err := c.st.RecordsByID(ec.Request().Context(), sc.p.School.ID, sc.v, pid)
	if err != nil {
		return "", record.Envelope{}, record.Probe{}, err
	}
	var p record.Probe
	if len(envs) != 1 || envs[0].Type != record.TypeProbe || record.DecodeData(envs[0].Data, &p) != nil || p.StudentID != sid {
		return "", record.Envelope{}, record.Probe{}, errNotFound
	}
	return sid, envs[0], p, nil
}

// probeForm is the common start of a probe's edit and undo: the form read,
// its CSRF token checked, the viewer's scope, and the probe (of a student
// in that scope) the form names.
func (c *Console) probeForm(ec echo.Context) (*session, *scope, string, record.Envelope, record.Probe, error) {
	if err := parseForm(ec); err != nil {
		return nil, nil, "", record.Envelope{}, record.Probe{}, err
	}
	s := sessionOf(ec)
	if !checkCSRF(ec, s.csrf) {
		return nil, nil, "", record.Envelope{}, record.Probe{}, errBadCSRF
	}
	sc, err := c.loadScope(ec.Request().Context(), s.p)
	if err != nil {
		return nil, nil, "", record.Envelope{}, record.Probe{}, err
	}
	sid, env, p, err := c.probeOfStudent(ec, sc)
	return s, sc, sid, env, p, err
}

var errProbeChanged = newErr(http.StatusConflict, "error.probe_changed")

// handleProbeEdit changes a probe's date and score (admins only).
func (c *Console) handleProbeEdit(ec echo.Context) error {
	s, sc, sid, env, old, err := c.probeForm(ec)
	if err != nil {
		return err
	}
	ctx := ec.Request().Context()
	f := ec.Request().PostForm
	if f.Get("hlc") != env.HLC {
		return errProbeChanged
	}
	edited := old
	edited.Date = strings.TrimSpace(f.Get("date"))
	// The form edits what was read: the count and the seconds it took;
	// record.Probe.SetCount, the tablet's rule too, turns them into the
	// stored score. A form without seconds keeps the stored ones.
	oldCount, oldSecs := old.Count()
	secs := oldSecs
	count, err := record.ParseNumber(strings.TrimSpace(f.Get("score")))
	if err != nil {
		return newErr(http.StatusBadRequest, "error.probe_count")
	}
	if v := strings.TrimSpace(f.Get("seconds")); v != "" {
		secs, err = record.ParseNumber(v)
		if err != nil || secs < 1 || secs > record.ProbeSeconds {
			return newErr(http.StatusBadRequest, "error.probe_seconds")
		}
	}
	if _, err := progress.ParseDate(edited.Date); err != nil {
		return newErr(http.StatusBadRequest, "error.date")
	}
	if count != oldCount || secs != oldSecs {
		edited.SetCount(count, secs)
		// The tablet's plausibility rule (record.CheckProbe, ADR 0650): too
		// short a reading is refused; a prorated score far above the
		// student's recent ones needs the form's confirmation.
		others, err := c.otherProbes(ec, sc, sid, env.ID)
		if err != nil {
			return err
		}
		switch chk := record.CheckProbe(edited, others); {
		case chk.TooShort:
			return newErr(http.StatusBadRequest, "error.probe_too_short", i18n.Args{"Min": record.MinProbeSeconds})
		case chk.Confirm && f.Get("confirm") != "yes":
			sp := progress.In(sc.l)
			return newErr(http.StatusBadRequest, "error.probe_confirm", i18n.Args{"Count": sp.Number(progress.FormatScore(count)),
				"Seconds": sp.Number(progress.FormatScore(secs)), "Score": sp.Number(progress.FormatScore(edited.Score)),
				"Median": sp.Number(progress.FormatScore(chk.Median)), "Confirm": tr(sc.l, "student.confirm")})
		}
	}
	if err := edited.Validate(); err != nil {
		// DOMAIN.md §2's rules and bounds (ADR 0022), in words that name the field.
		msg := err.Error()
		if fe := (*record.FieldError)(nil); errors.As(err, &fe) {
			msg = fe.Reason + "."
		}
		return newErr(http.StatusBadRequest, "error.probe_invalid", i18n.Args{"Problem": msg})
	}
	written, err := c.w.Write(ctx, s.p.School.ID, s.p.User, serverwriter.Draft{ID: env.ID, Type: record.TypeProbe, Data: edited, IfHLC: env.HLC,
		Restricted: env.Restricted}) // an edit never lifts a restriction
	if errors.Is(err, store.ErrChanged) {
		return errProbeChanged
	}
	if err != nil {
		return err
	}
	c.log.Info("console probe edited", "school_id", s.p.School.ID, "user_id", s.p.User.ID, "record_id", env.ID)
	prev, _ := record.EncodeData(old, nil)
	notice := &probeNotice{ID: env.ID, HLC: written[0].HLC, Prev: base64.RawURLEncoding.EncodeToString(prev),
		Text: tr(sc.l, "student.probe_edited", i18n.Args{"Date": showDate(sc.l, edited.Date), "Score": progress.In(sc.l).Number(progress.FormatScore(edited.Score)),
			"Old": progress.In(sc.l).Number(progress.FormatScore(old.Score)), "OldDate": showDate(sc.l, old.Date)})}
	return c.renderStudent(ec, sc, sid, notice)
}

// otherProbes are the student's probes but the one being edited, for the
// plausibility rule.
func (c *Console) otherProbes(ec echo.Context, sc *scope, sid, except string) ([]record.Probe, error) {
	envs, err := c.st.RecordsByRef(ec.Request().Context(), sc.p.School.ID, sc.v, sid, record.TypeProbe)
	if err != nil {
		return nil, err
	}
	var out []record.Probe
	for _, e := range envs {
		if p, ok := record.DecodeAs[record.Probe](e); ok && e.ID != except && p.StudentID == sid {
			out = append(out, p)
		}
	}
	return out, nil
}

// probeNotice is what the student page says after an edit, with its undo.
type probeNotice struct {
	ID, HLC, Prev, Text string
}

// handleProbeUndo writes the previous version back (admins only).
func (c *Console) handleProbeUndo(ec echo.Context) error {
	s, _, sid, env, cur, err := c.probeForm(ec)
	if err != nil {
		return err
	}
	ctx := ec.Request().Context()
	f := ec.Request().PostForm
	raw, err := base64.RawURLEncoding.DecodeString(f.Get("prev"))
	var prev record.Probe
	if err != nil || record.DecodeData(raw, &prev) != nil || prev.StudentID != cur.StudentID || prev.Measure != cur.Measure || prev.Validate() != nil {
		return newErr(http.StatusBadRequest, "error.undo_foreign")
	}
	if f.Get("hlc") != env.HLC {
		return errProbeChanged
	}
	if _, err := c.w.Write(ctx, s.p.School.ID, s.p.User, serverwriter.Draft{ID: env.ID, Type: record.TypeProbe, Data: prev, IfHLC: env.HLC,
		Restricted: env.Restricted}); errors.Is(err, store.ErrChanged) {
		return errProbeChanged
	} else if err != nil {
		return err
	}
	c.log.Info("console probe edit undone", "school_id", s.p.School.ID, "user_id", s.p.User.ID, "record_id", env.ID)
	q := url.Values{"undone": {"1"}}
	if d := ec.QueryParam("as_of"); d != "" {
		q.Set("as_of", d)
	}
	return ec.Redirect(http.StatusSeeOther, "/students/"+sid+"?"+q.Encode()+"#probes")
}
