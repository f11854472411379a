package record

import (
	"reflect"
	"strconv"

	"smallwins/shared/i18n"
)

// The words of records (note categories, goal statuses, record types and
// the one-line descriptions of a record) are catalog messages in
// shared/i18n/catalog (records.<lang>.json); each English function of the
// package is its In function in English.

// knownIn is the message prefix+code in l, or code itself when the catalog
// has no such message (a code from a newer version).
func knownIn(l i18n.Lang, prefix, code string) string {
	if code == "" || !i18n.Shared.Has(prefix+code) {
		return code
	}
	return i18n.Shared.T(l, prefix+code)
}

// GoalStatusWords is a goal's status (DOMAIN.md §2) in words: "Active",
// "Met", "Discontinued"; an absent status is active (Goal.Active); a status
// this version does not know is shown as itself.
func GoalStatusWords(status string) string { return GoalStatusWordsIn(i18n.English, status) }

// GoalStatusWordsIn is GoalStatusWords in language l.
func GoalStatusWordsIn(l i18n.Lang, status string) string {
	if status == "" {
		status = GoalActive
	}
	return knownIn(l, "goal_status.", status)
}

// DescribeIn is p's Describe in language l: "Student Ana Lee", "Estudiante
// Ana Lee". p may be a value or a pointer (Decode gives pointers). A
// payload type it does not know (a newer one) gives its own Describe.
func DescribeIn(l i18n.Lang, p Payload, n Namer) string {
	if v := reflect.ValueOf(p); v.Kind() == reflect.Pointer && !v.IsNil() {
		if e, ok := v.Elem().Interface().(Payload); ok {
			p = e
		}
	}
	t := func(id string, args i18n.Args) string { return i18n.Shared.T(l, "describe."+id, args) }
	student := func(id string) string { return n.Name(Ref{"student_id", TypeStudent, id}) }
	switch v := p.(type) {
	case Student:
		return t("student", i18n.Args{"Name": v.DisplayName()})
	case Program:
		return t("program", i18n.Args{"Name": v.Name})
	case Group:
		return t("group", i18n.Args{"Name": v.Name})
	case Plan:
		return t("plan", i18n.Args{"Student": student(v.StudentID)})
	case Session:
		return t("session", i18n.Args{"Group": n.Name(Ref{"group_id", TypeGroup, v.GroupID}), "Date": n.Date(v.Date)})
	case Note:
		return t("note", i18n.Args{"Student": student(v.StudentID)})
	case Goal:
		return t("goal", i18n.Args{"Student": student(v.StudentID)})
	case Probe:
		return t("probe", i18n.Args{"Student": student(v.StudentID), "Date": n.Date(v.Date)})
	case CICOCard:
		return t("cico_card", i18n.Args{"Student": student(v.StudentID), "Date": n.Date(v.Date)})
	case CICOPlan:
		return t("cico_plan", i18n.Args{"Student": student(v.StudentID)})
	case Decision:
		return t("decision", i18n.Args{"Student": student(v.StudentID)})
	case CalendarBreak:
		return t("calendar_break", i18n.Args{"Name": v.Name})
	case Meeting:
		return t("meeting", i18n.Args{"Date": n.Date(v.Date)})
	case MeetingAction:
		return t("meeting_action", i18n.Args{"Text": v.Text})
	case Observation:
		return t("observation", i18n.Args{"Session": n.Name(Ref{"session_id", TypeSession, v.SessionID}), "Date": n.Date(v.Date)})
	case NormTable:
		return t("norm_table", i18n.Args{"Measure": MeasureIn(l, v.Measure).Name, "Grade": v.Grade, "Source": v.Source})
	case ProbeForm:
		order := "?"
		if v.Order != nil {
			order = i18n.Decimal(l, strconv.FormatFloat(*v.Order, 'f', -1, 64))
		}
		return t("probe_form", i18n.Args{"Form": v.FormID, "Title": v.FormTitle, "Measure": MeasureIn(l, v.Measure).Name, "Grade": v.Grade, "Order": order})
	}
	return p.Describe(n)
}
