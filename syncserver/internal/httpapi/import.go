package httpapi

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/roster"
)

// importErrorBody is §14's refusal: the §8 body with the report beside
// "error".
type importErrorBody struct {
	Error  *protocol.Error `json:"error"`
	Report roster.Report   `json:"report"`
}

// handleImportOneRoster is POST /v1/admin/import/oneroster (PROTOCOL §14):
// the export zipped in the body, ?dry_run=1 and ?org=SOURCED_ID.
func (s *Server) handleImportOneRoster(c echo.Context) error {
	return s.importZip(c, "roster import", func(im roster.Importer, fsys fs.FS, zipErr []roster.Error, dryRun bool) (roster.Report, error) {
		p := PrincipalOf(c)
		if fsys == nil {
			return im.Import(c.Request().Context(), p.School.ID, p.User, roster.Parsed{Errors: zipErr}, dryRun)
		}
		return im.ImportOneRoster(c.Request().Context(), p.School.ID, p.User, fsys, roster.Options{Org: c.QueryParam("org")}, dryRun)
	})
}

// handleImportGroups is POST /v1/admin/import/groups: our template of
// groups and goals (docs/roster-import.md), zipped, with §14's rules.
func (s *Server) handleImportGroups(c echo.Context) error {
	return s.importZip(c, "groups import", func(im roster.Importer, fsys fs.FS, zipErr []roster.Error, dryRun bool) (roster.Report, error) {
		if fsys == nil {
			return roster.Report{DryRun: dryRun, ErrorCount: len(zipErr), Errors: zipErr}, nil
		}
		p := PrincipalOf(c)
		return im.ImportTemplate(c.Request().Context(), p.School.ID, p.User, fsys, dryRun)
	})
}

// importZip is what both imports share: ?dry_run, the bounded zip body,
// the log line and §14's answers. run gets the zip's files, or nil and
// the error of a body that is not a zip; it reads them under roster's one
// import slot (one import at a time in this process, console and API
// alike: two at once would both create the same new records).
func (s *Server) importZip(c echo.Context, what string,
	run func(im roster.Importer, fsys fs.FS, zipErr []roster.Error, dryRun bool) (roster.Report, error)) error {
	p := PrincipalOf(c)
	r := c.Request()
	dryRun := false
	switch v := c.QueryParam("dry_run"); v {
	case "", "0", "false":
	case "1", "true":
		dryRun = true
	default:
		return protocol.Problem(protocol.CodeInvalidRequest, "server.param.flag", i18n.Args{"Param": "dry_run"})
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); err != nil || mt != "application/zip" {
		return protocol.Problem(protocol.CodeUnsupportedMediaType, "server.import.not_zip")
	}
	if enc := r.Header.Get(echo.HeaderContentEncoding); enc != "" && enc != "identity" {
		// A zip is compressed already; another layer would only hide its size.
		return protocol.Problem(protocol.CodeUnsupportedMediaType, "server.import.encoding")
	}
	if r.ContentLength > roster.MaxImportBody {
		return protocol.Problem(protocol.CodeTooLarge, "server.import.too_large", i18n.Args{"Max": roster.MaxImportBody >> 20})
	}
	// The body, and the files decompressed from it, count against the
	// in-flight budget like a push's body: an upload waits or gets 503
	// rather than take memory tablets' syncs need.
	size := int64(roster.MaxImportBody)
	if r.ContentLength >= 0 {
		size = r.ContentLength
	}
	res, err := s.reserve(r.Context(), 3*size+requestOverhead)
	if err != nil {
		return err
	}
	defer res.Release()
	// Bounded before reading: a body without Content-Length stops at the
	// limit too.
	body, err := readAllSized(io.LimitReader(r.Body, roster.MaxImportBody+1), r.ContentLength)
	if err != nil {
		return protocol.Problem(protocol.CodeInvalidRequest, "server.body.incomplete")
	}
	if len(body) > roster.MaxImportBody {
		return protocol.Problem(protocol.CodeTooLarge, "server.import.too_large", i18n.Args{"Max": roster.MaxImportBody >> 20})
	}
	fsys, err := roster.OpenZip(bytes.NewReader(body), int64(len(body)))
	if errors.Is(err, roster.ErrZipTooLarge) {
		return protocol.Problem(protocol.CodeTooLarge, "server.import.zip_limits", i18n.Args{"Entries": roster.MaxZipEntries, "FileMiB": roster.MaxFileBytes >> 20, "TotalMiB": roster.MaxZipTotal >> 20})
	}
	var zipErr []roster.Error
	if err != nil {
		fsys, zipErr = nil, []roster.Error{{Message: err.Error()}}
	}

	rep, err := run(roster.Importer{Store: s.store, Writer: s.writer}, fsys, zipErr, dryRun)
	if err != nil {
		return err
	}
	// Counts only: the files hold student names.
	s.log.Info(what, "school_id", p.School.ID, "by_user_id", p.User.ID, "dry_run", rep.DryRun,
		"created", rep.Created, "updated", rep.Updated, "unchanged", rep.Unchanged, "not_in_file", rep.NotInFile,
		"skipped_rows", rep.SkippedRows, "errors", rep.ErrorCount)
	if rep.ErrorCount > 0 {
		return c.JSON(http.StatusBadRequest, importErrorBody{
			Error:  protocol.Problem(protocol.CodeInvalidRequest, "server.import.errors", i18n.Args{"N": rep.ErrorCount}),
			Report: rep,
		})
	}
	return c.JSON(http.StatusOK, rep)
}
