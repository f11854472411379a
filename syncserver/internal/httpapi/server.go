// Package httpapi is the sync server's HTTP API (PROTOCOL §4–§12) on Echo v4:
// routes, middleware, handlers, one error handler, health and metrics.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/membudget"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// Config is what the server needs; main fills it from flags.
type Config struct {
	Store        store.Store
	Logger       *slog.Logger
	Now          func() time.Time // nil means time.Now
	MaxClockSkew time.Duration    // PROTOCOL §5; 0 means 5 minutes
	Passwords    auth.Passwords   // bcrypt cost; the zero value is the default
	// MetricsOnMain serves /metrics on the API listener too (when no
	// separate metrics address is given).
	MetricsOnMain bool
	// MaxInflightBytes is the byte budget shared by the bodies and response
	// buffers of in-flight pushes and pulls; 0 means
	// DefaultMaxInflightBytes. Beyond it requests get 503 unavailable.
	MaxInflightBytes int64
	// InflightWait is how long a request may queue for budget before the
	// 503; 0 means 2 seconds.
	InflightWait time.Duration
	// PushRecordsPerMinute is how many records one device may push in any
	// minute; beyond it pushes get 429 rate_limited with Retry-After (issue
	// 20, ADR 0025). 0 means DefaultPushRecordsPerMinute, a negative value
	// no limit (benchmarks).
	PushRecordsPerMinute int
	// Mount, when set, adds routes outside /v1 on the same Echo (the school
	// console, CONSOLE.md: same address, same process). Those handlers
	// answer their own errors; the JSON error handler, the request log and
	// the metrics stay the API's for everything else.
	Mount func(e *echo.Echo)
	// SessionPrincipal, when set, resolves a console session of the
	// request (its cookie) for the routes a signed-in console may read
	// without a bearer token (DOMAIN.md §4.4); store.ErrNotFound when the
	// request has no live session.
	SessionPrincipal func(r *http.Request) (store.Principal, error)
	// Writer writes records as the server (the roster import); share one
	// with the console so a school's server stamps come from one clock.
	// nil makes one.
	Writer *serverwriter.Writer
}

// Server is the HTTP API.
type Server struct {
	cfg     Config
	store   store.Store
	log     *slog.Logger
	now     func() time.Time
	echo    *echo.Echo
	v1      *echo.Group // authenticated routes
	metrics *metrics
	reg     *prometheus.Registry
	budget  *membudget.Budget
	// pushes is the per-device push limit; nil when there is none.
	pushes *pushLimiter
	// writer writes records as the server (the roster import).
	writer *serverwriter.Writer
	// routes are the registered route templates: the only values the route
	// label may take (ADR 0007).
	routes map[string]bool
}

// New builds the server and its routes.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxClockSkew == 0 {
		cfg.MaxClockSkew = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxInflightBytes == 0 {
		cfg.MaxInflightBytes = DefaultMaxInflightBytes
	}
	if cfg.InflightWait == 0 {
		cfg.InflightWait = defaultInflightWait
	}
	if cfg.PushRecordsPerMinute == 0 {
		cfg.PushRecordsPerMinute = DefaultPushRecordsPerMinute
	}
	budget := membudget.New(cfg.MaxInflightBytes, cfg.InflightWait)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &Server{cfg: cfg, store: cfg.Store, log: cfg.Logger, now: cfg.Now, reg: reg, budget: budget,
		metrics: newMetrics(reg, budget), writer: cfg.Writer}
	if s.writer == nil {
		s.writer = serverwriter.New(cfg.Store, cfg.Now)
	}
	if cfg.PushRecordsPerMinute > 0 {
		s.pushes = newPushLimiter(cfg.PushRecordsPerMinute)
		registerPushLimitMetrics(reg, s.pushes)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(s.observe)
	s.echo = e

	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	e.GET("/readyz", s.handleReady)
	if cfg.MetricsOnMain {
		e.GET("/metrics", echo.WrapHandler(s.MetricsHandler()))
	}
	e.POST("/v1/devices", s.handleEnrol)
	s.v1 = e.Group("/v1", s.authenticate)
	s.v1.POST("/sync/push", s.handlePush)
	s.v1.GET("/sync/pull", s.handlePull)
	admin := s.v1.Group("/admin", requireAdmin)
	admin.GET("/devices", s.handleListDevices)
	admin.DELETE("/devices/:device_id", s.handleRevokeDevice)
	admin.POST("/users", s.handleAddUser)
	admin.GET("/users", s.handleListUsers)
	admin.PATCH("/users/:user_id", s.handlePatchUser)
	admin.POST("/enrolment-codes", s.handleCreateCode)
	admin.POST("/import/oneroster", s.handleImportOneRoster)
	admin.POST("/import/groups", s.handleImportGroups)
	admin.GET("/audit", s.handleListAudit)
	// ADR 0020: the device's recovery key, for its own token only.
	s.v1.PUT("/device/recovery-key", s.handlePutRecoveryKey)
	s.v1.GET("/device/recovery-key", s.handleGetRecoveryKey)
	s.reportRoutes(s.v1)
	// Outside the /v1 group: a console session may read it too.
	e.GET("/v1/reports/goal-suggestions", s.handleGoalSuggestions, s.authenticateOrSession)
	e.GET("/v1/reports/family-letter.pdf", s.handleFamilyLetterPDF, s.authenticateOrSession)
	s.documentRoutes(s.v1)
	if cfg.Mount != nil {
		cfg.Mount(e)
	}
	s.routes = map[string]bool{}
	for _, r := range e.Routes() {
		// A group with middleware adds catch-all not-found routes
		// ("/v1/*"): a path that reaches one matched nothing of ours.
		if r.Method != echo.RouteNotFound {
			s.routes[r.Path] = true
		}
	}
	return s
}

// Handler is the API as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Routes lists the registered routes, so a test can check that every read
// path keeps restricted content to its author and admins.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }

// MetricsHandler serves the Prometheus text format.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}

func (s *Server) handleReady(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("readyz: store does not answer", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "store unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) nowMS() int64 { return s.now().UnixMilli() }

// observe assigns a request id, and logs and counts every request. It never
// logs bodies, query values or headers: they may hold tokens or student data.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		rid := c.Request().Header.Get(echo.HeaderXRequestID)
		if len(rid) == 0 || len(rid) > 64 {
			rid = uuid.NewString()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, rid)
		err := next(c)
		if err != nil {
			c.Error(err) // renders through handleError so the status is final
		}
		status := c.Response().Status
		method, route := methodLabel(c.Request().Method), s.routeLabel(c.Path())
		d := time.Since(start)
		s.metrics.requests.WithLabelValues(method, route, statusClass(status)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(d.Seconds())
		attrs := []any{"request_id", rid, "method", method, "route", route,
			"status", status, "duration_ms", float64(d.Microseconds()) / 1000}
		if p, ok := c.Get(principalKey).(store.Principal); ok {
			attrs = append(attrs, "school_id", p.School.ID, "device_id", p.DeviceID)
		}
		if n, ok := c.Get(countKey).(int); ok {
			attrs = append(attrs, "records", n)
		}
		if err != nil && status >= 500 {
			attrs = append(attrs, "err", err.Error())
			s.log.Error("request failed", attrs...)
		} else {
			s.log.Info("request", attrs...)
		}
		return nil
	}
}

// methodLabel maps a request method onto a fixed set. The method is chosen
// by the client: used as it came, every invented one became a new series
// and a log line of any length (ADR 0007).
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// routeLabel is the route template when it is one the server registered.
// For a path that matches nothing, Echo v4.16 reports the path of the nearest
// tree node, "" or a group's not-found catch-all ("/v1/*", "/v1/admin/*"):
// all of them are "unmatched" here.
func (s *Server) routeLabel(path string) string {
	if s.routes[path] {
		return path
	}
	return "unmatched"
}

// statusClass is "2xx", "4xx", ...: a handful of values whatever is written.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

const (
	principalKey = "principal"
	countKey     = "records"
)

// PrincipalOf returns who the request's token speaks for; only valid on
// routes behind authenticate.
func PrincipalOf(c echo.Context) store.Principal {
	p, _ := c.Get(principalKey).(store.Principal)
	return p
}

// viewerOf is the request's user as a store.Viewer: every read of records
// passes it, so the store applies PROTOCOL §6 for this user.
func viewerOf(c echo.Context) store.Viewer { return store.ViewerOf(PrincipalOf(c).User) }

func bearer(r *http.Request) string {
	h := r.Header.Get(echo.HeaderAuthorization)
	const prefix = "Bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return ""
	}
	return h[len(prefix):]
}

var errUnauthorized = protocol.Errorf(protocol.CodeUnauthorized, "missing, unknown or revoked token: enrol this device again")

// errDeviceWiped tells an app whose device an admin revoked with wipe to
// erase its local data (PROTOCOL §8, §9, §13).
var errDeviceWiped = protocol.Errorf(protocol.CodeDeviceWiped, "an admin wiped this device: erase its local data and enrol again")

func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tok := bearer(c.Request())
		if tok == "" {
			return errUnauthorized
		}
		p, err := s.store.PrincipalByToken(c.Request().Context(), hashToken(tok), s.now())
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized
		}
		if errors.Is(err, store.ErrDeviceWiped) {
			return errDeviceWiped
		}
		if err != nil {
			return err
		}
		c.Set(principalKey, p)
		return next(c)
	}
}

func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !PrincipalOf(c).User.IsAdmin() {
			return protocol.Errorf(protocol.CodeForbidden, "this needs the admin role")
		}
		return next(c)
	}
}
