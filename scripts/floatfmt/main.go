// Command floatfmt is `make lint`'s formatting check (ADR 0015): it fails
// when a float is formatted outside the one formatting rule for people
// (shared/progress: Format*, Figure) and the CSV writer, unless the place is
// in allow.txt with the reason the number is for machines or must be exact.
//
// It type-checks the packages' non-test Go files (the standard library only:
// go/types over the export data `go list -export` gives), so it sees what a
// grep cannot: a float64 passed to %v, or to a printf wrapper. It reports
//   - strconv.FormatFloat and strconv.AppendFloat;
//   - a float argument to fmt's and log's print functions (Sprintf,
//     Sprint, Errorf, Fprintf, Printf, Appendf, …), whatever the verb;
//   - a float argument to a printf wrapper: a function or method whose name
//     ends in "f" and whose last two parameters are a string and ...any;
//   - a float converted to an integer (int(pct)) in any of those calls or
//     in strconv.Itoa or FormatInt: a figure cut, not rounded.
//
// Usage: floatfmt [-tags t] [-allow file] packages...
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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
	ImportMap  map[string]string
	Module     *struct{ Dir string }
	Error      *struct{ Err string }
}

func main() {
	tags := flag.String("tags", "", "build tags")
	allowFile := flag.String("allow", "scripts/floatfmt/allow.txt", "the allowlist: `path[:Func] reason` a line")
	flag.Parse()
	root, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	allow, err := readAllow(*allowFile)
	if err != nil {
		fail(err)
	}
	found, stale, err := run(root, *tags, allow, flag.Args())
	if err != nil {
		fail(err)
	}
	for _, f := range found {
		fmt.Println(f)
	}
	for _, s := range stale {
		fmt.Printf("%s: in %s but formats no float: remove the line\n", s, *allowFile)
	}
	if len(found) > 0 {
		fmt.Println("A figure for people goes through progress.Format* (or progress.Figure); a number for machines or one that must stay exact goes in " + *allowFile + " with its reason.")
	}
	if len(found)+len(stale) > 0 {
		os.Exit(1)
	}
}

// run checks the packages of patterns (go list run in root) and returns
// the floats formatted outside allow ("path:line: what (in Func)") and the
// allowlist's keys that matched nothing.
func run(root, tags string, allow map[string]string, patterns []string) (found, stale []string, err error) {
	pkgs, err := list(root, tags, patterns)
	if err != nil {
		return nil, nil, err
	}
	used := map[string]bool{}
	for _, p := range pkgs {
		if p.DepOnly || p.Standard {
			continue
		}
		fs, err := check(p, pkgs)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p.ImportPath, err)
		}
		for _, f := range fs {
			rel, _ := filepath.Rel(root, f.file)
			rel = filepath.ToSlash(rel)
			if key := rel + ":" + f.fn; allow[key] != "" {
				used[key] = true
				continue
			}
			if allow[rel] != "" {
				used[rel] = true
				continue
			}
			found = append(found, fmt.Sprintf("%s:%d: %s (in %s)", rel, f.line, f.what, f.fn))
		}
	}
	for k := range allow {
		if !used[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(found)
	sort.Strings(stale)
	return found, stale, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "floatfmt:", err)
	os.Exit(2)
}

// readAllow reads `key reason` lines; # starts a comment. A line without a
// reason is refused: the reason is the point.
func readAllow(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, _ := strings.Cut(line, " ")
		if strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: %s has no reason", path, n, key)
		}
		out[key] = strings.TrimSpace(reason)
	}
	return out, sc.Err()
}

// list runs go list -export -deps over the patterns: every package with
// the file of its export data, which the type checker imports from.
func list(dir, tags string, patterns []string) (map[string]*pkg, error) {
	args := []string{"list", "-e", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,Standard,DepOnly,ImportMap,Module,Error"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	cmd := exec.Command("go", append(args, patterns...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]*pkg{}
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
		pkgs[p.ImportPath] = &p
	}
	return pkgs, nil
}

// finding is one float formatted.
type finding struct {
	file string
	line int
	fn   string // the enclosing function: Func or Type.Method
	what string
}

// check type-checks one package's non-test files and finds its floats
// formatted.
func check(p *pkg, all map[string]*pkg) ([]finding, error) {
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		if m, ok := p.ImportMap[path]; ok {
			path = m
		}
		d, ok := all[path]
		if !ok || d.Export == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(d.Export)
	})
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	conf := types.Config{Importer: imp.(types.ImporterFrom)}
	if _, err := conf.Check(p.ImportPath, fset, files, info); err != nil {
		return nil, err
	}
	var out []finding
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				name = recvName(fd.Recv.List[0].Type) + "." + name
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if what := formatsFloat(call, info); what != "" {
					pos := fset.Position(call.Pos())
					out = append(out, finding{file: pos.Filename, line: pos.Line, fn: name, what: what})
				}
				return true
			})
		}
	}
	return out, nil
}

func recvName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvName(t.X)
	case *ast.IndexExpr:
		return recvName(t.X)
	case *ast.IndexListExpr:
		return recvName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return "?"
}

// printFuncs are fmt's and log's functions that format their arguments.
var printFuncs = map[string]bool{
	"Sprintf": true, "Sprint": true, "Sprintln": true, "Printf": true, "Print": true, "Println": true,
	"Fprintf": true, "Fprint": true, "Fprintln": true, "Errorf": true, "Appendf": true, "Append": true,
	"Appendln": true, "Fatalf": true, "Fatal": true, "Fatalln": true, "Panicf": true, "Panic": true, "Panicln": true,
}

// formatsFloat says what the call formats of a float, or "".
func formatsFloat(call *ast.CallExpr, info *types.Info) string {
	name, path, sig := callee(call, info)
	if sig == nil {
		return ""
	}
	switch {
	case path == "strconv" && (name == "FormatFloat" || name == "AppendFloat"):
		return "strconv." + name
	case path == "strconv" && (name == "Itoa" || name == "FormatInt"):
	case (path == "fmt" || path == "log") && printFuncs[name]:
	case isPrintfWrapper(name, sig):
	default:
		return ""
	}
	if call.Ellipsis.IsValid() {
		return "" // args... passes a slice on: its caller is checked
	}
	for i, a := range call.Args {
		if isFloat(info.TypeOf(a)) {
			return fmt.Sprintf("%s.%s formats a float (argument %d)", shortPkg(path), name, i+1)
		}
		if truncated(a, info) {
			return fmt.Sprintf("%s.%s formats a float cut to an integer (argument %d)", shortPkg(path), name, i+1)
		}
	}
	return ""
}

// truncated reports whether e converts a float to an integer type
// (int(pct)): a figure cut rather than rounded by the one rule.
func truncated(e ast.Expr, info *types.Info) bool {
	conv, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(conv.Args) != 1 || !info.Types[conv.Fun].IsType() {
		return false
	}
	to, ok := info.TypeOf(conv).Underlying().(*types.Basic)
	return ok && to.Info()&types.IsInteger != 0 && isFloat(info.TypeOf(conv.Args[0]))
}

// callee is the name, package and signature of what a call calls: a
// function, a method, or a variable holding a func (a local logf); a nil
// signature for a conversion or a builtin.
func callee(call *ast.CallExpr, info *types.Info) (string, string, *types.Signature) {
	var id *ast.Ident
	switch f := call.Fun.(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return "", "", nil
	}
	obj := info.Uses[id]
	switch obj.(type) {
	case *types.Func, *types.Var:
	default:
		return "", "", nil
	}
	sig, _ := obj.Type().Underlying().(*types.Signature)
	path := ""
	if obj.Pkg() != nil {
		path = obj.Pkg().Path()
	}
	return obj.Name(), path, sig
}

// isPrintfWrapper: a name ending in "f" and the last two parameters a
// format string and ...any (or ...interface{}), as vet's printf check
// recognises one.
func isPrintfWrapper(name string, sig *types.Signature) bool {
	ps := sig.Params()
	if !strings.HasSuffix(name, "f") || !sig.Variadic() || ps.Len() < 2 {
		return false
	}
	last, _ := ps.At(ps.Len() - 1).Type().(*types.Slice)
	format, _ := ps.At(ps.Len() - 2).Type().Underlying().(*types.Basic)
	if last == nil || format == nil || format.Kind() != types.String {
		return false
	}
	iface, _ := last.Elem().Underlying().(*types.Interface)
	return iface != nil && iface.Empty()
}

func isFloat(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsFloat != 0
}

func shortPkg(path string) string {
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[i+1:]
	}
	if path == "" {
		return "?"
	}
	return path
}
