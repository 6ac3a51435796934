package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	// Timezones must resolve on hosts and containers without a zoneinfo
	// database; this embeds one (~450 kB) as a fallback.
	_ "time/tzdata"
)

// Load reads, decodes, defaults and validates the config file at path,
// expanding ${VAR} from the process environment. Relative paths in the file
// (database, templates, lists[].file) are resolved against the directory of
// the config file, not the working directory, so that `herald -c
// /etc/herald/config.yaml` behaves the same from anywhere. On a config
// problem the error is an Errors listing every problem found.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data, os.LookupEnv)
}

// Parse is Load on data already read from path, with env providing ${VAR}
// values; path names the file in errors and anchors relative paths. The
// error, if any, is an Errors holding every problem found, and the Config
// is then nil.
func Parse(path string, data []byte, env func(string) (string, bool)) (*Config, error) {
	d := newDecoder(path, env)
	// Editors on Windows may start the file with a UTF-8 byte order mark.
	root := d.parse(bytes.TrimPrefix(data, []byte("\ufeff")))
	if root == nil {
		return nil, d.errs
	}
	c := &Config{Path: path}
	d.config(root, c)
	applyDefaults(c)
	resolvePaths(c, filepath.Dir(path))
	validate(c, d)
	if len(d.errs) > 0 {
		d.errs.sortByLine()
		return nil, d.errs
	}
	c.Warnings.sortByLine()
	return c, nil
}

// parse turns data into the body of its single YAML document, or records
// why it cannot and returns nil.
func (d *decoder) parse(data []byte) (body ast.Node) {
	defer func() {
		// A parser bug on odd input must not take the daemon down with it.
		if r := recover(); r != nil {
			d.errorf(nil, "", "cannot parse YAML (parser failure: %v); check the syntax near the end of the file", r)
			body = nil
		}
	}()
	// Duplicate keys are allowed here and reported by the decoder instead,
	// so that they join every other problem rather than stop at the first.
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
			d.errs = append(d.errs, &Error{File: d.file, Line: se.Token.Position.Line, Msg: "invalid YAML: " + se.Message})
		} else {
			d.errorf(nil, "", "invalid YAML: %v", err)
		}
		return nil
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	switch {
	case len(docs) == 0:
		d.errorf(nil, "", "the file is empty; start from the example in the README")
		return nil
	case len(docs) > 1:
		d.errorf(docs[1].Body, "", "more than one YAML document (---); keep the whole config in one")
		return nil
	}
	d.collectAnchors(docs[0].Body)
	body = d.resolve(docs[0].Body, "")
	if _, ok := body.(*ast.MappingNode); !ok {
		if body != nil {
			d.errorf(body, "", "the config must be a mapping of keys (database:, accounts:, ...), not %s", kind(body))
		}
		return nil
	}
	return body
}

// resolvePaths makes relative file paths relative to dir, the directory of
// the config file. SQLite URIs, ":memory:" and URLs (postgres://) are
// left alone.
func resolvePaths(c *Config, dir string) {
	c.Database = resolvePath(dir, c.Database)
	c.Templates = resolvePath(dir, c.Templates)
	for i := range c.Lists {
		c.Lists[i].File = resolvePath(dir, c.Lists[i].File)
	}
}

func resolvePath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) || p == ":memory:" || strings.HasPrefix(p, "file:") || strings.Contains(p, "://") {
		return p
	}
	return filepath.Join(dir, p)
}
