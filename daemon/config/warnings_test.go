package config

import (
	"strings"
	"testing"
)

// TestWarnings: what is allowed but unwise is a warning at its line and
// key, and the config still loads.
func TestWarnings(t *testing.T) {
	live := strings.Replace(minimal, "sandbox: true", "sandbox: false", 1)
	tests := []struct {
		name, src string
		line      int
		key, msg  string
	}{
		{"short token", minimal + "http: {token: abc}\n", 6, "http.token", "only 3 characters; use at least 32"},
		{"imap password in clear", live + "    imap: {host: imap.example.org, security: none, password: pw}\n    smtp: {host: smtp.example.org}\n",
			6, "accounts[0].imap.password", "the password is sent in clear text: security is none and imap.example.org is not a loopback host"},
		{"smtp password_command in clear", live + "    imap: {host: imap.example.org, password: pw}\n    smtp:\n      host: 192.0.2.7\n      security: none\n      password_command: pass smtp\n",
			10, "accounts[0].smtp.password_command", "the password is sent in clear text"},
		{"xoauth2 token in clear", live + "    imap: {host: imap.example.org, security: none, auth: xoauth2, token_command: t}\n    smtp: {host: smtp.example.org}\n",
			6, "accounts[0].imap.token_command", "the token is sent in clear text"},
		{"wave list not in config", minimal + "waves:\n  - {name: w, account: a, list: made-in-db, template: invitation, cron: '@daily'}\n",
			7, "waves[0].list", `no list is named "made-in-db" under lists:; it must exist in the database (herald lists create made-in-db)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, tt.src)
			if len(c.Warnings) != 1 {
				t.Fatalf("warnings = %v, want one", c.Warnings)
			}
			w := c.Warnings[0]
			if w.Line != tt.line || w.Key != tt.key || !strings.Contains(w.Msg, tt.msg) {
				t.Errorf("warning = %q, want line %d key %q msg ~ %q", w, tt.line, tt.key, tt.msg)
			}
		})
	}
}

func TestNoWarnings(t *testing.T) {
	live := strings.Replace(minimal, "sandbox: true", "sandbox: false", 1)
	for name, src := range map[string]string{
		"long token":                 minimal + "http: {token: " + strings.Repeat("k", MinTokenLength) + "}\n",
		"loopback":                   live + "    imap: {host: 127.0.0.1, security: none, password: pw}\n    smtp: {host: localhost, security: none, password: pw}\n",
		"ipv6 loopback":              live + "    imap: {host: '::1', security: none, password: pw}\n    smtp: {host: smtp.example.org}\n",
		"tls":                        live + "    imap: {host: imap.example.org, security: tls, password: pw}\n    smtp: {host: smtp.example.org, security: starttls, password: pw}\n",
		"no credentials":             live + "    imap: {host: imap.example.org, password: pw}\n    smtp: {host: smtp.example.org, security: none}\n",
		"sandbox replaces the hosts": minimal + "    imap: {host: imap.example.org, security: none, password: pw}\n",
	} {
		if c := mustParse(t, src); len(c.Warnings) != 0 {
			t.Errorf("%s: warnings %v, want none", name, c.Warnings)
		}
	}
}
