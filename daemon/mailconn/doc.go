// Package mailconn connects herald to an account's IMAP and SMTP servers:
// it fetches the secret (password or OAuth token), dials with the configured
// security, authenticates, and bounds every step by a context. It serves
// `herald check --connect`, the inbox watcher and the sender.
package mailconn
