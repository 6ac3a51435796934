// Package triage decides what happens to every incoming message (docs/BEHAVIOUR.md §4):
// it classifies it in that order, applies triage.rules to enquiries,
// applies the acknowledgement policy with its rate limits, and records the
// outcome, the side effects to carry out and the mailbox's high-water mark
// in one transaction. It implements inbox.Handler.
//
// It sends nothing and dials no server: the watcher (inbox) carries out
// the moves and flags it records, and respond the mail it queues.
package triage

import (
	"strings"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/message"
)

// Match reports whether every key given in a rule's match holds for m
// (docs/CONFIG.md §6.1: "every key given must match"); lang is m's detected language.
func Match(r config.Match, m *message.Message, lang string) bool {
	if r.From != nil && !anyAddress(r.From.MatchString, m.From, m.Sender) {
		return false
	}
	if r.To != nil && !anyAddress(r.To.MatchString, m.To, m.Cc) {
		return false
	}
	if r.Subject != nil && !r.Subject.MatchString(m.Subject) {
		return false
	}
	// body: the decoded text, quotes included (docs/CONFIG.md §6.1).
	if r.Body != nil && !r.Body.MatchString(m.Text) {
		return false
	}
	for name, re := range r.Header {
		if !anyString(re.MatchString, m.Header.Values(name)) {
			return false
		}
	}
	if r.HasAttachment != nil && *r.HasAttachment != hasAttachment(m) {
		return false
	}
	if r.Language != "" && !strings.EqualFold(r.Language, lang) {
		return false
	}
	return true
}

// FirstRule returns the first rule that matches, or nil (first match wins).
func FirstRule(rules []config.Rule, m *message.Message, lang string) *config.Rule {
	for i := range rules {
		if Match(rules[i].Match, m, lang) {
			return &rules[i]
		}
	}
	return nil
}

// anyAddress matches against both "Name <addr>" and the bare address, so a
// rule may test either the domain or the display name.
func anyAddress(match func(string) bool, lists ...[]message.Address) bool {
	for _, l := range lists {
		for _, a := range l {
			if match(a.Address) || match(a.String()) {
				return true
			}
		}
	}
	return false
}

func anyString(match func(string) bool, vs []string) bool {
	for _, v := range vs {
		if match(v) {
			return true
		}
	}
	return false
}

// hasAttachment ignores inline parts such as signature logos, which users
// do not think of as attachments.
func hasAttachment(m *message.Message) bool {
	for _, a := range m.Attachments {
		if !a.Inline {
			return true
		}
	}
	return false
}
