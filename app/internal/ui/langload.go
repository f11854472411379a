package ui

import "smallwins/app/internal/applang"

// The app's catalogs (applang, ADR 0029) are loaded before any screen is
// built, in the device's language, so no screen ever shows a message id;
// a choice made on the Sync screen replaces it (applang.Use).
func init() { _ = applang.Use(applang.Device()) }
