package ops

import (
	"context"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
)

// AccountAddresses are the addresses and aliases of the accounts keep
// says yes to (nil: all): where an invitee may write in the sandbox.
func AccountAddresses(cfg *config.Config, keep func(account string) bool) []string {
	var as []string
	for _, a := range cfg.Accounts {
		if keep != nil && !keep(a.Name) {
			continue
		}
		as = append(as, a.Address)
		as = append(as, a.Aliases...)
	}
	return as
}

// InviteeMessage is a message written as an invitee would, for
// `sandbox inject` and the sandbox page's form.
type InviteeMessage struct {
	From, To, Subject, Text, InReplyTo string
}

// Compose makes the raw message, its non-ASCII text MIME-encoded. A bad
// sender is named as the CLI's flag and the form's field are.
func (m InviteeMessage) Compose() ([]byte, string, error) {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, "", fmt.Errorf("--from %q: %v", m.From, err)
	}
	id := compose.NewMessageID(from.Address)
	raw, err := compose.Plain(compose.PlainInput{
		From: from.Address, FromName: from.Name, To: m.To, Subject: m.Subject,
		MessageID: id, InReplyTo: strings.Trim(strings.TrimSpace(m.InReplyTo), "<>"), Text: m.Text,
	})
	return raw, id, err
}

// DeliverToSandbox hands raw to the sandbox's SMTP server at addr for
// the INBOX of to, as a mail client would.
func DeliverToSandbox(ctx context.Context, addr, from, to string, raw []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("deliver through the sandbox SMTP server %s: %w", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("deliver through the sandbox SMTP server %s: %w", addr, err)
	}
	defer c.Close()
	err = c.Mail(from)
	if err == nil {
		err = c.Rcpt(to)
	}
	if err == nil {
		var w interface {
			Write([]byte) (int, error)
			Close() error
		}
		if w, err = c.Data(); err == nil {
			if _, err = w.Write(raw); err == nil {
				err = w.Close()
			}
		}
	}
	if err == nil {
		err = c.Quit()
	}
	if err != nil {
		return fmt.Errorf("deliver through the sandbox SMTP server %s: %w", addr, err)
	}
	return nil
}
