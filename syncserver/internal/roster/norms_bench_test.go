package roster

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store/storetest"
)

// benchNorms is a norms CSV of measures × grades (from K) tables of 99
// percentiles and a benchmark row each, made up.
func benchNorms(measures, grades int) string {
	var b strings.Builder
	b.WriteString(normHeader)
	names := []string{"K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}
	for m := 0; m < measures; m++ {
		for g := 0; g < grades; g++ {
			for p := 1; p <= 99; p++ {
				f := float64(10*g + p)
				fmt.Fprintf(&b, "m%d,%s,Load test norms (fictional),%d,%g,%g,%g,%g\r\n", m, names[g], p, f, f+10, f+20, 0.5+float64(p)/100)
			}
			fmt.Fprintf(&b, "m%d,%s,Load test norms (fictional),benchmark,%d,%d,%d,\r\n", m, names[g], 10*g+40, 10*g+50, 10*g+60)
		}
	}
	return b.String()
}

// BenchmarkImportNorms: loading norm tables of 99 percentiles on the
// embedded store (fsynced, as in service), through the importer as the CLI
// and the console run it: 30 tables (the bound: under 1 s), the 81
// of 9 measures × grades K–8, and the 81 again unchanged (nothing written).
func BenchmarkImportNorms(b *testing.B) {
	for _, c := range []struct {
		name             string
		measures, grades int
		again            bool
	}{{"30-tables", 5, 6, false}, {"81-tables", 9, 9, false}, {"81-tables-unchanged", 9, 9, true}} {
		b.Run(c.name, func(b *testing.B) {
			csv := benchNorms(c.measures, c.grades)
			var spent, cpu time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st := openBolt(b)
				f := storetest.NewFixture(b, st, "lincoln")
				im := Importer{Store: st, Writer: serverwriter.New(st, nil)}
				if c.again {
					if _, err := im.ImportNorms(ctx, f.School.ID, f.Admin, NormsFile, strings.NewReader(csv), false); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				t0, c0 := time.Now(), cpuTime()
				rep, err := im.ImportNorms(ctx, f.School.ID, f.Admin, NormsFile, strings.NewReader(csv), false)
				spent, cpu = spent+time.Since(t0), cpu+cpuTime()-c0
				b.StopTimer()
				want := c.measures * c.grades
				if err != nil || rep.ErrorCount != 0 || (!c.again && rep.Created != want) || (c.again && rep.Unchanged != want) {
					b.Fatalf("%v %+v", err, rep)
				}
				if n := len(liveOf(b, st, f.School.ID, record.TypeNormTable)); n != want {
					b.Fatalf("%d tables", n)
				}
				st.Close()
				b.StartTimer()
			}
			b.ReportMetric(spent.Seconds()*1000/float64(b.N), "ms/import")
			// On a shared machine the process's CPU is steadier than the time.
			b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/import")
			b.ReportMetric(float64(len(csv))/(1<<10), "KiB/file")
		})
	}
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
