package main

import (
	"fmt"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"
	"unicode"
)

// findTemplates lists the *.html files of every directory named templates under root (the
// console's pages), skipping testdata and hidden directories.
func findTemplates(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || name == "node_modules" || name == "bin" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".html") && filepath.Base(filepath.Dir(p)) == "templates" {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// idUse is a message id a surface looks up.
type idUse struct {
	file string
	line int
	id   string
	how  string // the call, for the message
	app  bool   // looked up through Fyne's lang: must be in the app's catalog
}

// templateIDs lists the ids of {{T "id" …}} (and the other message funcs) in one template.
func templateIDs(file, src string, funcs map[string]bool) ([]idUse, error) {
	t := parse.New(file)
	t.Mode = parse.SkipFuncCheck | parse.ParseComments
	trees := map[string]*parse.Tree{}
	if _, err := t.Parse(src, "{{", "}}", trees); err != nil {
		return nil, err
	}
	var out []idUse
	var walk func(tr *parse.Tree, n parse.Node)
	walk = func(tr *parse.Tree, n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(tr, c)
			}
		case *parse.ActionNode:
			walk(tr, n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(tr, c)
			}
		case *parse.CommandNode:
			if len(n.Args) >= 2 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && funcs[id.Ident] {
					if s, ok := n.Args[1].(*parse.StringNode); ok {
						out = append(out, idUse{file: file, line: lineOf(src, int(s.Pos)), id: s.Text, how: id.Ident})
					}
				}
			}
			for _, a := range n.Args {
				walk(tr, a)
			}
		case *parse.ChainNode:
			walk(tr, n.Node)
		case *parse.IfNode:
			walk(tr, n.Pipe)
			walk(tr, n.List)
			walk(tr, n.ElseList)
		case *parse.RangeNode:
			walk(tr, n.Pipe)
			walk(tr, n.List)
			walk(tr, n.ElseList)
		case *parse.WithNode:
			walk(tr, n.Pipe)
			walk(tr, n.List)
			walk(tr, n.ElseList)
		case *parse.TemplateNode:
			walk(tr, n.Pipe)
		}
	}
	names := make([]string, 0, len(trees))
	for name := range trees {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		walk(trees[name], trees[name].Root)
	}
	return out, nil
}

func lineOf(src string, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return 1 + strings.Count(src[:off], "\n")
}

// action is a template action; comments included.
var action = regexp.MustCompile(`(?s)\{\{.*?\}\}`)

// hole stands for an action in masked text: not a letter, so a value that is all action is
// not literal text.
const hole = '\x1a'

// textAttrs are the attributes a person reads (or hears): their literal values need a catalog.
var textAttrs = map[string]bool{"title": true, "alt": true, "placeholder": true, "aria-label": true}

// templateLiterals lists the text of a template shown without a catalog: text between tags and
// the values of textAttrs (and of a button's value) holding letters outside {{…}} actions.
// Script and style bodies and HTML comments are not text.
func templateLiterals(file, src string) []finding {
	masked := []byte(src)
	for _, m := range action.FindAllStringIndex(src, -1) {
		masked[m[0]] = hole
		for i := m[0] + 1; i < m[1]; i++ {
			if masked[i] != '\n' {
				masked[i] = ' '
			}
		}
	}
	s := string(masked)
	var out []finding
	add := func(off int, text, how string) {
		if k := strings.IndexFunc(text, unicode.IsLetter); k > 0 {
			off += k // the line the words start on
		}
		text = strings.Join(strings.Fields(strings.ReplaceAll(html.UnescapeString(text), string(hole), " ")), " ")
		if hasLetter(text) {
			out = append(out, finding{file: file, line: lineOf(s, off), text: text, how: how})
		}
	}
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			add(i, s[i:], "text")
			break
		}
		add(i, s[i:i+lt], "text")
		i += lt
		switch {
		case strings.HasPrefix(s[i:], "<!--"):
			end := strings.Index(s[i:], "-->")
			if end < 0 {
				return out
			}
			i += end + 3
			continue
		}
		end := tagEnd(s, i)
		tag := s[i:end]
		name, attrs := parseTag(tag)
		for _, a := range attrs {
			if textAttrs[a.name] || (a.name == "value" && isInputButton(name, attrs)) {
				add(i+a.off, a.value, "attribute "+a.name)
			}
		}
		i = end
		if name == "script" || name == "style" {
			close := strings.Index(strings.ToLower(s[i:]), "</"+name)
			if close < 0 {
				return out
			}
			i += close
		}
	}
	return out
}

// tagEnd is the offset just past the > closing the tag at i, skipping quoted values.
func tagEnd(s string, i int) int {
	var quote byte
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j + 1
		}
	}
	return len(s)
}

type attr struct {
	name, value string
	off         int // of the value, from the tag's start
}

var attrRE = regexp.MustCompile(`([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>` + "`" + `]+))?`)

// parseTag reads a start tag's name (lower case) and attributes; an end tag gives its name only.
func parseTag(tag string) (string, []attr) {
	body := strings.TrimSuffix(strings.TrimPrefix(tag, "<"), ">")
	if strings.HasPrefix(body, "/") || strings.HasPrefix(body, "!") {
		return "", nil
	}
	nameEnd := strings.IndexFunc(body, func(r rune) bool { return unicode.IsSpace(r) || r == '/' })
	if nameEnd < 0 {
		nameEnd = len(body)
	}
	name := strings.ToLower(body[:nameEnd])
	var attrs []attr
	for _, m := range attrRE.FindAllStringSubmatchIndex(body[nameEnd:], -1) {
		a := attr{name: strings.ToLower(body[nameEnd+m[2] : nameEnd+m[3]])}
		if m[4] >= 0 {
			v := body[nameEnd+m[4] : nameEnd+m[5]]
			a.off = 1 + nameEnd + m[4]
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
				v = v[1 : len(v)-1]
				a.off++
			}
			a.value = v
		}
		attrs = append(attrs, a)
	}
	return name, attrs
}

// isInputButton: an input whose value a person reads as its label (a <button>'s value is only
// sent, its label is its content).
func isInputButton(tag string, attrs []attr) bool {
	if tag != "input" {
		return false
	}
	for _, a := range attrs {
		if a.name == "type" {
			switch strings.ToLower(a.value) {
			case "submit", "button", "reset":
				return true
			}
		}
	}
	return false
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// checkTemplates reads every template: its message ids and its literal text.
func checkTemplates(root string, files []string, funcs map[string]bool) ([]idUse, []finding, error) {
	var ids []idUse
	var lits []finding
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return nil, nil, err
		}
		u, err := templateIDs(f, string(data), funcs)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f, err)
		}
		ids = append(ids, u...)
		lits = append(lits, templateLiterals(f, string(data))...)
	}
	return ids, lits, nil
}

// quote shortens a text for a message.
func quote(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return strconv.Quote(s)
}
