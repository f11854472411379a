package record

import "smallwins/shared/i18n"

// NoteCategories are the note categories of DOMAIN.md §2 in the order a
// form offers them.
var NoteCategories = []string{NoteAcademic, NoteBehavior, NoteAttendance, NoteFamily, NoteHealth, NoteOther}

// NoteCategoryWords is a note category as every screen shows it ("academic"
// is a code on the wire, "Academic" on a screen); a code this version does
// not know is shown as itself, never dropped.
func NoteCategoryWords(code string) string { return NoteCategoryWordsIn(i18n.English, code) }

// NoteCategoryWordsIn is NoteCategoryWords in language l.
func NoteCategoryWordsIn(l i18n.Lang, code string) string { return knownIn(l, "note_category.", code) }

// NoteCategoryCode is the category a form's choice stands for: the code of
// NoteCategoryWords' words, or the text itself when it is none of them (an
// unknown code shown as itself goes back unchanged).
func NoteCategoryCode(words string) string { return NoteCategoryCodeIn(i18n.English, words) }

// NoteCategoryCodeIn is NoteCategoryCode for a form in language l.
func NoteCategoryCodeIn(l i18n.Lang, words string) string {
	for _, c := range NoteCategories {
		if NoteCategoryWordsIn(l, c) == words {
			return c
		}
	}
	return words
}
