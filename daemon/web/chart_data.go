package web

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// chartDays is how far back the Today page's charts look.
const chartDays = 30

// enquiryCharts are the Today page's: enquiries per day by category and
// how long acknowledgements took, over the last 30 days.
func (d *dash) enquiryCharts(ctx context.Context, v *view, accounts []string) ([]*chart, error) {
	loc := v.loc
	now := time.Now().In(loc)
	y, m, dd := now.Date()
	first := time.Date(y, m, dd-chartDays+1, 0, 0, 0, 0, loc)
	_, off := now.Zone()
	counts, err := d.Store.EnquiriesPerDay(ctx, first, off/60, accounts)
	if err != nil {
		return nil, err
	}
	days := make([]string, chartDays)
	index := map[string]int{}
	for i := range days {
		day := first.AddDate(0, 0, i).Format("2006-01-02")
		days[i], index[day] = day[5:], i
	}
	totals := map[string]int{}
	cell := map[[2]string]int{}
	for _, c := range counts {
		totals[c.Category] += c.N
		cell[[2]string{c.Day[5:], c.Category}] += c.N
	}
	cats := make([]string, 0, len(totals))
	for c := range totals {
		cats = append(cats, c)
	}
	sort.Slice(cats, func(i, j int) bool {
		if totals[cats[i]] != totals[cats[j]] {
			return totals[cats[i]] > totals[cats[j]]
		}
		return cats[i] < cats[j]
	})
	perDay := stacked("chart-per-day", v.T("chart_per_day"), v.T("chart_per_day_desc"), days, cats,
		func(x, s int) int { return cell[[2]string{days[x], cats[s]}] }, 7)
	perDay.Head = append(append([]string{v.T("date")}, cats...), v.T("total"))

	delays, err := d.Store.AckDelays(ctx, first, accounts)
	if err != nil {
		return nil, err
	}
	buckets := []string{"< 1 min", "1–5 min", "5–15 min", "15–60 min", "1–4 h", "4–24 h", "> 24 h"}
	ack := stacked("chart-ack-delay", v.T("chart_ack_delay"), v.T("chart_ack_delay_desc"), buckets, []string{v.T("acknowledged")},
		func(x, _ int) int { return delays[x] }, 1)
	ack.Head = []string{v.T("delay"), v.T("acknowledged"), v.T("total")}
	return []*chart{perDay, ack}, nil
}

// rateChart is a wave's sending rate over its last run: messages handed
// to the server per minute, or per longer step for a long run.
func (d *dash) rateChart(ctx context.Context, v *view, wave string, run int) (*chart, error) {
	per, err := d.Store.SentPerMinute(ctx, wave, run)
	if err != nil || len(per) == 0 {
		return nil, err
	}
	start, err1 := time.Parse("2006-01-02T15:04", per[0].Minute)
	end, err2 := time.Parse("2006-01-02T15:04", per[len(per)-1].Minute)
	if err1 != nil || err2 != nil {
		return nil, nil // not a time this store writes: nothing to draw
	}
	span := int(end.Sub(start).Minutes()) + 1
	step := max(1, (span+59)/60) // at most 60 bars
	n := (span + step - 1) / step
	xs, vals := make([]string, n), make([]int, n)
	for i := range xs {
		xs[i] = start.Add(time.Duration(i*step) * time.Minute).In(v.loc).Format("15:04")
	}
	for _, m := range per {
		t, _ := time.Parse("2006-01-02T15:04", m.Minute)
		vals[int(t.Sub(start).Minutes())/step] += m.N
	}
	unit := v.T("per_minute")
	if step > 1 {
		unit = strings.ReplaceAll(v.T("per_n_minutes"), "N", itoa(step))
	}
	c := stacked("chart-rate", v.T("chart_rate")+" ("+unit+")", v.T("chart_rate_desc"), xs, []string{v.T("sent")},
		func(x, _ int) int { return vals[x] }, max(1, n/6))
	c.Head = []string{v.T("time"), v.T("sent"), v.T("total")}
	return c, nil
}

// funnelChart is a list's RSVP funnel: its contacts, those a wave of the
// list reached, those who answered and how, and those lost to bounces
// and unsubscribes.
func (d *dash) funnelChart(ctx context.Context, v *view, cfg *config.Config, lc store.ListCounts) (*chart, error) {
	var ws []string
	for _, w := range cfg.Waves {
		if w.List == lc.Name {
			ws = append(ws, w.Name)
		}
	}
	invited, err := d.Store.Invited(ctx, lc.Name, ws)
	if err != nil {
		return nil, err
	}
	r := lc.RSVP
	steps := []string{v.T("contacts"), v.T("invited"), v.T("replied"), v.T("accepted"), v.T("declined"), v.T("maybe"), v.T("bounced"), v.T("unsubscribed")}
	counts := []int{lc.Contacts, invited, r.Accepted + r.Declined + r.Maybe, r.Accepted, r.Declined, r.Maybe, lc.Bounced, lc.Unsubscribed}
	c := funnel("chart-funnel", v.T("chart_funnel"), v.T("chart_funnel_desc"), steps, counts)
	c.Head = []string{v.T("step"), v.T("contacts")}
	return c, nil
}
