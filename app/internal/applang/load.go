package applang

import (
	"sync"

	"fyne.io/fyne/v2/lang"

	"smallwins/shared/i18n"
)

// The catalogs are loaded as the package starts, in English: a lang.L lookup made before the
// tablet applies the device's language or the stored choice (tests, the lock screen's first
// build) answers with the English text, never with its bare id.
func init() {
	if err := Use(i18n.English); err != nil {
		panic(err)
	}
}

// loading is held by Use while it changes Fyne's message bundle, which has no lock of its own.
// Screens look words up with lang.L on the main goroutine, where Use runs too; code that words a
// sentence on another goroutine (the syncer, the PIN's slow checks) uses L and N, which wait for
// a change of language to finish (docs/decisions/0034-tablet-language-choice.md).
var loading sync.RWMutex

// L is lang.L for code off the main goroutine.
func L(id string, data ...any) string {
	loading.RLock()
	defer loading.RUnlock()
	return lang.L(id, data...)
}

// N is lang.N for code off the main goroutine.
func N(id string, count int, data ...any) string {
	loading.RLock()
	defer loading.RUnlock()
	return lang.N(id, count, data...)
}
