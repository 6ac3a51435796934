package realserver

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DumpedMessage is one mail transaction as smtp-sink wrote it to its dump file.
type DumpedMessage struct {
	// File is the dump file.
	File string
	// ClientAddr is the client's IP address (X-Client-Addr).
	ClientAddr string
	// Helo is the argument of the last HELO or EHLO (X-Helo-Args).
	Helo string
	// From is the MAIL FROM address without angle brackets; "" is the null sender.
	From string
	// MailArgs is the whole MAIL FROM argument, parameters included (X-Mail-Args).
	MailArgs string
	// To holds the RCPT TO addresses in order, without angle brackets.
	To []string
	// RcptArgs holds the whole RCPT TO arguments (X-Rcpt-Args).
	RcptArgs []string
	// Data is the message as received, dot-unstuffed. smtp-sink drops every
	// CR, so lines end in LF.
	Data []byte
}

// Message parses Data as an RFC 5322 message.
func (m DumpedMessage) Message() (*mail.Message, error) {
	return mail.ReadMessage(bytes.NewReader(m.Data))
}

// errIncomplete marks a dump file whose transaction never reached DATA.
var errIncomplete = errors.New("transaction did not reach DATA")

// parseDump parses one smtp-sink dump file (smtp-sink(1), DUMP FILE FORMAT):
// X-Client-Addr, X-Client-Proto, X-Helo-Args, X-Mail-Args and one X-Rcpt-Args
// per recipient, then a three-line Received header that ends smtp-sink's part,
// then the message, then an empty line.
func parseDump(data []byte) (DumpedMessage, error) {
	var m DumpedMessage
	rest := data
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return m, errIncomplete
		}
		line := string(rest[:i])
		rest = rest[i+1:]
		name, value, _ := strings.Cut(line, ": ")
		switch name {
		case "X-Client-Addr":
			m.ClientAddr = value
		case "X-Client-Proto":
		case "X-Helo-Args":
			m.Helo = value
		case "X-Mail-Args":
			m.MailArgs = value
			m.From = pathAddr(value)
		case "X-Rcpt-Args":
			m.RcptArgs = append(m.RcptArgs, value)
			m.To = append(m.To, pathAddr(value))
		case "Received":
			// "\tby HOST (smtp-sink) with PROTO id ID;" and "\tDATE" follow.
			for range 2 {
				i := bytes.IndexByte(rest, '\n')
				if i < 0 || !bytes.HasPrefix(rest, []byte("\t")) {
					return m, fmt.Errorf("truncated Received header")
				}
				rest = rest[i+1:]
			}
			// The "." line leaves its LF behind: the trailing empty line.
			if !bytes.HasSuffix(rest, []byte("\n")) {
				return m, fmt.Errorf("message data not terminated")
			}
			m.Data = rest[:len(rest)-1]
			return m, nil
		default:
			return m, fmt.Errorf("unexpected line %q in smtp-sink header", line)
		}
	}
}

// pathAddr takes the address out of a MAIL or RCPT argument such as
// "<a@example.org> BODY=8BITMIME".
func pathAddr(arg string) string {
	if strings.HasPrefix(arg, "<") {
		if i := strings.IndexByte(arg, '>'); i > 0 {
			return arg[1:i]
		}
	}
	addr, _, _ := strings.Cut(arg, " ")
	return strings.Trim(addr, "<>")
}

// readDumpDir parses every finished dump file in dir. A file that pid still
// holds open is a transaction in progress: smtp-sink creates it at MAIL and
// closes it after the end of DATA, or deletes it on RSET or hang-up.
func readDumpDir(dir string, pid int) ([]DumpedMessage, error) {
	// /proc shows resolved paths.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read smtp-sink dump dir: %w", err)
	}
	// List first, then look at open files: a file listed and not open was
	// finished (or is gone) by the time we read it.
	open := openFiles(pid)
	type dumped struct {
		msg   DumpedMessage
		mtime time.Time
	}
	var all []dumped
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if e.IsDir() || open[path] {
			continue
		}
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read smtp-sink dump: %w", err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			continue
		}
		m, err := parseDump(data)
		if errors.Is(err, errIncomplete) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("parse smtp-sink dump %s: %w", path, err)
		}
		m.File = path
		all = append(all, dumped{m, fi.ModTime()})
	}
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].mtime.Equal(all[j].mtime) {
			return all[i].mtime.Before(all[j].mtime)
		}
		return all[i].msg.File < all[j].msg.File
	})
	msgs := make([]DumpedMessage, len(all))
	for i, d := range all {
		msgs[i] = d.msg
	}
	return msgs, nil
}

// openFiles returns the paths pid has open, from /proc (Linux). Elsewhere it
// returns nothing and in-progress files are told apart by their content only.
func openFiles(pid int) map[string]bool {
	fdDir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	fds, err := os.ReadDir(fdDir)
	if err != nil {
		return nil
	}
	open := make(map[string]bool, len(fds))
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join(fdDir, fd.Name())); err == nil {
			open[strings.TrimSuffix(target, " (deleted)")] = true
		}
	}
	return open
}
