package main

import "fmt"

// A fail is what went wrong for one recipient, and what a person reads
// in it: permanent (the address is bad), policy (refused for what the
// message is), temporary (not now).
type fail struct {
	key     string
	code    string // SMTP reply code
	status  string // enhanced status code
	text    string // the server's words
	verdict string
}

var (
	fUnknown  = fail{"unknown", "550", "5.1.1", "Recipient address rejected: User unknown in virtual mailbox table", "permanent"}
	fNoSuch   = fail{"nosuch", "550", "5.1.1", "The email account that you tried to reach does not exist", "permanent"}
	fFull     = fail{"full", "552", "5.2.2", "Mailbox full: quota exceeded", "permanent"}
	fDisabled = fail{"disabled", "550", "5.2.1", "Mailbox disabled, not accepting messages", "permanent"}
	fDomain   = fail{"nodomain", "550", "5.1.2", "Host or domain name not found. Name service error", "permanent"}
	fSpam     = fail{"spam", "554", "5.7.1", "Message rejected as spam by Content Filtering", "policy"}
	fBlock    = fail{"blocklist", "550", "5.7.1", "Service unavailable; Client host [157.150.185.10] blocked using zen.spamhaus.org", "policy"}
	fDmarc    = fail{"dmarc", "550", "5.7.26", "Unauthenticated email from un.org is not accepted due to domain's DMARC policy", "policy"}
	fTimeout  = fail{"expired", "451", "4.4.1", "Connection timed out", "temporary"}
)

// rotate picks fails in turn for an MTA's samples.
func rotate(i int, fs ...fail) fail { return fs[i%len(fs)] }

// smtpLine is "550 5.1.1 <to>: text".
func smtpLine(f fail, to string) string {
	return fmt.Sprintf("%s %s <%s>: %s", f.code, f.status, to, f.text)
}
