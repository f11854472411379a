package main

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// allowList holds the few texts shown as they are: exact strings (a name, a code) and path
// globs (a developer tool), each with its reason.
type allowList struct {
	strings map[string]string // text → reason
	paths   map[string]string // glob → reason
	used    map[string]bool   // keys that matched, to report stale lines
}

// readAllow reads the allow file: `"text" reason` (a Go-quoted string) or `glob reason` a line,
// # starts a comment. A glob is matched with path.Match against the slash path from the root; a
// glob ending in /** matches everything under that directory. A line without a reason is
// refused: the reason is the point.
func readAllow(file string) (*allowList, error) {
	a := &allowList{strings: map[string]string{}, paths: map[string]string{}, used: map[string]bool{}}
	if file == "" {
		return a, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, `"`) {
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: a quoted text is not closed", file, n)
			}
			text, _ := strconv.Unquote(q)
			reason := strings.TrimSpace(line[len(q):])
			if reason == "" {
				return nil, fmt.Errorf("%s:%d: %s has no reason", file, n, q)
			}
			a.strings[text] = reason
			continue
		}
		glob, reason, _ := strings.Cut(line, " ")
		if strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: %s has no reason", file, n, glob)
		}
		if _, err := path.Match(strings.TrimSuffix(glob, "/**"), ""); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %v", file, n, glob, err)
		}
		a.paths[glob] = strings.TrimSpace(reason)
	}
	return a, sc.Err()
}

// allows reports whether text shown in file (a slash path from the root) is allowed.
func (a *allowList) allows(file, text string) bool {
	// Marks around a name ("· Small Wins") do not make it another text.
	key := strings.TrimFunc(strings.Join(strings.Fields(text), " "), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if _, ok := a.strings[key]; ok {
		a.used[strconv.Quote(key)] = true
		return true
	}
	for glob := range a.paths {
		if matchGlob(glob, file) {
			a.used[glob] = true
			return true
		}
	}
	return false
}

func matchGlob(glob, file string) bool {
	if dir, ok := strings.CutSuffix(glob, "/**"); ok {
		return strings.HasPrefix(file, dir+"/")
	}
	ok, _ := path.Match(glob, file)
	return ok
}

// stale lists the lines that allowed nothing.
func (a *allowList) stale() []string {
	var out []string
	for s := range a.strings {
		if q := strconv.Quote(s); !a.used[q] {
			out = append(out, q)
		}
	}
	for g := range a.paths {
		if !a.used[g] {
			out = append(out, g)
		}
	}
	sort.Strings(out)
	return out
}
