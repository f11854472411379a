package ui

import (
	"smallwins/app/internal/applang"
	"smallwins/shared/i18n"
)

// The app's catalogs (applang, ADR 0029) are loaded before any screen is
// built, in English, so no screen ever shows a message id; the tablet then
// applies the device's language or the stored choice (applang.Use).
func init() { _ = applang.Use(i18n.English) }
