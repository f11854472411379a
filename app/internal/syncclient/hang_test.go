package syncclient

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"smallwins/app/internal/faultproxy"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestHungServerEndsInCannotReach: behind a proxy that takes requests and
// never answers, a sync ends with the request timeout in "Cannot reach the
// server", with Syncing false in that same state (it said "Syncing…" for
// 60 s, then both together). The change waits in the outbox.
func TestHungServerEndsInCannotReach(t *testing.T) {
	srv := newServer(t)
	u, _ := url.Parse(srv.URL)
	proxy, err := faultproxy.Start(u.Host, faultproxy.Faults{Hang: 1}, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	var mu sync.Mutex
	var states []State
	tb := newTablet(t, nil, Config{RequestTimeout: 300 * time.Millisecond,
		OnState: func(s State) { mu.Lock(); states = append(states, s); mu.Unlock() }})
	tb.enrol(srv, "ana")
	tb.pointAt(&server{t: t, URL: "http://" + proxy.Addr()})
	if _, err := repo.Put(context.Background(), tb.store, "", record.Student{GivenName: "A", FamilyName: "B", Grade: "2"}, false); err != nil {
		t.Fatal(err)
	}
	err = tb.syncer.SyncOnce(context.Background())
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("a hung server gave %v, want a network error", err)
	}
	if proxy.Stats.Hung.Load() == 0 {
		t.Fatal("the proxy hung no request")
	}
	mu.Lock()
	defer mu.Unlock()
	last := states[len(states)-1]
	if last.Syncing || !strings.HasPrefix(last.Err, "Cannot reach the server") || last.Pending != 1 {
		t.Fatalf("after the timeout: %+v", last)
	}
	// The default client is bounded too.
	if d := New(Config{Store: tb.store}).cfg.HTTP.Timeout; d != DefaultRequestTimeout || d > 30*time.Second {
		t.Fatalf("default request timeout %v", d)
	}
}
