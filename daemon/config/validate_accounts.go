package config

import (
	"fmt"
	"strings"
)

func (v *validator) accounts() {
	if len(v.c.Accounts) == 0 {
		v.errorf("accounts", "at least one account is required")
		return
	}
	names := map[string]string{}
	addrs := map[string]string{}
	for i := range v.c.Accounts {
		a := &v.c.Accounts[i]
		key := fmt.Sprintf("accounts[%d]", i)
		v.unique(names, key+".name", a.Name, "account")
		if a.Address == "" {
			v.errorf(key+".address", "required; give the account's email address")
		} else {
			v.checkAddress(key+".address", a.Address)
			v.uniqueAddress(addrs, key+".address", a.Address)
		}
		for j, al := range a.Aliases {
			k := fmt.Sprintf("%s.aliases[%d]", key, j)
			v.checkAddress(k, al)
			v.uniqueAddress(addrs, k, al)
		}
		v.checkLanguage(key+".language", a.Language)
		v.imap(key+".imap", &a.IMAP)
		v.authServIDs(key+".trusted_authserv_ids", a.TrustedAuthServIDs)
		if a.AckMaxPerHour < 0 {
			v.errorf(key+".ack_max_per_hour", "%d is not a number of messages; give at least 1, or leave it out for triage.ack_max_per_hour", a.AckMaxPerHour)
		}
		v.smtp(key+".smtp", &a.SMTP)
	}
}

// unique reports an empty name or one seen before; seen maps names to the
// key that first used them.
func (v *validator) unique(seen map[string]string, key, name, what string) {
	if name == "" {
		v.errorf(key, "required; give the %s a name", what)
		return
	}
	if first, dup := seen[name]; dup {
		v.errorf(key, "%s name %q is already used at line %d; names must be unique", what, name, v.line(first))
		return
	}
	seen[name] = key
}

// uniqueAddress catches an address or alias claimed by two accounts, which
// would make "whose mail is this" ambiguous. Addresses ignore case.
func (v *validator) uniqueAddress(seen map[string]string, key, addr string) {
	lc := strings.ToLower(addr)
	if first, dup := seen[lc]; dup {
		v.errorf(key, "%s is already used at line %d; each address belongs to one account", addr, v.line(first))
		return
	}
	seen[lc] = key
}

func (v *validator) imap(key string, im *IMAP) {
	sandbox := v.c.Sandbox.Enabled
	if im.Host == "" && !sandbox {
		v.errorf(key+".host", "required unless sandbox is on; give the IMAP server name")
	}
	v.server(key, im.Port, im.Security)
	v.auth(key, &im.Auth)
	if !sandbox && im.Password == "" && im.PasswordCommand == "" && im.Mechanism == "" {
		v.errorf(key+".password", "no credentials; give password, password_command or auth: xoauth2 with token_command")
	}
	for j, m := range im.Watch {
		if strings.TrimSpace(m) == "" {
			v.errorf(fmt.Sprintf("%s.watch[%d]", key, j), "empty mailbox name; give e.g. INBOX")
		}
	}
}

func (v *validator) smtp(key string, s *SMTP) {
	if s.Host == "" && !v.c.Sandbox.Enabled {
		v.errorf(key+".host", "required unless sandbox is on; give the SMTP submission server name")
	}
	v.server(key, s.Port, s.Security)
	v.auth(key, &s.Auth)
	if s.Connections < 1 {
		v.errorf(key+".connections", "%d is too few; give at least 1 (default 4)", s.Connections)
	}
	if s.DailyCap < 0 {
		v.errorf(key+".daily_cap", "%d is negative; give 0 for no cap", s.DailyCap)
	}
}

func (v *validator) server(key string, port int, security string) {
	oneOf(v, key+".security", security, "tls", "starttls", "none")
	if port < 0 || port > 65535 {
		v.errorf(key+".port", "%d is not a TCP port (1-65535)", port)
	}
}

func (v *validator) auth(key string, a *Auth) {
	switch a.Mechanism {
	case "":
		if a.TokenCommand != "" {
			v.errorf(key+".token_command", "used only with auth: xoauth2; add auth: xoauth2 or remove token_command")
		}
	case "xoauth2":
		if a.TokenCommand == "" {
			v.errorf(key+".auth", "xoauth2 needs token_command, the command that prints an access token")
		}
	default:
		v.errorf(key+".auth", "%q is not supported; leave auth out (password login) or write xoauth2", a.Mechanism)
	}
	if a.Password != "" && a.PasswordCommand != "" {
		v.errorf(key+".password_command", "give password or password_command, not both")
	}
}
