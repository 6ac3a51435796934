package web

import (
	"fmt"
	"strconv"
)

// Charts are drawn on the server as inline SVG by html/template: no
// script and no chart library to embed, nothing the CSP must allow, the
// same picture with JavaScript off, and every label escaped like the
// rest of the page. Each has a title and a description for screen
// readers and its numbers as a table.

// chart is one SVG chart with its table.
type chart struct {
	ID, Title, Desc string
	W, H            int // the viewBox; the SVG scales to its box
	Bars            []chartBar
	Grid            []chartLine
	Labels          []chartText
	Legend          []legendItem
	Head            []string
	Rows            [][]string
	Empty           string // said instead of the chart when there is nothing to show
}

type chartBar struct {
	X, Y, W, H float64
	Class      string // c0…c7: the series' colour
	Title      string // shown on hover
}

type chartLine struct{ X1, Y1, X2, Y2 float64 }

type chartText struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
}

type legendItem struct{ Class, Label string }

// seriesClasses colour up to 8 series; more share colours by turns.
func seriesClass(i int) string { return "c" + strconv.Itoa(i%8) }

// niceMax rounds n up to 1, 2 or 5 times a power of ten, for the axis.
func niceMax(n int) int {
	if n <= 0 {
		return 1
	}
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
	}
}

const (
	chartW, chartH                 = 720, 240
	padL, padR, padT, padB float64 = 44, 8, 10, 44
	funnelRow, funnelLabel float64 = 30, 170
	funnelW                        = 720
)

// stacked draws vertical bars, one per x, stacked by series; value(x, s)
// is a count. Every labelEvery-th x is labelled under the axis.
func stacked(id, title, desc string, xs, series []string, value func(x, s int) int, labelEvery int) *chart {
	c := &chart{ID: id, Title: title, Desc: desc, W: chartW, H: chartH}
	totals := make([]int, len(xs))
	most := 0
	for x := range xs {
		row := []string{xs[x]}
		for s := range series {
			v := value(x, s)
			totals[x] += v
			row = append(row, strconv.Itoa(v))
		}
		c.Rows = append(c.Rows, append(row, strconv.Itoa(totals[x])))
		most = max(most, totals[x])
	}
	top := niceMax(most)
	pw, ph := float64(chartW)-padL-padR, float64(chartH)-padT-padB
	for _, f := range []int{0, 1, 2} {
		y := padT + ph - ph*float64(f)/2
		c.Grid = append(c.Grid, chartLine{padL, y, float64(chartW) - padR, y})
		c.Labels = append(c.Labels, chartText{padL - 6, y + 4, strconv.FormatFloat(float64(top*f)/2, 'f', -1, 64), "end"})
	}
	slot := pw / float64(max(1, len(xs)))
	// A bar is at most 48 units wide: a run of one minute is one bar,
	// not a wall.
	bw := min(slot*0.8, 48)
	for x := range xs {
		base := padT + ph
		for s := range series {
			v := value(x, s)
			if v == 0 {
				continue
			}
			h := ph * float64(v) / float64(top)
			base -= h
			c.Bars = append(c.Bars, chartBar{padL + float64(x)*slot + (slot-bw)/2, base, bw, h, seriesClass(s),
				fmt.Sprintf("%s · %s: %d", xs[x], series[s], v)})
		}
		if labelEvery > 0 && x%labelEvery == 0 {
			c.Labels = append(c.Labels, chartText{padL + float64(x)*slot + slot/2, float64(chartH) - padB + 18, xs[x], "middle"})
		}
	}
	if len(series) > 1 {
		for s, name := range series {
			c.Legend = append(c.Legend, legendItem{seriesClass(s), name})
		}
	}
	if most == 0 {
		c.Empty = "chart_empty"
	}
	return c
}

// funnel draws one horizontal bar per step, longest first as a funnel
// reads, with its count at the end.
func funnel(id, title, desc string, steps []string, counts []int) *chart {
	c := &chart{ID: id, Title: title, Desc: desc, W: funnelW, H: int(funnelRow*float64(len(steps)) + 8)}
	top := 1
	for _, n := range counts {
		top = max(top, n)
	}
	room := float64(funnelW) - funnelLabel - 60
	for i, step := range steps {
		y := 4 + funnelRow*float64(i)
		w := room * float64(counts[i]) / float64(top)
		c.Labels = append(c.Labels, chartText{funnelLabel - 8, y + funnelRow/2 + 4, step, "end"},
			chartText{funnelLabel + w + 6, y + funnelRow/2 + 4, strconv.Itoa(counts[i]), "start"})
		c.Bars = append(c.Bars, chartBar{funnelLabel, y + 4, max(w, 1), funnelRow - 8, seriesClass(i), fmt.Sprintf("%s: %d", step, counts[i])})
		c.Rows = append(c.Rows, []string{step, strconv.Itoa(counts[i])})
	}
	return c
}
