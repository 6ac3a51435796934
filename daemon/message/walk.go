package message

import (
	"strings"
)

// walker visits the MIME tree (RFC 2046) and sorts every leaf into body text,
// attachment or part of interest.
type walker struct {
	m      *Message
	leaves int
	plain  []string
	html   []string
	// plainLeft and htmlLeft are the bytes of text still to be read.
	plainLeft, htmlLeft int
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

// multipart reads the parts as slices of body (splitMultipart). It returns
// false when not a single part could be found, so the caller treats the
// body as text. A missing closing boundary keeps every part read so far.
func (w *walker) multipart(mt string, params map[string]string, body []byte, depth int) bool {
	boundary := params["boundary"]
	if boundary == "" {
		w.m.defect(mt + " without boundary")
		return false
	}
	parts, found, closed := splitMultipart(body, boundary)
	if !found {
		w.m.defect("unreadable " + mt + ": no boundary line")
		return false
	}
	if !closed {
		w.m.defect("missing closing boundary")
	}
	for _, p := range parts {
		h, data := splitPart(p)
		w.entity(h, data, depth+1, mt)
		if w.leaves >= maxParts {
			break
		}
	}
	return true
}

// leaf sorts one non-multipart entity. Only what is read is decoded: a
// part of interest whole, body text up to its budget (MaxText of plain
// text, MaxHTMLInput of HTML per message), and an attachment not at all,
// only measured.
func (w *walker) leaf(h Header, mt string, params map[string]string, body []byte, parent string) {
	cte := h.Raw("Content-Transfer-Encoding")
	disp, dparams := parseMediaType(h.Raw("Content-Disposition"))
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	attached := disp == "attachment"

	if IsPartOfInterest(mt) {
		data := transferDecode(cte, body, w.m, -1)
		w.m.Parts = append(w.m.Parts, Part{ContentType: mt, Params: params, Header: h, Body: data})
		// A forwarded message or an .ics file is also what users call an
		// attachment; report bodies (DSN, MDN, ARF) are not.
		if attached || filename != "" {
			w.attach(filename, mt, len(data), false)
		}
		return
	}
	if (mt == "text/plain" || mt == "text/html") && !attached && filename == "" {
		w.bodyText(cte, body, mt == "text/html", params)
		return
	}
	inline := disp == "inline" || (disp == "" && parent == "multipart/related" && h.Has("Content-Id"))
	w.attach(filename, mt, decodedSize(cte, body, w.m), inline)
}

// bodyText decodes a text part within what is left of its budget.
func (w *walker) bodyText(cte string, body []byte, isHTML bool, params map[string]string) {
	left := &w.plainLeft
	if isHTML {
		left = &w.htmlLeft
	}
	if *left <= 0 {
		w.m.defect("text beyond the size read is ignored")
		return
	}
	data := transferDecode(cte, body, w.m, *left+1)
	if len(data) > *left {
		data = trimPartialRune(data[:*left])
		w.m.defect("text cut at the size read")
	}
	*left -= len(data)
	text := decodeText(data, params["charset"], isHTML, w.m)
	if isHTML {
		w.html = append(w.html, text)
		return
	}
	if strings.EqualFold(params["format"], "flowed") {
		text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
	}
	w.plain = append(w.plain, text)
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
