package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"smallwins/shared/i18n"
)

// catalogDir is one directory of <area>.<lang>.json files, loaded as the product loads it.
type catalogDir struct {
	dir  string                          // slash path from the root
	ids  map[string]bool                 // the English ids
	file map[i18n.Lang]map[string]string // language → id → the file defining it
}

// findCatalogDirs walks root for directories holding an *.en.json file, skipping testdata,
// hidden directories and what tools install (bin, node_modules).
func findCatalogDirs(root string) ([]string, error) {
	set := map[string]bool{}
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
		if strings.HasSuffix(name, ".en.json") {
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			set[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out, err
}

// loadCatalogs loads every catalog directory with i18n.Load and returns them with their
// completeness problems, each prefixed with the file it is about.
func loadCatalogs(root string, dirs []string) ([]*catalogDir, []string) {
	var cats []*catalogDir
	var problems []string
	fsys := os.DirFS(root)
	for _, dir := range dirs {
		c, err := i18n.Load(fsys, dir)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", dir, err))
			continue
		}
		cd := &catalogDir{dir: dir, ids: map[string]bool{}, file: map[i18n.Lang]map[string]string{}}
		for _, id := range c.IDs() {
			cd.ids[id] = true
		}
		if err := cd.readFiles(fsys); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", dir, err))
			continue
		}
		for _, p := range c.Problems() {
			problems = append(problems, cd.where(p)+": "+p)
		}
		cats = append(cats, cd)
	}
	return cats, problems
}

// readFiles notes which file defines each id, so a problem names the file to edit.
func (cd *catalogDir) readFiles(fsys fs.FS) error {
	entries, err := fs.ReadDir(fsys, cd.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		base := strings.TrimSuffix(name, ".json")
		l := i18n.Lang(base[strings.LastIndexByte(base, '.')+1:])
		data, err := fs.ReadFile(fsys, path.Join(cd.dir, name))
		if err != nil {
			return err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if cd.file[l] == nil {
			cd.file[l] = map[string]string{}
		}
		for id := range m {
			cd.file[l][id] = name
		}
	}
	return nil
}

// where names the file a Problems() line is about: the translation's file, or for a message
// missing from a translation, the file it belongs in (the English file's area in that language).
// Problems() lines read `<lang>: "<id>" …`.
func (cd *catalogDir) where(problem string) string {
	lang, rest, _ := strings.Cut(problem, ": ")
	q, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return cd.dir
	}
	id, _ := strconv.Unquote(q)
	l := i18n.Lang(lang)
	if f := cd.file[l][id]; f != "" {
		return cd.dir + "/" + f
	}
	if f := cd.file[i18n.English][id]; f != "" {
		return cd.dir + "/" + strings.TrimSuffix(f, ".en.json") + "." + lang + ".json"
	}
	return cd.dir
}

// idIndex answers whether an id is in the app's catalog or in any catalog.
type idIndex struct {
	app    map[string]bool
	appDir string
	any    map[string]bool
}

func newIDIndex(cats []*catalogDir, appDir string) idIndex {
	ix := idIndex{app: map[string]bool{}, appDir: appDir, any: map[string]bool{}}
	for _, c := range cats {
		for id := range c.ids {
			ix.any[id] = true
			if c.dir == appDir {
				ix.app[id] = true
			}
		}
	}
	return ix
}
