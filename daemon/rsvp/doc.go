// Package rsvp reads what an invitee meant: the intent of a text reply to an
// invitation (accepted, declined, maybe, or unclear), the participation
// status in a calendar reply (RFC 5546 §3.2.3 METHOD:REPLY), and whether a
// message asks to be unsubscribed (docs/BEHAVIOUR.md §6.2 and §6.3).
//
// Everything here is pure: no store, no network, no clock. The classifier
// feeds it message.Message fields and decides what to do with the answer.
// The text reader is deliberately conservative: a wrong automatic RSVP is
// worse than a human looking at the message, so anything mixed, hedged with
// a condition, partial, or asking a question comes back with Clear false.
package rsvp
