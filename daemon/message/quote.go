package message

import (
	"strings"

	"github.com/herald-mail/herald/daemon/textmatch"
)

// NewText returns the part of the body the sender wrote for this message:
// Text without quoted lines, reply headers and what follows them, forwarded
// content, and the signature. It is what RSVP intent is read from
// (docs/BEHAVIOUR.md §6.3).
func (m *Message) NewText() string {
	return NewText(m.Text)
}

var (
	// "-----Original Message-----" (Outlook), forwarded-message banners
	// (Gmail, Apple Mail) in English, French, Spanish and German.
	// One ^ in front of both branches: anchored (textmatch requires it),
	// the pattern is tried at the start of the line only.
	separatorLine = textmatch.LazyAnchored(`(?i)^(?:(-{2,}|_{2,})\s*(original message|message d'origine|mensaje original|forwarded message|message transf[ée]r[ée]|mensaje reenviado|urspr[üu]ngliche nachricht|weitergeleitete nachricht)\s*(-{2,}|_{2,})?\s*$|(begin forwarded message|d[ée]but du message r[ée]exp[ée]di[ée]|inicio del mensaje reenviado)\s?:\s*$)`)

	// Attribution lines, which mail clients may wrap over up to three lines:
	// "On <date>, <name> wrote:", "Le <date>, <name> a écrit :",
	// "El <date>, <name> escribió:", "Am <date> schrieb <name>:".
	attribution = textmatch.Lazy(`(?is)^(on\s.{3,300}\swrote|le\s.{3,300}\sa\s+[ée]crit|el\s.{3,300}\sescribi[óo]|am\s.{3,300}\sschrieb\s.{0,200})\s?:$`)

	// Outlook's header block: a From line followed closely by a Sent/Date one.
	outlookFrom = textmatch.LazyAnchored(`(?i)^\*?(from|de|von)\s?:\*?\s*\S`)
	outlookSent = textmatch.LazyAnchored(`(?i)^\*?(sent|date|envoy[ée]|enviado(?: el)?|fecha|gesendet|datum)\s?:\*?\s*\S`)

	// Signatures added by mobile clients, which end the new text.
	mobileSignature = textmatch.LazyAnchored(`(?i)^(sent from my \S+|envoy[ée] de mon \S+|enviado desde mi \S+|get outlook for (ios|android)|obtenir outlook pour (ios|android)|obtener outlook para (ios|android))`)

	ruleLine = textmatch.Lazy(`^\s*[_\-=*]{8,}\s*$`)
)

// NewText strips quoted text, reply headers and the signature from a body.
func NewText(text string) string {
	lines := strings.Split(normalizeNewlines(text), "\n")
	cut := len(lines)
	for i, line := range lines {
		t := strings.TrimSpace(line)
		// RFC 3676 §4.3: "-- " starts the signature; many clients trim the space.
		if line == "-- " || t == "--" || separatorLine().MatchString(t) ||
			mobileSignature().MatchString(t) || isAttribution(lines, i) || isOutlookHeader(lines, i) {
			cut = i
			break
		}
	}
	var out []string
	for _, line := range lines[:cut] {
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), ">") {
			continue // quoted text, even interleaved with new lines
		}
		out = append(out, strings.TrimRight(line, " \t"))
	}
	// The separator rule Outlook puts above its header block.
	for len(out) > 0 && (strings.TrimSpace(out[len(out)-1]) == "" || ruleLine().MatchString(out[len(out)-1])) {
		out = out[:len(out)-1]
	}
	return strings.TrimSpace(squeezeBlankLines(out))
}

// isAttribution reports an attribution line starting at lines[i].
func isAttribution(lines []string, i int) bool {
	var parts [3]string
	for k := 0; k < 3 && i+k < len(lines); k++ {
		t := strings.TrimSpace(lines[i+k])
		if t == "" || strings.HasPrefix(t, ">") {
			return false
		}
		parts[k] = t
		// The pattern ends in a colon: most lines are settled without
		// joining them or running it.
		if strings.HasSuffix(t, ":") && attribution().MatchString(strings.Join(parts[:k+1], " ")) {
			return true
		}
	}
	return false
}

// isOutlookHeader reports an Outlook-style header block starting at lines[i].
func isOutlookHeader(lines []string, i int) bool {
	if !outlookFrom().MatchString(strings.TrimSpace(lines[i])) {
		return false
	}
	seen := 0
	for k := i + 1; k < len(lines) && seen < 4; k++ {
		t := strings.TrimSpace(lines[k])
		if t == "" {
			continue // HTML-rendered blocks may have blank lines between fields
		}
		if outlookSent().MatchString(t) {
			return true
		}
		seen++
	}
	return false
}

func squeezeBlankLines(lines []string) string {
	var b strings.Builder
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b.Grow(n)
	blank := false
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			if !blank && b.Len() > 0 {
				b.WriteByte('\n')
			}
			blank = true
			continue
		}
		blank = false
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
