// Package metrics defines herald's Prometheus metrics in one place, on a
// registry of their own (not the global one), so that two daemons in one
// test process do not collide.
package metrics

import (
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds every metric the daemon exports at /metrics.
type Metrics struct {
	Registry *prometheus.Registry

	// Panics counts panics recovered in a component's goroutine.
	Panics *prometheus.CounterVec
	// ComponentUp is 1 while a component is healthy, 0 otherwise.
	ComponentUp *prometheus.GaugeVec
	// Restarts counts components restarted after an error or panic.
	Restarts *prometheus.CounterVec
	// Reloads counts SIGHUP reloads by result (ok, error).
	Reloads *prometheus.CounterVec
	// TemplateLooks counts the daemon's looks at the template files, by
	// result: unchanged, reloaded, broken (changed but not usable; the
	// running ones kept) or unreadable.
	TemplateLooks *prometheus.CounterVec
	// SandboxMessages counts messages the sandbox SMTP server took, by
	// route: delivered to an account's INBOX or captured in the outbox.
	SandboxMessages *prometheus.CounterVec

	// MessagesSeen counts incoming messages processed, by account and kind
	// (enquiry, follow-up, bounce, auto-reply, duplicate, unreadable, ...).
	MessagesSeen *prometheus.CounterVec
	// AcksSent counts acknowledgements the SMTP server accepted.
	AcksSent *prometheus.CounterVec
	// AcksSuppressed counts enquiries not acknowledged, by reason.
	AcksSuppressed *prometheus.CounterVec
	// IMAPReconnects counts IMAP sessions re-established after an error.
	IMAPReconnects *prometheus.CounterVec
	// Deliveries counts wave deliveries by wave and result (sent, retry,
	// failed, pending when interrupted).
	Deliveries *prometheus.CounterVec
	// SendSeconds is the time the SMTP server took to accept a message.
	SendSeconds *prometheus.HistogramVec
}

// New creates the metrics on a fresh registry, with Go runtime and process
// collectors and a herald_build_info gauge.
func New(version string) *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		Panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_panics_total", Help: "Panics recovered, by component.",
		}, []string{"component"}),
		ComponentUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "herald_component_up", Help: "1 while a component is healthy.",
		}, []string{"component"}),
		Restarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_component_restarts_total", Help: "Components restarted after an error or panic.",
		}, []string{"component"}),
		Reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_config_reloads_total", Help: "Config reloads (SIGHUP), by result.",
		}, []string{"result"}),
		TemplateLooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_template_looks_total", Help: "Looks at the template files, by result (unchanged, reloaded, broken, unreadable).",
		}, []string{"result"}),
		SandboxMessages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_sandbox_messages_total", Help: "Messages taken by the sandbox SMTP server, by route (inbox, outbox).",
		}, []string{"route"}),
		MessagesSeen: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_messages_seen_total", Help: "Incoming messages processed, by account and kind.",
		}, []string{"account", "kind"}),
		AcksSent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_acks_sent_total", Help: "Acknowledgements accepted by the SMTP server.",
		}, []string{"account"}),
		AcksSuppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_acks_suppressed_total", Help: "Enquiries not acknowledged, by reason.",
		}, []string{"account", "reason"}),
		IMAPReconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_imap_reconnects_total", Help: "IMAP sessions re-established after an error.",
		}, []string{"account", "mailbox"}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_deliveries_total", Help: "Wave deliveries by wave and result.",
		}, []string{"wave", "result"}),
		SendSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "herald_send_seconds", Help: "Time for the SMTP server to accept one message.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}, []string{"account", "kind"}),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "herald_build_info", Help: "Always 1; labels say which herald runs.",
	}, []string{"version", "goversion"})
	goVersion := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
	}
	build.WithLabelValues(version, goVersion).Set(1)
	r.MustRegister(m.Panics, m.ComponentUp, m.Restarts, m.Reloads, m.TemplateLooks, m.SandboxMessages, build,
		m.MessagesSeen, m.AcksSent, m.AcksSuppressed, m.IMAPReconnects, m.SendSeconds, m.Deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
