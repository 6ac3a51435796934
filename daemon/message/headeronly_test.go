package message

import "testing"

// TestParseHeaderOnly: the header-only parse reads the envelope as Parse
// does, and refuses what Parse refuses.
func TestParseHeaderOnly(t *testing.T) {
	raw := []byte("From: Ana <ana@city.example>\r\nSubject: =?utf-8?q?R=C3=A9ponse?=\r\nMessage-ID: <a1@city.example>\r\n" +
		"References: <w1@un.org>\r\nContent-Type: text/plain\r\n\r\nbody text\r\n")
	full, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHeaderOnly(raw)
	if err != nil {
		t.Fatal(err)
	}
	if h.MessageID != full.MessageID || h.Subject != full.Subject || h.FromAddress() != full.FromAddress() ||
		len(h.References) != 1 || h.ContentType != full.ContentType || h.Text != "" {
		t.Errorf("ParseHeaderOnly = %+v, want the envelope of %+v without the text", h, full)
	}
	if _, err := ParseHeaderOnly([]byte("just some words\n")); err != ErrUnreadable {
		t.Errorf("ParseHeaderOnly(no header) = %v, want ErrUnreadable", err)
	}
}
