package record

import "smallwins/shared/i18n"

// Namer turns what a description refers to into words. The caller supplies
// it because only the caller can look up a referenced record (which may not
// have arrived yet) and knows how to show a date.
type Namer interface {
	// Name is the referenced record's name, or a placeholder when this
	// device does not hold it yet.
	Name(Ref) string
	// Date shows a "YYYY-MM-DD" date for a person.
	Date(string) string
}

// Title is the student's display name.
func (s Student) Title() string { return s.DisplayName() }

// Title is the program's name.
func (p Program) Title() string { return p.Name }

// Title is the group's name.
func (g Group) Title() string { return g.Name }

// Title is "": a plan is named by its student.
func (Plan) Title() string { return "" }

// Title is "": a session is named by its group and date.
func (Session) Title() string { return "" }

// Title is "": a note is named by its student.
func (Note) Title() string { return "" }

// Title is "": a goal is named by its student.
func (Goal) Title() string { return "" }

// Title is "": a probe is named by its student and date.
func (Probe) Title() string { return "" }

// Title is "": a card is named by its student and date.
func (CICOCard) Title() string { return "" }

// Title is "": a decision is named by its student.
func (Decision) Title() string { return "" }

// Title is the break's name.
func (b CalendarBreak) Title() string { return b.Name }

// Describe: "Student Ana Lee".
func (s Student) Describe(n Namer) string { return DescribeIn(i18n.English, s, n) }

// Describe: "Program Phonics 2".
func (p Program) Describe(n Namer) string { return DescribeIn(i18n.English, p, n) }

// Describe: "Group Bluebirds".
func (g Group) Describe(n Namer) string { return DescribeIn(i18n.English, g, n) }

// Describe: "Plan of Ana Lee".
func (p Plan) Describe(n Namer) string { return DescribeIn(i18n.English, p, n) }

// Describe: "Session of Bluebirds on Tue 4 Mar".
func (s Session) Describe(n Namer) string { return DescribeIn(i18n.English, s, n) }

// Describe: "Note about Ana Lee".
func (o Note) Describe(n Namer) string { return DescribeIn(i18n.English, o, n) }

// Describe: "Goal of Ana Lee".
func (g Goal) Describe(n Namer) string { return DescribeIn(i18n.English, g, n) }

// Describe: "Probe of Ana Lee on Tue 4 Mar".
func (p Probe) Describe(n Namer) string { return DescribeIn(i18n.English, p, n) }

// Describe: "CICO card of Ana Lee on Tue 4 Mar".
func (k CICOCard) Describe(n Namer) string { return DescribeIn(i18n.English, k, n) }

// Describe: "Team decision for Ana Lee".
func (d Decision) Describe(n Namer) string { return DescribeIn(i18n.English, d, n) }

// Describe: "Calendar break Winter".
func (b CalendarBreak) Describe(n Namer) string { return DescribeIn(i18n.English, b, n) }
