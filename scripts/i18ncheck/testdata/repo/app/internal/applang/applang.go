// Package applang wraps Fyne's lookups, as the app's does.
package applang

import "fyne.io/fyne/v2/lang"

// L hands its id on to lang.L: a lookup in the app's catalog itself.
func L(id string, data ...any) string { return lang.L(id, data...) }
