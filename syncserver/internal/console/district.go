package console

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/syncserver/internal/roster"
)

// The admin page's import of a district's norm tables and probe forms
// (docs/norms.md, ADR 0028): upload → dry run → confirm, as the roster's
// (handleImport), through the same importer as the CLI
// (roster.Importer.ImportNorms, ImportForms), under the one import slot.

// districtKinds are the files the page imports, by the route's :kind.
var districtKinds = map[string]struct{ file, what string }{
	"norms": {roster.NormsFile, "admin.what.norms"},
	"forms": {roster.FormsFile, "admin.what.forms"},
}

// districtView is a dry run's report on the page.
type districtView struct {
	importView
	Kind, What string
}

// handleDistrictImport is POST /admin/import/{norms,forms}: a CSV upload,
// spooled to a temporary file (ParseMultipartForm's memory bound), hashed
// as a stream, then read from there as a stream. A dry run unless the form
// confirms with the token of a dry run of the same file and kind.
func (c *Console) handleDistrictImport(ec echo.Context) error {
	kind, ok := districtKinds[ec.Param("kind")]
	if !ok {
		return errNotFound
	}
	r := ec.Request()
	if ct := r.Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEMultipartForm) {
		return errBadMethod
	}
	tooLarge := newErr(http.StatusRequestEntityTooLarge, "error.csv_too_large", i18n.Args{"MiB": roster.MaxDistrictFileBytes >> 20})
	r.Body = http.MaxBytesReader(ec.Response(), r.Body, roster.MaxDistrictFileBytes+maxFormBody)
	if err := r.ParseMultipartForm(maxFormBody); err != nil {
		return tooLarge
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	s := sessionOf(ec)
	if !checkCSRF(ec, s.csrf) {
		return errBadCSRF
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return c.adminPage(ec, http.StatusBadRequest, map[string]any{"Error": tr(langOf(ec), "admin.choose_csv", i18n.Args{"What": tr(langOf(ec), kind.what)})})
	}
	defer f.Close()
	if fh.Size > roster.MaxDistrictFileBytes {
		return tooLarge
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	token := csrfToken(s.id, "district import\x00kind="+ec.Param("kind")+"\x00sha256="+hex.EncodeToString(h.Sum(nil)))
	confirm := r.PostFormValue("confirm") == "1"
	dryRun := !(confirm && subtle.ConstantTimeCompare([]byte(r.PostFormValue("confirm_token")), []byte(token)) == 1)

	im := roster.Importer{Store: c.st, Writer: c.w}
	name := roster.FileName(fh.Filename, kind.file)
	var rep roster.Report
	if ec.Param("kind") == "forms" {
		rep, err = im.ImportForms(r.Context(), s.p.School.ID, s.p.User, name, f, dryRun)
	} else {
		rep, err = im.ImportNorms(r.Context(), s.p.School.ID, s.p.User, name, f, dryRun)
	}
	if err != nil {
		return err
	}
	c.log.Info("console district import", "kind", ec.Param("kind"), "school_id", s.p.School.ID, "by_user_id", s.p.User.ID,
		"dry_run", rep.DryRun, "created", rep.Created, "updated", rep.Updated, "unchanged", rep.Unchanged, "errors", rep.ErrorCount)
	if !rep.DryRun && rep.ErrorCount == 0 {
		return ec.Redirect(http.StatusSeeOther, "/admin?done="+ec.Param("kind"))
	}
	v := districtView{importView: importView{Report: rep, Errors: rep.Errors, Token: token}, Kind: ec.Param("kind"), What: tr(langOf(ec), kind.what)}
	if len(v.Errors) > maxShownErrors {
		v.Errors = v.Errors[:maxShownErrors]
	}
	v.More = rep.ErrorCount - len(v.Errors)
	extra := map[string]any{"District": v}
	status := http.StatusOK
	switch {
	case confirm && dryRun:
		status = http.StatusConflict
		extra["Error"] = tr(langOf(ec), "admin.not_same_csv")
	case rep.ErrorCount > 0:
		status = http.StatusBadRequest
	}
	return c.adminPage(ec, status, extra)
}
