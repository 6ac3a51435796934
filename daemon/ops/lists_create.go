package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// ErrInvalid marks a request that cannot be done as asked (a bad or
// taken list name, an unknown account): the CLI's usage error, the
// API's 400.
var ErrInvalid = errors.New("invalid")

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
}

// CreateList creates an empty list in the database (`herald lists
// create`, the dashboard's Lists page, POST /api/v1/lists), recording
// actor as its creator; it returns the name as stored. The name must
// not be configured already (config.yaml wins on a clash, so the new
// list would never be used) nor taken in the database; account, when
// given, must be configured. Every refusal is ErrInvalid, saying why.
func CreateList(ctx context.Context, cfg *config.Config, st *store.Store, name, account, actor string) (string, error) {
	raw := name
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "\r\n\t/") {
		return "", invalid("list name %q: want a name such as mayors or press-2025", raw)
	}
	if cfg.List(name) != nil {
		return "", invalid("list %s is already named in %s; import into it instead", name, cfg.Path)
	}
	account = strings.TrimSpace(account)
	if account != "" && cfg.Account(account) == nil {
		var names []string
		for _, a := range cfg.Accounts {
			names = append(names, a.Name)
		}
		return "", invalid("account %s: no such account in %s (accounts: %s)", account, cfg.Path, strings.Join(names, ", "))
	}
	err := st.CreateList(ctx, name, account, actor)
	if errors.Is(err, store.ErrListExists) {
		return "", invalid("list %s already exists (see the lists)", name)
	}
	return name, err
}
