package console_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/console"
	"smallwins/syncserver/internal/httpapi"
	"smallwins/syncserver/internal/schooladmin"
	"smallwins/syncserver/internal/store"
)

// bigReportsEnv is a server whose console caches reports within cacheBytes,
// over a school of goals goals whose students were probed every day for
// days days: each report as of a date after them carries days points.
func bigReportsEnv(t *testing.T, cacheBytes int64, goals, days int) *env {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, logs: &bytes.Buffer{}, users: map[string]store.User{}, tablets: map[string]tablet{}}
	log := slog.New(slog.NewJSONHandler(e.logs, nil))
	con := console.New(console.Config{Store: st, Passwords: testPasswords, Logger: log, ReportCacheBytes: cacheBytes})
	api := httpapi.New(httpapi.Config{Store: st, Logger: log, Passwords: testPasswords, Mount: con.Mount})
	e.srv = httptest.NewServer(api.Handler())
	t.Cleanup(func() { e.srv.Close(); st.Close() })
	sc, err := st.CreateSchool(t.Context(), store.School{Slug: "lincoln", Name: "Lincoln Elementary"})
	if err != nil {
		t.Fatal(err)
	}
	nu, err := schooladmin.NewUser(testPasswords, sc.ID, protocol.AddUserRequest{Username: "admin", Name: "Casey Coach", Role: "admin", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := st.CreateUser(t.Context(), nu)
	if err != nil {
		t.Fatal(err)
	}
	clock := hlc.NewClock(uuid.New(), hlc.State{}, nil)
	var recs []record.Envelope
	add := func(id, typ, data string) {
		recs = append(recs, record.Envelope{ID: id, Type: typ, HLC: clock.Now().String(), Data: json.RawMessage(data)})
	}
	start, _ := progress.ParseDate("2025-01-06")
	for g := range goals {
		kid := uuid.NewString()
		add(kid, "student", fmt.Sprintf(`{"given_name":"Student","family_name":"%d","grade":"2"}`, g))
		add(uuid.NewString(), "goal", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[40],"goal_score":76,"goal_date":"2025-05-12"}`, kid))
		for d := 1; d <= days; d++ {
			add(uuid.NewString(), "probe", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":%q,"score":%d}`, kid, (start+progress.Date(d)).String(), 40+d%30))
		}
	}
	for len(recs) > 0 {
		n := min(len(recs), 5000)
		if _, err := st.Push(t.Context(), store.PushBatch{SchoolID: sc.ID, Pusher: admin.ID, PusherIsAdmin: true, Records: recs[:n], At: time.Now()}); err != nil {
			t.Fatal(err)
		}
		recs = recs[n:]
	}
	return e
}

// heapHeld is the live heap after full collections.
func heapHeld() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// asOfHeap opens the caseload as of one date after another as the admin,
// and returns the heap six more dates hold above what the first left.
func asOfHeap(t *testing.T, cacheBytes int64) int64 {
	e := bigReportsEnv(t, cacheBytes, 20, 800)
	b := e.signedIn("lincoln", "admin")
	late, _ := progress.ParseDate("2027-06-07")
	page := func(d progress.Date) {
		t.Helper()
		if p := b.get("/?as_of=" + d.String()); p.status != http.StatusOK {
			t.Fatalf("caseload as of %s: %d", d, p.status)
		}
	}
	page(late) // the school read and one date
	base := heapHeld()
	for d := range progress.Date(6) {
		page(late - 1 - d)
	}
	return heapHeld() - base
}

// TestCaseloadAsOfDatesStayWithinTheCacheBudget is issue 20's finding 3
// through the console: an admin opens the caseload as of one date after
// another, and each date's reports take megabytes (20 goals of 800
// points). With the cache bounded by entries alone (4 dates, as before)
// the pages hold more than the budget; within --report-cache-bytes the
// heap after six more dates holds no more than the budget.
func TestCaseloadAsOfDatesStayWithinTheCacheBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 16,000 probes twice")
	}
	const budget = 2 << 20
	mib := func(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB" }
	unbounded := asOfHeap(t, 1<<40)
	bounded := asOfHeap(t, budget)
	t.Logf("six more as_of dates hold %s by entries alone, %s within a budget of %s", mib(unbounded), mib(bounded), mib(budget))
	if unbounded <= budget {
		t.Fatalf("by entries alone six dates hold %s: the reports are too small to test a budget of %s", mib(unbounded), mib(budget))
	}
	if bounded > budget {
		t.Fatalf("six as_of dates hold %s, over the cache budget of %s", mib(bounded), mib(budget))
	}
}
