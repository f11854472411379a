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

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/store"
)

// BenchmarkPullAudit (issue 15, ADR 0021): a pull page of 500 notes, all
// restricted and handed to their author (500 audit entries written in one
// batch before the page leaves), beside the same page of open notes in the
// same run (no entry). The difference is the audit's cost per response.
func BenchmarkPullAudit(b *testing.B) {
	b.Run("bbolt", func(b *testing.B) {
		st, err := boltstore.Open(filepath.Join(b.TempDir(), "s.db"))
		if err != nil {
			b.Fatal(err)
		}
		benchPullAudit(b, newEnvOn(b, st))
	})
	b.Run("postgres", func(b *testing.B) {
		st, err := pgstore.Open(context.Background(), pgtest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		benchPullAudit(b, newEnvOn(b, st))
	})
}

const auditBenchPage = 500

func benchPullAudit(b *testing.B, e *env) {
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
		name string
		d    device
	}{{"open-no-audit", openTab}, {"restricted-audited", restrictedTab}} {
		b.Run(c.name, func(b *testing.B) {
			pull(b, c.d) // warm
			b.ResetTimer()
			for b.Loop() {
				pull(b, c.d)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pulls/s")
			b.ReportMetric(float64(b.N*auditBenchPage)/b.Elapsed().Seconds(), "records/s")
		})
	}
	// The entries are really there: one per record per audited pull.
	sc, _ := e.api.store.SchoolBySlug(context.Background(), "lincoln")
	if page, _, err := e.api.store.ListAudit(context.Background(), store.AuditQuery{SchoolID: sc.ID, Limit: auditBenchPage}); err != nil || len(page) != auditBenchPage {
		b.Fatalf("audit after the benchmark: %d entries, %v", len(page), err)
	}
}

// BenchmarkFirstSyncAudit: an author's empty tablet pulls 100,000 ~1 KiB
// records (pages of 5000, counted as they stream in), all of them open
// beside all of them restricted (20 audit batches of 5,000 ids), in the same
// run: the audit's share of a whole first sync, at its worst.
func BenchmarkFirstSyncAudit(b *testing.B) {
	e := newEnv(b)
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
	dec := jsontext.NewDecoder(bytes.NewReader(nil))
	for _, c := range []struct {
		name string
		d    device
	}{{"open-no-audit", open}, {"restricted-audited", restricted}} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
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
