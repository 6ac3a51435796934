package compose

import (
	"bytes"
	"strings"
	"testing"
)

func TestHeaderAddress(t *testing.T) {
	for in, want := range map[string]string{
		"maria.lopez@ayto-madrid.es":  "maria.lopez@ayto-madrid.es",
		"maire@mairie-évry.fr":        "maire@xn--mairie-vry-h7a.fr",
		"Maire@Mairie-Évry.FR":        "Maire@xn--mairie-vry-h7a.fr", // the local part keeps its case (RFC 5321 §2.4)
		"maire@xn--mairie-vry-h7a.fr": "maire@xn--mairie-vry-h7a.fr",
		"anna@例え.テスト":                 "anna@xn--r8jz45g.xn--zckzah",
		"zoë@mairie-évry.fr":          "zoë@mairie-évry.fr", // no ASCII form: RFC 6532
		"zoë@Mairie-Évry.fr":          "zoë@mairie-évry.fr",
		"zoë@xn--mairie-vry-h7a.fr":   "zoë@xn--mairie-vry-h7a.fr",
		"a@[192.0.2.1]":               "a@[192.0.2.1]",
	} {
		if got, err := headerAddress(in); err != nil || got != want {
			t.Errorf("headerAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"a@évry_ville.fr", "a@-évry.fr"} {
		if got, err := headerAddress(bad); err == nil || !strings.Contains(err.Error(), "international domain name") {
			t.Errorf("headerAddress(%q) = %q, %v; want an error naming the domain", bad, got, err)
		}
	}
}

// headerSection is raw's header, up to the blank line.
func headerSection(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+2]
	}
	return raw
}

func is7bit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// TestWaveInternationalDomain: an invitation to an address at an
// international domain has a 7-bit header, the domain in its A-label,
// the display name in RFC 2047 words; a reader gets the address back.
func TestWaveInternationalDomain(t *testing.T) {
	in := waveInput()
	in.To, in.ToName = "maire@mairie-évry.fr", "Mairie d'Évry-Courcouronnes"
	raw, err := Wave(in)
	if err != nil {
		t.Fatalf("Wave() = %v", err)
	}
	h := headerSection(raw)
	if !is7bit(h) {
		t.Errorf("header is not 7-bit:\n%s", h)
	}
	if !bytes.Contains(h, []byte("<maire@xn--mairie-vry-h7a.fr>")) {
		t.Errorf("To does not carry the A-label:\n%s", h)
	}
	m := parseWave(t, raw)
	to, err := m.h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "maire@xn--mairie-vry-h7a.fr" || to[0].Name != in.ToName {
		t.Errorf("To = %v, %v", to, err)
	}
}

// TestAutoReplyInternationalDomain: an acknowledgement to such a sender
// likewise, and the From of an account at one.
func TestAutoReplyInternationalDomain(t *testing.T) {
	in := baseInput()
	in.From, in.To = "secretariat@conférence.example", "Maire@Mairie-Évry.fr"
	raw, err := AutoReply(in)
	if err != nil {
		t.Fatalf("AutoReply() = %v", err)
	}
	if h := headerSection(raw); !is7bit(h) {
		t.Errorf("header is not 7-bit:\n%s", h)
	}
	p := parse(t, raw)
	to, err := p.h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "Maire@xn--mairie-vry-h7a.fr" {
		t.Errorf("To = %v, %v", to, err)
	}
	from, err := p.h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "secretariat@xn--confrence-e4a.example" || from[0].Name != in.FromName {
		t.Errorf("From = %v, %v", from, err)
	}
}

// TestWaveNonASCIILocalPart: an address with no ASCII form goes in the
// header as UTF-8 (RFC 6532 §3.2), the only message the sender will hand
// to a server offering SMTPUTF8; the display name stays encoded.
func TestWaveNonASCIILocalPart(t *testing.T) {
	in := waveInput()
	in.To, in.ToName = "zoë@Mairie-Évry.fr", "Zoë Durand"
	raw, err := Wave(in)
	if err != nil {
		t.Fatalf("Wave() = %v", err)
	}
	h := headerSection(raw)
	if !bytes.Contains(h, []byte("<zoë@mairie-évry.fr>")) || bytes.Contains(h, []byte("Zoë Durand")) {
		t.Errorf("To is not the UTF-8 address with an encoded name:\n%s", h)
	}
	m := parseWave(t, raw)
	to, err := m.h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "zoë@mairie-évry.fr" || to[0].Name != in.ToName {
		t.Errorf("To = %v, %v", to, err)
	}
}

func TestWaveRefusesInvalidInternationalDomain(t *testing.T) {
	in := waveInput()
	in.To = "maire@mairie_évry.fr"
	if _, err := Wave(in); err == nil || !strings.Contains(err.Error(), "mairie_évry.fr") {
		t.Errorf("Wave() = %v, want an error naming the domain", err)
	}
}
