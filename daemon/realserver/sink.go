package realserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SinkOptions configure smtp-sink's injected failures (see smtp-sink(1)).
// Command names are SMTP verbs, case-insensitive: CONNECT, HELO, EHLO, AUTH,
// MAIL, RCPT, DATA, "." (end of data), RSET, NOOP, VRFY, QUIT.
//
// smtp-sink has no random rejection; its only chance-driven knob is a delay
// (Delays with Odds). Any rejection option also turns off PIPELINING.
type SinkOptions struct {
	// SoftReject commands get SoftReply, a 4xx (-r).
	SoftReject []string
	// HardReject commands get HardReply, a 5xx (-f). Rejecting "." happens
	// after the message was dumped, so Messages still returns it.
	HardReject []string
	// Disconnect commands make smtp-sink hang up without a reply (-q).
	Disconnect []string
	// Close421 commands get "421 4.0.0 Server closing connection" and a hang-up (-Q).
	Close421 []string
	// SoftReply replaces "450 4.3.0 Error: command failed" (-b); it must start with 4 and 3 digits.
	SoftReply string
	// HardReply replaces "500 5.3.0 Error: command failed" (-B); it must start with 5 and 3 digits.
	HardReply string
	// Delays hold back replies to commands (-W).
	Delays []SinkDelay
	// NoAuth stops smtp-sink announcing AUTH (-a). smtp-sink answers AUTH
	// with 250, which real clients take as a failure, so a client that
	// authenticates cannot talk to it either way.
	NoAuth bool
	// Hostname is used in the greeting and EHLO reply (-h); default "smtp-sink".
	Hostname string
	// Verbose logs the SMTP conversation to the sink's output (-v), shown on failure.
	Verbose bool
}

// SinkDelay holds back the reply to Command for Seconds, or, with Odds
// (1-99), for a random multiple of Seconds: the multiplier is the number of
// dice rolls of 0..99 until one is >= Odds.
type SinkDelay struct {
	Command string
	Seconds int
	Odds    int
}

// Sink is a running smtp-sink that dumps each message to a file in Dir.
type Sink struct {
	// Addr is "127.0.0.1:port".
	Addr string
	// Host is always "127.0.0.1".
	Host string
	// Port is the SMTP port (no TLS).
	Port int
	// Dir receives one file per accepted mail transaction.
	Dir string

	proc *process
}

var replyRE = regexp.MustCompile(`^[45][0-9][0-9]( |$)`)

// args turns the options into smtp-sink flags, checking what smtp-sink
// would otherwise die on with a terse message.
func (o SinkOptions) args() ([]string, error) {
	var args []string
	lists := []struct {
		flag string
		cmds []string
	}{{"-r", o.SoftReject}, {"-f", o.HardReject}, {"-q", o.Disconnect}, {"-Q", o.Close421}}
	for _, l := range lists {
		if len(l.cmds) > 0 {
			args = append(args, l.flag, strings.Join(l.cmds, ","))
		}
	}
	if o.SoftReply != "" {
		if !replyRE.MatchString(o.SoftReply) || o.SoftReply[0] != '4' {
			return nil, fmt.Errorf("SoftReply %q: want a 4xx reply such as \"451 4.3.0 try later\"", o.SoftReply)
		}
		args = append(args, "-b", o.SoftReply)
	}
	if o.HardReply != "" {
		if !replyRE.MatchString(o.HardReply) || o.HardReply[0] != '5' {
			return nil, fmt.Errorf("HardReply %q: want a 5xx reply such as \"550 5.1.1 no such user\"", o.HardReply)
		}
		args = append(args, "-B", o.HardReply)
	}
	for _, d := range o.Delays {
		if d.Seconds <= 0 || d.Odds < 0 || d.Odds > 99 {
			return nil, fmt.Errorf("delay %+v: want Seconds > 0 and Odds in 0..99", d)
		}
		w := fmt.Sprintf("%s:%d", d.Command, d.Seconds)
		if d.Odds > 0 {
			w += ":" + strconv.Itoa(d.Odds)
		}
		args = append(args, "-W", w)
	}
	if o.NoAuth {
		args = append(args, "-a")
	}
	if o.Hostname != "" {
		args = append(args, "-h", o.Hostname)
	}
	if o.Verbose {
		args = append(args, "-v")
	}
	return args, nil
}

// StartSMTPSink starts Postfix's smtp-sink on a free loopback port, dumping
// every message to a file in Sink.Dir, and stops it when the test ends.
func StartSMTPSink(t testing.TB, opts SinkOptions) *Sink {
	t.Helper()
	bin, err := findBinary("smtp-sink", "/usr/sbin/smtp-sink", "/usr/lib/postfix/sbin/smtp-sink")
	if err != nil {
		missing(t, fmt.Sprintf("smtp-sink not installed (apt-get install postfix): %v", err))
	}
	flags, err := opts.args()
	if err != nil {
		t.Fatalf("StartSMTPSink: %v", err)
	}
	s := &Sink{Host: "127.0.0.1"}
	s.Dir = filepath.Join(t.TempDir(), "dump")
	cred, err := sinkCredential(s.Dir)
	if err != nil {
		t.Fatalf("StartSMTPSink: %v", err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() && s.proc != nil {
			t.Logf("smtp-sink output:\n%s", s.Log())
		}
	})
	// One file per transaction: strftime prefix, then smtp-sink appends a
	// random hex id.
	template := filepath.Join(s.Dir, "%Y%m%d-%H%M%S-")
	for attempt := 1; ; attempt++ {
		if s.Port, err = freePort(); err != nil {
			t.Fatalf("StartSMTPSink: %v", err)
		}
		s.Addr = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
		args := append(append([]string{}, flags...), "-d", template, s.Addr, "64")
		if s.proc, err = startProcess(cred, bin, args...); err != nil {
			t.Fatalf("StartSMTPSink: %v", err)
		}
		// A bare connect is the readiness test: with CONNECT rejected or
		// dropped there may be no 220 greeting to wait for.
		err = waitReady(s.proc, s.Addr, func(net.Conn) error { return nil })
		if err == nil {
			return s
		}
		s.Stop()
		if attempt == 3 || !strings.Contains(s.Log(), "in use") {
			t.Fatalf("StartSMTPSink %v: %v\n%s", args, err, s.Log())
		}
	}
}

// sinkCredential makes the dump directory and returns the user smtp-sink
// should run as. smtp-sink refuses to run as root without -u, which drops
// privileges only after the test binary's Pdeathsig was cleared; starting it
// as the postfix (or nobody) user directly keeps it tied to the test.
func sinkCredential(dir string) (*syscall.Credential, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if err := openPath(dir); err != nil {
		return nil, err
	}
	var u *user.User
	var err error
	for _, name := range []string{"postfix", "nobody"} {
		if u, err = user.Lookup(name); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("no postfix or nobody user to run smtp-sink as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// Messages returns the messages smtp-sink has finished receiving, oldest
// first (files written within the same clock tick come in name order).
// A transaction still in progress, or one that was reset before DATA, is not
// included. A message is complete once the client got the reply to ".".
func (s *Sink) Messages() ([]DumpedMessage, error) {
	return readDumpDir(s.Dir, s.proc.cmd.Process.Pid)
}

// WaitMessages polls until at least n messages were dumped or ctx is done.
func (s *Sink) WaitMessages(ctx context.Context, n int) ([]DumpedMessage, error) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		msgs, err := s.Messages()
		if err != nil || len(msgs) >= n {
			return msgs, err
		}
		select {
		case <-ctx.Done():
			return msgs, fmt.Errorf("smtp-sink has %d messages, want %d: %w", len(msgs), n, ctx.Err())
		case <-tick.C:
		}
	}
}

// Log returns what smtp-sink wrote to stdout and stderr (the conversation
// with Verbose).
func (s *Sink) Log() string {
	if s.proc == nil {
		return ""
	}
	return s.proc.output.String()
}

// Stop shuts smtp-sink down; it runs at test cleanup too, and calling it
// more than once is fine.
func (s *Sink) Stop() {
	if s.proc != nil {
		s.proc.stop()
	}
}
