package tablet

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/localstore"
	"smallwins/shared/hlc"
	"smallwins/shared/i18n"
)

// TestLanguageChosenOnSyncOutlivesARestart: Español chosen in the app is stored in the app's
// preferences; the next start speaks it from the first screen, the lock screen, before the PIN
// opens anything, and the lock's sentences (a wrong PIN) are Spanish too.
func TestLanguageChosenOnSyncOutlivesARestart(t *testing.T) {
	t.Cleanup(func() { _ = applang.Use(i18n.English) })
	a := test.NewTempApp(t)
	dir := t.TempDir()
	tb, err := Open(a, testConfig(Config{DataDir: dir, NoSyncLoop: true}))
	if err != nil {
		t.Fatal(err)
	}
	tb.Window.Resize(fyne.NewSize(800, 1280))
	if tb.Lock.Go.Text != "Set PIN" {
		t.Fatalf("first start, device language (English here): %q", tb.Lock.Go.Text)
	}
	choosePIN(t, tb, testPIN)
	tb.UI.SetLanguage("es")
	tb.Close()
	tb.Window.Close()

	_ = applang.Use(i18n.English) // a new process starts in English
	tb, err = Open(a, testConfig(Config{DataDir: dir, NoSyncLoop: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { tb.Close(); tb.Window.Close() }()
	if tb.Lock.Go.Text != "Desbloquear" || tb.Lock.Forgot.Text != "¿Olvidó el PIN?" {
		t.Fatalf("the lock screen after a restart: %q, %q", tb.Lock.Go.Text, tb.Lock.Forgot.Text)
	}
	if enterPIN(tb, "000000") || !strings.HasPrefix(tb.Lock.Message(), "PIN incorrecto.") {
		t.Fatalf("a wrong PIN: %q", tb.Lock.Message())
	}
	if !enterPIN(tb, testPIN) {
		t.Fatalf("the PIN did not unlock: %q", tb.Lock.Message())
	}
	if got := tb.UI.SyncGlance(); got != "Sin inscribir" {
		t.Fatalf("the header after a restart: %q", got)
	}
}

// TestConflictSummaryInEnglishIsTheStores: the conflict's words in the app's language say in
// English what localstore.Conflict.Summary says.
func TestConflictSummaryInEnglishIsTheStores(t *testing.T) {
	loc := time.UTC
	won := time.Date(2025, 3, 17, 10, 42, 0, 0, loc)
	stamp := hlc.Timestamp{Wall: won.UnixMilli(), Node: uuid.New()}.String()
	for _, c := range []localstore.Conflict{
		{WinnerHLC: stamp, At: won.Add(time.Hour)},
		{WinnerHLC: stamp, At: won.Add(time.Hour), WinnerDeleted: true, ByServer: true},
		{WinnerHLC: stamp, At: won.Add(48 * time.Hour)},
		{WinnerHLC: stamp, At: won.Add(48 * time.Hour), WinnerDeleted: true},
		{WinnerHLC: "", ByServer: true},
	} {
		if got, want := conflictSummary(c, loc), c.Summary(loc); got != want {
			t.Errorf("%q, the store says %q", got, want)
		}
		if got, want := conflictBy(c), c.By(); got != want {
			t.Errorf("by %q, the store says %q", got, want)
		}
	}
	t.Cleanup(func() { _ = applang.Use(i18n.English) })
	_ = applang.Use(i18n.Spanish)
	c := localstore.Conflict{WinnerHLC: stamp, At: won.Add(48 * time.Hour), ByServer: true}
	if got := conflictSummary(c, loc); got != "la consola guardó una versión más reciente el 17 mar a las 10:42" {
		t.Fatalf("in Spanish: %q", got)
	}
}
