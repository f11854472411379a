package console_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestEveryResponseHasSecurityHeaders (ADR 0026): every response of the
// server, signed in or not, API or console, success, redirect or error,
// unknown path or static file, carries CONSOLE.md §2's headers; errors
// outside /v1/ are HTML pages with a title and lang, under /v1/ JSON; no
// folder is ever listed.
func TestEveryResponseHasSecurityHeaders(t *testing.T) {
	e := newEnv(t, false)
	admin := e.signedIn("lincoln", "admin")
	anon := e.browser()
	token := e.enrol("lincoln", "admin").token
	g := "/students/" + e.ids.s1 + "/goals/" + e.ids.goal1
	for _, tc := range []struct {
		method, path string
		b            *browser // nil: the API with the admin's token
		status       int
	}{
		{"GET", "/nope", anon, 404},
		{"GET", "/nope", admin, 404},
		{"GET", "/meeting/", admin, 404},
		{"GET", "/meeting/", anon, 404},
		{"GET", "/students/", admin, 404},
		{"GET", "/static/", anon, 404},
		{"GET", "/static/x/", anon, 404},
		{"GET", "/static", anon, 404},
		{"GET", "/static/nope.css", anon, 404},
		{"GET", "/static/%2e%2e/console.go", anon, 404},
		{"GET", "/static/console.css", anon, 200},
		{"GET", "/static/favicon.svg", anon, 200},
		{"GET", "/login", anon, 200},
		{"GET", "/", anon, 303},
		{"GET", "/", admin, 200},
		{"GET", "/students/" + e.ids.s1, anon, 303},
		{"GET", "/students/nope", admin, 404},
		{"GET", g + "/points.csv", admin, 200},
		{"GET", g + "/chart.svg", admin, 200},
		{"GET", g + "/report.pdf", admin, 200},
		{"POST", "/nope", anon, 404},
		{"DELETE", "/login", anon, 405},
		{"PUT", "/", admin, 405},
		{"GET", "/healthz", anon, 200},
		{"POST", "/healthz", anon, 405},
		{"GET", "/v1/nope", nil, 404},
		{"GET", "/v1/sync/pull?after=0", nil, 200},
		{"GET", "/v1/sync/pull?after=0", anon, 401},
		{"GET", "/v1/exports/sessions.csv", nil, 200},
		{"POST", "/v1/sync/pull", nil, 404},
	} {
		req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, nil)
		c := e.srv.Client()
		if tc.b != nil {
			c = tc.b.c
		} else {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		name := tc.method + " " + tc.path
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", name, resp.StatusCode, tc.status)
		}
		h := resp.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src") ||
			strings.Contains(csp, "script-src 'unsafe-inline'") || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", name, h)
		}
		ct := h.Get("Content-Type")
		switch {
		case resp.StatusCode < 400:
		case strings.HasPrefix(tc.path, "/v1/"):
			if !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s: an API error as %s", name, ct)
			}
		case tc.method != "HEAD":
			if !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(body), `<html lang="en">`) || !strings.Contains(string(body), "<title>") {
				t.Errorf("%s: an error page as %s: %.200s", name, ct, body)
			}
		}
		if strings.HasPrefix(tc.path, "/static/") && resp.StatusCode == 404 && strings.Contains(string(body), ">console.css<") {
			t.Errorf("%s lists a folder", name)
		}
	}
}
