package ui

import (
	"smallwins/app/internal/applang"
	"smallwins/shared/i18n"
)

// The tests read the app's English words from the catalogs: loaded once,
// as the app does at start (applang.Use).
func init() {
	if err := applang.Use(i18n.English); err != nil {
		panic(err)
	}
}
