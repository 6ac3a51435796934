package config

import "github.com/goccy/go-yaml/ast"

// This file is config.yaml's schema: for each section, its keys and how each
// value decodes. A key missing here is an "unknown key" error.

func (d *decoder) config(n ast.Node, c *Config) {
	d.mapping(n, "", map[string]handler{
		"database":       d.str(&c.Database),
		"timezone":       d.str(&c.Timezone),
		"templates":      d.str(&c.Templates),
		"shutdown_grace": d.duration(&c.ShutdownGrace),
		"sandbox":        d.sandbox(&c.Sandbox),
		"log": func(n ast.Node, key string) {
			d.mapping(n, key, map[string]handler{
				"level":  d.str(&c.Log.Level),
				"format": d.str(&c.Log.Format),
			})
		},
		"http": func(n ast.Node, key string) {
			d.mapping(n, key, map[string]handler{
				"listen":     d.str(&c.HTTP.Listen),
				"token":      d.str(&c.HTTP.Token),
				"public_url": d.str(&c.HTTP.PublicURL),
				"users": func(n ast.Node, key string) {
					d.sequence(n, key, func(_ int, item ast.Node, key string) {
						var u User
						d.mapping(item, key, map[string]handler{
							"name":          d.str(&u.Name),
							"password_hash": d.str(&u.PasswordHash),
							"accounts":      d.strList(&u.Accounts),
						})
						c.HTTP.Users = append(c.HTTP.Users, u)
					})
				},
			})
		},
		"event":    d.event(&c.Event),
		"accounts": func(n ast.Node, key string) { d.accounts(n, key, &c.Accounts) },
		"triage":   d.triage(&c.Triage),
		"lists": func(n ast.Node, key string) {
			d.sequence(n, key, func(_ int, item ast.Node, key string) {
				var l List
				d.mapping(item, key, map[string]handler{
					"name": d.str(&l.Name),
					"file": d.str(&l.File),
				})
				c.Lists = append(c.Lists, l)
			})
		},
		"waves": func(n ast.Node, key string) { d.waves(n, key, &c.Waves) },
	})
}

func (d *decoder) event(e *Event) handler {
	return func(n ast.Node, key string) {
		d.mapping(n, key, map[string]handler{
			"name":       d.str(&e.Name),
			"ref_prefix": d.str(&e.RefPrefix),
			"start":      d.timestamp(&e.Start),
			"end":        d.timestamp(&e.End),
			"venue":      d.str(&e.Venue),
			"url":        d.str(&e.URL),
		})
	}
}

// accounts appends one Account per list item, even a broken one, so that
// index i in the Config is accounts[i] in the file and in error messages.
func (d *decoder) accounts(n ast.Node, key string, out *[]Account) {
	d.sequence(n, key, func(_ int, item ast.Node, key string) {
		var a Account
		d.mapping(item, key, map[string]handler{
			"name":      d.str(&a.Name),
			"address":   d.str(&a.Address),
			"from_name": d.str(&a.FromName),
			"language":  d.str(&a.Language),
			"aliases":   d.strList(&a.Aliases),
			// Overrides of triage's, for this account.
			"trusted_authserv_ids": d.strList(&a.TrustedAuthServIDs),
			"ack_max_per_hour":     d.integer(&a.AckMaxPerHour),
			"imap": func(n ast.Node, key string) {
				fs := d.authFields(&a.IMAP.Auth)
				fs["host"] = d.str(&a.IMAP.Host)
				fs["port"] = d.integer(&a.IMAP.Port)
				fs["security"] = d.str(&a.IMAP.Security)
				fs["watch"] = d.strList(&a.IMAP.Watch)
				fs["poll"] = d.duration(&a.IMAP.Poll)
				d.mapping(n, key, fs)
			},
			"smtp": func(n ast.Node, key string) {
				fs := d.authFields(&a.SMTP.Auth)
				fs["host"] = d.str(&a.SMTP.Host)
				fs["port"] = d.integer(&a.SMTP.Port)
				fs["security"] = d.str(&a.SMTP.Security)
				fs["connections"] = d.integer(&a.SMTP.Connections)
				fs["rate"] = d.rate(&a.SMTP.Rate)
				fs["daily_cap"] = d.integer(&a.SMTP.DailyCap)
				fs["sent_folder"] = d.str(&a.SMTP.SentFolder)
				d.mapping(n, key, fs)
			},
		})
		*out = append(*out, a)
	})
}

func (d *decoder) authFields(a *Auth) map[string]handler {
	return map[string]handler{
		"username":         d.str(&a.Username),
		"password":         d.str(&a.Password),
		"password_command": d.command(&a.PasswordCommand),
		"auth":             d.str(&a.Mechanism),
		"token_command":    d.command(&a.TokenCommand),
	}
}

func (d *decoder) triage(t *Triage) handler {
	return func(n ast.Node, key string) {
		d.mapping(n, key, map[string]handler{
			"acknowledge":          d.optBool(&t.Acknowledge),
			"ack_template":         d.str(&t.AckTemplate),
			"ack_once_per":         d.duration(&t.AckOncePer),
			"quarantine_folder":    d.str(&t.QuarantineFolder),
			"ack_exceptions":       d.regexList(&t.AckExceptions),
			"trusted_authserv_ids": d.strList(&t.TrustedAuthServIDs),
			"ack_max_per_hour":     d.integer(&t.AckMaxPerHour),
			"max_message_size":     d.size(&t.MaxMessageSize),
			"rules": func(n ast.Node, key string) {
				d.sequence(n, key, func(_ int, item ast.Node, key string) {
					var r Rule
					fs := d.actionFields(&r.RuleActions)
					fs["name"] = d.str(&r.Name)
					fs["match"] = d.match(&r.Match)
					d.mapping(item, key, fs)
					t.Rules = append(t.Rules, r)
				})
			},
			"default": func(n ast.Node, key string) {
				d.mapping(n, key, d.actionFields(&t.Default))
			},
			"digest": func(n ast.Node, key string) {
				d.mapping(n, key, map[string]handler{
					"cron":       d.str(&t.Digest.Cron),
					"older_than": d.duration(&t.Digest.OlderThan),
					"template":   d.str(&t.Digest.Template),
				})
			},
		})
	}
}

func (d *decoder) actionFields(a *RuleActions) map[string]handler {
	return map[string]handler{
		"category":     d.str(&a.Category),
		"folder":       d.str(&a.Folder),
		"flag":         d.str(&a.Flag),
		"forward":      d.str(&a.Forward),
		"acknowledge":  d.optBool(&a.Acknowledge),
		"ack_template": d.str(&a.AckTemplate),
	}
}

func (d *decoder) match(m *Match) handler {
	return func(n ast.Node, key string) {
		d.mapping(n, key, map[string]handler{
			"from":           d.regex(&m.From),
			"to":             d.regex(&m.To),
			"subject":        d.regex(&m.Subject),
			"body":           d.regex(&m.Body),
			"header":         d.headerMap(&m.Header),
			"has_attachment": d.optBool(&m.HasAttachment),
			"language":       d.str(&m.Language),
		})
	}
}

func (d *decoder) waves(n ast.Node, key string, out *[]Wave) {
	d.sequence(n, key, func(_ int, item ast.Node, key string) {
		var w Wave
		d.mapping(item, key, map[string]handler{
			"name":              d.str(&w.Name),
			"account":           d.str(&w.Account),
			"list":              d.str(&w.List),
			"template":          d.str(&w.Template),
			"at":                d.optTime(&w.At),
			"cron":              d.str(&w.Cron),
			"attach_ics":        d.boolean(&w.AttachICS),
			"audience":          d.str(&w.Audience),
			"after":             d.str(&w.After),
			"min_gap":           d.duration(&w.MinGap),
			"until":             d.optTime(&w.Until),
			"where":             d.strMap(&w.Where),
			"failure_threshold": d.float(&w.FailureThreshold),
			"max_tries":         d.integer(&w.MaxTries),
		})
		*out = append(*out, w)
	})
}
