//go:build !race

package progress

import "time"

// reportBound is issue 20's bound on one goal's report (TestReportCostBound).
const reportBound = 200 * time.Millisecond
