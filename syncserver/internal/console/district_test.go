package console_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smallwins/shared/record"
)

// uploadAs is upload with the file's name as a browser sends it.
func (b *browser) uploadAs(path, name string, fields map[string]string, file io.Reader) page {
	b.e.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = io.Copy(fw, file)
		_ = pw.CloseWithError(mw.Close())
	}()
	resp, err := b.c.Post(b.e.srv.URL+path, mw.FormDataContentType(), pr)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(out)}
}

func pulledOf(t *testing.T, e *env, typ string) int {
	recs, _ := pulled(t, e, e.enrol("lincoln", "admin").token, 0)
	n := 0
	for _, r := range recs {
		if r.Type == typ && !r.Deleted {
			n++
		}
	}
	return n
}

func exampleFile(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "examples", "norms", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAdminDistrictImport: norms and forms load from the admin page as
// the roster does: a dry run that writes nothing, a confirm of the same
// file that writes every table (and tablets pull them), another file
// only dry-run, errors shown with their place, a 60 MB upload refused by
// its size; admins only.
func TestAdminDistrictImport(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	tok := csrf(t, b.get("/admin"))
	norms := exampleFile(t, "norms.csv")
	if p := b.uploadAs("/admin/import/norms", "norms.csv", map[string]string{}, bytes.NewReader(norms)); p.status != http.StatusForbidden {
		t.Errorf("without a token: %d", p.status)
	}
	p := b.uploadAs("/admin/import/norms", "norms.csv", map[string]string{"csrf": tok}, bytes.NewReader(norms))
	if p.status != http.StatusOK || !strings.Contains(p.body, `data-kind="norms" data-dry-run="true" data-created="4" data-updated="0" data-unchanged="0" data-errors="0"`) {
		t.Fatalf("dry run: %d %s", p.status, p.body)
	}
	if n := pulledOf(t, e, record.TypeNormTable); n != 0 {
		t.Fatalf("the dry run wrote %d", n)
	}
	m := tokenRE.FindStringSubmatch(p.body)
	if m == nil || !strings.Contains(p.body, "Confirm loading the norm tables") {
		t.Fatal("no confirm form")
	}
	// Another file under this dry run's token: only a dry run of it.
	other := bytes.Replace(norms, []byte(",10,60,"), []byte(",10,61,"), 1)
	if p := b.uploadAs("/admin/import/norms", "norms.csv", map[string]string{"csrf": tok, "confirm": "1", "confirm_token": m[1]}, bytes.NewReader(other)); p.status != http.StatusConflict {
		t.Errorf("confirm with another file: %d", p.status)
	}
	// The token of a norms dry run does not confirm the same bytes as forms.
	if p := b.uploadAs("/admin/import/forms", "norms.csv", map[string]string{"csrf": tok, "confirm": "1", "confirm_token": m[1]}, bytes.NewReader(norms)); p.status != http.StatusConflict && p.status != http.StatusBadRequest {
		t.Errorf("confirm as forms: %d", p.status)
	}
	p = b.uploadAs("/admin/import/norms", "norms.csv", map[string]string{"csrf": tok, "confirm": "1", "confirm_token": m[1]}, bytes.NewReader(norms))
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/admin?done=norms" {
		t.Fatalf("confirm: %d %s", p.status, p.body)
	}
	if n := pulledOf(t, e, record.TypeNormTable); n != 4 {
		t.Fatalf("%d norm tables pulled after the import", n)
	}
	if !strings.Contains(b.get("/admin?done=norms").body, "The norm tables are loaded") {
		t.Error("no done message")
	}
	// Errors: shown with the upload's own file name, line and column.
	bad := "measure,grade,source,percentile,fall,winter,spring,roi\norf_wcpm,2,S,30,1,,,1\norf_wcpm,2,S,20,1,,,1\n"
	p = b.uploadAs("/admin/import/norms", `C:\Users\coord\District 2026.csv`, map[string]string{"csrf": tok}, strings.NewReader(bad))
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "<td>District 2026.csv</td><td>3</td><td>percentile</td>") || strings.Contains(p.body, "Confirm loading") {
		t.Errorf("errors: %d %s", p.status, p.body)
	}
	// A 60 MB upload is refused by its size; nothing is written.
	huge := io.MultiReader(strings.NewReader("measure,grade,source,percentile,fall,winter,spring,roi\n"), io.LimitReader(repeat("orf_wcpm,2,S,50,1,2,3,1\n"), 60_000_000))
	if p := b.uploadAs("/admin/import/norms", "huge.csv", map[string]string{"csrf": tok}, huge); p.status != http.StatusRequestEntityTooLarge {
		t.Errorf("60 MB: %d", p.status)
	}
	if n := pulledOf(t, e, record.TypeNormTable); n != 4 {
		t.Fatalf("%d norm tables after refused uploads", n)
	}
	// Forms: a dry run and a confirm.
	forms := exampleFile(t, "forms.csv")
	p = b.uploadAs("/admin/import/forms", "forms.csv", map[string]string{"csrf": tok}, bytes.NewReader(forms))
	m = tokenRE.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil || !strings.Contains(p.body, `data-kind="forms" data-dry-run="true" data-created="14"`) {
		t.Fatalf("forms dry run: %d %s", p.status, p.body)
	}
	if p := b.uploadAs("/admin/import/forms", "forms.csv", map[string]string{"csrf": tok, "confirm": "1", "confirm_token": m[1]}, bytes.NewReader(forms)); p.status != http.StatusSeeOther {
		t.Fatalf("forms confirm: %d", p.status)
	}
	if n := pulledOf(t, e, record.TypeProbeForm); n != 14 {
		t.Fatalf("%d forms pulled", n)
	}
	// Admins only; an unknown kind is not found.
	ana := e.signedIn("lincoln", "ana")
	if p := ana.uploadAs("/admin/import/norms", "norms.csv", map[string]string{"csrf": csrf(t, ana.get("/"))}, bytes.NewReader(norms)); p.status != http.StatusForbidden {
		t.Errorf("interventionist: %d", p.status)
	}
	if p := b.uploadAs("/admin/import/students", "x.csv", map[string]string{"csrf": tok}, bytes.NewReader(norms)); p.status != http.StatusNotFound {
		t.Errorf("unknown kind: %d", p.status)
	}
}

type repeater struct {
	s   string
	off int
}

func repeat(s string) io.Reader { return &repeater{s: s} }

func (r *repeater) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.off:])
		n += c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}
