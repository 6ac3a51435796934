package ops

import (
	"context"
	"slices"
	"strings"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// Lists is every list with its counts (`lists --json`), by name; a
// configured list not imported yet is there, empty.
func Lists(ctx context.Context, cfg *config.Config, st *store.Store) ([]store.ListCounts, error) {
	counts, err := st.Lists(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range cfg.Lists {
		if !slices.ContainsFunc(counts, func(c store.ListCounts) bool { return c.Name == l.Name }) {
			counts = append(counts, store.ListCounts{Name: l.Name})
		}
	}
	slices.SortFunc(counts, func(a, b store.ListCounts) int { return strings.Compare(a.Name, b.Name) })
	if counts == nil {
		counts = []store.ListCounts{}
	}
	return counts, nil
}

// KnownList checks that name is configured or already in the database,
// so that a typo does not create a list; ErrNotFound otherwise.
func KnownList(cfg *config.Config, counts []store.ListCounts, name string) error {
	var known []string
	for _, l := range cfg.Lists {
		known = append(known, l.Name)
	}
	for _, c := range counts {
		if !slices.Contains(known, c.Name) {
			known = append(known, c.Name)
		}
	}
	if slices.Contains(known, name) {
		return nil
	}
	if len(known) == 0 {
		return notFound("unknown list %q: create it first with herald lists create %s, or name it under lists: in %s", name, name, cfg.Path)
	}
	return notFound("unknown list %q (known: %s); create a new list first with herald lists create %s, or name it under lists: in %s",
		name, strings.Join(known, ", "), name, cfg.Path)
}
