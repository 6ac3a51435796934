package templates

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strconv"
	"strings"
)

// ErrNotFound is wrapped by Render when no language of a template exists.
var ErrNotFound = errors.New("template not found")

// Problem is one fault in one template file.
type Problem struct {
	File string // the file's path: Load's dir joined with its name
	Line int    // 1-based; 0 when the fault is not on one line
	Msg  string
	// Warning marks a problem that does not stop the template from
	// rendering for every recipient (herald check reports it, Load does
	// not fail on it).
	Warning bool
}

// Error formats p as "file:line: msg", the form editors jump to.
func (p Problem) Error() string {
	msg := p.Msg
	if p.Warning {
		msg = "warning: " + msg
	}
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, msg)
	}
	return fmt.Sprintf("%s: %s", p.File, msg)
}

// LoadError is every problem Load found, in file and line order.
type LoadError struct {
	Problems []Problem
}

// Error lists the problems one per line.
func (e *LoadError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// parseErrRE matches text/template's parse errors, "template: NAME:LINE: MSG".
var parseErrRE = regexp.MustCompile(`(?s)^template: (.*?):(\d+): (.*)$`)

// parseProblem turns a text/template or html/template error about file
// into a Problem, keeping the line the template package found.
func parseProblem(file string, err error) Problem {
	var he *htmltemplate.Error
	if errors.As(err, &he) {
		msg := he.Description
		if he.ErrorCode == htmltemplate.ErrEndContext {
			// The description ends in a dump of the escaper's state.
			msg, _, _ = strings.Cut(msg, ": {")
			msg += "; look for an unclosed quote, tag or comment"
		}
		return Problem{File: file, Line: he.Line, Msg: msg}
	}
	if m := parseErrRE.FindStringSubmatch(err.Error()); m != nil && m[1] == file {
		line, _ := strconv.Atoi(m[2])
		return Problem{File: file, Line: line, Msg: m[3]}
	}
	return Problem{File: file, Msg: err.Error()}
}
