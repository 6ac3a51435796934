package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// RuntimeKey returns the random 32-byte key kept in the runtime table
// under name, creating it on first use. It lives in the database, so
// what it signs stays valid across restarts, and every process (daemon,
// CLI) that opens the database uses the same key.
func (s *Store) RuntimeKey(ctx context.Context, name string) ([]byte, error) {
	if v, ok, err := s.Runtime(ctx, name); err != nil {
		return nil, err
	} else if ok {
		return hex.DecodeString(v)
	}
	key := make([]byte, 32)
	rand.Read(key)
	if err := s.SetRuntimeOnce(ctx, name, hex.EncodeToString(key)); err != nil {
		return nil, err
	}
	v, _, err := s.Runtime(ctx, name) // another process may have won the race
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}
