package record

// NoteCategories are the note categories of DOMAIN.md §2 in the order a
// form offers them.
var NoteCategories = []string{NoteAcademic, NoteBehavior, NoteAttendance, NoteFamily, NoteHealth, NoteOther}

var noteCategoryWords = map[string]string{
	NoteAcademic:   "Academic",
	NoteBehavior:   "Behaviour",
	NoteAttendance: "Attendance",
	NoteFamily:     "Family",
	NoteHealth:     "Health",
	NoteOther:      "Other",
}

// NoteCategoryWords is a note category as every screen shows it ("academic"
// is a code on the wire, "Academic" on a screen); a code this version does
// not know is shown as itself, never dropped.
func NoteCategoryWords(code string) string {
	if w, ok := noteCategoryWords[code]; ok {
		return w
	}
	return code
}

// NoteCategoryCode is the category a form's choice stands for: the code of
// NoteCategoryWords' words, or the text itself when it is none of them (an
// unknown code shown as itself goes back unchanged).
func NoteCategoryCode(words string) string {
	for c, w := range noteCategoryWords {
		if w == words {
			return c
		}
	}
	return words
}
