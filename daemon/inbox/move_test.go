package inbox

import (
	"fmt"
	"testing"
)

// TestGroupActionsCapsCommands: actions group by kind and argument, in the
// order each group first appears, and no group (one STORE or MOVE
// command line) holds more than maxActionGroup UIDs.
func TestGroupActionsCapsCommands(t *testing.T) {
	var acts []Action
	n := 2*maxActionGroup + 10
	for i := range n {
		uid := uint32(2*i + 1) // scattered: the set cannot be one range
		acts = append(acts, Action{ID: int64(len(acts) + 1), UID: uid, Kind: ActionMove, Arg: "Triage/General"})
		if i%2 == 0 {
			acts = append(acts, Action{ID: int64(len(acts) + 1), UID: uid, Kind: ActionFlag, Arg: `\Flagged`})
		}
	}
	acts = append(acts, Action{ID: int64(len(acts) + 1), UID: 1, Kind: "label", Arg: "x"})
	flags, moves, unknown := groupActions(acts)
	count := func(gs []*actionGroup) (ids int, sizes []int) {
		for _, g := range gs {
			if len(g.ids) > maxActionGroup {
				t.Errorf("group %s %s holds %d actions, more than %d", g.kind, g.arg, len(g.ids), maxActionGroup)
			}
			nums, _ := g.uids.Nums()
			if len(nums) != len(g.ids) {
				t.Errorf("group %s %s: %d UIDs for %d actions", g.kind, g.arg, len(nums), len(g.ids))
			}
			ids += len(g.ids)
			sizes = append(sizes, len(g.ids))
		}
		return ids, sizes
	}
	if ids, sizes := count(moves); ids != n || fmt.Sprint(sizes) != fmt.Sprint([]int{maxActionGroup, maxActionGroup, 10}) {
		t.Errorf("moves: %d actions in groups of %v, want %d in [%d %d 10]", ids, sizes, n, maxActionGroup, maxActionGroup)
	}
	if ids, sizes := count(flags); ids != (n+1)/2 || len(sizes) != 2 {
		t.Errorf("flags: %d actions in groups of %v, want %d in 2 groups", ids, sizes, (n+1)/2)
	}
	if len(unknown) != 1 || unknown[0].arg != "x" {
		t.Errorf("unknown = %v, want the one label action", unknown)
	}
}
