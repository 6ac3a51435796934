package app

import (
	"net"
	"strconv"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sandbox"
)

// PointAtSandbox rewrites every account's IMAP and SMTP settings so the
// daemon talks to the embedded sandbox servers instead (docs/BEHAVIOUR.md §12): plain
// connections on loopback, login = the account address, password
// "sandbox". Whatever the config says about real servers is ignored.
func PointAtSandbox(cfg *config.Config, imapAddr, smtpAddr string) {
	ih, ip := splitHostPort(imapAddr)
	sh, sp := splitHostPort(smtpAddr)
	for i := range cfg.Accounts {
		a := &cfg.Accounts[i]
		sandboxAuth := config.Auth{Username: a.Address, Password: sandbox.Password}
		a.IMAP.Host, a.IMAP.Port, a.IMAP.Security, a.IMAP.Auth = ih, ip, "none", sandboxAuth
		a.SMTP.Host, a.SMTP.Port, a.SMTP.Security, a.SMTP.Auth = sh, sp, "none", sandboxAuth
	}
}

func splitHostPort(addr string) (string, int) {
	h, p, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	return h, n
}

// sandboxAccounts lists the mailboxes the sandbox must hold.
func sandboxAccounts(cfg *config.Config) []sandbox.Account {
	var as []sandbox.Account
	for _, a := range cfg.Accounts {
		as = append(as, sandbox.Account{Name: a.Name, Address: a.Address, Aliases: a.Aliases})
	}
	return as
}
