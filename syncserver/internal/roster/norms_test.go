package roster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// exampleNorms is the shipped fictional example, the import's test input,
// so that it cannot drift from what the import accepts.
func exampleNorms(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "examples", "norms", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func runNorms(t testing.TB, st store.Store, f storetest.Fixture, csv string, dry bool) Report {
	t.Helper()
	rep, err := Importer{Store: st, Writer: serverwriter.New(st, nil)}.ImportNorms(ctx, f.School.ID, f.Admin, NormsFile, strings.NewReader(csv), dry)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func runForms(t testing.TB, st store.Store, f storetest.Fixture, csv string, dry bool) Report {
	t.Helper()
	rep, err := Importer{Store: st, Writer: serverwriter.New(st, nil)}.ImportForms(ctx, f.School.ID, f.Admin, FormsFile, strings.NewReader(csv), dry)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func liveOf(t testing.TB, st store.Store, schoolID, typ string) []record.Envelope {
	t.Helper()
	envs, err := st.Records(ctx, schoolID, store.Viewer{IsAdmin: true}, typ)
	if err != nil {
		t.Fatal(err)
	}
	return envs
}

// TestNormsImport: the example loads as one table per measure and grade,
// a dry run writes nothing, an unchanged file writes nothing again, a
// change updates only its table and keeps fields the file does not own,
// and the loaded grade 2 table gives DOMAIN.md §4.4's worked example.
func TestNormsImport(t *testing.T) {
	stores(t, func(t *testing.T, st store.Store) {
		f := storetest.NewFixture(t, st, "lincoln")
		csv := exampleNorms(t, "norms.csv")
		seq := lastSeq(t, st, f.School.ID)
		if rep := runNorms(t, st, f, csv, true); !equalReport(rep, Report{DryRun: true, Created: 4, Errors: []Error{}}) {
			t.Fatalf("dry run %+v", rep)
		}
		if lastSeq(t, st, f.School.ID) != seq {
			t.Fatal("a dry run wrote")
		}
		if rep := runNorms(t, st, f, csv, false); !equalReport(rep, Report{Created: 4, Errors: []Error{}}) {
			t.Fatalf("import %+v", rep)
		}
		tables := liveOf(t, st, f.School.ID, record.TypeNormTable)
		if len(tables) != 4 {
			t.Fatalf("%d tables", len(tables))
		}
		for _, e := range tables {
			nt, ok := record.DecodeAs[record.NormTable](e)
			if !ok || nt.Validate() != nil || !strings.Contains(nt.Source, "fictional") {
				t.Errorf("table %s: %+v", e.Data, nt)
			}
		}
		start, _ := progress.ParseDate("2025-09-08")
		goal, _ := progress.ParseDate("2026-05-18")
		got := progress.GoalSuggestions(tables, progress.SuggestionQuery{Grade: "2", Measure: "orf_wcpm", StartDate: start, GoalDate: goal, StartScore: 85}, progress.Calendar{})
		b, _ := json.Marshal(got.Suggestions)
		if *got.StartPercentile != 23.5 || *got.Source != "District local norms 2026 (fictional)" ||
			string(b) != `[{"kind":"typical","roi":1.4,"goal_score":135.4},{"kind":"ambitious","roi":1.9,"goal_score":153.4},{"kind":"close_the_gap","roi":null,"goal_score":110}]` {
			t.Fatalf("the example does not give §4.4's: %v %s", *got.StartPercentile, b)
		}

		// Unchanged: nothing written (no new seq).
		seq = lastSeq(t, st, f.School.ID)
		if rep := runNorms(t, st, f, csv, false); !equalReport(rep, Report{Unchanged: 4, Errors: []Error{}}) {
			t.Fatalf("again %+v", rep)
		}
		if lastSeq(t, st, f.School.ID) != seq {
			t.Fatal("an unchanged file wrote")
		}
		// A field another version added stays through an update.
		var maze record.Envelope
		for _, e := range tables {
			if strings.Contains(string(e.Data), `"maze"`) {
				maze = e
			}
		}
		var m map[string]any
		json.Unmarshal(maze.Data, &m)
		m["district_note"] = "kept"
		data, _ := json.Marshal(m)
		if _, err := serverwriter.New(st, nil).Write(ctx, f.School.ID, f.Admin, serverwriter.Draft{ID: maze.ID, Type: record.TypeNormTable, Data: json.RawMessage(data)}); err != nil {
			t.Fatal(err)
		}
		// One changed value and the maze benchmark row gone: one table
		// updated, one updated, two unchanged.
		changed := strings.Replace(csv, "orf_wcpm,3,\"District local norms 2026 (fictional)\",10,", "orf_wcpm,3,\"District local norms 2026 (fictional)\",11,", 1)
		var lines []string
		for _, l := range strings.Split(changed, "\r\n") {
			if !strings.HasPrefix(l, "maze,3,") || !strings.Contains(l, "benchmark") {
				lines = append(lines, l)
			}
		}
		if rep := runNorms(t, st, f, strings.Join(lines, "\r\n"), false); !equalReport(rep, Report{Updated: 2, Unchanged: 2, Errors: []Error{}}) {
			t.Fatalf("changed %+v", rep)
		}
		for _, e := range liveOf(t, st, f.School.ID, record.TypeNormTable) {
			if e.ID == maze.ID && (!strings.Contains(string(e.Data), `"district_note":"kept"`) || strings.Contains(string(e.Data), "benchmark")) {
				t.Errorf("maze after the update: %s", e.Data)
			}
		}
		// A file of one table leaves the other three, counted.
		one := "measure,grade,source,percentile,fall,winter,spring,roi\nlsf,K,Ours (fictional),50,20,30,40,0.5\n"
		if rep := runNorms(t, st, f, one, false); !equalReport(rep, Report{Created: 1, NotInFile: 4, Errors: []Error{}}) {
			t.Fatalf("one table %+v", rep)
		}
	})
}

// TestFormsImport: forms load one per measure, grade and form_id, an
// unchanged file writes nothing, a new order updates its form.
func TestFormsImport(t *testing.T) {
	stores(t, func(t *testing.T, st store.Store) {
		f := storetest.NewFixture(t, st, "lincoln")
		csv := exampleNorms(t, "forms.csv")
		if rep := runForms(t, st, f, csv, false); !equalReport(rep, Report{Created: 14, Errors: []Error{}}) {
			t.Fatalf("import %+v", rep)
		}
		for _, e := range liveOf(t, st, f.School.ID, record.TypeProbeForm) {
			if pf, ok := record.DecodeAs[record.ProbeForm](e); !ok || pf.Validate() != nil {
				t.Errorf("form %s", e.Data)
			}
		}
		seq := lastSeq(t, st, f.School.ID)
		if rep := runForms(t, st, f, csv, false); !equalReport(rep, Report{Unchanged: 14, Errors: []Error{}}) || lastSeq(t, st, f.School.ID) != seq {
			t.Fatalf("again %+v", rep)
		}
		moved := strings.Replace(csv, "G2-01,\"The kite on the hill (fictional)\",1", "G2-01,\"The kite on the hill (fictional)\",9", 1)
		if rep := runForms(t, st, f, moved, false); !equalReport(rep, Report{Updated: 1, Unchanged: 13, Errors: []Error{}}) {
			t.Fatalf("moved %+v", rep)
		}
	})
}

const normHeader = "measure,grade,source,percentile,fall,winter,spring,roi\n"

// TestNormsHostile: files a district should not have sent get clear
// errors {file, line, column, message} and change nothing.
func TestNormsHostile(t *testing.T) {
	row := func(p, fall string) string { return "orf_wcpm,2,S (fictional)," + p + "," + fall + ",,,1\n" }
	cases := []struct {
		name, csv string
		want      []Error // Message: a part of it
	}{
		{"missing columns", "measure,grade,source,percentile,fall,winter\n" + "orf_wcpm,2,S,10,1,2\n",
			[]Error{{NormsFile, 1, "spring", "required column spring is missing"}, {NormsFile, 1, "roi", "required column roi is missing"}}},
		{"percentiles out of order", normHeader + row("10", "5") + row("30", "9") + row("20", "7"),
			[]Error{{NormsFile, 4, "percentile", "not above the one on line 3"}}},
		{"a percentile twice", normHeader + row("10", "5") + row("10", "6"),
			[]Error{{NormsFile, 3, "percentile", "not above the one on line 2"}}},
		{"percentile 0, 100 and words", normHeader + row("0", "5") + row("100", "6") + row("median", "7"),
			[]Error{{NormsFile, 2, "percentile", "between 1 and 99"}, {NormsFile, 3, "percentile", "between 1 and 99"}, {NormsFile, 4, "percentile", "or the word benchmark"}}},
		{"formulas", normHeader + "orf_wcpm,2,\"=HYPERLINK(\"\"http://x\"\")\",10,5,,,1\n" + row("20", "=1+1") + row("30", "-2+3") + "@SUM(A1),2,S,40,1,,,1\n" + "orf_wcpm,2,+cmd|' /C calc'!A0,50,1,,,1\n",
			[]Error{{NormsFile, 2, "source", "formula"}, {NormsFile, 3, "fall", "formula"}, {NormsFile, 4, "fall", "formula"},
				{NormsFile, 5, "measure", "formula"}, {NormsFile, 6, "source", "formula"}}},
		{"scores and growth out of bounds", normHeader + row("10", "10001") + "orf_wcpm,2,S (fictional),20,1,,,1001\n" + row("30", "abc"),
			[]Error{{NormsFile, 2, "fall", "between 0 and 10000"}, {NormsFile, 3, "roi", "between -1000 and 1000"}, {NormsFile, 4, "fall", "must be a number"}}},
		{"two sources for one table", normHeader + row("10", "5") + "orf_wcpm,2,Other,20,6,,,1\n",
			[]Error{{NormsFile, 3, "source", "differs from line 2"}}},
		{"benchmark rows", normHeader + row("10", "5") + "orf_wcpm,2,S (fictional),benchmark,5,6,7,1\n" + "orf_wcpm,2,S (fictional),Benchmark,5,6,7,\n" +
			"orf_wcpm,2,S (fictional),benchmark,8,,,\n" + "orf_wcpm,3,S,benchmark,,,,\n",
			[]Error{{NormsFile, 3, "roi", "no roi"}, {NormsFile, 5, "percentile", "a second benchmark row"}, {NormsFile, 6, "percentile", "needs a score"}}},
		{"a benchmark and no rows", normHeader + "maze,3,S,benchmark,5,6,7,\n",
			[]Error{{NormsFile, 2, "percentile", "1–99 rows"}}},
		{"grade and measure", normHeader + "orf_wcpm,13,S,10,1,,,1\n" + "orf wcpm,2,S,10,1,,,1\n" + ",2,S,10,1,,,1\n",
			[]Error{{NormsFile, 2, "grade", "grade must be"}, {NormsFile, 3, "measure", "a measure is a code"}, {NormsFile, 4, "measure", "required field measure is empty"}}},
		{"a short row", normHeader + "orf_wcpm,2,S,10\n", []Error{{NormsFile, 2, "", "the row has 4 fields"}}},
		{"empty", "", []Error{{NormsFile, 1, "", "is empty"}}},
		{"bare CR", strings.ReplaceAll(normHeader+row("10", "5"), "\n", "\r"), []Error{{NormsFile, 1, "", "bare carriage return"}}},
		{"not UTF-8", normHeader + "orf_wcpm,2,S\xff,10,1,,,1\n", []Error{{NormsFile, 2, "source", "not valid UTF-8"}}},
	}
	st := openBolt(t)
	f := storetest.NewFixture(t, st, "lincoln")
	seq := lastSeq(t, st, f.School.ID)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := runNorms(t, st, f, c.csv, false)
			if rep.ErrorCount != len(c.want) || len(rep.Errors) != len(c.want) || rep.Created+rep.Updated+rep.Unchanged != 0 {
				t.Fatalf("report %+v", rep)
			}
			for i, w := range c.want {
				g := rep.Errors[i]
				if g.File != w.File || g.Line != w.Line || g.Column != w.Column || !strings.Contains(g.Message, w.Message) {
					t.Errorf("error %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
	if lastSeq(t, st, f.School.ID) != seq {
		t.Fatal("a refused import wrote")
	}
}

// endless is a reader of n bytes of CSV rows, never held in memory.
type endless struct {
	row  []byte
	left int64
	off  int
}

func (e *endless) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && e.left > 0 {
		c := copy(p[n:], e.row[e.off:])
		if int64(c) > e.left {
			c = int(e.left)
		}
		n, e.off, e.left = n+c, (e.off+c)%len(e.row), e.left-int64(c)
	}
	return n, nil
}

// TestNormsHostileSizeAndCount: a 60 MB file is refused by its size after
// 8 MiB are read, and a file of many bad rows lists the first 1,000
// errors and counts them all; nothing is written.
func TestNormsHostileSizeAndCount(t *testing.T) {
	st := openBolt(t)
	f := storetest.NewFixture(t, st, "lincoln")
	seq := lastSeq(t, st, f.School.ID)
	src := io.MultiReader(strings.NewReader(normHeader), &endless{row: []byte("orf_wcpm,2,\"" + strings.Repeat("S", 120) + "\",50,1,2,3,1\n"), left: 60_000_000})
	counted := &countingReader{r: src}
	rep, err := Importer{Store: st, Writer: serverwriter.New(st, nil)}.ImportNorms(ctx, f.School.ID, f.Admin, "huge.csv", counted, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ErrorCount != 1 || len(rep.Errors) != 1 || rep.Errors[0].File != "huge.csv" || !strings.Contains(rep.Errors[0].Message, "larger than 8 MiB") {
		t.Fatalf("60 MB: %d errors, the first %+v", rep.ErrorCount, rep.Errors[0])
	}
	// Short rows reach the row limit first: refused with that one error.
	src = io.MultiReader(strings.NewReader(normHeader), &endless{row: []byte("m,2,S,50,1,2,3,1\n"), left: 60_000_000})
	rep, _ = Importer{Store: st, Writer: serverwriter.New(st, nil)}.ImportNorms(ctx, f.School.ID, f.Admin, "rows.csv", src, false)
	if rep.ErrorCount != 1 || !strings.Contains(rep.Errors[0].Message, "more than 100000 rows") {
		t.Fatalf("many rows: %d errors, the first %+v", rep.ErrorCount, rep.Errors[0])
	}
	if counted.n > MaxDistrictFileBytes+1<<20 {
		t.Errorf("read %d bytes of a file refused at %d", counted.n, MaxDistrictFileBytes)
	}
	var b strings.Builder
	b.WriteString(normHeader)
	for i := 0; i < 1500; i++ {
		fmt.Fprintf(&b, "orf_wcpm,2,S,%d,x,,,1\n", 1+i%99)
	}
	rep = runNorms(t, st, f, b.String(), false)
	if len(rep.Errors) != MaxReportErrors || rep.ErrorCount < 1500 {
		t.Fatalf("%d listed of %d", len(rep.Errors), rep.ErrorCount)
	}
	if lastSeq(t, st, f.School.ID) != seq {
		t.Fatal("a refused import wrote")
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestFormsHostile: the forms file's own errors.
func TestFormsHostile(t *testing.T) {
	h := "measure,grade,form_id,title,order\n"
	cases := []struct {
		name, csv string
		want      []Error
	}{
		{"missing column", "measure,grade,form_id,title\norf_wcpm,2,A,T\n", []Error{{FormsFile, 1, "order", "required column order is missing"}}},
		{"repeated form", h + "orf_wcpm,2,A,T,1\norf_wcpm,2,A,U,2\n", []Error{{FormsFile, 3, "form_id", "as line 2"}}},
		{"formula title", h + "orf_wcpm,2,A,=cmd(),1\n", []Error{{FormsFile, 2, "title", "formula"}}},
		{"order", h + "orf_wcpm,2,A,T,first\norf_wcpm,2,B,T,\n", []Error{{FormsFile, 2, "order", "must be a number"}, {FormsFile, 3, "order", "required field order is empty"}}},
		{"long title", h + "orf_wcpm,2,A," + strings.Repeat("t", 201) + ",1\n", []Error{{FormsFile, 2, "title", "1–200 characters"}}},
	}
	st := openBolt(t)
	f := storetest.NewFixture(t, st, "lincoln")
	for _, c := range cases {
		rep := runForms(t, st, f, c.csv, false)
		if rep.ErrorCount != len(c.want) || len(rep.Errors) != len(c.want) {
			t.Errorf("%s: report %+v", c.name, rep)
			continue
		}
		for i, w := range c.want {
			if g := rep.Errors[i]; g.File != w.File || g.Line != w.Line || g.Column != w.Column || !strings.Contains(g.Message, w.Message) {
				t.Errorf("%s: error %d = %+v, want %+v", c.name, i, g, w)
			}
		}
	}
	if n := len(liveOf(t, st, f.School.ID, record.TypeProbeForm)); n != 0 {
		t.Fatalf("%d forms written by refused imports", n)
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{"norms.csv": "norms.csv", `C:\Users\x\District Norms.csv`: "District Norms.csv", "/tmp/a/b.csv": "b.csv",
		"": "norms.csv", "a\x00b.csv": "norms.csv", strings.Repeat("n", 101): "norms.csv"} {
		if got := FileName(in, NormsFile); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzPlanNorms: any bytes as a norms or forms file never panic, give at
// most MaxReportErrors listed errors, and either errors and no drafts or
// drafts whose every record passes the payload rules (DOMAIN.md §2).
func FuzzPlanNorms(f *testing.F) {
	f.Add(false, []byte(normHeader+"orf_wcpm,2,S,10,1,2,3,1\norf_wcpm,2,S,benchmark,4,5,6,\n"))
	f.Add(false, []byte(normHeader+"orf_wcpm,2,S,20,1,,,1\norf_wcpm,2,S,10,1,,,1\n"))
	f.Add(false, []byte("\xef\xbb\xbf"+normHeader+"m,K,\"=cmd\",50,1e400,,,\r\n"))
	f.Add(true, []byte("measure,grade,form_id,title,order\r\norf_wcpm,2,A,\"T, \"\"x\"\"\",1\n"))
	f.Add(true, []byte("order,title,form_id,grade,measure\n-1,t,f,PK,m\n"))
	f.Fuzz(func(t *testing.T, forms bool, data []byte) {
		var p Plan
		if forms {
			p = PlanForms(FormsFile, bytes.NewReader(data), nil)
		} else {
			p = PlanNorms(NormsFile, bytes.NewReader(data), nil)
		}
		if len(p.Report.Errors) > MaxReportErrors || p.Report.ErrorCount < len(p.Report.Errors) {
			t.Fatalf("%d errors listed of %d", len(p.Report.Errors), p.Report.ErrorCount)
		}
		if p.Report.ErrorCount > 0 && len(p.Drafts) > 0 {
			t.Fatal("drafts beside errors")
		}
		for _, d := range p.Drafts {
			raw, ok := d.Data.(json.RawMessage)
			if !ok {
				t.Fatalf("draft data %T", d.Data)
			}
			pl, err := record.Decode(d.Type, raw)
			if err != nil || pl.Validate() != nil || record.DataBounds(d.Type, raw) != nil {
				t.Fatalf("a draft the rules refuse: %s (%v)", raw, err)
			}
		}
	})
}
