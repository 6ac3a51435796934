package app

import (
	"context"
	"slices"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/waves"
	"github.com/herald-mail/herald/daemon/web"
)

// oneClick is the web server's Unsubscriber: the token names a contact,
// the account whose wave sent the message and its list; the contact
// leaves every list of that account (docs/BEHAVIOUR.md §6.2: "every list that
// this account's waves send to"), and no other account's.
type oneClick struct{ d *Daemon }

func (o oneClick) contact(ctx context.Context, token string) (*store.Contact, compose.UnsubscribeTarget, error) {
	secret, err := waves.Secret(ctx, o.d.store)
	if err != nil {
		return nil, compose.UnsubscribeTarget{}, err
	}
	t, ok := compose.ParseUnsubscribeToken(secret, token)
	if !ok {
		return nil, t, web.ErrBadToken
	}
	c, err := o.d.store.ContactByID(ctx, t.Contact)
	if err != nil {
		return nil, t, err
	}
	if c == nil {
		return nil, t, web.ErrBadToken
	}
	return c, t, nil
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
	c, t, err := o.contact(ctx, token)
	if err != nil {
		return "", err
	}
	lists := unsubscribeLists(o.d.cfg.Load(), t)
	err = o.d.store.Inbox(ctx, func(tx *store.InboxTx) error {
		_, err := tx.Unsubscribe(c.ID, lists, "one-click link", "List-Unsubscribe https (RFC 8058)")
		return err
	})
	return c.Email, err
}

// unsubscribeLists are the lists a token unsubscribes from: its list and
// every other list its account's waves send to. A token from before
// tokens named the account (or whose account is gone from the config)
// stands for the one account that sends to its list; when several do,
// which one sent the message is unknown, so it leaves only that list.
func unsubscribeLists(cfg *config.Config, t compose.UnsubscribeTarget) []string {
	account := t.Account
	if account == "" || cfg.Account(account) == nil {
		account = ""
		for _, w := range cfg.Waves {
			if w.List != t.List {
				continue
			}
			if account != "" && account != w.Account {
				return []string{t.List}
			}
			account = w.Account
		}
	}
	out := []string{t.List}
	for _, l := range cfg.ListsOf(account) {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}
