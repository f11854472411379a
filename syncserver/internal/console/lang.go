package console

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/syncserver/internal/store"
)

// The console's languages (docs/decisions/0029 and 0036): every word a page
// shows is a message of catalog/<area>.<lang>.json, read in the request's
// language; the report's words come from progress.In(lang). The data-*
// hooks keep codes and machine numbers in every language (CONSOLE.md §4).

//go:embed catalog/*.json
var catalogFS embed.FS

// cat is the console's catalog.
var cat = i18n.MustLoad(catalogFS, "catalog")

// tr is a message of the console's catalog in language l.
func tr(l i18n.Lang, id string, args ...i18n.Args) string { return cat.T(l, id, args...) }

// trn is a plural message of the console's catalog for count.
func trn(l i18n.Lang, id string, count int, args ...i18n.Args) string {
	return cat.N(l, id, count, args...)
}

// langChoices are what the language form offers: "" follows the browser.
var langChoices = []string{"", string(i18n.English), string(i18n.Spanish)}

// langOf is the request's language: the signed-in user's choice, else the
// browser's Accept-Language (also for the sign-in page, which has no user).
func langOf(ec echo.Context) i18n.Lang {
	if l, ok := ec.Get("lang").(i18n.Lang); ok {
		return l
	}
	return i18n.FromAcceptLanguage(ec.Request().Header.Get("Accept-Language"))
}

// userLang is the language for a signed-in user: their stored choice wins
// over the browser's.
func userLang(ec echo.Context, u store.User) i18n.Lang {
	if l, ok := i18n.Parse(u.ConsoleLang); ok {
		return l
	}
	return i18n.FromAcceptLanguage(ec.Request().Header.Get("Accept-Language"))
}

type langKey struct{}

// withLang carries the request's language in its context, so the words
// built below a handler (the scope's, a report's) need no extra argument.
func withLang(ec echo.Context, l i18n.Lang) {
	ec.Set("lang", l)
	r := ec.Request()
	ec.SetRequest(r.WithContext(context.WithValue(r.Context(), langKey{}, l)))
}

// langFromContext is the language withLang set; English without one.
func langFromContext(ctx context.Context) i18n.Lang {
	if l, ok := ctx.Value(langKey{}).(i18n.Lang); ok {
		return l
	}
	return i18n.English
}

// showDate is an ISO date (YYYY-MM-DD) as a page shows it. English keeps
// the console's ISO dates; Spanish writes the month in words ("7 dic 2026"),
// since an all-number date reads differently in the US and Latin America
// (docs/decisions/0036). Anything that is not a date is shown as it is.
func showDate(l i18n.Lang, iso string) string {
	if l == i18n.English || iso == "" {
		return iso
	}
	d, err := progress.ParseDate(iso)
	if err != nil {
		return iso
	}
	return i18n.DateMedium(l, d.Time())
}

// dateMemo is showDate for many rows of one page: a date in words costs
// a few catalog lookups, and a page's rows share few dates.
func dateMemo(l i18n.Lang) func(string) string {
	if l == i18n.English {
		return func(iso string) string { return iso }
	}
	seen := map[string]string{}
	return func(iso string) string {
		s, ok := seen[iso]
		if !ok {
			s = showDate(l, iso)
			seen[iso] = s
		}
		return s
	}
}

// reasonText is a decision's reason on a page. English shows the report's
// reason to the letter (the API's, DOMAIN.md §3.5); another language shows
// the room's wording of it, the one the catalogs speak.
func reasonText(l i18n.Lang, r progress.Report) string {
	if l == i18n.English {
		return r.Decision.Reason
	}
	return progress.In(l).ReasonWords(r)
}

// handleAccount is the page where a user chooses the console's language
// for themselves (docs/decisions/0036).
func (c *Console) handleAccount(ec echo.Context) error {
	l := langOf(ec)
	browser := i18n.FromAcceptLanguage(ec.Request().Header.Get("Accept-Language"))
	return c.render(ec, http.StatusOK, "account", map[string]any{"Title": tr(l, "account.title"), "Nav": "account",
		"Saved": ec.QueryParam("saved") == "1", "BrowserLang": tr(l, "layout.lang."+browser.String())})
}

// handleLanguage stores the signed-in user's own language choice (a
// CSRF-checked POST; the user is the session's, never one the form names)
// and goes back to the page the form was on.
func (c *Console) handleLanguage(ec echo.Context) error {
	if err := parseForm(ec); err != nil {
		return err
	}
	s := sessionOf(ec)
	if !checkCSRF(ec, s.csrf) {
		return errBadCSRF
	}
	choice := ec.Request().PostFormValue("lang")
	ok := false
	for _, v := range langChoices {
		ok = ok || v == choice
	}
	if !ok {
		return newErr(http.StatusBadRequest, "error.lang")
	}
	if _, err := c.st.UpdateUser(ec.Request().Context(), s.p.School.ID, s.p.User.ID, store.UserChange{ConsoleLang: &choice}, c.now()); err != nil {
		return err
	}
	return ec.Redirect(http.StatusSeeOther, localPath(ec.Request().PostFormValue("back")))
}

// localPath is the page a form came from: a path of this site only, so the
// form cannot send a browser elsewhere.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") || len(p) > 2048 {
		return "/"
	}
	return p
}

// langFuncs are the template functions bound to language l: T and N read
// the catalog, TH a message whose arguments are already safe HTML pieces,
// and the report's words and figures speak l.
func langFuncs(l i18n.Lang) template.FuncMap {
	sp := progress.In(l)
	return template.FuncMap{
		"T": func(id string, kv ...any) string { return tr(l, id, pairs(kv)) },
		"N": func(id string, count int, kv ...any) string { return trn(l, id, count, pairs(kv)) },
		// TH is for the few sentences with markup inside: every argument
		// is escaped unless it is already template.HTML; the message's own
		// text is the embedded catalog's.
		"TH": func(id string, kv ...any) template.HTML {
			a := pairs(kv)
			for k, v := range a {
				if h, ok := v.(template.HTML); ok {
					a[k] = string(h)
				} else {
					a[k] = template.HTMLEscapeString(toString(v))
				}
			}
			return template.HTML(tr(l, id, a)) // #nosec: catalog text with escaped arguments
		},
		"decisionText": func(code string) string { return sp.DecisionWords(code) },
		"statusText":   func(status string) string { return sp.StatusWords(status) },
		"sufficiency":  func(r progress.Report) string { return sp.SufficiencyWords(r) },
		"reason":       func(r progress.Report) string { return reasonText(l, r) },
		"measureName":  func(code string) string { return sp.Measure(code).Name },
		"measureUnit":  func(code string) string { return sp.Measure(code).Unit },
		"delivery":     func(d *progress.Delivery) string { return deliveryText(l, d) },
		"pct":          func(p *float64) string { return pctIn(l, p) },
		"round1":       func(x float64) string { return sp.Figure(x, 1) },
		"num":          func(figure string) string { return sp.Number(figure) },
		"date":         func(iso string) string { return showDate(l, iso) },
		"plural":       func(n int, one, other string) string { return plural(n, one, other) },
		"exactNum":     exactNum,
		"dict":         dict,
		"inc":          func(i int) int { return i + 1 },
		"lang":         func() string { return l.String() },
		"langChoices":  func() []string { return langChoices },
		"join":         strings.Join,
		"roiFlag": func(flag string) string {
			if cat.Has("student.roi." + flag) {
				return tr(l, "student.roi."+flag)
			}
			return flag
		},
		// noteCategory: English shows a note's category as the tablet
		// stored it; another language shows the shared words for it.
		"noteCategory": func(code string) string {
			if l == i18n.English {
				return code
			}
			return sp.NoteCategoryWords(code)
		},
		// groupLink is a group's name, linked when the viewer may open its
		// page, as one escaped HTML piece for TH.
		"groupLink": func(href, name string) template.HTML {
			if href == "" {
				return template.HTML(template.HTMLEscapeString(name))
			}
			return template.HTML(`<a href="` + template.HTMLEscapeString(href) + `">` + template.HTMLEscapeString(name) + `</a>`)
		},
	}
}

// pairs reads a template's key, value arguments as a message's Args.
func pairs(kv []any) i18n.Args {
	a := i18n.Args{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			a[k] = kv[i+1]
		}
	}
	return a
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
