package record

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
func (s Student) Describe(Namer) string { return "Student " + s.DisplayName() }

// Describe: "Program Phonics 2".
func (p Program) Describe(Namer) string { return "Program " + p.Name }

// Describe: "Group Bluebirds".
func (g Group) Describe(Namer) string { return "Group " + g.Name }

// Describe: "Plan of Ana Lee".
func (p Plan) Describe(n Namer) string {
	return "Plan of " + n.Name(Ref{"student_id", TypeStudent, p.StudentID})
}

// Describe: "Session of Bluebirds on Tue 4 Mar".
func (s Session) Describe(n Namer) string {
	return "Session of " + n.Name(Ref{"group_id", TypeGroup, s.GroupID}) + " on " + n.Date(s.Date)
}

// Describe: "Note about Ana Lee".
func (o Note) Describe(n Namer) string {
	return "Note about " + n.Name(Ref{"student_id", TypeStudent, o.StudentID})
}

// Describe: "Goal of Ana Lee".
func (g Goal) Describe(n Namer) string {
	return "Goal of " + n.Name(Ref{"student_id", TypeStudent, g.StudentID})
}

// Describe: "Probe of Ana Lee on Tue 4 Mar".
func (p Probe) Describe(n Namer) string {
	return "Probe of " + n.Name(Ref{"student_id", TypeStudent, p.StudentID}) + " on " + n.Date(p.Date)
}

// Describe: "CICO card of Ana Lee on Tue 4 Mar".
func (k CICOCard) Describe(n Namer) string {
	return "CICO card of " + n.Name(Ref{"student_id", TypeStudent, k.StudentID}) + " on " + n.Date(k.Date)
}

// Describe: "Team decision for Ana Lee".
func (d Decision) Describe(n Namer) string {
	return "Team decision for " + n.Name(Ref{"student_id", TypeStudent, d.StudentID})
}

// Describe: "Calendar break Winter".
func (b CalendarBreak) Describe(Namer) string { return "Calendar break " + b.Name }
