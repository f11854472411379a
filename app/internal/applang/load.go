package applang

import "smallwins/shared/i18n"

// The catalogs are loaded as the package starts, in English: a lang.L lookup made before the
// tablet applies the device's language or the stored choice (tests, the lock screen's first
// build) answers with the English text, never with its bare id.
func init() {
	if err := Use(i18n.English); err != nil {
		panic(err)
	}
}
