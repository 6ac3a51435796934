package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/waves"
)

func (s *Server) pageRoutes(page func(string, func(*dash, http.ResponseWriter, *http.Request))) {
	page("GET /{$}", (*dash).todayPage)
	page("GET /enquiries", (*dash).enquiriesPage)
	page("GET /enquiries/{ref}", (*dash).enquiryPage)
	page("GET /waves", (*dash).wavesPage)
	page("GET /waves/{name}", (*dash).wavePage)
	page("GET /waves/{name}/dry-run", (*dash).dryRunPage)
	page("GET /lists", (*dash).listsPage)
	page("GET /lists/{name}", (*dash).listPage)
	page("GET /contacts/{email}", (*dash).contactPage)
	page("GET /sandbox", (*dash).sandboxPage)
	page("GET /sandbox/outbox/{id}", (*dash).capturedPage)
}

// healthLine is one component's health in a focal point's words.
type healthLine struct {
	What, Name string // label key, and the account or mailbox
	OK         bool
	Problem    string
	Unused     bool // an SMTP server not tried since the start
}

// healthWords turns component names ("inbox habitat/INBOX", "acks
// habitat", "scheduler") into label keys and subjects.
func healthWords(c string) (string, string) {
	for _, p := range []string{"inbox", "acks", "answered", "digest", "smtp"} {
		if rest, ok := strings.CutPrefix(c, p+" "); ok {
			return "comp_" + p, rest
		}
	}
	switch c {
	case "scheduler", "web":
		return "comp_" + c, ""
	}
	return "", c
}

type todayData struct {
	Queue  []store.QueueCount
	Oldest []*store.Enquiry
	Open   int
	Waves  []waves.Status
	Health []healthLine
	AllOK  bool
	Charts []*chart
	// Nodes is the work leases, on a database shared by nodes (none on
	// SQLite, where one daemon does all the work).
	Nodes []ops.NodeLease
}

// todayPage is what needs a person now: the open queue by account and
// category, the oldest open enquiries, the waves running or due today
// and the health of every mailbox and server.
func (d *dash) todayPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	ctx := r.Context()
	var t todayData
	var err error
	if t.Queue, err = d.Store.QueueCounts(ctx, p.Accounts); err != nil {
		d.fail(w, r, err)
		return
	}
	q := store.EnquiryQuery{Statuses: []string{"open", "acknowledged"}, Accounts: p.Accounts, Limit: 10}
	if t.Oldest, t.Open, err = d.Store.EnquiryPage(ctx, q); err != nil {
		d.fail(w, r, err)
		return
	}
	if t.Waves, err = d.wavesToday(r, p); err != nil {
		d.fail(w, r, err)
		return
	}
	t.Health, t.AllOK = d.healthLines(p)
	if t.Nodes, err = d.nodes(r, p); err != nil {
		d.fail(w, r, err)
		return
	}
	v := d.view(r, "today", "today", nil)
	if t.Charts, err = d.enquiryCharts(ctx, v, p.Accounts); err != nil {
		d.fail(w, r, err)
		return
	}
	v.Data = t
	d.render(w, r, http.StatusOK, "today", v)
}

// healthLines is every component's health in words, and whether all
// are well. An account's SMTP server reports once the pool has tried to
// send (it connects only then): until then it is "not used yet".
func (d *dash) healthLines(p *Principal) ([]healthLine, bool) {
	ok, all := d.health.Report()
	var out []healthLine
	seen := map[string]bool{}
	for _, c := range all {
		what, name := healthWords(c.Component)
		seen[c.Component] = true
		out = append(out, healthLine{What: what, Name: name, OK: c.Healthy, Problem: c.Problem})
	}
	for _, a := range d.Config().Accounts {
		if !seen[sender.HealthName(a.Name)] && p.MaySee(a.Name) {
			out = append(out, healthLine{What: "comp_smtp", Name: a.Name, OK: true, Unused: true})
		}
	}
	return out, ok
}

// wavesToday is the waves of p's accounts that are running, or whose
// next run falls before the end of today in the config's time zone.
func (d *dash) wavesToday(r *http.Request, p *Principal) ([]waves.Status, error) {
	eng, cfg, err := d.engine(r.Context())
	if err != nil {
		return nil, err
	}
	all, err := ops.Waves(r.Context(), cfg, eng, func(wv *config.Wave) bool { return p.MaySee(wv.Account) })
	if err != nil {
		return nil, err
	}
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, dd := time.Now().In(loc).Date()
	end := time.Date(y, m, dd+1, 0, 0, 0, 0, loc)
	var out []waves.Status
	for _, s := range all {
		if s.State == store.WaveRunning || s.Pending > 0 && s.State != store.WavePaused || (s.NextRun != nil && s.NextRun.Before(end)) {
			out = append(out, s)
		}
	}
	return out, nil
}

// nodes is the work leases p may see: those of their accounts' mailboxes
// and senders, and the nodes' own leases for someone who sees every
// account. nil on SQLite.
func (d *dash) nodes(r *http.Request, p *Principal) ([]ops.NodeLease, error) {
	if !d.Store.Postgres() {
		return nil, nil
	}
	all, err := ops.Nodes(r.Context(), d.Store, time.Now())
	if err != nil {
		return nil, err
	}
	out := []ops.NodeLease{}
	for _, l := range all {
		if p.Accounts == nil || l.Account != "" && p.MaySee(l.Account) {
			out = append(out, l)
		}
	}
	return out, nil
}

// apiNodes is `herald nodes --json`, limited to what the user may see;
// an empty list on SQLite.
func (d *dash) apiNodes(w http.ResponseWriter, r *http.Request) {
	out, err := d.nodes(r, principal(r))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if out == nil {
		out = []ops.NodeLease{}
	}
	writeJSON(w, http.StatusOK, out)
}
