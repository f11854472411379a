package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServeMountsConsole: `syncserver serve` serves the school console on
// its own address (CONSOLE.md: "served by syncserver serve itself"), a
// sign-in there reaches the caseload, and the JSON API beside it is
// unchanged.
func TestServeMountsConsole(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	setup(t, db)
	p := serve(t, nil, "--db", db, "--listen", "127.0.0.1:0")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) (int, string) {
		resp, err := c.Get(p.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get("/")
	if status != http.StatusOK || !strings.Contains(body, `name="username"`) {
		t.Fatalf("GET / without a session: %d, not the sign-in form", status)
	}
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no csrf field on the sign-in form")
	}
	resp, err := c.PostForm(p.url+"/login", url.Values{"csrf": {m[1]}, "school": {"lincoln-elem"}, "username": {"rivera"}, "password": {"password-123"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "Caseload") {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	if status, body := get("/v1/sync/pull"); status != http.StatusUnauthorized || !strings.Contains(body, `"unauthorized"`) {
		t.Errorf("the API beside the console: %d %s", status, body)
	}
	// The goal suggestions (DOMAIN.md §4.4) answer a console session: an
	// unknown student is a 404 of the signed-in school, not a 401; without
	// the session it is a 401.
	suggest := "/v1/reports/goal-suggestions?student=01900000-0000-7000-8000-000000000001&measure=orf_wcpm&start_date=2025-09-08&goal_date=2026-05-18&start_score=85"
	if status, body := get(suggest); status != http.StatusNotFound || !strings.Contains(body, `"not_found"`) {
		t.Errorf("goal suggestions with the console session: %d %s", status, body)
	}
	resp, err = http.Get(p.url + suggest)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("goal suggestions without a session: %d", resp.StatusCode)
	}
}
