package cli

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
)

// readEML parses an --eml file. A file that is not text (a NUL byte, which
// RFC 5322 §3.5 and §2.3 allow nowhere in a message) is refused before it is
// parsed, and whatever the parser quotes back from the file is shown
// escaped: bytes of a binary file printed raw would garble the terminal.
func readEML(name string, raw []byte) (*mail.Message, error) {
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		return nil, fmt.Errorf("--eml %s: binary data (a NUL byte at offset %d), not an RFC 5322 message", name, i)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("--eml %s: not an RFC 5322 message: %s", name, visible(err.Error(), 200))
	}
	return m, nil
}

// emlRecipients is the recipient of an --eml file given without --to: the
// addresses of its To header that are sandbox accounts or aliases, as a
// mail client would have delivered it to them.
func (f *injectFlags) emlRecipients(raw []byte, cfg *config.Config) ([]string, error) {
	m, err := readEML(f.eml, raw)
	if err != nil {
		return nil, err
	}
	to := m.Header.Get("To")
	if to == "" {
		return nil, usagef("--eml %s has no To: give --to (one of %s)", f.eml, strings.Join(ops.AccountAddresses(cfg, nil), ", "))
	}
	list, err := mail.ParseAddressList(to)
	if err != nil {
		return nil, usagef("--eml %s: To %s is not readable (%s): give --to", f.eml, visible(to, 200), visible(err.Error(), 200))
	}
	var rcpts []string
	for _, a := range list {
		if isAccountAddress(cfg, a.Address) {
			rcpts = append(rcpts, a.Address)
		}
	}
	if len(rcpts) == 0 {
		return nil, usagef("--eml %s: no address of its To (%s) is a sandbox account: give --to (one of %s)",
			f.eml, visible(to, 200), strings.Join(ops.AccountAddresses(cfg, nil), ", "))
	}
	return rcpts, nil
}

// deliver hands raw to the sandbox SMTP server. A server that answers
// with a refusal is reported in its own words; only a server that is not
// there at all points at 'herald run'.
func deliver(addr, from string, to []string, raw []byte) error {
	err := smtp.SendMail(addr, nil, from, to, raw)
	if err == nil {
		return nil
	}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return fmt.Errorf("the sandbox SMTP server %s refused the message: %d %s", addr, reply.Code, visible(reply.Msg, 500))
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return fmt.Errorf("no sandbox SMTP server at %s (is 'herald run' still running?): %v", addr, err)
	}
	return fmt.Errorf("deliver through the sandbox SMTP server %s: %s", addr, visible(err.Error(), 500))
}

// visible is s as it may go to a terminal: control characters and bytes
// that are not UTF-8 escaped as Go would write them, printable text
// (accents included) kept, and at most max runes.
func visible(s string, max int) string {
	q := strconv.QuoteToGraphic(s)
	q = q[1 : len(q)-1]
	q = strings.ReplaceAll(q, `\"`, `"`)
	q = strings.ReplaceAll(q, `\\`, `\`)
	if utf8.RuneCountInString(q) > max {
		q = string([]rune(q)[:max]) + "…"
	}
	return q
}
