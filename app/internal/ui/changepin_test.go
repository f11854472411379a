package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/localstore"
)

// TestChangePINOnTheSyncScreen: "Change PIN…" opens a form; new PINs that
// differ are refused without a call; a wrong current PIN changes nothing;
// the right one sets the new PIN (the store then opens with it, not the old
// one); the form's message never moves its buttons; no PIN stays typed.
func TestChangePINOnTheSyncScreen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.SetPIN(ctx, "482916"); err != nil {
		t.Fatal(err)
	}
	calls := 0
	a := f.start(landscape)
	a.cfg.ChangePIN = func(cur, pin string) error {
		calls++
		if err := f.store.Unlock(ctx, cur); err != nil {
			return err
		}
		return f.store.ChangePIN(ctx, pin)
	}
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	s.refresh()
	test.Tap(s.changePIN)
	if !s.pinOpen {
		t.Fatal("Change PIN… opened no form")
	}
	typeInto(s.pinCurrent, "482916")
	typeInto(s.pinNew, "739105")
	typeInto(s.pinAgain, "739106")
	at := s.pinSave.Position()
	test.Tap(s.pinSave)
	if calls != 0 || s.pinMessage.Text == "" || s.pinNew.Text != "" {
		t.Fatalf("different new PINs: %d calls, message %q", calls, s.pinMessage.Text)
	}
	if s.pinSave.Position() != at {
		t.Fatalf("the message moved Change PIN from %v to %v", at, s.pinSave.Position())
	}

	typeInto(s.pinCurrent, "000111")
	typeInto(s.pinNew, "739105")
	typeInto(s.pinAgain, "739105")
	test.Tap(s.pinSave)
	if calls != 1 || s.pinMessage.Text == "" || !s.pinOpen || s.pinCurrent.Text != "" {
		t.Fatalf("a wrong current PIN: %d calls, message %q, open %v", calls, s.pinMessage.Text, s.pinOpen)
	}

	typeInto(s.pinCurrent, "482916")
	typeInto(s.pinNew, "739105")
	typeInto(s.pinAgain, "739105")
	test.Tap(s.pinSave)
	if calls != 2 || s.pinOpen || a.Message() != "PIN changed. Use the new PIN from now on." {
		t.Fatalf("the right PIN: %d calls, open %v, message %q / %q", calls, s.pinOpen, a.Message(), s.pinMessage.Text)
	}
	f.closeWin()
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := localstore.Open(f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Unlock(ctx, "482916"); err == nil {
		t.Fatal("the old PIN still opens the store")
	}
	if err := st.Unlock(ctx, "739105"); err != nil {
		t.Fatalf("the new PIN does not open the store: %v", err)
	}
}
