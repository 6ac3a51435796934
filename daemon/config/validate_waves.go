package config

import (
	"fmt"
	"os"
	"strings"

	"github.com/robfig/cron/v3"
)

// The range of triage.max_message_size: below a megabyte ordinary mail
// with a photo would be set aside; above a gigabyte one message could
// exhaust a small server's memory.
const (
	minMessageSize = 1 << 20
	maxMessageSize = 1 << 30
)

func (v *validator) triage() {
	t := &v.c.Triage
	if t.QuarantineFolder == "" {
		v.errorf("triage.quarantine_folder", "required; give the folder for unreadable messages")
	}
	if t.MaxMessageSize < minMessageSize || t.MaxMessageSize > maxMessageSize {
		v.errorf("triage.max_message_size", "%d bytes is out of range; give 1MiB to 1GiB (default 25MiB)", t.MaxMessageSize)
	}
	for i := range t.Rules {
		r := &t.Rules[i]
		key := fmt.Sprintf("triage.rules[%d]", i)
		if r.Match.empty() && !v.badUnder(key+".match") {
			v.errorf(key+".match", "no match key; give at least one (from, to, subject, body, header, has_attachment, language), or use triage.default for a catch-all")
		}
		if r.Match.Language != "" {
			v.checkLanguage(key+".match.language", r.Match.Language)
		}
		v.actions(key, &r.RuleActions)
	}
	v.actions("triage.default", &t.Default)
	if t.Digest.Cron != "" {
		v.cron("triage.digest.cron", t.Digest.Cron)
	}
	v.authServIDs("triage.trusted_authserv_ids", t.TrustedAuthServIDs)
	if t.AckMaxPerHour < 1 {
		v.errorf("triage.ack_max_per_hour", "%d is not a number of messages; give at least 1, e.g. 100", t.AckMaxPerHour)
	}
}

// authServIDs checks authserv-ids: each is what the MX writes first in its
// Authentication-Results fields (RFC 8601 §2.2), a host name such as
// mx.un.org, without spaces or the field's separators.
func (v *validator) authServIDs(key string, ids []string) {
	for i, id := range ids {
		if id == "" || strings.ContainsAny(id, " \t;=()\"\\") {
			v.errorf(fmt.Sprintf("%s[%d]", key, i), "%q is not an authserv-id; give the name your MX writes first in Authentication-Results, e.g. mx.un.org", id)
		}
	}
}

func (m *Match) empty() bool {
	return m.From == nil && m.To == nil && m.Subject == nil && m.Body == nil &&
		len(m.Header) == 0 && m.HasAttachment == nil && m.Language == ""
}

func (v *validator) actions(key string, a *RuleActions) {
	if a.Forward != "" {
		v.checkAddress(key+".forward", a.Forward)
	}
	// RFC 9051 §4.1 (flag-keyword is an atom); a leading \ names a system flag.
	if strings.ContainsAny(strings.TrimPrefix(a.Flag, `\`), "(){ %*\"\\]\r\n\t") {
		v.errorf(key+".flag", "%q is not an IMAP keyword; use letters, digits, $, - or _, e.g. $Visa", a.Flag)
	}
}

func (v *validator) cron(key, spec string) {
	if _, err := cron.ParseStandard(spec); err != nil {
		v.errorf(key, "%q is not a cron schedule (%v); use 5 fields \"min hour day month weekday\", e.g. \"0 9 * * MON\", or @daily", spec, err)
	}
}

func (v *validator) lists() {
	names := map[string]string{}
	for i, l := range v.c.Lists {
		key := fmt.Sprintf("lists[%d]", i)
		v.unique(names, key+".name", l.Name, "list")
		if l.File == "" {
			continue
		}
		fi, err := os.Stat(l.File)
		switch {
		case err != nil:
			v.errorf(key+".file", "cannot read %s (%v); create the CSV file or remove file:", l.File, unwrapPath(err))
		case fi.IsDir():
			v.errorf(key+".file", "%s is a directory; name a CSV file", l.File)
		}
	}
}

// unwrapPath drops the path os.Stat repeats in its error.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

var audiences = []string{"all", "no-reply", "accepted", "declined", "maybe"}

func (v *validator) waves() {
	accounts := map[string]bool{}
	for _, a := range v.c.Accounts {
		accounts[a.Name] = true
	}
	lists := map[string]bool{}
	for _, l := range v.c.Lists {
		lists[l.Name] = true
	}
	names := map[string]string{}
	for i := range v.c.Waves {
		v.unique(names, fmt.Sprintf("waves[%d].name", i), v.c.Waves[i].Name, "wave")
	}
	for i := range v.c.Waves {
		v.wave(fmt.Sprintf("waves[%d]", i), &v.c.Waves[i], accounts, lists, names)
	}
	v.afterCycles()
}

func (v *validator) wave(key string, w *Wave, accounts, lists map[string]bool, waves map[string]string) {
	v.known(key+".account", w.Account, accounts, "account", "accounts")
	// A list can be created in the database (herald lists create), which
	// the config cannot see: a wave's list missing from lists: is only a
	// warning here; `herald check` looks it up in the database.
	if w.List == "" {
		v.errorf(key+".list", "required; name one of the lists")
	} else if !lists[w.List] {
		v.warnf(key+".list", "no list is named %q under lists:; it must exist in the database (herald lists create %s), else the wave sends to no one",
			w.List, w.List)
	}
	if w.Template == "" {
		v.errorf(key+".template", "required; name the template to send, e.g. invitation")
	}
	switch {
	case v.d.bad[key+".at"] || v.d.bad[key+".cron"]:
	case w.At == nil && w.Cron == "":
		v.errorf(key, "no schedule; give at: (one-shot, RFC 3339 time) or cron: (recurring)")
	case w.At != nil && w.Cron != "":
		v.errorf(key+".cron", "give either at or cron, not both")
	case w.Cron != "":
		v.cron(key+".cron", w.Cron)
	}
	oneOf(v, key+".audience", w.Audience, audiences...)
	if w.After != "" {
		if _, ok := waves[w.After]; !ok {
			v.errorf(key+".after", "no wave is named %q; name one of the waves", w.After)
		} else if w.After == w.Name {
			v.errorf(key+".after", "a wave cannot follow itself")
		}
	}
	if w.At != nil && w.Until != nil {
		v.errorf(key+".until", "applies to recurring waves only; remove it or use cron")
	}
	for field := range w.Where {
		if strings.TrimSpace(field) == "" {
			v.errorf(key+".where", "empty field name; give a contact field such as country")
		}
	}
	if !(w.FailureThreshold > 0 && w.FailureThreshold <= 1) {
		v.errorf(key+".failure_threshold", "%v is not a share of deliveries; give a number above 0 and at most 1, e.g. 0.2", w.FailureThreshold)
	}
	if w.MaxTries < 1 {
		v.errorf(key+".max_tries", "%d is too few; give at least 1 (default 10)", w.MaxTries)
	}
}

func (v *validator) known(key, name string, set map[string]bool, what, section string) {
	switch {
	case name == "":
		v.errorf(key, "required; name one of the %s", section)
	case !set[name]:
		v.errorf(key, "no %s is named %q; name one of the %s", what, name, section)
	}
}

// afterCycles reports waves whose `after` chain comes back to them: each
// would wait for the other and never send.
func (v *validator) afterCycles() {
	index := map[string]int{}
	for i, w := range v.c.Waves {
		if _, dup := index[w.Name]; !dup {
			index[w.Name] = i
		}
	}
	for i, w := range v.c.Waves {
		path := []string{w.Name}
		lowest := true // report a cycle once, at its first wave
		for j, steps := i, 0; steps < len(v.c.Waves); steps++ {
			next, ok := index[v.c.Waves[j].After]
			if !ok || next == j {
				break
			}
			path = append(path, v.c.Waves[next].Name)
			lowest = lowest && next >= i
			if next == i && lowest {
				v.errorf(fmt.Sprintf("waves[%d].after", i), "waves %s follow each other in a cycle; break it", strings.Join(path, " → "))
				break
			}
			j = next
		}
	}
}
