package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// TestSlowClientsAreCut: the server's timeouts end a connection whose
// headers or body trickle in. The production values (seconds to minutes) are
// checked as set; the behaviour is checked with the same server built with
// short ones.
func TestSlowClientsAreCut(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Fatalf("a timeout or limit is missing: %+v", srv)
	}
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) })
	srv.ReadHeaderTimeout, srv.ReadTimeout = 200*time.Millisecond, 400*time.Millisecond
	ts := httptest.NewUnstartedServer(srv.Handler)
	ts.Config = srv
	ts.Start()
	defer ts.Close()
	for name, send := range map[string]string{
		"slow headers": "GET / HTTP/1.1\r\nHost: x\r\n",
		"slow body":    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc",
	} {
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(c, send)
		start := time.Now()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = bufio.NewReader(c).ReadString('\n')
		for err == nil { // drain a possible error response until the close
			_, err = bufio.NewReader(c).ReadString('\n')
		}
		if time.Since(start) > 4*time.Second {
			t.Errorf("%s: connection held open", name)
		}
		c.Close()
	}
}

// TestLogsHoldNoSecrets runs the real binary and searches its logs for the
// password, the token and record data.
func TestLogsHoldNoSecrets(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	setup(t, db)
	p := serve(t, nil, "--listen", "127.0.0.1:0", "--db", db)
	tok, dev := enrol(t, p.url)
	clock := hlc.NewClock(dev, hlc.State{}, nil)
	rec := record.Envelope{ID: uuid.NewString(), Type: "note", HLC: clock.Now().String(), Data: []byte(`{"body":"DISTINCTIVE-STUDENT-TEXT"}`)}
	resp, err := request("POST", p.url+"/v1/sync/push", tok, protocol.PushRequest{Records: []record.Envelope{rec}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("push: %v", err)
	}
	resp.Body.Close()
	pullIDs(t, p.url, tok)
	// A failed login with a distinctive wrong password, and a bad token.
	http.Post(p.url+"/v1/devices", "application/json", strings.NewReader(`{"school":"lincoln-elem","username":"rivera","password":"WRONG-PASSWORD-XYZ","device_id":"`+uuid.NewString()+`"}`))
	request("GET", p.url+"/v1/sync/pull", "BOGUS-TOKEN-XYZ", nil)
	time.Sleep(100 * time.Millisecond)
	p.mu.Lock()
	logs := p.stderr.String()
	p.mu.Unlock()
	if !strings.Contains(logs, `"route":"/v1/sync/push"`) {
		t.Fatalf("no request log: %s", logs)
	}
	for _, secret := range []string{tok, "password-123", "WRONG-PASSWORD-XYZ", "BOGUS-TOKEN-XYZ", "DISTINCTIVE-STUDENT-TEXT"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
}
