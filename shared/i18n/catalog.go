package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Args are the named values a message's template reads: {{.Name}}.
type Args = map[string]any

// Catalog holds one area's messages in every supported language.
type Catalog struct {
	bundle     *goi18n.Bundle
	localizers map[Lang]*goi18n.Localizer
	ids        map[Lang]map[string]string // raw "other" text, for the completeness checks
}

// Load reads every <area>.<lang>.json file of dir. A malformed file, or a file for a language the
// product does not speak, is an error: a catalog is shipped embedded, so this fails at start-up
// and in tests, never in front of a person.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{
		bundle:     goi18n.NewBundle(English.Tag()),
		localizers: map[Lang]*goi18n.Localizer{},
		ids:        map[Lang]map[string]string{},
	}
	c.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("i18n: read catalog %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		l, err := langOfFile(e.Name())
		if err != nil {
			return nil, err
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", e.Name(), err)
		}
		if _, err := c.bundle.ParseMessageFileBytes(data, e.Name()); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", e.Name(), err)
		}
		raw, err := flatten(data)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", e.Name(), err)
		}
		if c.ids[l] == nil {
			c.ids[l] = map[string]string{}
		}
		for id, text := range raw {
			if _, dup := c.ids[l][id]; dup {
				return nil, fmt.Errorf("i18n: %s: message %q is defined twice for %s", e.Name(), id, l)
			}
			c.ids[l][id] = text
		}
	}
	for _, l := range Supported {
		c.localizers[l] = goi18n.NewLocalizer(c.bundle, string(l))
	}
	return c, nil
}

// MustLoad is Load for embedded catalogs, read once at package start.
func MustLoad(fsys fs.FS, dir string) *Catalog {
	c, err := Load(fsys, dir)
	if err != nil {
		panic(err)
	}
	return c
}

func langOfFile(name string) (Lang, error) {
	base := strings.TrimSuffix(name, ".json")
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[i+1:]
	}
	for _, s := range Supported {
		if base == string(s) {
			return s, nil
		}
	}
	return "", fmt.Errorf("i18n: %s: the file name must end in .<lang>.json with lang one of %v", name, Supported)
}

// flatten reads a go-i18n JSON file into id → "other" text (plural messages keep every form,
// joined, so placeholders are compared across all of them).
func flatten(data []byte) (map[string]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(m))
	for id, raw := range m {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			out[id] = s
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(raw, &forms); err != nil {
			return nil, fmt.Errorf("message %q is neither text nor plural forms", id)
		}
		keys := make([]string, 0, len(forms))
		for k := range forms {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(forms[k])
			b.WriteByte('\n')
		}
		out[id] = b.String()
	}
	return out, nil
}

// T is the message id in language l, with args filled in. A message missing from the catalog is
// shown as its id in brackets, so a gap is seen rather than hidden; the completeness checks keep
// that from shipping.
func (c *Catalog) T(l Lang, id string, args ...Args) string {
	return c.localize(l, id, nil, args)
}

// N is the plural message id for count, in language l. The template also sees {{.Count}}.
func (c *Catalog) N(l Lang, id string, count int, args ...Args) string {
	return c.localize(l, id, count, args)
}

func (c *Catalog) localize(l Lang, id string, count any, args []Args) string {
	var data Args
	if len(args) > 0 {
		data = args[0]
	}
	if count != nil {
		d := Args{"Count": count}
		for k, v := range data {
			d[k] = v
		}
		data = d
	}
	loc := c.localizers[l.orEnglish()]
	out, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && count != nil {
		// A count whose CLDR form the message leaves out (Spanish "many" for a million) reads
		// as "other", the form every plural message has; {{.Count}} keeps the real count.
		out, err = loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: 2})
	}
	if err != nil {
		return "[" + id + "]"
	}
	return out
}

// Has says whether the catalog defines id in English.
func (c *Catalog) Has(id string) bool {
	_, ok := c.ids[English][id]
	return ok
}

// IDs lists the English message ids, sorted.
func (c *Catalog) IDs() []string {
	out := make([]string, 0, len(c.ids[English]))
	for id := range c.ids[English] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

var placeholder = regexp.MustCompile(`\{\{[^}]*\}\}`)

// Problems lists what keeps the catalog from being complete: a message English has and another
// language lacks (or leaves empty), a message only a translation has, and a translation whose
// template placeholders differ from English's. Empty means complete.
func (c *Catalog) Problems() []string {
	var out []string
	en := c.ids[English]
	for _, l := range Supported[1:] {
		other := c.ids[l]
		for id, text := range en {
			tr, ok := other[id]
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%s: %q has no %s translation", l, id, l))
			case strings.TrimSpace(tr) == "" && strings.TrimSpace(text) != "":
				out = append(out, fmt.Sprintf("%s: %q is empty", l, id))
			case !samePlaceholders(text, tr):
				out = append(out, fmt.Sprintf("%s: %q uses placeholders %v, English %v", l, id, placeholders(tr), placeholders(text)))
			}
		}
		for id := range other {
			if _, ok := en[id]; !ok {
				out = append(out, fmt.Sprintf("%s: %q is not in English", l, id))
			}
		}
	}
	sort.Strings(out)
	return out
}

func placeholders(s string) []string {
	set := map[string]bool{}
	for _, p := range placeholder.FindAllString(s, -1) {
		set[strings.Join(strings.Fields(p), "")] = true
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func samePlaceholders(a, b string) bool {
	pa, pb := placeholders(a), placeholders(b)
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if pa[i] != pb[i] {
			return false
		}
	}
	return true
}
