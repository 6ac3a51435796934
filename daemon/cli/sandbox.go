package cli

import (
	"bytes"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

func init() {
	register(&command{
		name: "sandbox inject", args: "--from A --to B --subject S [--body-file F] | --eml F [--to B]",
		summary: "deliver a message into a sandbox inbox, through the running sandbox's SMTP server",
		run:     runSandboxInject,
	})
	register(&command{
		name: "sandbox outbox", args: "[--json]",
		summary: "list the messages the sandbox SMTP server captured instead of sending",
		run:     runSandboxOutbox,
	})
}

type injectFlags struct {
	from, to, subject, bodyFile, eml, inReplyTo string
}

func runSandboxInject(e *env, args []string) error {
	c := commands["sandbox inject"]
	fs := e.flags(c)
	var f injectFlags
	fs.StringVar(&f.from, "from", "", "sender address (with --eml: defaults to the file's From)")
	fs.StringVar(&f.to, "to", "", "an account address or alias: whose INBOX receives it (with --eml: defaults to the file's To)")
	fs.StringVar(&f.subject, "subject", "", "subject (ignored with --eml)")
	fs.StringVar(&f.bodyFile, "body-file", "", "file with the plain-text body, - for standard input")
	fs.StringVar(&f.eml, "eml", "", "a whole RFC 5322 message to deliver as it is")
	fs.StringVar(&f.inReplyTo, "in-reply-to", "", "Message-ID the message answers (as a mail client's reply would carry; see 'herald contacts show EMAIL')")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	if !cfg.Sandbox.Enabled {
		return fmt.Errorf("%w: %s has sandbox off: inject only works in sandbox mode", errConfig, cfg.Path)
	}
	if f.to != "" && !isAccountAddress(cfg, f.to) {
		return usagef("--to %s is not a sandbox account address (have: %s)", f.to, strings.Join(ops.AccountAddresses(cfg, nil), ", "))
	}
	raw, err := f.message(e.stdin)
	if err != nil {
		return err
	}
	rcpts := []string{f.to}
	if f.to == "" {
		if rcpts, err = f.emlRecipients(raw, cfg); err != nil {
			return err
		}
	}
	_, smtpAddr, err := e.sandboxAddrs(cfg)
	if err != nil {
		return err
	}
	if err := deliver(smtpAddr, f.from, rcpts, raw); err != nil {
		return err
	}
	id := ""
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		id = visible(m.Header.Get("Message-Id"), 200)
	}
	fmt.Fprintf(e.stdout, "delivered to the INBOX of %s %s\n", strings.Join(rcpts, ", "), id)
	return nil
}

func (f *injectFlags) check() error {
	switch {
	case f.to == "" && f.eml == "":
		return usagef("--to is required without --eml")
	case f.eml != "" && f.bodyFile != "":
		return usagef("give --body-file or --eml, not both")
	case f.eml == "" && (f.from == "" || f.subject == ""):
		return usagef("--from and --subject are required without --eml")
	}
	return nil
}

// message returns the raw message to inject: the --eml file as it is, or
// one composed from the flags with proper MIME encoding of non-ASCII text.
func (f *injectFlags) message(stdin io.Reader) ([]byte, error) {
	if f.eml != "" {
		raw, err := os.ReadFile(f.eml)
		if err != nil {
			return nil, err
		}
		m, err := readEML(f.eml, raw)
		if err != nil {
			return nil, err
		}
		if f.from == "" {
			addr, err := mail.ParseAddress(m.Header.Get("From"))
			if err != nil {
				return nil, fmt.Errorf("--eml %s: no usable From (%s): give --from", f.eml, visible(err.Error(), 200))
			}
			f.from = addr.Address
		}
		return raw, nil
	}
	body, err := f.body(stdin)
	if err != nil {
		return nil, err
	}
	raw, _, err := ops.InviteeMessage{From: f.from, To: f.to, Subject: f.subject, Text: body, InReplyTo: f.inReplyTo}.Compose()
	if err != nil {
		return nil, usagef("%v", err)
	}
	if a, err := mail.ParseAddress(f.from); err == nil {
		f.from = a.Address // the envelope sender, without the name
	}
	return raw, nil
}

func (f *injectFlags) body(stdin io.Reader) (string, error) {
	var b []byte
	var err error
	switch f.bodyFile {
	case "":
		return "", nil
	case "-":
		b, err = io.ReadAll(stdin)
	default:
		b, err = os.ReadFile(f.bodyFile)
	}
	return string(b), err
}

func isAccountAddress(cfg *config.Config, addr string) bool {
	for _, a := range ops.AccountAddresses(cfg, nil) {
		if strings.EqualFold(a, addr) {
			return true
		}
	}
	return false
}

func runSandboxOutbox(e *env, args []string) error {
	c := commands["sandbox outbox"]
	fs := e.flags(c)
	asJSON := fs.Bool("json", false, "print one JSON document")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	st, err := store.Open(e.ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer st.Close()
	if *asJSON {
		return writeJSONArray(e.stdout, func(emit func(any) error) error {
			return st.Captured(e.ctx, false, func(m store.CapturedMessage) error { return emit(m) })
		})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RECEIVED\tFROM\tTO\tSUBJECT")
	n := 0
	err = st.Captured(e.ctx, false, func(m store.CapturedMessage) error {
		n++
		_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", inZone(m.ReceivedAt).Format(time.DateTime), m.From, strings.Join(m.To, ", "), m.Subject)
		return err
	})
	if err != nil {
		return err
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%d message(s)\n", n)
	return nil
}

// writeJSONArray streams a JSON array, one element at a time (the
// dashboard's API streams the same way, through ops).
func writeJSONArray(w io.Writer, each func(emit func(any) error) error) error {
	return ops.WriteJSONArray(w, each)
}
