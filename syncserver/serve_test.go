package main

import (
	"net/http"
	"strings"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{{"1048576", 1 << 20}, {"192MiB", 192 << 20}, {" 64 MiB ", 64 << 20}, {"2GiB", 2 << 30}, {"512KiB", 512 << 10},
		{"0", 0}, {"-1MiB", 0}, {"12MB", 0}, {"MiB", 0}, {"1.5GiB", 0}, {"2048GiB", 0}} {
		got, err := parseBytes(c.in)
		if (err != nil) != (c.want == 0) || got != c.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	n := int64(192 << 20)
	if s := (byteSize{&n}).String(); s != "192MiB" {
		t.Errorf("String() = %q", s)
	}
}

// TestMaxInflightBytesFlag: the budget comes from the flag or its
// SYNCSERVER_ variable (PROTOCOL §11) and shows in /metrics.
func TestMaxInflightBytesFlag(t *testing.T) {
	db := t.TempDir() + "/s.db"
	p := serve(t, []string{"SYNCSERVER_MAX_INFLIGHT_BYTES=64MiB"}, "--listen", "127.0.0.1:0", "--db", db)
	_, m := getBody(t, http.DefaultClient, p.url+"/metrics")
	if !strings.Contains(string(m), "syncserver_inflight_budget_bytes 6.7108864e+07") {
		t.Errorf("/metrics lacks the 64 MiB budget")
	}
	if out, err := cli(t, "", nil, "serve", "--listen", "127.0.0.1:0", "--db", db+"2", "--max-inflight-bytes", "lots"); err == nil || !strings.Contains(out, "invalid size") {
		t.Errorf("a bad size: %v %s", err, out)
	}
}
