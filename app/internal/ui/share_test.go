package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"smallwins/reportdoc"
	"smallwins/shared/progress"
)

// TestShareReportRendersTheServersPDF: "Share report" renders the goal's
// report with reportdoc (the server's renderer) and offers the platform's
// save dialog; written where the person chose, the PDF holds the student's
// name and the figures the screen shows, in the same rounding.
func TestShareReportRendersTheServersPDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	worked51(t, f, sc.students[0], 10)
	f.sync.enrolment = Enrolment{Enrolled: true, School: "Lincoln Elementary", UserID: "u"}
	a := f.start(landscape)
	var pdf []byte
	path := filepath.Join(t.TempDir(), "chosen.pdf")
	var savedAs string
	// The platform's save (the dialog, or a share sheet): the person chose path.
	a.cfg.SaveDocument = func(name string, data []byte) error {
		savedAs = name
		w, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
		return w.Close()
	}
	a.cfg.ReportPDF = func(r progress.Report, student, school string) ([]byte, error) {
		var b strings.Builder
		err := reportdoc.ProgressPDF(&b, r, reportdoc.DocMeta{Student: student, School: school, Generated: r.AsOf})
		pdf = []byte(b.String())
		return pdf, err
	}
	s := newStudentScreen(a, sc.students[0])
	a.push(s)
	share := s.share[sc.goal]
	if share == nil {
		t.Fatal("no Share report button")
	}
	test.Tap(share)
	if len(pdf) == 0 || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("no PDF rendered (%d bytes)", len(pdf))
	}
	if savedAs != "progress-ava-martinez-2025-03-17.pdf" {
		t.Fatalf("offered as %q", savedAs)
	}
	if !strings.Contains(a.Message(), "progress-ava-martinez-2025-03-17.pdf") {
		t.Fatalf("status line %q", a.Message())
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	rep := s.progress[sc.goal].Report
	for _, want := range []string{
		"Progress report: Ava Martinez", "Lincoln Elementary",
		"Decision: " + "Fix delivery first",
		"attendance " + progress.FormatPctOf(rep.Delivery.AttendancePct),
		progress.AttendanceWords(rep.Delivery),
		progress.GrowthSentence(rep),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	// The growth in the same words on the screen as in the PDF ("Growing
	// 0.92 words correct a week"; on the screen the trend rule's reason may
	// be the sentence that says it).
	growth := strings.SplitN(progress.GrowthSentence(rep), " a week", 2)[0] + " a week"
	if screen := screenText(f.win); !strings.Contains(screen, growth) {
		t.Errorf("the screen does not say the PDF's growth %q", growth)
	}
	if st, err := os.Stat(path); err != nil || st.Size() != int64(len(pdf)) {
		t.Fatalf("file %v %v, want %d bytes", st, err, len(pdf))
	}
}

func TestReportFileName(t *testing.T) {
	for in, want := range map[string]string{
		"Ana Lee": "progress-ana-lee-2025-03-17.pdf", "Zoë Ñúñez-Bérénice": "progress-zoë-ñúñez-bérénice-2025-03-17.pdf",
		"../../etc": "progress-etc-2025-03-17.pdf", "": "progress-student-2025-03-17.pdf",
	} {
		if got := reportFileName(in, "2025-03-17"); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
