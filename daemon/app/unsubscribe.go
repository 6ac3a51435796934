package app

import (
	"context"
	"slices"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/waves"
	"github.com/herald-mail/herald/daemon/web"
)

// oneClick is the web server's Unsubscriber: the token names a list and a
// contact; the contact leaves every list of the accounts that send to that
// list (SPEC §4 step 3: "every list of that account").
type oneClick struct{ d *Daemon }

func (o oneClick) contact(ctx context.Context, token string) (*store.Contact, string, error) {
	secret, err := waves.Secret(ctx, o.d.store)
	if err != nil {
		return nil, "", err
	}
	list, id, ok := compose.ParseUnsubscribeToken(secret, token)
	if !ok {
		return nil, "", web.ErrBadToken
	}
	c, err := o.d.store.ContactByID(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if c == nil {
		return nil, "", web.ErrBadToken
	}
	return c, list, nil
}

// Check implements web.Unsubscriber.
func (o oneClick) Check(ctx context.Context, token string) (string, error) {
	c, _, err := o.contact(ctx, token)
	if err != nil {
		return "", err
	}
	return c.Email, nil
}

// Unsubscribe implements web.Unsubscriber.
func (o oneClick) Unsubscribe(ctx context.Context, token string) (string, error) {
	c, list, err := o.contact(ctx, token)
	if err != nil {
		return "", err
	}
	lists := o.accountLists(list)
	err = o.d.store.Inbox(ctx, func(t *store.InboxTx) error {
		_, err := t.Unsubscribe(c.ID, lists, "one-click link", "List-Unsubscribe https (RFC 8058)")
		return err
	})
	return c.Email, err
}

// accountLists are the lists of every account that sends to list.
func (o oneClick) accountLists(list string) []string {
	cfg := o.d.cfg.Load()
	accounts := map[string]bool{}
	for _, w := range cfg.Waves {
		if w.List == list {
			accounts[w.Account] = true
		}
	}
	out := []string{list}
	for _, w := range cfg.Waves {
		if accounts[w.Account] && !slices.Contains(out, w.List) {
			out = append(out, w.List)
		}
	}
	return out
}
