package message

import "bytes"

// splitMultipart cuts a multipart body into its parts (RFC 2046 §5.1.1)
// without copying: each part is a slice of body, so that a message nested
// 30 levels deep costs its size once, not 30 times. A delimiter is a line
// "--boundary", optionally followed by transport padding (spaces and tabs);
// "--boundary--" closes the body. The line break before a delimiter
// belongs to it. Bare LF line ends are accepted as CRLF. found reports at
// least one delimiter line; closed reports the close delimiter, without
// which the last part runs to the end of body.
func splitMultipart(body []byte, boundary string) (parts [][]byte, found, closed bool) {
	dash := []byte("--" + boundary)
	start := -1 // where the current part's content begins
	for pos := 0; pos < len(body); {
		i := bytes.Index(body[pos:], dash)
		if i < 0 {
			break
		}
		at := pos + i
		pos = at + len(dash)
		if at > 0 && body[at-1] != '\n' {
			continue // not at the start of a line
		}
		rest, next := body[pos:], len(body)
		if j := bytes.IndexByte(rest, '\n'); j >= 0 {
			rest, next = rest[:j], pos+j+1
		}
		isClose := bytes.HasPrefix(rest, []byte("--"))
		if isClose {
			rest = rest[2:]
		}
		if len(bytes.Trim(rest, " \t\r")) > 0 {
			continue // "--boundaryX": a longer boundary, or text
		}
		found = true
		if start >= 0 {
			// A delimiter right after the one before: an empty part,
			// whose line break is that delimiter's own.
			parts = append(parts, body[start:max(start, lineBreakStart(body, at))])
		}
		if isClose {
			return parts, true, true
		}
		start, pos = next, next
	}
	if start >= 0 {
		parts = append(parts, body[start:])
	}
	return parts, found, false
}

// lineBreakStart is where the line break ending just before at begins:
// the CRLF (or LF) before a delimiter is part of the delimiter.
func lineBreakStart(body []byte, at int) int {
	if at > 0 && body[at-1] == '\n' {
		at--
		if at > 0 && body[at-1] == '\r' {
			at--
		}
	}
	return at
}

// splitPart separates a body part's header from its content. A part that
// begins with an empty line has no header (RFC 2046 §5.1: its type is then
// the default); one that begins with text that is not a field is all
// content.
func splitPart(part []byte) (Header, []byte) {
	switch {
	case bytes.HasPrefix(part, []byte("\r\n")):
		return nil, part[2:]
	case bytes.HasPrefix(part, []byte("\n")):
		return nil, part[1:]
	}
	h, body, ok := splitHeader(part)
	if !ok {
		return nil, part
	}
	return h, body
}
