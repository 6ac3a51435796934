package waves

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/herald-mail/herald/daemon/store"
)

// secretKey is where the unsubscribe-token key lives in the runtime table.
const secretKey = "unsubscribe.secret"

// Secret returns the key that signs unsubscribe tokens, creating it on
// first use. It lives in the database, so links stay valid across restarts
// and every process (daemon, CLI) signs alike.
func Secret(ctx context.Context, st *store.Store) ([]byte, error) {
	if v, ok, err := st.Runtime(ctx, secretKey); err != nil {
		return nil, err
	} else if ok {
		return hex.DecodeString(v)
	}
	key := make([]byte, 32)
	rand.Read(key)
	if err := st.SetRuntimeOnce(ctx, secretKey, hex.EncodeToString(key)); err != nil {
		return nil, err
	}
	v, _, err := st.Runtime(ctx, secretKey) // another process may have won the race
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}
