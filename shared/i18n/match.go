package i18n

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// A message that crossed the wire keeps only its English text (the /v1/ API does not translate,
// docs/decisions/0029), so a surface that shows it in another language reads it back: Match
// finds the English message that wrote the text and the arguments it was given.

// readBack is one English message as a pattern: its literal text with a group per placeholder.
type readBack struct {
	id    string
	names []string
	re    *regexp.Regexp
	lits  int // literal characters: the more, the surer the match
}

var fieldRef = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// patterns are built once per prefix.
var patterns sync.Map // *Catalog + prefix → []readBack

type patternKey struct {
	c      *Catalog
	prefix string
}

// Match reports which English message among the ids starting with prefix wrote text, and the
// arguments (as text) it was given. A message whose template does more than print its
// arguments (a plural, a condition) is not read back. When several match, the one with the
// most literal text wins.
func (c *Catalog) Match(prefix, text string) (id string, args Args, ok bool) {
	for _, p := range c.patterns(prefix) {
		m := p.re.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		args = Args{}
		for i, name := range p.names {
			args[name] = m[i+1]
		}
		return p.id, args, true
	}
	return "", nil, false
}

func (c *Catalog) patterns(prefix string) []readBack {
	key := patternKey{c, prefix}
	if v, ok := patterns.Load(key); ok {
		return v.([]readBack)
	}
	var out []readBack
	for id, raw := range c.ids[English] {
		if !strings.HasPrefix(id, prefix) || strings.Contains(raw, "\n") {
			continue // a plural message is flattened with a newline between its forms
		}
		rest := fieldRef.ReplaceAllString(raw, "")
		if strings.Contains(rest, "{{") {
			continue
		}
		var b strings.Builder
		b.WriteString(`(?s)^`)
		var names []string
		last := 0
		for _, loc := range fieldRef.FindAllStringSubmatchIndex(raw, -1) {
			b.WriteString(regexp.QuoteMeta(raw[last:loc[0]]))
			b.WriteString(`(.+?)`)
			names = append(names, raw[loc[2]:loc[3]])
			last = loc[1]
		}
		b.WriteString(regexp.QuoteMeta(raw[last:]))
		b.WriteString(`$`)
		out = append(out, readBack{id: id, names: names, re: regexp.MustCompile(b.String()), lits: len(rest)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].lits != out[j].lits {
			return out[i].lits > out[j].lits
		}
		return out[i].id < out[j].id
	})
	v, _ := patterns.LoadOrStore(key, out)
	return v.([]readBack)
}
