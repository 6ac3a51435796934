// Package compose builds herald's outgoing messages as RFC 5322 bytes,
// ready for SMTP or an IMAP APPEND; it sends nothing.
//
// Headers are written with emersion/go-message: non-ASCII subjects and
// display names as RFC 2047 encoded words, lines folded at 76 columns and
// never past 998 (RFC 5322 §2.1.1), and a CR or LF in any value refused
// rather than written, so no header can be injected.
package compose
