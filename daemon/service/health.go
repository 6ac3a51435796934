package service

import (
	"sort"
	"sync"

	"github.com/herald-mail/herald/daemon/metrics"
)

// Health is the daemon's view of which components are healthy, served at
// /healthz. A component that never reported is not listed.
type Health struct {
	mu       sync.Mutex
	problems map[string]string // component → "" when healthy, else why not
	states   map[string]string // component → its state, when it reports one (SetState)
	metrics  *metrics.Metrics
}

// NewHealth returns an empty registry; m may be nil.
func NewHealth(m *metrics.Metrics) *Health {
	return &Health{problems: map[string]string{}, states: map[string]string{}, metrics: m}
}

// Set records a component's state: err nil means healthy.
func (h *Health) Set(component string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	why := ""
	up := 1.0
	if err != nil {
		why, up = err.Error(), 0
	}
	h.problems[component] = why
	if h.metrics != nil {
		h.metrics.ComponentUp.WithLabelValues(component).Set(up)
	}
}

// SetState records a healthy component with a state to show beside it
// ("held by this node", for a lease).
func (h *Health) SetState(component, state string) {
	h.Set(component, nil)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.states[component] = state
}

// Remove forgets a component that was stopped on purpose (a reload).
func (h *Health) Remove(component string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.problems, component)
	delete(h.states, component)
	if h.metrics != nil {
		h.metrics.ComponentUp.DeleteLabelValues(component)
	}
}

// Status is one component's line in a health report.
type Status struct {
	Component string `json:"component"`
	Healthy   bool   `json:"healthy"`
	Problem   string `json:"problem,omitempty"`
	State     string `json:"state,omitempty"`
}

// Report lists every component, sorted, and whether all are healthy.
func (h *Health) Report() (ok bool, all []Status) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ok = true
	for c, why := range h.problems {
		all = append(all, Status{Component: c, Healthy: why == "", Problem: why, State: h.states[c]})
		if why != "" {
			ok = false
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Component < all[j].Component })
	return ok, all
}
