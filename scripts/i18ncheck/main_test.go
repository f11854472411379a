package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestFindsEveryKindOfProblem runs the check over testdata/repo: a catalog missing a Spanish
// message, with one only Spanish has and a placeholder renamed; ids no catalog has, in Go (Fyne's
// lang, a Catalog, a wrapper handing its parameter on, in its package or another; not a function
// that merely takes a language and a string) and in a template; literals shown by widgets, a wrapper, a helper's result, a table's field, a dialog, a
// notification, an fpdf cell and a template; and the clean cases beside them, which must not be
// reported.
func TestFindsEveryKindOfProblem(t *testing.T) {
	root, err := filepath.Abs("testdata/repo")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	allow, err := readAllow(filepath.Join(root, "allow.txt"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := run(config{root: root, patterns: []string{"./..."}, appCatalog: "app/internal/applang/translations",
		templateFuncs: map[string]bool{"T": true, "TN": true}, allow: allow})
	if err != nil {
		t.Fatal(err)
	}
	wantCatalog := []string{
		`app/internal/applang/translations/app.es.json: es: "extra.es" is not in English`,
		`app/internal/applang/translations/app.es.json: es: "missing.es" has no es translation`,
		`app/internal/applang/translations/app.es.json: es: "sync.last" uses placeholders [{{.Cuando}}], English [{{.When}}]`,
	}
	if !reflect.DeepEqual(res.catalog, wantCatalog) {
		t.Errorf("catalog problems\n%s\nwant\n%s", strings.Join(res.catalog, "\n"), strings.Join(wantCatalog, "\n"))
	}
	wantIDs := []string{
		`app/internal/ui/more.go:11: applang.L("page.hint"): not in the app's catalog (app/internal/applang/translations)`,
		`app/internal/ui/ui.go:39: lang.L("no.such.id"): not in the app's catalog (app/internal/applang/translations)`,
		`app/internal/ui/ui.go:45: (i18n.Catalog).N "nowhere.id": in no catalog`,
		`app/internal/ui/ui.go:71: ui.tr "wrapped.unknown": in no catalog`,
		`app/internal/ui/ui.go:83: ui.trOr "missing.title": in no catalog`,
		`server/templates/page.html:11: T "gone.id": in no catalog`,
		`server/templates/page.html:8: TN "page.count": in no catalog`,
	}
	if !reflect.DeepEqual(res.ids, wantIDs) {
		t.Errorf("unknown ids\n%s\nwant\n%s", strings.Join(res.ids, "\n"), strings.Join(wantIDs, "\n"))
	}
	var shown []string
	for _, f := range res.shown {
		shown = append(shown, fmt.Sprintf("%s:%d: %q (%s)", f.file, f.line, f.text, f.how))
	}
	wantShown := []string{
		`app/internal/ui/ui.go:24: "Students" (field title)`,
		`app/internal/ui/ui.go:30: "Nothing yet" (returned by status)`,
		`app/internal/ui/ui.go:37: "Literal label" (widget.NewLabel)`,
		`app/internal/ui/ui.go:40: "Wrapped heading" (ui.heading)`,
		`app/internal/ui/ui.go:41: "Total:" (widget.NewLabel)`,
		`app/internal/ui/ui.go:42: "of left" (widget.NewLabel)`,
		`app/internal/ui/ui.go:55: "Type a name" ((widget.Entry).SetPlaceHolder)`,
		`app/internal/ui/ui.go:57: "Math" (widget.NewSelect)`,
		`app/internal/ui/ui.go:57: "Reading" (widget.NewSelect)`,
		`app/internal/ui/ui.go:58: "Pick one" (assigned to PlaceHolder)`,
		`app/internal/ui/ui.go:59: "Saved" (dialog.ShowInformation)`,
		`app/internal/ui/ui.go:61: "Synced" (field Title)`,
		`reportdoc/doc.go:8: "Page" ((fpdf.Fpdf).CellFormat)`,
		`server/templates/page.html:3: "Literal paragraph" (text)`,
		`server/templates/page.html:4: "Search students" (attribute placeholder)`,
		`server/templates/page.html:5: "Go" (attribute value)`,
	}
	if !reflect.DeepEqual(shown, wantShown) {
		t.Errorf("shown without a catalog\n%s\nwant\n%s", strings.Join(shown, "\n"), strings.Join(wantShown, "\n"))
	}
	if want := []string{`"Never seen"`}; !reflect.DeepEqual(res.stale, want) {
		t.Errorf("stale allow lines %q, want %q", res.stale, want)
	}
}

func TestAllowLinesNeedAReason(t *testing.T) {
	for _, body := range []string{"\"Small Wins\"\n", "app/internal/demo/**\n", "\"open\n"} {
		p := filepath.Join(t.TempDir(), "allow.txt")
		if err := os.WriteFile(p, []byte("# comment\n"+body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readAllow(p); err == nil {
			t.Errorf("%q was accepted", body)
		}
	}
}

func TestAllowMatchesTextsAndPaths(t *testing.T) {
	a := &allowList{strings: map[string]string{"Small Wins": "name"}, paths: map[string]string{"app/internal/demo/**": "data", "tools/*.go": "dev"}, used: map[string]bool{}}
	for _, c := range []struct {
		file, text string
		want       bool
	}{
		{"x.go", "Small Wins", true},
		{"x.html", "· Small  Wins", true},
		{"x.go", "Small Wins now", false},
		{"app/internal/demo/demo.go", "Maya", true},
		{"app/internal/demos/demo.go", "Maya", false},
		{"tools/a.go", "x", true},
		{"tools/sub/a.go", "x", false},
	} {
		if got := a.allows(c.file, c.text); got != c.want {
			t.Errorf("allows(%q, %q) = %v, want %v", c.file, c.text, got, c.want)
		}
	}
}

// TestTemplateTextAndAttributes checks the HTML reading on its own: text split by actions,
// quoted '>' in attributes, entities, and what is not text.
func TestTemplateTextAndAttributes(t *testing.T) {
	src := "<a href=\"/x?a>b\" title=\"Open it\">{{.N}}</a>\n<style>p{content:\"no\"}</style>&nbsp;&mdash;\n" +
		"<input type=button value='Press'><input value=\"typed\">{{if .A}}Yes{{else}}{{T \"no\"}}{{end}}\n"
	var got []string
	for _, f := range templateLiterals("t.html", src) {
		got = append(got, fmt.Sprintf("%d %s %s", f.line, f.how, f.text))
	}
	want := []string{"1 attribute title Open it", "3 attribute value Press", "3 text Yes"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
