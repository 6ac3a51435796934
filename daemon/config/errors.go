package config

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one config problem, located by file, line and dotted key path.
type Error struct {
	File string // the config file as given to Load or Parse
	Line int    // 1-based; 0 when the problem concerns the whole file
	Key  string // dotted key path such as accounts[1].smtp.rate; "" for the file itself
	Msg  string // lowercase, says what is wrong and what to do
}

// Error formats the problem as "file:line: key: msg".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one config file, in line order.
type Errors []*Error

// Error prints one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each problem to errors.As and errors.Is.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// sortByLine orders problems as a reader meets them; problems of the whole
// file (line 0) come first, and the order found is kept within a line.
func (es Errors) sortByLine() {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Line < es[j].Line })
}
