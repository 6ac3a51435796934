// Package testmail builds the hostile messages of issue 11 ("any message:
// processed or set aside, never a stop") for the tests, fuzz seeds and
// benchmarks that need them: HTML quotes nested thousands deep, a
// References field with tens of thousands of ids, multiparts nested 31
// levels around a big body, and big flat messages. Sizes are parameters,
// so a fuzz seed can be small and an end-to-end test faithful. It is plain
// Go with no dependencies, for test files anywhere in the module.
package testmail

import (
	"bytes"
	"fmt"
	"strings"
)

// Envelope is the header of a generated message.
type Envelope struct {
	From, To, MessageID, Subject string
	// Extra header lines, e.g. "X-Test-Token: 7", without line ends.
	Extra []string
}

func (e Envelope) write(b *bytes.Buffer, contentType string) {
	fmt.Fprintf(b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n", e.From, e.To, e.Subject, e.MessageID)
	b.WriteString("Date: Mon, 2 Oct 2017 10:00:00 +0200\r\nMIME-Version: 1.0\r\n")
	for _, l := range e.Extra {
		b.WriteString(l + "\r\n")
	}
	b.WriteString("Content-Type: " + contentType + "\r\n\r\n")
}

// textLine fills bodies: 64 bytes, CRLF included.
const textLine = "The delegation will attend the conference in Mechelen. Regards\r\n"

// b64Line is a valid 76-character base64 line (RFC 2045 §6.8).
var b64Line = strings.Repeat("SGVyYWxk", 9) + "SGVy\r\n"

// NestedQuotes is an HTML-only message of about size bytes: <blockquote>
// nested as deep as size allows, a word at each level, as a long reply
// chain quoted by a broken client. Rendered naively, level n costs n "> "
// per line: the output grows with the square of the depth.
func NestedQuotes(e Envelope, size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 1024)
	e.write(&b, "text/html; charset=utf-8")
	b.WriteString("<html><body>")
	const level = "<blockquote>word\r\n"
	depth := max(1, (size-b.Len())/(len(level)+len("</blockquote>")))
	for range depth {
		b.WriteString(level)
	}
	for range depth {
		b.WriteString("</blockquote>")
	}
	b.WriteString("</body></html>\r\n")
	return b.Bytes()
}

// ManyReferences is a short text reply whose References field holds n
// ids, one per folded line: more than SQLite's 32,766 variables when n is
// 40,000 and each id is a parameter.
func ManyReferences(e Envelope, n int) []byte {
	var b bytes.Buffer
	b.Grow(n*40 + 1024)
	b.WriteString("In-Reply-To: <ref-0@thread.example>\r\nReferences:")
	for i := range n {
		fmt.Fprintf(&b, " <ref-%d@thread.example>\r\n", i)
	}
	e.write(&b, "text/plain; charset=us-ascii")
	b.WriteString("Thank you, we will attend.\r\n")
	return b.Bytes()
}

// DeepMultipart is levels nested multipart/mixed entities around one
// text/plain part of size bytes: a parser that copies each part's body
// copies the big one levels times.
func DeepMultipart(e Envelope, levels, size int) []byte {
	var b bytes.Buffer
	b.Grow(size + levels*128 + 1024)
	e.write(&b, `multipart/mixed; boundary="b0"`)
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i-1, i)
	}
	fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n", levels-1)
	fill(&b, textLine, size)
	for i := levels - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "\r\n--b%d--\r\n", i)
	}
	return b.Bytes()
}

// Flat is a one-level multipart/mixed message of about size bytes: a
// short note and a base64 attachment, as a correspondent sending a big
// presentation writes it.
func Flat(e Envelope, size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 1024)
	e.write(&b, `multipart/mixed; boundary="flat"`)
	b.WriteString("--flat\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nPlease find our presentation attached.\r\n")
	b.WriteString("--flat\r\nContent-Type: application/octet-stream; name=\"slides.pptx\"\r\n" +
		"Content-Disposition: attachment; filename=\"slides.pptx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	fill(&b, b64Line, size-b.Len()-16)
	b.WriteString("--flat--\r\n")
	return b.Bytes()
}

// fill appends line until about n bytes were added (at least one line).
func fill(b *bytes.Buffer, line string, n int) {
	for k := max(1, n/len(line)); k > 0; k-- {
		b.WriteString(line)
	}
}
