package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/lists"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
)

// checkTemplates prints every problem of the templates, warnings
// included, as FILE:LINE: message, then warns about each custom field
// read that is a column of no list: text/template would find neither
// before a delivery fails, recipient by recipient.
func (e *env) checkTemplates(cfg *config.Config) (*templates.Report, error) {
	r, err := templates.Check(cfg.Templates)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errConfig, err)
	}
	for _, p := range r.Problems {
		fmt.Fprintln(e.stderr, p.Error())
	}
	if len(r.Fields) > 0 {
		e.warnCustomFields(r.Fields, e.listColumns(cfg))
	}
	if n := r.Errors(); n > 0 {
		return r, fmt.Errorf("%w: %d problem(s) in the templates of %s", errConfig, n, cfg.Templates)
	}
	return r, nil
}

// warnCustomFields prints a warning for each use of a field that no list
// has: `index` gives an empty value for every recipient.
func (e *env) warnCustomFields(uses []templates.FieldUse, columns map[string]bool) {
	known := make([]string, 0, len(columns))
	for c := range columns {
		known = append(known, c)
	}
	sort.Strings(known)
	for _, u := range uses {
		if columns[u.Name] {
			continue
		}
		msg := fmt.Sprintf("custom field %q is a column of no list, so it is empty for every contact", u.Name)
		switch best := templates.Closest(u.Name, known); {
		case best != "":
			msg += fmt.Sprintf("; did you mean %q?", best)
		case len(known) == 0:
			msg += " (the lists have no columns besides the known ones)"
		default:
			msg += "; the lists' other columns are " + quoteList(known, 12)
		}
		p := templates.Problem{File: u.File, Line: u.Line, Msg: msg, Warning: true}
		fmt.Fprintln(e.stderr, p.Error())
	}
}

func quoteList(names []string, most int) string {
	q := make([]string, 0, min(len(names), most))
	for _, n := range names[:min(len(names), most)] {
		q = append(q, fmt.Sprintf("%q", n))
	}
	s := strings.Join(q, ", ")
	if len(names) > most {
		s += fmt.Sprintf(" and %d more", len(names)-most)
	}
	return s
}

// listColumns returns the custom columns of every configured list: of
// its file, read as an import would into a scratch database (problems
// with a file are checkListFiles' to report), or, for a list without a
// file, of its members in the database when there is one.
func (e *env) listColumns(cfg *config.Config) map[string]bool {
	cols := map[string]bool{}
	add := func(st *store.Store, list string) {
		names, err := st.ListFields(e.ctx, list)
		if err != nil && !errors.Is(err, store.ErrNoList) {
			fmt.Fprintf(e.stderr, "herald check: columns of list %s: %v\n", list, err)
		}
		for _, n := range names {
			cols[n] = true
		}
	}
	var inDB []string
	dir, err := os.MkdirTemp("", "herald-check")
	if err != nil {
		return cols
	}
	defer os.RemoveAll(dir)
	scratch, err := store.Open(e.ctx, filepath.Join(dir, "columns.db"))
	if err != nil {
		return cols
	}
	defer scratch.Close()
	for _, l := range cfg.Lists {
		if l.File == "" {
			inDB = append(inDB, l.Name)
			continue
		}
		if _, err := lists.ImportFile(e.ctx, scratch, l.Name, l.File, false, nil); err == nil {
			add(scratch, l.Name)
		}
	}
	if len(inDB) == 0 || !store.Exists(cfg.Database) {
		return cols
	}
	st, err := store.Open(e.ctx, cfg.Database)
	if err != nil {
		return cols
	}
	defer st.Close()
	for _, name := range inDB {
		add(st, name)
	}
	return cols
}
