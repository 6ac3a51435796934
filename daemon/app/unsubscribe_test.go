package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/lists"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/store/storetest"
	"github.com/herald-mail/herald/daemon/waves"
)

// Two accounts share a contact: habitat's waves send to mayors and
// shared, iom's to press and shared. A one-click link in habitat's mail
// to shared leaves habitat's lists, never iom's (docs/BEHAVIOUR.md §6.2), though
// iom sends to that list too.
func TestOneClickLeavesOnlyItsAccountsLists(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, l := range []string{"mayors", "press", "shared"} {
		if _, err := lists.Import(ctx, st, l, strings.NewReader("email\nmaire@dakar.example\n"), lists.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &config.Config{
		Accounts: []config.Account{{Name: "habitat"}, {Name: "iom"}},
		Waves: []config.Wave{
			{Name: "invitation", Account: "habitat", List: "mayors"},
			{Name: "habitat-all", Account: "habitat", List: "shared"},
			{Name: "press-day", Account: "iom", List: "press"},
			{Name: "iom-all", Account: "iom", List: "shared"},
		},
	}
	d := &Daemon{store: st}
	d.cfg.Store(cfg)
	secret, err := waves.Secret(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.ContactByEmail(ctx, "maire@dakar.example")
	if err != nil || c == nil {
		t.Fatalf("ContactByEmail = %v, %v", c, err)
	}
	token := compose.UnsubscribeToken(secret, "habitat", "shared", c.ID)
	if email, err := (oneClick{d}).Unsubscribe(ctx, token); err != nil || email != "maire@dakar.example" {
		t.Fatalf("Unsubscribe = %q, %v", email, err)
	}
	for list, want := range map[string]string{"mayors": "unsubscribed", "shared": "unsubscribed", "press": "subscribed"} {
		if got := storetest.MemberStatus(t, st, "maire@dakar.example", list); got != want {
			t.Errorf("%s: %q; want %s", list, got, want)
		}
	}
}

// unsubscribeLists for tokens made before they named the account, and
// for an account gone from the config.
func TestUnsubscribeListsWithoutAnAccount(t *testing.T) {
	cfg := &config.Config{
		Accounts: []config.Account{{Name: "habitat"}, {Name: "iom"}},
		Waves: []config.Wave{
			{Account: "habitat", List: "mayors"}, {Account: "habitat", List: "shared"},
			{Account: "iom", List: "press"}, {Account: "iom", List: "shared"},
		},
	}
	for _, tc := range []struct {
		t    compose.UnsubscribeTarget
		want string
	}{
		{compose.UnsubscribeTarget{Account: "iom", List: "press"}, "press,shared"},
		{compose.UnsubscribeTarget{List: "mayors"}, "mayors,shared"},                   // one account sends to mayors
		{compose.UnsubscribeTarget{List: "shared"}, "shared"},                          // two do: which one sent it is unknown
		{compose.UnsubscribeTarget{Account: "renamed", List: "press"}, "press,shared"}, // gone: press has one sender, iom
		{compose.UnsubscribeTarget{Account: "habitat", List: "old-list"}, "old-list,mayors,shared"},
		{compose.UnsubscribeTarget{List: "nobody-sends"}, "nobody-sends"},
	} {
		if got := strings.Join(unsubscribeLists(cfg, tc.t), ","); got != tc.want {
			t.Errorf("unsubscribeLists(%+v) = %s, want %s", tc.t, got, tc.want)
		}
	}
}
