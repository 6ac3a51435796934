package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/lists"
	"github.com/herald-mail/herald/daemon/ops"
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
	for _, p := range ops.CustomFieldProblems(uses, columns) {
		fmt.Fprintln(e.stderr, p.Error())
	}
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
