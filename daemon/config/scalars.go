package config

import (
	"fmt"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// The functions below return the handler that decodes one typed value into
// *p. A null value leaves *p alone, so that defaults can fill it.

func (d *decoder) str(p *string) handler {
	return func(n ast.Node, key string) {
		if s, ok := d.text(n, key); ok {
			*p = s
		}
	}
}

// command is str for password_command and token_command, which herald
// runs with `sh -c`: ${VAR} is not substituted into the text, where a
// value holding `;` or `$(...)` would become shell code, but left for the
// shell, which expands it from the environment herald passes on, as
// data. A variable that is not set is still reported here, as anywhere
// else in the file.
func (d *decoder) command(p *string) handler {
	return func(n ast.Node, key string) {
		s, at, ok := d.scalar(n, key)
		if !ok {
			return
		}
		for _, name := range envRefs(s) {
			if _, set := d.env(name); !set {
				d.errorf(at, key, "environment variable %s is not set; export it or remove ${%s}", name, name)
			}
		}
		*p = s
	}
}

func (d *decoder) integer(p *int) handler {
	return func(n ast.Node, key string) {
		s, ok := d.text(n, key)
		if !ok {
			return
		}
		v, err := strconv.ParseInt(strings.TrimSpace(s), 0, 0)
		if err != nil {
			d.errorf(n, key, "%q is not a whole number", s)
			return
		}
		*p = int(v)
	}
}

func (d *decoder) float(p *float64) handler {
	return func(n ast.Node, key string) {
		s, ok := d.text(n, key)
		if !ok {
			return
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			d.errorf(n, key, "%q is not a number", s)
			return
		}
		*p = v
	}
}

func (d *decoder) boolean(p *bool) handler {
	return func(n ast.Node, key string) {
		s, ok := d.text(n, key)
		if !ok {
			return
		}
		v, err := parseBool(s)
		if err != nil {
			d.errorf(n, key, "%v", err)
			return
		}
		*p = v
	}
}

// optBool decodes a tri-state: nil (not given, inherit), true or false.
func (d *decoder) optBool(p **bool) handler {
	return func(n ast.Node, key string) {
		s, ok := d.text(n, key)
		if !ok {
			return
		}
		v, err := parseBool(s)
		if err != nil {
			d.errorf(n, key, "%v", err)
			return
		}
		*p = &v
	}
}

// parseBool accepts the YAML 1.2 core booleans only: "yes" and "on" are
// strings there, and guessing would hide typos.
func parseBool(s string) (bool, error) {
	switch s {
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean; write true or false", s)
}

func (d *decoder) duration(p *time.Duration) handler {
	return func(n ast.Node, key string) {
		s, ok := d.text(n, key)
		if !ok {
			return
		}
		v, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			d.errorf(n, key, "%q is not a duration; use Go syntax with a unit, e.g. 30s, 15m, 72h", s)
			return
		}
		if v < 0 {
			d.errorf(n, key, "%q is negative; durations must be positive", s)
			return
		}
		*p = v
	}
}

// size decodes a byte count: a whole number, optionally followed by a
// unit, KB, MB or GB (also K, KiB, …), all of them powers of 1024 as in
// Dovecot's settings: "25MB" is 26,214,400 bytes.
func (d *decoder) size(p *int64) handler {
	return func(n ast.Node, key string) {
		s, ok := d.text(n, key)
		if !ok {
			return
		}
		v, err := ParseSize(s)
		if err != nil {
			d.errorf(n, key, "%v", err)
			return
		}
		*p = v
	}
}

// ParseSize reads a byte count as the size handler does.
func ParseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	num := strings.TrimRightFunc(t, func(r rune) bool { return r >= 'a' && r <= 'z' || r == ' ' })
	shift, ok := map[string]uint{"": 0, "b": 0, "k": 10, "kb": 10, "kib": 10, "m": 20, "mb": 20, "mib": 20,
		"g": 30, "gb": 30, "gib": 30}[strings.TrimSpace(t[len(num):])]
	v, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || v < 0 || v > 1<<(62-shift) {
		return 0, fmt.Errorf("%q is not a size; give bytes or a number with KB, MB or GB, e.g. 25MB", s)
	}
	return v << shift, nil
}

func (d *decoder) timestamp(p *time.Time) handler {
	return func(n ast.Node, key string) {
		s, ok := d.text(n, key)
		if !ok {
			return
		}
		v, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
		if err != nil {
			d.errorf(n, key, "%q is not an RFC 3339 time; write e.g. 2017-11-16T09:00:00+01:00", s)
			return
		}
		*p = v
	}
}

func (d *decoder) optTime(p **time.Time) handler {
	return func(n ast.Node, key string) {
		var v time.Time
		d.timestamp(&v)(n, key)
		if !v.IsZero() {
			*p = &v
		}
	}
}

func (d *decoder) regex(p **regexp.Regexp) handler {
	return func(n ast.Node, key string) {
		s, ok := d.text(n, key)
		if !ok {
			return
		}
		re, err := regexp.Compile(s)
		if err != nil {
			d.errorf(n, key, "invalid regular expression: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			return
		}
		*p = re
	}
}

func (d *decoder) strList(p *[]string) handler {
	return func(n ast.Node, key string) {
		d.sequence(n, key, func(_ int, item ast.Node, key string) {
			if s, ok := d.text(item, key); ok {
				*p = append(*p, s)
			}
		})
	}
}

// regexList decodes a list of regular expressions; each bad one is
// reported at its own item (key[i]).
func (d *decoder) regexList(p *[]*regexp.Regexp) handler {
	return func(n ast.Node, key string) {
		d.sequence(n, key, func(_ int, item ast.Node, key string) {
			var re *regexp.Regexp
			d.regex(&re)(item, key)
			if re != nil {
				*p = append(*p, re)
			}
		})
	}
}

func (d *decoder) strMap(p *map[string]string) handler {
	return func(n ast.Node, key string) {
		d.eachPair(n, key, func(pr pair, child string) {
			if s, ok := d.text(pr.value, child); ok {
				if *p == nil {
					*p = map[string]string{}
				}
				(*p)[pr.name] = s
			}
		})
	}
}

// headerMap decodes `header: {Name: regex}`. Names are canonicalised
// (x-mailer becomes X-Mailer) as net/mail and net/textproto store them.
func (d *decoder) headerMap(p *map[string]*regexp.Regexp) handler {
	return func(n ast.Node, key string) {
		d.eachPair(n, key, func(pr pair, child string) {
			name := textproto.CanonicalMIMEHeaderKey(pr.name)
			if _, dup := (*p)[name]; dup {
				d.errorf(pr.key, child, "header %s given twice; header names ignore case", name)
				return
			}
			var re *regexp.Regexp
			d.regex(&re)(pr.value, child)
			if re != nil {
				if *p == nil {
					*p = map[string]*regexp.Regexp{}
				}
				(*p)[name] = re
			}
		})
	}
}

func (d *decoder) rate(p *Rate) handler {
	return func(n ast.Node, key string) {
		s, ok := d.text(n, key)
		if !ok {
			return
		}
		r, err := ParseRate(s)
		if err != nil {
			d.errorf(n, key, "%v", err)
			return
		}
		*p = r
	}
}

// sandbox decodes `sandbox: BOOL` or `sandbox: {imap: ADDR, smtp: ADDR}`;
// the mapping form turns the sandbox on (docs/CONFIG.md §9).
func (d *decoder) sandbox(p *Sandbox) handler {
	return func(n ast.Node, key string) {
		r := d.resolve(n, key)
		if isNull(r) {
			return
		}
		if _, ok := r.(*ast.MappingNode); ok {
			p.Enabled = true
			d.mapping(r, key, map[string]handler{
				"imap": d.str(&p.IMAP),
				"smtp": d.str(&p.SMTP),
			})
			return
		}
		if _, ok := r.(*ast.SequenceNode); ok {
			d.errorf(r, key, "expected true, false or {imap: ADDR, smtp: ADDR}, got a list")
			return
		}
		d.boolean(&p.Enabled)(r, key)
	}
}

// ParseRate parses "n/s", "n/m", "n/h" or "n/d" (n messages per second,
// minute, hour or day); a plain integer n means n per second.
func ParseRate(s string) (Rate, error) {
	num, unit, found := strings.Cut(strings.TrimSpace(s), "/")
	per := time.Second
	if found {
		switch strings.TrimSpace(unit) {
		case "s":
		case "m":
			per = time.Minute
		case "h":
			per = time.Hour
		case "d":
			per = 24 * time.Hour
		default:
			return Rate{}, fmt.Errorf("%q is not a rate (want n/s, n/m, n/h or n/d)", s)
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil {
		return Rate{}, fmt.Errorf("%q is not a rate (want n/s, n/m, n/h or n/d)", s)
	}
	if n < 1 {
		return Rate{}, fmt.Errorf("%q allows no message; n must be at least 1", s)
	}
	return Rate{N: n, Per: per}, nil
}
