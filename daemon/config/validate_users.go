package config

import (
	"fmt"
	"regexp"
	"strings"
)

// userNameRE keeps user names printable in logs and in the actor recorded
// with each action ("web:alice").
var userNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// bcryptRE is the modular crypt format of a bcrypt hash: $2a$, $2b$ or
// $2y$, a two-digit cost, then 53 characters of salt and hash.
var bcryptRE = regexp.MustCompile(`^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$`)

// users checks http.users: unique names, a bcrypt hash from `herald
// passwd` (never a password in clear), and accounts that exist.
func (v *validator) users() {
	names := map[string]string{}
	for i, u := range v.c.HTTP.Users {
		key := fmt.Sprintf("http.users[%d]", i)
		v.unique(names, key+".name", u.Name, "user")
		if u.Name != "" && !userNameRE.MatchString(u.Name) {
			v.errorf(key+".name", "%q: use letters, digits, '.', '_', '@' or '-' (at most 64), starting with a letter or digit", u.Name)
		}
		switch {
		case u.PasswordHash == "":
			v.errorf(key+".password_hash", "required; make one with `herald passwd` and paste its output here")
		case !bcryptRE.MatchString(u.PasswordHash):
			v.errorf(key+".password_hash", "is not a bcrypt hash ($2b$…); make one with `herald passwd` (a password is never written in clear)")
		}
		for j, a := range u.Accounts {
			if v.c.Account(a) == nil {
				v.errorf(fmt.Sprintf("%s.accounts[%d]", key, j), "no account %q (have: %s)", a, strings.Join(v.accountNames(), ", "))
			}
		}
	}
}

func (v *validator) accountNames() []string {
	var out []string
	for _, a := range v.c.Accounts {
		out = append(out, a.Name)
	}
	return out
}
