package mailconn

import (
	"context"

	"github.com/emersion/go-imap/v2/imapclient"
)

// Wait runs f, which waits for a command of c (say c.Select(…).Wait), and
// gives up when ctx ends first. go-imap's Wait takes no context and blocks
// forever on a dead connection, so Wait closes c to unblock f: after a
// timeout c is unusable and the caller must reconnect. f must block only on
// c, and must Collect or Close a FETCH it starts.
func Wait[T any](ctx context.Context, c *imapclient.Client, f func() (T, error)) (T, error) {
	stop := context.AfterFunc(ctx, func() { c.Close() })
	v, err := f()
	if !stop() {
		// ctx ended and c is (being) closed, even if f had just succeeded.
		var zero T
		return zero, ctxErr(ctx, err)
	}
	return v, err
}

// Do is Wait for commands that return only an error, as in
// Do(ctx, c, c.Noop().Wait). Commands that block before returning (Idle,
// Authenticate) belong inside f, so that ctx bounds them too.
func Do(ctx context.Context, c *imapclient.Client, f func() error) error {
	_, err := Wait(ctx, c, func() (struct{}, error) { return struct{}{}, f() })
	return err
}
