package sandbox

import (
	"bytes"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"strings"
	"time"
)

// traceHeaders builds the Return-Path and Received fields that the final
// delivery adds in front of the message (RFC 5321 §4.4).
func traceHeaders(env envelope, rcpt string, now time.Time) []byte {
	with := "ESMTP"
	if env.user != "" {
		with = "ESMTPA" // RFC 3848
	}
	ip := "unknown"
	if tcp, ok := env.addr.(*net.TCPAddr); ok {
		ip = tcp.IP.String()
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Return-Path: <%s>\r\n", env.from)
	fmt.Fprintf(&b, "Received: from %s ([%s])\r\n\tby %s (herald sandbox) with %s\r\n\tfor <%s>; %s\r\n",
		env.helo, ip, smtpDomain, with, rcpt, now.Format(time.RFC1123Z))
	return b.Bytes()
}

// parseHeader returns the decoded Subject and the bare Message-ID, or empty
// strings for what cannot be parsed: the message is kept either way.
func parseHeader(raw []byte) (subject, messageID string) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", ""
	}
	subject = msg.Header.Get("Subject")
	if dec, err := new(mime.WordDecoder).DecodeHeader(subject); err == nil {
		subject = dec
	}
	messageID = strings.TrimSpace(msg.Header.Get("Message-Id"))
	messageID = strings.TrimSuffix(strings.TrimPrefix(messageID, "<"), ">")
	return subject, messageID
}

// crlf turns bare LF line endings into CRLF, as IMAP requires (RFC 9051
// §2.3.1): .eml files saved on Unix often have LF only.
func crlf(raw []byte) []byte {
	if bytes.Count(raw, []byte("\n")) == bytes.Count(raw, []byte("\r\n")) {
		return raw
	}
	out := make([]byte, 0, len(raw)+len(raw)/40)
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// storable prepares a message for the mailbox: CRLF line endings, and a
// header section that ends where the first line that is neither a field nor
// a continuation appears, with an empty line inserted there as Postfix's
// cleanup does. Without this the IMAP library cannot parse the message and
// serves it as empty; with it the stray line simply becomes body text.
func storable(raw []byte) []byte {
	raw = crlf(raw)
	for off := 0; off < len(raw); {
		end := bytes.Index(raw[off:], []byte("\r\n"))
		if end < 0 {
			end = len(raw) - off
		}
		line := raw[off : off+end]
		if len(line) == 0 {
			return raw // the header section ends properly
		}
		if !isFieldLine(line, off > 0) {
			out := make([]byte, 0, len(raw)+2)
			out = append(out, raw[:off]...)
			out = append(out, "\r\n"...)
			return append(out, raw[off:]...)
		}
		off += end + 2
	}
	// Header only, without the empty line that ends it.
	if len(raw) > 0 && !bytes.HasSuffix(raw, []byte("\r\n")) {
		raw = append(raw[:len(raw):len(raw)], "\r\n"...)
	}
	return append(raw[:len(raw):len(raw)], "\r\n"...)
}

// isFieldLine tells whether line can belong to a header section: a field
// name of printable ASCII other than ':' followed by ':' (RFC 5322 §2.2), or
// a folded continuation when a field came before.
func isFieldLine(line []byte, continuationOK bool) bool {
	if line[0] == ' ' || line[0] == '\t' {
		return continuationOK
	}
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return false
	}
	for _, c := range line[:colon] {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}
