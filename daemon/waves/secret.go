package waves

import (
	"context"

	"github.com/herald-mail/herald/daemon/store"
)

// secretKey is where the unsubscribe-token key lives in the runtime table.
const secretKey = "unsubscribe.secret"

// Secret returns the key that signs unsubscribe tokens and event UIDs,
// creating it on first use (store.RuntimeKey): links stay valid across
// restarts and every process (daemon, CLI) signs alike.
func Secret(ctx context.Context, st *store.Store) ([]byte, error) {
	return st.RuntimeKey(ctx, secretKey)
}
