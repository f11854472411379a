package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	bolt "go.etcd.io/bbolt"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/store"
)

// BenchmarkPullAudit (ADR 0021): a pull page of 500 notes, all
// restricted, beside the same page of open notes in the same run (no
// entry). Handed to their author it writes nothing (ADR 0021); handed to an
// admin's tablet on a new day each pull it writes 500 entries in one batch
// and their 500 marks before the page leaves; pulled again that day it
// checks the marks and writes nothing. The differences are the audit's
// costs per response.
func BenchmarkPullAudit(b *testing.B) {
	b.Run("bbolt", func(b *testing.B) {
		st, err := boltstore.Open(filepath.Join(b.TempDir(), "s.db"))
		if err != nil {
			b.Fatal(err)
		}
		c := newTestClock()
		benchPullAudit(b, newEnvOnWith(b, st, Config{Now: c.now}), c)
	})
	b.Run("postgres", func(b *testing.B) {
		st, err := pgstore.Open(context.Background(), pgtest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		c := newTestClock()
		benchPullAudit(b, newEnvOnWith(b, st, Config{Now: c.now}), c)
	})
}

const auditBenchPage = 500

func benchPullAudit(b *testing.B, e *env, clock *testClock) {
	body := strings.Repeat("Talked with the family about sleep and breakfast. ", 6) // ~300 bytes, a typical note
	pushNotes := func(d device, restricted bool) {
		student := uuid.NewString()
		recs := make([]record.Envelope, auditBenchPage)
		for i := range recs {
			id, _ := uuid.NewV7()
			recs[i] = d.rec(id.String(), fmt.Sprintf(`{"student_id":%q,"author_id":"x","body":%q,"category":"family"}`, student, body))
			recs[i].Restricted = restricted
		}
		if s, out := e.push(d, recs...); s != 200 {
			b.Fatalf("push: %d %s", s, out)
		}
	}
	restrictedTab, openTab := e.enrol("lincoln", "ben"), e.enrol("washington", "ben")
	pushNotes(restrictedTab, true)
	pushNotes(openTab, false)
	admin := e.enrol("lincoln", "admin")
	pull := func(b *testing.B, d device) {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/sync/pull?after=0&limit=%d", e.srv.URL, auditBenchPage), nil)
		req.Header.Set("Authorization", "Bearer "+d.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || n < auditBenchPage*300 {
			b.Fatalf("pull: %d, %d bytes", resp.StatusCode, n)
		}
	}
	for _, c := range []struct {
		name   string
		d      device
		newDay bool
	}{{"open-no-audit", openTab, false}, {"restricted-author", restrictedTab, false},
		{"restricted-admin-same-day", admin, false}, {"restricted-admin-audited", admin, true}} {
		b.Run(c.name, func(b *testing.B) {
			pull(b, c.d) // warm
			b.ResetTimer()
			for b.Loop() {
				if c.newDay {
					clock.add(24 * time.Hour)
				}
				pull(b, c.d)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pulls/s")
			b.ReportMetric(float64(b.N*auditBenchPage)/b.Elapsed().Seconds(), "records/s")
		})
	}
	// The entries are really there: the admin's, one per record per day.
	sc, _ := e.api.store.SchoolBySlug(context.Background(), "lincoln")
	page, _, err := e.api.store.ListAudit(context.Background(), store.AuditQuery{SchoolID: sc.ID, Limit: 2 * auditBenchPage})
	if err != nil || len(page) != 2*auditBenchPage || page[0].DeviceID != admin.id || page[2*auditBenchPage-1].DeviceID != admin.id {
		b.Fatalf("audit after the benchmark: %d entries, %v", len(page), err)
	}
}

// BenchmarkFirstSyncAudit: an empty tablet pulls 100,000 ~1 KiB records
// (pages of 5000, counted as they stream in), all of them open beside all
// of them restricted, in the same run: by their author (nothing audited)
// and by an admin's tablet on a new day each time (20 audit batches of
// 5,000 ids and their marks): the audit's share of a whole first sync, at
// its worst.
func BenchmarkFirstSyncAudit(b *testing.B) {
	clock := newTestClock()
	e := newEnvWith(b, Config{Now: clock.now})
	pad := strings.Repeat("x", 900)
	load := func(d device, restricted bool) {
		for range 100 {
			recs := make([]record.Envelope, 1000)
			for j := range recs {
				id, _ := uuid.NewV7()
				recs[j] = record.Envelope{ID: id.String(), Type: "note", HLC: d.clock.Now().String(), Restricted: restricted,
					Data: []byte(fmt.Sprintf(`{"student_id":"%s","author_id":"x","body":"%s"}`, id, pad))}
			}
			body, _ := json.Marshal(protocol.PushRequest{Records: recs})
			postRaw(b, e.srv.URL, d.token, body)
		}
	}
	open, restricted := e.enrol("lincoln", "ana"), e.enrol("washington", "ana")
	load(open, false)
	load(restricted, true)
	admin := e.enrol("washington", "admin")
	dec := jsontext.NewDecoder(bytes.NewReader(nil))
	for _, c := range []struct {
		name   string
		d      device
		newDay bool
	}{{"open-no-audit", open, false}, {"restricted-author", restricted, false}, {"restricted-admin-audited", admin, true}} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				if c.newDay {
					clock.add(24 * time.Hour)
				}
				for after, more := int64(0), true; more; {
					req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/sync/pull?after=%d&limit=5000", e.srv.URL, after), nil)
					req.Header.Set("Authorization", "Bearer "+c.d.token)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					got, top, err := protocol.CountPage(dec, resp.Body)
					resp.Body.Close()
					if err != nil || json.Unmarshal(top["cursor"], &after) != nil || json.Unmarshal(top["more"], &more) != nil {
						b.Fatalf("page: %v %v", err, top)
					}
					n += got
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/100k")
		})
	}
}

// BenchmarkAuditFlood (ADR 0021): the attack of a tablet pulling
// 5,000 restricted notes from 0 again and again, by their author and by an
// admin, each pull one iteration, on a fresh store per run. It reports the
// audit entries and the bytes the audit's storage holds afterwards per pull:
// bbolt, the pages in use by the audit buckets (read from the closed file);
// PostgreSQL, the audit tables' size with indexes. Run with -benchtime=10x:
// the first of an admin's pulls of a day writes, the others do not.
func BenchmarkAuditFlood(b *testing.B) {
	for _, reader := range []string{"author", "admin"} {
		b.Run("bbolt/"+reader, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "s.db")
			st, err := boltstore.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			entries := benchAuditFlood(b, newEnvOn(b, st), reader)
			st.Close()
			b.ReportMetric(float64(entries)/float64(b.N), "entries/pull")
			b.ReportMetric(float64(boltAuditBytes(b, path))/float64(b.N), "audit-bytes/pull")
		})
		b.Run("postgres/"+reader, func(b *testing.B) {
			url := pgtest.URL(b)
			st, err := pgstore.Open(context.Background(), url)
			if err != nil {
				b.Fatal(err)
			}
			before := pgAuditBytes(b, url)
			entries := benchAuditFlood(b, newEnvOn(b, st), reader)
			b.ReportMetric(float64(entries)/float64(b.N), "entries/pull")
			b.ReportMetric(float64(pgAuditBytes(b, url)-before)/float64(b.N), "audit-bytes/pull")
		})
	}
}

// benchAuditFlood pushes Ben's 5,000 restricted notes, times b.N pulls of
// everything by reader's tablet and returns how many entries the log holds.
func benchAuditFlood(b *testing.B, e *env, reader string) int {
	ben := e.enrol("lincoln", "ben")
	for range floodNotes / 500 {
		e.restrictedNotes(ben, 500, "x")
	}
	admin := e.enrol("lincoln", "admin")
	d := ben
	if reader == "admin" {
		d = admin
	}
	b.ResetTimer()
	for b.Loop() {
		e.pullEverything(d)
	}
	b.StopTimer()
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/pull")
	return e.auditCount(admin.token)
}

// boltAuditBytes is the bytes of the pages the audit buckets use in the
// closed bbolt file at path.
func boltAuditBytes(b *testing.B, path string) int {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	n := 0
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			if bytes.HasPrefix(name, []byte("audit")) {
				st := bk.Stats()
				n += st.BranchAlloc + st.LeafAlloc
			}
			return nil
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// pgAuditBytes is the size of the audit tables (with their indexes and
// TOAST) in the database at url.
func pgAuditBytes(b *testing.B, url string) int64 {
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(context.Background())
	var n int64
	if err := c.QueryRow(context.Background(), `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
		FROM pg_class c WHERE c.relkind = 'r' AND c.relname LIKE 'audit%'`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}
