package console

import (
	"time"

	"smallwins/shared/hlc"
)

// hlcParse is the UTC date of an HLC's wall clock.
func hlcParse(h string) (string, error) {
	ts, err := hlc.Parse(h)
	if err != nil {
		return "", err
	}
	return time.UnixMilli(ts.Wall).UTC().Format("2006-01-02"), nil
}
