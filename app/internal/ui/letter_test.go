package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// TestFamilyLetterFromTheStudentScreen: "Family letter" on a goal writes the
// family progress letter (reportdoc's renderer, the server's) from the
// report the screen shows and hands it to the platform's save; the letter is
// in the student's family_language whatever the app's language: Spanish
// for "es" in an English app, English for "en" in a Spanish app, and English
// with the line that says so for a language the product lacks.
func TestFamilyLetterFromTheStudentScreen(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Log("SKIPPING the letter's words: pdftotext (poppler-utils) is not installed; only the PDF's bytes are checked")
	}
	for _, c := range []struct {
		name       string
		app        i18n.Lang
		family     string
		want, lack []string
		button     string
	}{
		{name: "es family, English app", app: i18n.English, family: "es", button: "Family letter",
			want: []string{"Carta de progreso: Ava Martinez", "Estimada familia:", "Lincoln Elementary",
				"La meta es llegar a 78", "para el 12 de mayo de 2025", "Atentamente,"},
			lack: []string{"Dear family", "The goal is", "Progress letter"}},
		{name: "en family, Spanish app", app: i18n.Spanish, family: "en", button: "Carta a la familia",
			want: []string{"Progress letter: Ava Martinez", "Dear family,", "The goal is to reach 78", "by May 12, 2025"},
			lack: []string{"Estimada familia", "La meta es", "in English because"}},
		{name: "fr family, English app", app: i18n.English, family: "fr", button: "Family letter",
			want: []string{"Progress letter: Ava Martinez", "in English because it is not yet available in French"},
			lack: []string{"Estimada familia"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			useLang(t, c.app)
			f := newFixture(t)
			sc := seedSchool(t, f.store)
			worked51(t, f, sc.students[0], 10)
			st := mustGet[record.Student](f.store, sc.students[0])
			st.Data.FamilyLanguage = c.family
			must(repo.Put(context.Background(), f.store, st.ID, st.Data, false))
			f.sync.enrolment = Enrolment{Enrolled: true, School: "Lincoln Elementary", UserID: "u"}
			a := f.start(landscape)
			var pdf []byte
			var savedAs string
			a.cfg.SaveDocument = func(name string, data []byte) error {
				savedAs, pdf = name, data
				return nil
			}
			s := newStudentScreen(a, sc.students[0])
			a.push(s)
			b := s.letter[sc.goal]
			if b == nil {
				t.Fatal("no Family letter button on the goal")
			}
			if b.Text != c.button {
				t.Fatalf("the button says %q in the app's language, want %q", b.Text, c.button)
			}
			test.Tap(b)
			if !strings.HasPrefix(string(pdf), "%PDF-") {
				t.Fatalf("no PDF handed to the platform (%d bytes: %.20q)", len(pdf), pdf)
			}
			wantName := map[i18n.Lang]string{i18n.English: "family-letter-ava-martinez-2025-03-17.pdf",
				i18n.Spanish: "carta-familia-ava-martinez-2025-03-17.pdf"}[c.app]
			if savedAs != wantName || !strings.Contains(a.Message(), wantName) {
				t.Fatalf("offered as %q, status line %q; want %q", savedAs, a.Message(), wantName)
			}
			if pdftotext == "" {
				t.Skip("pdftotext is not installed: the letter's language is not read back")
			}
			path := filepath.Join(t.TempDir(), "letter.pdf")
			if err := os.WriteFile(path, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(pdftotext, "-layout", path, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("the letter lacks %q:\n%s", w, text)
				}
			}
			for _, w := range c.lack {
				if strings.Contains(text, w) {
					t.Errorf("the letter has %q:\n%s", w, text)
				}
			}
		})
	}
}

// TestLetterFileName: the report's rule for the name and date, the
// document's word in the app's language.
func TestLetterFileName(t *testing.T) {
	if got := letterFileName("Zoë Ñúñez", "2025-03-17"); got != "family-letter-zoë-ñúñez-2025-03-17.pdf" {
		t.Errorf("English: %q", got)
	}
	useLang(t, i18n.Spanish)
	if got := letterFileName("", "2025-03-17"); got != "carta-familia-2025-03-17.pdf" {
		t.Errorf("Spanish, no name: %q", got)
	}
}
