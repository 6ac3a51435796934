package compose

import "strings"

// Original is what an answer needs of the message it answers.
type Original struct {
	// MessageID is the original's Message-ID, with or without <>; empty
	// when it had none.
	MessageID string
	// References and InReplyTo are the original's ids, in order.
	References []string
	InReplyTo  []string
}

// maxRefs bounds References: the thread's first id and the latest ones
// are enough for threading, and a long thread must not grow the header
// without end.
const maxRefs = 20

// threading returns In-Reply-To and References, bare ids, for an answer
// to o (RFC 5322 §3.6.4): In-Reply-To is o's Message-ID; References are
// o's References (else its In-Reply-To when that holds a single id), then
// its Message-ID. Malformed ids from the original are dropped. Without a
// Message-ID, the answer gets neither header.
func threading(o Original) (inReplyTo string, refs []string) {
	parent := normID(o.MessageID)
	if parent == "" {
		return "", nil
	}
	src := o.References
	if len(validIDs(src)) == 0 && len(validIDs(o.InReplyTo)) == 1 {
		src = o.InReplyTo
	}
	// The parent goes last, even if the original listed itself.
	seen := map[string]bool{parent: true}
	for _, id := range validIDs(src) {
		if !seen[id] {
			seen[id] = true
			refs = append(refs, id)
		}
	}
	refs = append(refs, parent)
	if len(refs) > maxRefs {
		refs = append(refs[:1], refs[len(refs)-maxRefs+1:]...)
	}
	return parent, refs
}

// validIDs returns the usable ids of ids, bare. An entry may hold several
// ids, as a raw header value does ("<a@x> <b@y>").
func validIDs(ids []string) []string {
	var out []string
	for _, s := range ids {
		toks := strings.Fields(strings.ReplaceAll(s, "><", "> <"))
		for _, tok := range toks {
			// Out of a split value only <id> counts, so stray words
			// ("Bcc:", "e@vil") are not taken for ids.
			bracketed := strings.HasPrefix(tok, "<") && strings.HasSuffix(tok, ">")
			if len(toks) > 1 && !bracketed {
				continue
			}
			if id := normID(tok); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}
