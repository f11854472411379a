// Command i18ncheck is `make lint`'s language check (docs/decisions/0029-languages-and-catalogs.md).
// It fails when
//  1. a catalog is incomplete: every directory holding <area>.en.json files is loaded with
//     i18n.Load as the product loads it, and each of Catalog.Problems() (a Spanish message
//     missing or empty, one English lacks, differing placeholders) is reported with its file;
//  2. code looks up an id no catalog has: lang.L/N/X/XN("id", …) must name an id of the app's
//     catalog; an i18n.Catalog's T(l, "id", …) and N(l, "id", …), a function handing its own
//     parameter on as such an id (tr(l, "id")), and the console's {{T "id"}} (the template
//     functions of -template-funcs) an id of some catalog;
//  3. with -strict: text is shown without a catalog: a literal holding a letter that reaches a
//     Fyne widget, dialog, window or notification, an fpdf text call or a chart label (through
//     concatenation, fmt.Sprintf's format, a wrapper's parameter, a variable, a struct field or
//     a helper's result), and the text nodes and read attributes (title, alt, placeholder,
//     aria-label, a button's value) of the console's templates outside {{…}} actions. The few
//     texts shown as they are (a name, a code) are in the allow file with their reason.
//
// Without -strict, part 3 is counted per package and not failed.
//
// Usage: i18ncheck [-tags t] [-allow file] [-strict] [-v] [-template-funcs T,TN,N,TH] packages...
package main

import (
	"flag"
	"fmt"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

type config struct {
	root          string
	tags          string
	patterns      []string
	appCatalog    string // the catalog Fyne's lang looks ids up in
	templateFuncs map[string]bool
	allow         *allowList
}

type result struct {
	catalog []string  // a catalog's problems, "file: problem"
	ids     []string  // unknown ids, "file:line: …"
	shown   []finding // text shown without a catalog, sorted
	stale   []string  // allow lines that allowed nothing
}

func main() {
	tags := flag.String("tags", "", "build tags")
	allowFile := flag.String("allow", "scripts/i18ncheck/allow.txt", "the allow file: `\"text\" reason` or `glob reason` a line")
	strict := flag.Bool("strict", false, "fail on text shown without a catalog (else count it per package)")
	verbose := flag.Bool("v", false, "list every text shown without a catalog, even when not strict")
	funcs := flag.String("template-funcs", "T,TN,N,TH", "the console templates' message functions (id first), comma-separated")
	appCatalog := flag.String("app-catalog", "app/internal/applang/translations", "the catalog of the app's lang.L lookups")
	flag.Parse()
	root, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	allow, err := readAllow(*allowFile)
	if err != nil {
		fail(err)
	}
	tf := map[string]bool{}
	for _, f := range strings.Split(*funcs, ",") {
		if f = strings.TrimSpace(f); f != "" {
			tf[f] = true
		}
	}
	res, err := run(config{root: root, tags: *tags, patterns: flag.Args(), appCatalog: *appCatalog, templateFuncs: tf, allow: allow})
	if err != nil {
		fail(err)
	}
	if report(os.Stdout, res, *strict, *verbose, *allowFile) {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "i18ncheck:", err)
	os.Exit(2)
}

// run does the three checks.
func run(c config) (result, error) {
	var res result
	dirs, err := findCatalogDirs(c.root)
	if err != nil {
		return res, err
	}
	cats, problems := loadCatalogs(c.root, dirs)
	res.catalog = problems
	ix := newIDIndex(cats, c.appCatalog)

	tmpls, err := findTemplates(c.root)
	if err != nil {
		return res, err
	}
	tids, tlits, err := checkTemplates(c.root, tmpls, c.templateFuncs)
	if err != nil {
		return res, err
	}
	fset := token.NewFileSet()
	srcs, err := loadGo(c.root, c.tags, c.patterns, fset)
	if err != nil {
		return res, err
	}
	an := newAnalysis(fset)
	an.run(srcs)

	rel := func(f string) string {
		if !filepath.IsAbs(f) {
			return f
		}
		r, err := filepath.Rel(c.root, f)
		if err != nil {
			return f
		}
		return filepath.ToSlash(r)
	}
	for _, u := range append(tids, an.ids...) {
		switch {
		case u.app && !ix.app[u.id]:
			res.ids = append(res.ids, fmt.Sprintf("%s:%d: %s(%q): not in the app's catalog (%s)", rel(u.file), u.line, u.how, u.id, c.appCatalog))
		case !u.app && !ix.any[u.id]:
			res.ids = append(res.ids, fmt.Sprintf("%s:%d: %s %q: in no catalog", rel(u.file), u.line, u.how, u.id))
		}
	}
	sort.Strings(res.ids)
	shown := tlits
	for _, f := range an.found {
		shown = append(shown, f)
	}
	for _, f := range shown {
		f.file = rel(f.file)
		if serverKey(f.file, f.text) || c.allow.allows(f.file, f.text) {
			continue
		}
		res.shown = append(res.shown, f)
	}
	sort.Slice(res.shown, func(i, j int) bool {
		a, b := res.shown[i], res.shown[j]
		if a.file != b.file {
			return a.file < b.file
		}
		if a.line != b.line {
			return a.line < b.line
		}
		return a.text < b.text
	})
	res.stale = c.allow.stale()
	return res, nil
}

// lowerWord is one word in lower-case ASCII.
var lowerWord = regexp.MustCompile(`^[a-z]+$`)

// serverKey: in the server's Go code, a lone lower-case word handed to a page is a key (the
// page's name, a sort, a menu entry: "caseload", "decision"), not words for a person, which the
// server writes whole. In the app such a word is shown as is (an area's code in a list), so
// there it stays a finding.
func serverKey(file, text string) bool {
	return strings.HasPrefix(file, "syncserver/") && strings.HasSuffix(file, ".go") && lowerWord.MatchString(text)
}

// report prints the result and says whether the check fails.
func report(w *os.File, res result, strict, verbose bool, allowFile string) bool {
	failed := false
	for _, p := range res.catalog {
		fmt.Fprintln(w, p)
	}
	if len(res.catalog) > 0 {
		fmt.Fprintf(w, "%d catalog problems: every message of <area>.en.json needs its <area>.es.json entry with the same placeholders.\n", len(res.catalog))
		failed = true
	}
	for _, p := range res.ids {
		fmt.Fprintln(w, p)
	}
	if len(res.ids) > 0 {
		fmt.Fprintf(w, "%d message ids in no catalog: add them to the area's <area>.en.json and <area>.es.json.\n", len(res.ids))
		failed = true
	}
	if strict || verbose {
		for _, f := range res.shown {
			fmt.Fprintf(w, "%s:%d: %s shown without a catalog (%s)\n", f.file, f.line, quote(f.text), f.how)
		}
	}
	counts := map[string]int{}
	for _, f := range res.shown {
		counts[path.Dir(f.file)]++
	}
	var pkgs []string
	for p := range counts {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	mode := "counted, not failed: I18N_STRICT=1 lists and fails them"
	if strict {
		mode = "strict"
	}
	fmt.Fprintf(w, "texts shown without a catalog: %d (%s)\n", len(res.shown), mode)
	for _, p := range pkgs {
		fmt.Fprintf(w, "  %5d  %s\n", counts[p], p)
	}
	if strict {
		for _, s := range res.stale {
			fmt.Fprintf(w, "%s: in %s but allows nothing: remove the line\n", s, allowFile)
		}
		if len(res.shown)+len(res.stale) > 0 {
			fmt.Fprintln(w, "Shown text goes through a catalog (lang.L in the app, the area's catalog on the server); a name or a code shown as it is goes in "+allowFile+" with its reason.")
			failed = true
		}
	}
	return failed
}
