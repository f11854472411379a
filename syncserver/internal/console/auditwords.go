package console

import (
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// auditWords fills in each audit row what a person reads (ADR 0027): the
// kind of record and its student's name (one read of the page's records
// and one of their students, by id, as the admin sees them), and the
// tablet's name and its user (the school's device list), or "a console
// session". A record deleted since, or a tablet no longer listed, says so.
func (c *Console) auditWords(ec echo.Context, rows []auditRow) error {
	if len(rows) == 0 {
		return nil
	}
	ctx := ec.Request().Context()
	p := sessionOf(ec).p
	v := store.ViewerOf(p.User)
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.RecordID)
	}
	recs, err := c.st.RecordsByID(ctx, p.School.ID, v, ids...)
	if err != nil {
		return err
	}
	kind, owner, types := map[string]string{}, map[string]string{}, map[string]string{}
	var students []string
	for _, e := range recs {
		kind[e.ID], types[e.ID] = record.TypeWords(e.Type), e.Type
		// record.Decode, not progress.Decode: these are restricted records,
		// which reports skip; only their owner is read, never shown.
		if pl, err := record.Decode(e.Type, e.Data); err == nil {
			if ref, ok := pl.Owner(); ok && ref.Type == record.TypeStudent && record.IsID(ref.ID) {
				owner[e.ID] = ref.ID
				students = append(students, ref.ID)
			}
		}
	}
	names := map[string]string{}
	if len(students) > 0 {
		envs, err := c.st.RecordsByID(ctx, p.School.ID, v, students...)
		if err != nil {
			return err
		}
		for _, e := range envs {
			if st, ok := record.DecodeAs[record.Student](e); ok {
				names[e.ID] = st.DisplayName()
			}
		}
	}
	devs, err := c.st.ListDevices(ctx, p.School.ID)
	if err != nil {
		return err
	}
	device := make(map[string]store.Device, len(devs))
	for _, d := range devs {
		device[d.DeviceID] = d
	}
	l := langOf(ec)
	for i := range rows {
		r := &rows[i]
		r.What, r.Student = tr(l, "audit.deleted_record"), "—"
		if k, ok := kind[r.RecordID]; ok {
			r.What = tr(l, "audit.restricted", i18n.Args{"Kind": lowerFirst(k)})
			if id := "audit.restricted." + types[r.RecordID]; cat.Has(id) {
				r.What = tr(l, id) // the kinds restricted records have, in the page's language
			}
		}
		if sid := owner[r.RecordID]; sid != "" {
			r.Student = tr(l, "audit.deleted_student")
			if n, ok := names[sid]; ok {
				r.Student, r.StudentHref = n, "/students/"+sid
			}
		}
		switch d, ok := device[r.DeviceID]; {
		case r.Console:
			r.Where = tr(l, "audit.where.console")
		case ok:
			r.Where = tr(l, "audit.where.tablet", i18n.Args{"Device": d.DeviceName, "Name": d.User.Name})
		default:
			r.Where = tr(l, "audit.where.gone")
		}
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
