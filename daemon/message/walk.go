package message

import (
	"bytes"
	"io"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// walker visits the MIME tree (RFC 2046) and sorts every leaf into body text,
// attachment or part of interest.
type walker struct {
	m      *Message
	leaves int
	plain  []string
	html   []string
}

// entity handles one entity; parent is the media type of the enclosing multipart.
func (w *walker) entity(h Header, body []byte, depth int, parent string) {
	if depth > maxDepth || w.leaves >= maxParts {
		w.m.defect("too deeply nested or too many parts")
		return
	}
	mt, params := contentType(h)
	if strings.HasPrefix(mt, "multipart/") {
		if w.multipart(mt, params, body, depth) {
			return
		}
		// RFC 2046 §5.1 leaves nothing to read without boundaries: show the
		// body as text rather than lose it.
		mt, params = "text/plain", map[string]string{}
		h = append(Header{{Key: "Content-Type", Raw: "text/plain", Value: "text/plain"}}, h...)
	}
	w.leaves++
	w.leaf(h, mt, params, body, parent)
}

// multipart reads the parts with go-message's multipart reader. It returns
// false when not a single part could be found, so the caller treats the body
// as text. A missing closing boundary keeps every part read so far.
func (w *walker) multipart(mt string, params map[string]string, body []byte, depth int) bool {
	boundary := params["boundary"]
	if boundary == "" {
		w.m.defect(mt + " without boundary")
		return false
	}
	mr := textproto.NewMultipartReader(bytes.NewReader(body), boundary)
	n := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if n == 0 {
				w.m.defect("unreadable " + mt + ": " + err.Error())
				return false
			}
			if !strings.Contains(err.Error(), "EOF") {
				w.m.defect("broken " + mt + ": " + err.Error())
			} else {
				w.m.defect("missing closing boundary")
			}
			break
		}
		n++
		data, rerr := io.ReadAll(p)
		if rerr != nil && rerr != io.ErrUnexpectedEOF {
			w.m.defect("truncated part: " + rerr.Error())
		}
		w.entity(fromTextproto(p.Header), data, depth+1, mt)
		if w.leaves >= maxParts {
			break
		}
	}
	return n > 0
}

// leaf sorts one non-multipart entity.
func (w *walker) leaf(h Header, mt string, params map[string]string, body []byte, parent string) {
	data := transferDecode(h.Raw("Content-Transfer-Encoding"), body, w.m)
	disp, dparams := parseMediaType(h.Raw("Content-Disposition"))
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	attached := disp == "attachment"

	if IsPartOfInterest(mt) {
		w.m.Parts = append(w.m.Parts, Part{ContentType: mt, Params: params, Header: h, Body: data})
		// A forwarded message or an .ics file is also what users call an
		// attachment; report bodies (DSN, MDN, ARF) are not.
		if attached || filename != "" {
			w.attach(filename, mt, len(data), false)
		}
		return
	}
	if (mt == "text/plain" || mt == "text/html") && !attached && filename == "" {
		text := decodeText(data, params["charset"], mt == "text/html", w.m)
		if mt == "text/html" {
			w.html = append(w.html, text)
		} else {
			if strings.EqualFold(params["format"], "flowed") {
				text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
			}
			w.plain = append(w.plain, text)
		}
		return
	}
	inline := disp == "inline" || (disp == "" && parent == "multipart/related" && h.Has("Content-Id"))
	w.attach(filename, mt, len(data), inline)
}

func (w *walker) attach(name, mt string, size int, inline bool) {
	w.m.Attachments = append(w.m.Attachments, Attachment{Filename: name, ContentType: mt, Size: size, Inline: inline})
}

// text picks the body: plain text when it says something, else the HTML
// rendered as text (HTML-only mail, or a plain part that is a placeholder).
func (w *walker) text() string {
	plain := strings.TrimSpace(strings.Join(w.plain, "\n"))
	if plain != "" || len(w.html) == 0 {
		return plain
	}
	var parts []string
	for _, h := range w.html {
		parts = append(parts, HTMLToText(h))
	}
	w.m.TextFromHTML = true
	return strings.TrimSpace(strings.Join(parts, "\n"))
}
