package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// pkg is what `go list -json` says of one package.
type pkg struct {
	ImportPath string
	Dir        string
	Export     string
	GoFiles    []string
	Standard   bool
	DepOnly    bool
	Error      *struct{ Err string }
}

// source is one package of the patterns, parsed and type-checked.
type source struct {
	path  string
	files []*ast.File
	info  *types.Info
}

// loadGo type-checks the non-test files of the packages of patterns (go list run in root), in
// dependency order, importing the rest from the export data `go list -export` gives: the
// standard library only, as scripts/floatfmt does.
func loadGo(root, tags string, patterns []string, fset *token.FileSet) ([]*source, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	args := []string{"list", "-e", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,Standard,DepOnly,Error"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	cmd := exec.Command("go", append(args, patterns...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.String())
	}
	all := map[string]*pkg{}
	var order []*pkg // go list -deps prints a package after its dependencies
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if p.Error != nil && !p.DepOnly {
			return nil, fmt.Errorf("%s: %s", p.ImportPath, p.Error.Err)
		}
		all[p.ImportPath] = &p
		order = append(order, &p)
	}
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		d, ok := all[path]
		if !ok || d.Export == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(d.Export)
	})
	var srcs []*source
	for _, p := range order {
		if p.DepOnly || p.Standard || len(p.GoFiles) == 0 {
			continue
		}
		s := &source{path: p.ImportPath, info: &types.Info{
			Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{},
			Defs: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}}
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				return nil, err
			}
			s.files = append(s.files, f)
		}
		conf := types.Config{Importer: imp.(types.ImporterFrom)}
		if _, err := conf.Check(p.ImportPath, fset, s.files, s.info); err != nil {
			return nil, fmt.Errorf("%s: %w", p.ImportPath, err)
		}
		srcs = append(srcs, s)
	}
	return srcs, nil
}

// finding is one text shown without a catalog.
type finding struct {
	file string
	line int
	text string
	how  string
}

const (
	fyneW = "fyne.io/fyne/v2/widget."
	fyneD = "fyne.io/fyne/v2/dialog."
	fpdfF = "(codeberg.org/go-pdf/fpdf.Fpdf)."
	fpdfI = "(codeberg.org/go-pdf/fpdf.Pdf)."
)

// displayFuncs are the calls that show their text arguments to a person: Fyne's widgets,
// dialogs, windows and notifications, and fpdf's text calls. The ints are the parameters
// holding text.
var displayFuncs = map[string][]int{
	fyneW + "NewLabel": {0}, fyneW + "NewLabelWithStyle": {0}, fyneW + "NewButton": {0},
	fyneW + "NewButtonWithIcon": {0}, fyneW + "NewCheck": {0}, fyneW + "NewCheckGroup": {0},
	fyneW + "NewRadioGroup": {0}, fyneW + "NewSelect": {0}, fyneW + "NewSelectEntry": {0},
	fyneW + "NewHyperlink": {0}, fyneW + "NewHyperlinkWithStyle": {0}, fyneW + "NewCard": {0, 1},
	fyneW + "NewRichTextFromMarkdown": {0}, fyneW + "NewRichTextWithText": {0},
	fyneW + "NewFormItem": {0}, fyneW + "NewAccordionItem": {0}, fyneW + "NewTextGridFromString": {0},
	"(" + fyneW + "Label).SetText": {0}, "(" + fyneW + "Button).SetText": {0},
	"(" + fyneW + "Check).SetText": {0}, "(" + fyneW + "Hyperlink).SetText": {0},
	"(" + fyneW + "Entry).SetPlaceHolder": {0}, "(" + fyneW + "Select).SetOptions": {0},
	"(" + fyneW + "SelectEntry).SetOptions": {0}, "(" + fyneW + "Card).SetTitle": {0},
	"(" + fyneW + "Card).SetSubTitle": {0}, "(" + fyneW + "RichText).ParseMarkdown": {0},
	"(" + fyneW + "Form).Append":           {0},
	"fyne.io/fyne/v2/container.NewTabItem": {0}, "fyne.io/fyne/v2/container.NewTabItemWithIcon": {0},
	"fyne.io/fyne/v2/canvas.NewText": {0},
	fyneD + "NewConfirm":             {0, 1}, fyneD + "ShowConfirm": {0, 1}, fyneD + "NewInformation": {0, 1},
	fyneD + "ShowInformation": {0, 1}, fyneD + "NewCustom": {0, 1}, fyneD + "ShowCustom": {0, 1},
	fyneD + "NewCustomConfirm": {0, 1, 2}, fyneD + "ShowCustomConfirm": {0, 1, 2},
	fyneD + "NewCustomWithoutButtons": {0}, fyneD + "ShowCustomWithoutButtons": {0},
	fyneD + "NewForm": {0, 1, 2}, fyneD + "ShowForm": {0, 1, 2},
	fyneD + "NewEntryDialog": {0, 1}, fyneD + "ShowEntryDialog": {0, 1},
	"(" + fyneD + "ConfirmDialog).SetConfirmText": {0}, "(" + fyneD + "ConfirmDialog).SetDismissText": {0},
	"(" + fyneD + "CustomDialog).SetDismissText": {0},
	"fyne.io/fyne/v2.NewNotification":            {0, 1}, "fyne.io/fyne/v2.NewMenuItem": {0},
	"fyne.io/fyne/v2.NewMenu": {0}, "(fyne.io/fyne/v2.App).NewWindow": {0},
	"(fyne.io/fyne/v2.Window).SetTitle": {0},
	fpdfF + "Cell":                      {2}, fpdfF + "CellFormat": {2}, fpdfF + "MultiCell": {2}, fpdfF + "Write": {1},
	fpdfF + "WriteAligned": {2}, fpdfF + "Text": {2}, fpdfF + "SetTitle": {0}, fpdfF + "SetSubject": {0},
	fpdfF + "Bookmark": {0}, fpdfF + "WriteLinkString": {1}, fpdfF + "WriteLinkID": {1},
	fpdfI + "Cell": {2}, fpdfI + "CellFormat": {2}, fpdfI + "MultiCell": {2}, fpdfI + "Write": {1},
	fpdfI + "WriteAligned": {2}, fpdfI + "Text": {2}, fpdfI + "SetTitle": {0}, fpdfI + "SetSubject": {0},
	"(gonum.org/v1/plot.Legend).Add": {0},
	// The console's pages: the data a template prints.
	"(smallwins/syncserver/internal/console.Console).render": {3},
}

// displayFields are the struct fields whose text is shown: owner "pkg.Type" (pkg.? for an
// unnamed struct, as gonum/plot's Title and Axis.Label) and field.
var displayFields = map[string]bool{
	fyneW + "Label.Text": true, fyneW + "Button.Text": true, fyneW + "Check.Text": true,
	fyneW + "Hyperlink.Text": true, fyneW + "Card.Title": true, fyneW + "Card.Subtitle": true,
	fyneW + "FormItem.Text": true, fyneW + "FormItem.HintText": true, fyneW + "Form.SubmitText": true,
	fyneW + "Form.CancelText": true, fyneW + "Entry.PlaceHolder": true, fyneW + "Select.PlaceHolder": true,
	fyneW + "Select.Options": true, fyneW + "RadioGroup.Options": true, fyneW + "CheckGroup.Options": true,
	fyneW + "AccordionItem.Title": true, fyneW + "TextSegment.Text": true,
	"fyne.io/fyne/v2/canvas.Text.Text": true, "fyne.io/fyne/v2/container.TabItem.Text": true,
	"fyne.io/fyne/v2.Notification.Title": true, "fyne.io/fyne/v2.Notification.Content": true,
	"fyne.io/fyne/v2.MenuItem.Label": true, "fyne.io/fyne/v2.Menu.Label": true,
	"gonum.org/v1/plot.?.Text": true,
}

// idFunc is a lookup: which argument is the message id, and whether it must be in the app's
// catalog (Fyne's lang) or may be in any.
type idFunc struct {
	arg int
	app bool
}

// langFuncs are Fyne's lookups: their first argument is an id of the app's catalog.
var langFuncs = map[string]bool{}

// idFuncs are the lookups the check starts from; a function passing its own parameter on as the
// id of a lookup (tr(l, id) calling cat.T(l, id)) becomes one too.
var idFuncs = map[string]idFunc{
	"(smallwins/shared/i18n.Catalog).T": {1, false},
	"(smallwins/shared/i18n.Catalog).N": {1, false},
}

func init() {
	for _, f := range []string{"L", "N", "X", "XN", "Localize", "LocalizePlural", "LocalizeKey", "LocalizePluralKey"} {
		langFuncs["fyne.io/fyne/v2/lang."+f] = true
		idFuncs["fyne.io/fyne/v2/lang."+f] = idFunc{0, true}
	}
}

// analysis finds the text a package shows without a catalog. What is shown spreads from the
// display calls backwards: a parameter, a local or package variable, a struct field or a
// function's result that reaches a display call is itself display, so a literal passed to a
// wrapper (heading("Today")), stored in a table's field, or returned by a helper is found too.
// The marks are worked out to a fixed point over every package, then the literals reaching
// them are collected.
type analysis struct {
	fset    *token.FileSet
	params  map[string]map[int]bool // function key → display parameters
	results map[string]bool         // function key → returns text shown
	idFuncs map[string]idFunc       // function key → its id parameter
	idArgs  map[token.Pos]bool      // the ids of lookups: never findings
	vars    map[string]bool         // variable or field key → display
	paramOf map[*types.Var]paramRef
	keys    map[*types.Var]bool // variables used as a key: switched on, indexed by, compared
	changed bool

	collect bool
	ids     []idUse
	found   map[token.Pos]finding
}

type paramRef struct {
	fn  string
	idx int
}

func newAnalysis(fset *token.FileSet) *analysis {
	a := &analysis{fset: fset, params: map[string]map[int]bool{}, results: map[string]bool{},
		vars: map[string]bool{}, paramOf: map[*types.Var]paramRef{}, keys: map[*types.Var]bool{}, found: map[token.Pos]finding{}, idFuncs: map[string]idFunc{},
		idArgs: map[token.Pos]bool{}}
	for k, f := range idFuncs {
		a.idFuncs[k] = f
	}
	for k, idx := range displayFuncs {
		a.params[k] = map[int]bool{}
		for _, i := range idx {
			a.params[k][i] = true
		}
	}
	return a
}

// run marks to the fixed point, then collects ids and findings.
func (a *analysis) run(srcs []*source) {
	for _, s := range srcs {
		for _, f := range s.files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				fn, _ := s.info.Defs[fd.Name].(*types.Func)
				if fn == nil {
					continue
				}
				key := funcKey(fn)
				sig := fn.Type().(*types.Signature)
				for i := 0; i < sig.Params().Len(); i++ {
					a.paramOf[sig.Params().At(i)] = paramRef{key, i}
				}
			}
		}
	}
	for _, s := range srcs {
		for _, f := range s.files {
			ast.Inspect(f, func(n ast.Node) bool {
				a.noteKey(s.info, n)
				return true
			})
		}
	}
	for {
		a.changed = false
		a.scan(srcs)
		if !a.changed {
			break
		}
	}
	a.collect = true
	a.scan(srcs)
	for pos := range a.idArgs {
		delete(a.found, pos)
	}
}

func (a *analysis) scan(srcs []*source) {
	for _, s := range srcs {
		for _, f := range s.files {
			var stack []ast.Node
			ast.Inspect(f, func(n ast.Node) bool {
				if n == nil {
					stack = stack[:len(stack)-1]
					return true
				}
				stack = append(stack, n)
				a.node(s.info, n, stack)
				return true
			})
		}
	}
}

func (a *analysis) node(info *types.Info, n ast.Node, stack []ast.Node) {
	switch n := n.(type) {
	case *ast.CallExpr:
		a.call(info, n)
	case *ast.CompositeLit:
		st, owner := structOf(info.TypeOf(n))
		if st == nil {
			return
		}
		for i, e := range n.Elts {
			var field *types.Var
			val := e
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					field, _ = info.Uses[id].(*types.Var)
				}
				val = kv.Value
			} else if i < st.NumFields() {
				field = st.Field(i)
			}
			if field != nil && a.isDisplayVar(field, owner) {
				a.sink(info, val, "field "+field.Name())
			}
		}
	case *ast.AssignStmt:
		if len(n.Lhs) != len(n.Rhs) {
			return
		}
		for i, l := range n.Lhs {
			if v, owner := a.target(info, l); v != nil && a.isDisplayVar(v, owner) {
				a.sink(info, n.Rhs[i], "assigned to "+v.Name())
			}
		}
	case *ast.ValueSpec:
		if len(n.Names) != len(n.Values) {
			return
		}
		for i, id := range n.Names {
			if v, ok := info.Defs[id].(*types.Var); ok && a.isDisplayVar(v, "") {
				a.sink(info, n.Values[i], "assigned to "+v.Name())
			}
		}
	case *ast.RangeStmt:
		if id, ok := n.Value.(*ast.Ident); ok {
			if v, ok := objOf(info, id).(*types.Var); ok && a.isDisplayVar(v, "") {
				a.sink(info, n.X, "ranged into "+v.Name())
			}
		}
	case *ast.ReturnStmt:
		fd := enclosingFunc(stack)
		if fd == nil {
			return
		}
		fn, _ := info.Defs[fd.Name].(*types.Func)
		if fn == nil || !a.results[funcKey(fn)] {
			return
		}
		for _, r := range n.Results {
			if isText(info.TypeOf(r)) {
				a.sink(info, r, "returned by "+fn.Name())
			}
		}
	}
}

// enclosingFunc is the function declaration a return belongs to; nil inside a function literal,
// whose results are not followed.
func enclosingFunc(stack []ast.Node) *ast.FuncDecl {
	for i := len(stack) - 1; i >= 0; i-- {
		switch f := stack[i].(type) {
		case *ast.FuncLit:
			return nil
		case *ast.FuncDecl:
			return f
		}
	}
	return nil
}

func (a *analysis) call(info *types.Info, call *ast.CallExpr) {
	fn := calleeFunc(info, call)
	if fn == nil {
		return
	}
	key := funcKey(fn)
	sig := fn.Type().(*types.Signature)
	a.idUses(info, call, key)
	ps := a.params[key]
	if len(ps) == 0 {
		return
	}
	n := sig.Params().Len()
	for i, arg := range call.Args {
		pi := i
		if sig.Variadic() && pi >= n-1 {
			pi = n - 1
		}
		if ps[pi] {
			a.sink(info, arg, shortKey(key))
		}
	}
}

// idUses notes the message id of a lookup (idFuncs) when it is a constant; when it is a
// parameter of the calling function, that function becomes a lookup too.
func (a *analysis) idUses(info *types.Info, call *ast.CallExpr, key string) {
	f, ok := a.idFuncs[key]
	if !ok || f.arg >= len(call.Args) {
		return
	}
	arg := ast.Unparen(call.Args[f.arg])
	if id, ok := arg.(*ast.Ident); ok {
		if v, ok := objOf(info, id).(*types.Var); ok {
			if p, ok := a.paramOf[v]; ok {
				if _, known := a.idFuncs[p.fn]; !known {
					a.idFuncs[p.fn] = idFunc{p.idx, f.app}
					a.changed = true
				}
			}
		}
	}
	tv := info.Types[arg]
	if !a.collect || tv.Value == nil || tv.Value.Kind() != constant.String {
		return // an id computed at run time: the catalog's own tests cover those
	}
	a.idArgs[arg.Pos()] = true
	pos := a.fset.Position(arg.Pos())
	a.ids = append(a.ids, idUse{file: pos.Filename, line: pos.Line, id: constant.StringVal(tv.Value), how: shortKey(key), app: f.app})
}

// sink follows the sources of an expression whose text is shown: literals are findings;
// variables, parameters, fields and our own functions' results become display.
func (a *analysis) sink(info *types.Info, e ast.Expr, how string) {
	e = ast.Unparen(e)
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		if tv.Value.Kind() == constant.String {
			a.literal(e.Pos(), constant.StringVal(tv.Value), how)
		}
		return
	}
	switch e := e.(type) {
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a.sink(info, e.X, how)
			a.sink(info, e.Y, how)
		}
	case *ast.Ident:
		if v, ok := objOf(info, e).(*types.Var); ok {
			a.mark(v, "")
		}
	case *ast.SelectorExpr:
		if sel := info.Selections[e]; sel != nil {
			if sel.Kind() == types.FieldVal {
				a.mark(sel.Obj().(*types.Var), fieldOwner(sel))
			}
			return
		}
		if v, ok := info.Uses[e.Sel].(*types.Var); ok { // pkg.Var
			a.mark(v, "")
		}
	case *ast.IndexExpr:
		a.sink(info, e.X, how)
	case *ast.SliceExpr:
		a.sink(info, e.X, how)
	case *ast.CompositeLit:
		switch info.TypeOf(e).Underlying().(type) {
		case *types.Slice, *types.Array, *types.Map:
			for _, el := range e.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					el = kv.Value
				}
				a.sink(info, el, how)
			}
		}
	case *ast.CallExpr:
		a.sinkCall(info, e, how)
	}
}

// printfVerb is a fmt verb with its flags, width and precision.
var printfVerb = regexp.MustCompile(`%[-+# 0]*(\[\d+\])?(\d+|\*)?(\.(\d+|\*)?)?(\[\d+\])?[a-zA-Z%]`)

func (a *analysis) sinkCall(info *types.Info, call *ast.CallExpr, how string) {
	if tv := info.Types[call.Fun]; tv.IsType() {
		if len(call.Args) == 1 {
			a.sink(info, call.Args[0], how) // string(x)
		}
		return
	}
	fn := calleeFunc(info, call)
	if fn == nil {
		return
	}
	key := funcKey(fn)
	switch key {
	case "fmt.Sprintf":
		if len(call.Args) > 0 {
			if tv := info.Types[call.Args[0]]; tv.Value != nil && tv.Value.Kind() == constant.String {
				a.literal(call.Args[0].Pos(), printfVerb.ReplaceAllString(constant.StringVal(tv.Value), " "), how)
			} else {
				a.sink(info, call.Args[0], how)
			}
			for _, x := range call.Args[1:] {
				a.sink(info, x, how)
			}
		}
		return
	case "fmt.Sprint", "fmt.Sprintln", "strings.Join", "strings.ToUpper", "strings.ToLower",
		"strings.TrimSpace", "strings.Title", "strings.ToTitle", "strings.Repeat":
		for _, x := range call.Args {
			a.sink(info, x, how)
		}
		return
	}
	if _, lookup := a.idFuncs[key]; fn.Pkg() == nil || lookup {
		return // a catalog's lookup: what it returns is translated (its "[id]" fallback included)
	}
	if !a.results[key] {
		a.results[key] = true
		a.changed = true
	}
}

// literal records a literal shown, if it holds a letter.
func (a *analysis) literal(pos token.Pos, text, how string) {
	if !a.collect || !hasLetter(text) || isCode(text) {
		return
	}
	if _, dup := a.found[pos]; dup {
		return
	}
	p := a.fset.Position(pos)
	a.found[pos] = finding{file: p.Filename, line: p.Line, text: strings.Join(strings.Fields(text), " "), how: how}
}

// code is a machine's word: snake_case or dotted, as record codes, error codes and message ids
// are written. Shown to a person, it is shown as the code it is.
var code = regexp.MustCompile(`^[a-z][a-z0-9]*([_.][a-z0-9]+)+$`)

// link is a link or a query written in code ("/cico/", "?as_of=", "#notes").
var link = regexp.MustCompile(`^[/?#&]|://`)

func isCode(text string) bool { return code.MatchString(text) || link.MatchString(text) }

// noteKey notes a variable a function switches on, indexes a map by or compares with a
// constant: a code it looks words up for. Such a function often hands the code back when it
// knows no words for it (words(code) returning code at the end); that fallback does not make
// every code passed to it text.
func (a *analysis) noteKey(info *types.Info, n ast.Node) {
	var e ast.Expr
	switch n := n.(type) {
	case *ast.SwitchStmt:
		e = n.Tag
	case *ast.IndexExpr:
		if _, ok := info.TypeOf(n.X).Underlying().(*types.Map); ok {
			e = n.Index
		}
	case *ast.BinaryExpr:
		if n.Op != token.EQL && n.Op != token.NEQ {
			return
		}
		switch {
		case info.Types[n.Y].Value != nil:
			e = n.X
		case info.Types[n.X].Value != nil:
			e = n.Y
		}
	}
	if id, ok := ast.Unparen(e).(*ast.Ident); ok && e != nil {
		if v, ok := objOf(info, id).(*types.Var); ok {
			a.keys[v] = true
		}
	}
}

// mark makes a variable, parameter or field display.
func (a *analysis) mark(v *types.Var, owner string) {
	if !isText(v.Type()) || a.keys[v] {
		return
	}
	if p, ok := a.paramOf[v]; ok {
		if a.params[p.fn] == nil {
			a.params[p.fn] = map[int]bool{}
		}
		if !a.params[p.fn][p.idx] {
			a.params[p.fn][p.idx] = true
			a.changed = true
		}
		return
	}
	k := a.varKey(v, owner)
	if !a.vars[k] {
		a.vars[k] = true
		a.changed = true
	}
}

func (a *analysis) isDisplayVar(v *types.Var, owner string) bool {
	if p, ok := a.paramOf[v]; ok {
		return a.params[p.fn][p.idx]
	}
	if v.IsField() && v.Pkg() != nil && displayFields[fieldName(v, owner)] {
		return true
	}
	return a.vars[a.varKey(v, owner)]
}

// fieldName is "pkg.Type.Field", "pkg.?.Field" in an unnamed struct.
func fieldName(v *types.Var, owner string) string {
	if owner == "" {
		owner = v.Pkg().Path() + ".?"
	}
	return owner + "." + v.Name()
}

// varKey names a variable across packages (a package's own source and its export data give
// two objects for one field): fields by package, owner and name; package variables by package
// and name; locals by their object.
func (a *analysis) varKey(v *types.Var, owner string) string {
	switch {
	case v.IsField() && v.Pkg() != nil:
		return "F " + fieldName(v, owner)
	case v.Pkg() != nil && v.Parent() == v.Pkg().Scope():
		return "V " + v.Pkg().Path() + "." + v.Name()
	}
	return fmt.Sprintf("L %p", v)
}

// target is the variable or field an assignment writes, with the field's owner.
func (a *analysis) target(info *types.Info, e ast.Expr) (*types.Var, string) {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, _ := objOf(info, e).(*types.Var)
		return v, ""
	case *ast.SelectorExpr:
		if sel := info.Selections[e]; sel != nil && sel.Kind() == types.FieldVal {
			return sel.Obj().(*types.Var), fieldOwner(sel)
		}
		v, _ := info.Uses[e.Sel].(*types.Var)
		return v, ""
	case *ast.IndexExpr:
		return a.target(info, e.X) // texts[i] = "…"
	}
	return nil, ""
}

func objOf(info *types.Info, id *ast.Ident) types.Object {
	if o := info.Uses[id]; o != nil {
		return o
	}
	return info.Defs[id]
}

// fieldOwner names the struct that declares a selected field: "pkg.Type", or "" when unnamed.
func fieldOwner(sel *types.Selection) string {
	t := sel.Recv()
	idx := sel.Index()
	for i, fi := range idx {
		st, owner := structOf(t)
		if st == nil {
			return ""
		}
		if i == len(idx)-1 {
			return owner
		}
		t = st.Field(fi).Type()
	}
	return ""
}

// structOf is the struct under t (through a pointer) and its "pkg.Type" name, "" if unnamed.
func structOf(t types.Type) (*types.Struct, string) {
	if t == nil {
		return nil, ""
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return nil, ""
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
		return st, n.Obj().Pkg().Path() + "." + n.Obj().Name()
	}
	return st, ""
}

// calleeFunc is the function or method a call calls, nil for a builtin, a conversion or a
// func value.
func calleeFunc(info *types.Info, call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr: // a generic function instantiated
		if s, ok := f.X.(*ast.SelectorExpr); ok {
			id = s.Sel
		} else if i, ok := f.X.(*ast.Ident); ok {
			id = i
		}
	}
	if id == nil {
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	return fn
}

// funcKey names a function "pkg.Name" and a method "(pkg.Type).Name", the same for a
// package's source and its export data.
func funcKey(fn *types.Func) string {
	fn = fn.Origin()
	sig := fn.Type().(*types.Signature)
	if r := sig.Recv(); r != nil {
		t := r.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
			return "(" + n.Obj().Pkg().Path() + "." + n.Obj().Name() + ")." + fn.Name()
		}
		return fn.FullName()
	}
	if fn.Pkg() == nil {
		return fn.Name()
	}
	return fn.Pkg().Path() + "." + fn.Name()
}

// shortKey is a key as a person reads it: widget.NewLabel, (widget.Label).SetText.
func shortKey(key string) string {
	out := key
	for {
		i := strings.Index(out, "/")
		if i < 0 {
			return out
		}
		start := strings.LastIndexAny(out[:i], "( ") + 1
		out = out[:start] + out[i+1:]
	}
}

// isText: a string, or a slice, array or map of strings. A named string type (protocol.Code,
// i18n.Lang) is an enumeration of codes, not words, and is not followed.
func isText(t types.Type) bool {
	if t == nil {
		return false
	}
	if b, ok := types.Unalias(t).(*types.Basic); ok {
		return b.Kind() == types.String || b.Kind() == types.UntypedString
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return false
	case *types.Slice:
		return isText(u.Elem())
	case *types.Array:
		return isText(u.Elem())
	case *types.Map:
		return isText(u.Elem())
	}
	return false
}
