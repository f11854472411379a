package localstore

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"smallwins/app/internal/repo"
	"smallwins/app/internal/vault"
	"smallwins/shared/record"
)

// sessionTap is the size and shape of a typical tap: a session of a group of
// five with an eight-step checklist.
func sessionTap(i int) record.Session {
	s := record.Session{GroupID: NewID(), ProgramID: NewID(), Date: "2025-01-13", Status: record.SessionInProgress,
		StartedAt: "2025-01-13T10:31:00-05:00", Note: "partner reading went well"}
	for j := 0; j < 5; j++ {
		s.Attendance = append(s.Attendance, record.Attendance{StudentID: NewID(), Status: record.Present})
	}
	for j := 0; j < 8; j++ {
		st := record.StepDone
		if (i+j)%3 == 0 {
			st = record.StepSkipped
		}
		s.Fidelity = append(s.Fidelity, record.StepMark{StepID: string(rune('a' + j)), Status: st})
	}
	return s
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "taps/s")
}

// BenchmarkTapToDurable measures one user action: SaveSession (stamp, encode
// over the previous version, write record, indexes, outbox and clock state,
// fsync) on this machine's disk, in a plain store and in a sealed one (a
// PIN: ADR 0610's aim is at most 1.5× the plain p99).
func BenchmarkTapToDurable(b *testing.B) {
	for _, held := range []int{0, 100_000} {
		for _, sealed := range []bool{false, true} {
			b.Run(fmt.Sprintf("held=%d/sealed=%v", held, sealed), func(b *testing.B) { benchTap(b, held, sealed) })
		}
	}
}

// openBench opens a store in a temp dir, with a PIN when sealed (cheap
// KDF: the derivation is BenchmarkUnlock's subject).
func openBench(b *testing.B, sealed bool) *Store {
	s, err := OpenWith(filepath.Join(b.TempDir(), "tablet.db"), Options{KDF: &vault.Params{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		b.Fatal(err)
	}
	if sealed {
		if err := s.SetPIN(ctx, "482916"); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func benchTap(b *testing.B, held int, sealed bool) {
	s := openBench(b, sealed)
	defer s.Close()
	seed(b, s, held)
	sess := sessionTap(0)
	d, err := repo.Put(ctx, s, "", sess, false)
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sess.Fidelity[i%8].Status = []string{record.StepDone, record.StepSkipped, record.StepNA}[i%3]
		t0 := time.Now()
		if _, err := repo.Put(ctx, s, d.ID, sess, false); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkRawBoltUpdate is the baseline: one bbolt Update putting a value
// of the same size, fsynced, nothing else.
func BenchmarkRawBoltUpdate(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	val, _ := json.Marshal(sessionTap(0))
	key := uuid.New()
	_ = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists([]byte("r")); return err })
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("r")).Put(key[:], val) })
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkApplyPullPage measures applying one 5000-record pulled page
// (records, indexes, cursor, one fsync) into a growing store, plain and
// sealed.
func BenchmarkApplyPullPage(b *testing.B) {
	for _, sealed := range []bool{false, true} {
		b.Run(fmt.Sprintf("sealed=%v", sealed), func(b *testing.B) { benchApplyPull(b, sealed) })
	}
}

func benchApplyPull(b *testing.B, sealed bool) {
	s := openBench(b, sealed)
	defer s.Close()
	node := uuid.New().String()
	data, _ := json.Marshal(record.Probe{StudentID: NewID(), Measure: "orf_wcpm", Date: "2025-01-13", Score: 42})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		page := make([]record.Envelope, 5000)
		for j := range page {
			page[j] = record.Envelope{ID: NewID(), Type: record.TypeProbe, HLC: "1764000000000-00001-" + node, Data: data, Seq: int64(i*5000 + j + 1)}
		}
		b.StartTimer()
		if _, err := s.ApplyPull(ctx, page, int64((i+1)*5000), true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*5000)/b.Elapsed().Seconds(), "records/s")
}

// seed fills s with n pulled probes (5000 per transaction).
func seed(b *testing.B, s *Store, n int) {
	node := uuid.New().String()
	data, _ := json.Marshal(record.Probe{StudentID: NewID(), Measure: "orf_wcpm", Date: "2025-01-13", Score: 42})
	for done := 0; done < n; done += 5000 {
		page := make([]record.Envelope, min(5000, n-done))
		for j := range page {
			page[j] = record.Envelope{ID: NewID(), Type: record.TypeProbe, HLC: "1764000000000-00001-" + node, Data: data, Seq: int64(done + j + 1)}
		}
		if _, err := s.ApplyPull(ctx, page, int64(done+len(page)), true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnlock: open the store's file and unlock it with the PIN at the
// production cost (vault.DefaultParams), beside opening a plain store.
// ADR 0610's aim: under 1 s.
func BenchmarkUnlock(b *testing.B) {
	for _, sealed := range []bool{false, true} {
		b.Run(fmt.Sprintf("sealed=%v", sealed), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "tablet.db")
			s, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			seed(b, s, 10_000)
			if sealed {
				if err := s.SetPIN(ctx, "482916"); err != nil {
					b.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				if sealed {
					if err := s.Unlock(ctx, "482916"); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.Enrolment(); err != nil {
					b.Fatal(err)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/unlock")
		})
	}
}

// probeSchool writes 500 students' weekly probes over two years (52,000,
// pulled in pages as a first sync writes them) and returns the students
// and the last day.
func probeSchool(b *testing.B, s *Store) ([]string, record.Date) {
	studs := make([]string, 500)
	for i := range studs {
		studs[i] = NewID()
	}
	day := record.Date(20164) // 2025-03-17
	page := make([]record.Envelope, 0, 1000)
	wall := int64(1700000000000)
	flush := func(last bool) {
		if _, err := s.ApplyPull(ctx, page, wall, last); err != nil {
			b.Fatal(err)
		}
		page = page[:0]
	}
	for w := 0; w < 104; w++ {
		for _, st := range studs {
			wall++
			data, _ := json.Marshal(record.Probe{StudentID: st, Measure: "orf_wcpm", Date: (day - record.Date(7*w)).String(), Score: float64(40 + w%9), Seconds: 60})
			page = append(page, record.Envelope{ID: NewID(), Type: record.TypeProbe, HLC: fmt.Sprintf("%013d-00000-%s", wall, "5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"), Data: data})
			if len(page) == cap(page) {
				flush(false)
			}
		}
	}
	flush(true)
	return studs, day
}

// BenchmarkDateIndexBuild: what the first unlock after the update to the
// date index costs a sealed store of 52,000 probes (ADR 0652): every dated
// record opened and indexed, in one transaction.
func BenchmarkDateIndexBuild(b *testing.B) {
	s := openBench(b, true)
	defer s.Close()
	probeSchool(b, s)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.db.Update(s.buildDateIndex); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/build")
}

// BenchmarkStudentProbes: reading one student's probes in a sealed store of
// 500 students with two years of weekly probes (52,000): all of them
// (ListByRef, what a light read before the date index) beside the newest
// four dates (RefDates and ListByRefDates, what a light reads now, ADR
// 0652). Reports µs per read and per record.
func BenchmarkStudentProbes(b *testing.B) {
	s := openBench(b, true)
	defer s.Close()
	studs, day := probeSchool(b, s)
	for _, c := range []struct {
		name string
		read func(st string) int
	}{
		{"all", func(st string) int { es, _ := s.ListByRef(record.TypeProbe, st); return len(es) }},
		{"newest-4-dates", func(st string) int {
			ds, _ := s.RefDates(record.TypeProbe, st, day.String(), 4)
			es, _ := s.ListByRefDates(record.TypeProbe, st, ds[len(ds)-1], day.String())
			return len(es)
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for i := 0; i < b.N; i++ {
				n += c.read(studs[i%len(studs)])
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/read")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1000/float64(n), "µs/record")
		})
	}
}
