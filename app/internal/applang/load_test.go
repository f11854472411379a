package applang

import (
	"testing"

	"smallwins/shared/i18n"
)

// TestLookupsOffTheMainGoroutineWaitForUse: the syncer words its errors while a person may be
// changing the language; run with -race, a lookup that did not wait for Use is reported.
func TestLookupsOffTheMainGoroutineWaitForUse(t *testing.T) {
	t.Cleanup(func() { _ = Use(i18n.English) })
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if s := L("language.device"); s != "Device language" && s != "Idioma del dispositivo" {
				t.Errorf("lookup during a change: %q", s)
				return
			}
		}
	}()
	for i := 0; i < 20; i++ {
		for _, l := range []i18n.Lang{i18n.Spanish, i18n.English} {
			if err := Use(l); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	<-done
}
