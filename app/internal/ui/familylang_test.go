package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestStudentFamilyLanguage: the student form sets family_language to en,
// es or another well-formed tag; a language's name is refused with the
// reason and nothing is written; a stored regional tag survives an edit.
func TestStudentFamilyLanguage(t *testing.T) {
	f := newFixture(t)
	a := f.start(landscape)
	a.push(newStudentForm(a, ""))
	form := a.Current().(*formScreen)
	typeIn(t, f.win, formWidget(t, form, "Given name").(*widget.Entry), "Luz")
	typeIn(t, f.win, formWidget(t, form, "Family name").(*widget.Entry), "Reyes")
	formWidget(t, form, "Grade").(*widget.Select).SetSelected("3")
	lang := formWidget(t, form, "Family's language")
	fl := form.family
	if lang != fl.box || fl.other.Visible() {
		t.Fatal("the tag field is shown before Other is chosen")
	}
	fl.sel.SetSelected("Español")
	test.Tap(form.Save)
	studs := repo.List[record.Student](f.store)
	if len(studs) != 1 || studs[0].Data.FamilyLanguage != "es" {
		t.Fatalf("students %+v (message %q)", studs, a.Message())
	}
	id := studs[0].ID

	// Another language: a name is refused, a tag is kept.
	a.push(newStudentForm(a, id))
	form = a.Current().(*formScreen)
	fl = form.family
	if fl.sel.Selected != "Español" {
		t.Fatalf("the stored language shows as %q", fl.sel.Selected)
	}
	fl.sel.SetSelected("Other language (tag)")
	if !fl.other.Visible() {
		t.Fatal("no field for the other language's tag")
	}
	typeIn(t, f.win, fl.other, "Vietnamese")
	test.Tap(form.Save)
	if a.Message() != "Type the family's language as a language tag, e.g. vi, so or pt-BR (not the language's name)." ||
		mustGet[record.Student](f.store, id).Data.FamilyLanguage != "es" {
		t.Fatalf("a language's name: %q, stored %q", a.Message(), mustGet[record.Student](f.store, id).Data.FamilyLanguage)
	}
	typeIn(t, f.win, fl.other, "vi")
	test.Tap(form.Save)
	if got := mustGet[record.Student](f.store, id).Data.FamilyLanguage; got != "vi" {
		t.Fatalf("stored %q, want vi", got)
	}

	// A regional tag from the roster is shown as it is and kept.
	st := mustGet[record.Student](f.store, id).Data
	st.FamilyLanguage = "es-MX"
	must(repo.Put(context.Background(), f.store, id, st, false))
	a.push(newStudentForm(a, id))
	form = a.Current().(*formScreen)
	if fl = form.family; fl.sel.Selected != "Other language (tag)" || fl.other.Text != "es-MX" {
		t.Fatalf("es-MX shows as %q %q", fl.sel.Selected, fl.other.Text)
	}
	test.Tap(form.Save)
	if got := mustGet[record.Student](f.store, id).Data.FamilyLanguage; got != "es-MX" {
		t.Fatalf("an edit changed es-MX to %q", got)
	}
}
