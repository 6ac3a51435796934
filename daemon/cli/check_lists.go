package cli

import (
	"fmt"
	"slices"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// checkWaveLists looks up in the database the lists that waves name but
// config.yaml does not (lists created with `herald lists create`): the
// config's validation cannot see the database and only warns. A list
// found there drops its warning; a list in neither place is an error, a
// typo that would send the wave to no one. Without a database yet (a
// first check), the warnings stay. It returns the warnings to print.
func (e *env) checkWaveLists(cfg *config.Config) ([]*config.Error, error) {
	warnings := cfg.Warnings
	missing := map[string]int{} // wave list -> wave index
	for i, w := range cfg.Waves {
		if w.List != "" && cfg.List(w.List) == nil {
			missing[fmt.Sprintf("waves[%d].list", i)] = i
		}
	}
	if len(missing) == 0 {
		return warnings, nil
	}
	if !store.Exists(cfg.Database) {
		return warnings, nil
	}
	st, err := store.Open(e.ctx, cfg.Database)
	if err != nil {
		return warnings, err
	}
	defer st.Close()
	counts, err := st.Lists(e.ctx)
	if err != nil {
		return warnings, err
	}
	inDB := func(name string) bool {
		return slices.ContainsFunc(counts, func(c store.ListCounts) bool { return c.Name == name })
	}
	var kept []*config.Error
	bad := 0
	for _, w := range warnings {
		i, ok := missing[w.Key]
		switch {
		case !ok:
			kept = append(kept, w)
		case inDB(cfg.Waves[i].List):
			// created in the database: nothing to say
		default:
			c := *w
			c.Msg = fmt.Sprintf("no list is named %q, neither under lists: nor in the database %s; "+
				"create it with herald lists create %s, or correct the name", cfg.Waves[i].List, store.Redact(cfg.Database), cfg.Waves[i].List)
			fmt.Fprintln(e.stderr, c.Error())
			bad++
		}
	}
	if bad > 0 {
		return kept, fmt.Errorf("%w: %d wave(s) name a list that does not exist", errConfig, bad)
	}
	return kept, nil
}
