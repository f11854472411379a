package httpapi

import (
	"github.com/prometheus/client_golang/prometheus"

	"smallwins/syncserver/internal/membudget"
)

// metrics are the server's Prometheus series (PROTOCOL §10).
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	records  *prometheus.CounterVec
	pulled   prometheus.Counter
	pullLag  prometheus.Histogram
	logins   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, budget *membudget.Budget) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "syncserver_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "syncserver_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "syncserver_push_records_total", Help: "Pushed records by outcome.",
		}, []string{"outcome"}),
		pulled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "syncserver_pull_records_total", Help: "Records returned by pulls.",
		}),
		pullLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "syncserver_pull_lag_records", Help: "Records returned per pull page (a page of more means the device was behind).",
			Buckets: prometheus.ExponentialBuckets(1, 4, 8),
		}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "syncserver_login_attempts_total", Help: "Enrolment logins by result: ok, wrong (password checked and wrong, or no such user) or limited (refused by the failed-login limit before any check).",
		}, []string{"result"}),
	}
	reg.MustRegister(m.requests, m.latency, m.records, m.pulled, m.pullLag, m.logins)
	// The in-flight budget (ADR 0007): no labels at all.
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "syncserver_inflight_bytes", Help: "Bytes of the in-flight budget reserved by pushes and pulls now.",
		}, func() float64 { return float64(budget.InUse()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "syncserver_inflight_budget_bytes", Help: "The in-flight byte budget (--max-inflight-bytes).",
		}, func() float64 { return float64(budget.Size()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "syncserver_inflight_refused_total", Help: "Requests refused with 503 because the in-flight budget stayed exhausted.",
		}, func() float64 { return float64(budget.Refused()) }),
	)
	return m
}
