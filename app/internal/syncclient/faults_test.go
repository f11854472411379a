package syncclient

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"smallwins/app/internal/faultproxy"
	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestConvergesThroughFaultyNetwork: tablets sync through a proxy that drops
// connections mid-request and mid-response, truncates responses, delays and
// duplicates requests. After the faults stop, every tablet and the server
// hold the same records: nothing lost, nothing doubled, no half batch.
func TestConvergesThroughFaultyNetwork(t *testing.T) {
	srv := newServer(t)
	u, _ := url.Parse(srv.URL)
	proxy, err := faultproxy.Start(u.Host, faultproxy.Faults{DropRequest: 0.15, DropResponse: 0.15, Truncate: 0.1, Duplicate: 0.2,
		Delay: 5 * time.Millisecond}, 42)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	viaProxy := &server{t: t, URL: "http://" + proxy.Addr()}

	const tablets, rounds = 3, 12
	tabs := make([]*tablet, tablets)
	written := map[string]string{} // id → last HLC written anywhere
	for i := range tabs {
		// One connection per request, so every request meets its own fault;
		// small batches and pages, so there are many requests.
		tabs[i] = newTablet(t, nil, Config{HTTP: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}},
			BatchRecords: 8, PullLimit: 25})
		tabs[i].enrol(srv, "ana") // enrol directly, then sync through the proxy
		tabs[i].pointAt(viaProxy)
	}
	ctx := context.Background()
	for r := 0; r < rounds; r++ {
		for i, tb := range tabs {
			for k := 0; k < 15; k++ {
				e, err := repo.Put(ctx, tb.store, "", record.Student{GivenName: fmt.Sprintf("S%d-%d-%d", i, r, k), FamilyName: "F", Grade: "2"}, false)
				if err != nil {
					t.Fatal(err)
				}
				written[e.ID] = e.HLC
			}
			_ = tb.syncer.SyncOnce(ctx) // errors are expected here: the network is bad
		}
	}
	if proxy.Stats.DroppedRequests.Load()+proxy.Stats.DroppedResponses.Load()+proxy.Stats.Truncated.Load() == 0 || proxy.Stats.Duplicated.Load() == 0 {
		t.Fatalf("the proxy injected no faults: %+v", &proxy.Stats)
	}
	// Heal the network: every tablet syncs twice directly.
	for pass := 0; pass < 2; pass++ {
		for _, tb := range tabs {
			tb.pointAt(srv)
			tb.sync()
		}
	}
	serverView := newTablet(t, nil, Config{})
	serverView.enrol(srv, "boss")
	serverView.sync()
	want := studentHLCs(t, serverView.store)
	if len(want) != len(written) {
		t.Fatalf("server holds %d records, %d were written", len(want), len(written))
	}
	for id, h := range written {
		if want[id] != h {
			t.Fatalf("record %s: server holds %q, written %q", id, want[id], h)
		}
	}
	for i, tb := range tabs {
		got := studentHLCs(t, tb.store)
		if len(got) != len(want) {
			t.Fatalf("tablet %d holds %d records, server %d", i, len(got), len(want))
		}
		for id, h := range want {
			if got[id] != h {
				t.Fatalf("tablet %d: %s at %q, server %q", i, id, got[id], h)
			}
		}
		if n, _ := tb.store.PendingCount(); n != 0 {
			t.Fatalf("tablet %d still has %d unsynced", i, n)
		}
	}
	t.Logf("faults: %d conns, %d dropped requests, %d dropped responses, %d truncated, %d duplicated",
		proxy.Stats.Conns.Load(), proxy.Stats.DroppedRequests.Load(), proxy.Stats.DroppedResponses.Load(), proxy.Stats.Truncated.Load(), proxy.Stats.Duplicated.Load())
}

// studentHLCs maps id → HLC of every student in a store.
func studentHLCs(t *testing.T, st *localstore.Store) map[string]string {
	t.Helper()
	envs, err := st.List(record.TypeStudent)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range envs {
		out[e.ID] = e.HLC
	}
	return out
}
