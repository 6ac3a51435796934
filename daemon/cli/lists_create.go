package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

func init() {
	register(&command{
		name: "lists create", args: "NAME [--account ACCOUNT]",
		summary: "create an empty list in the database, without editing config.yaml; then herald lists import NAME FILE",
		run:     runListsCreate,
	})
}

// Where a list is defined, as `herald lists` shows it.
const (
	originConfig   = "config"
	originDatabase = "database"
)

// listRow is one line of `herald lists`.
type listRow struct {
	store.ListCounts
	// Origin is config for a list named in config.yaml, database for one
	// created with `lists create` or the dashboard (or only imported).
	Origin  string `json:"origin"`
	Account string `json:"account,omitempty"`
	// Shadowed: a list created in the database that config.yaml also
	// names; the config's definition is the one used.
	Shadowed bool `json:"shadowed,omitempty"`
}

func (r listRow) originLabel() string {
	if r.Shadowed {
		return originConfig + " (also created in the database)"
	}
	return r.Origin
}

// listRows merges the config's lists with the database's, by name: a
// configured list not imported yet is shown empty, and on a clash the
// config wins, with a warning.
func listRows(e *env, cfg *config.Config, st *store.Store) ([]listRow, []string, error) {
	counts, err := st.Lists(e.ctx)
	if err != nil {
		return nil, nil, err
	}
	created, err := st.CreatedLists(e.ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range cfg.Lists {
		if !slices.ContainsFunc(counts, func(c store.ListCounts) bool { return c.Name == l.Name }) {
			counts = append(counts, store.ListCounts{Name: l.Name})
		}
	}
	slices.SortFunc(counts, func(a, b store.ListCounts) int { return strings.Compare(a.Name, b.Name) })
	var rows []listRow
	var warnings []string
	for _, c := range counts {
		r := listRow{ListCounts: c, Origin: originDatabase}
		i := slices.IndexFunc(created, func(l store.CreatedList) bool { return l.Name == c.Name })
		if i >= 0 {
			r.Account = created[i].Account
		}
		if cfg.List(c.Name) != nil {
			r.Origin = originConfig
			if i >= 0 {
				r.Shadowed = true
				warnings = append(warnings, fmt.Sprintf("list %s was created in the database (by %s) and is also named in %s: the config's definition is used",
					c.Name, created[i].CreatedBy, cfg.Path))
			}
		}
		rows = append(rows, r)
	}
	return rows, warnings, nil
}

func runListsCreate(e *env, args []string) error {
	fs := e.flags(commands["lists create"])
	account := fs.String("account", "", "the account whose waves send to the list (default: none in particular)")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	cfg, st, err := e.openConfigStore()
	if err != nil {
		return err
	}
	defer st.Close()
	name, err := ops.CreateList(e.ctx, cfg, st, pos[0], *account, actor())
	if errors.Is(err, ops.ErrInvalid) {
		return usagef("%s", ops.Message(err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "list %s created in the database; fill it with herald lists import %s FILE, send to it with a wave whose list: is %s\n",
		name, name, name)
	return nil
}
