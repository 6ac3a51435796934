package message

import (
	"runtime"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/testmail"
)

var hostileEnvelope = testmail.Envelope{From: "a@city.example", To: "decorte@un.org", MessageID: "h@city.example", Subject: "hostile"}

// allocated returns the bytes f allocates: a bound on its memory that,
// unlike a timing, does not depend on the machine.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHostileNestedQuotes: HTML quotes nested thousands deep render to a
// bounded text, with bounded memory (issue 11: 340 KB took 3.6 GB).
func TestHostileNestedQuotes(t *testing.T) {
	for _, size := range []int{340 << 10, 1 << 20, 4 << 20} {
		raw := testmail.NestedQuotes(hostileEnvelope, size)
		var m *Message
		var err error
		n := allocated(func() { m, err = Parse(raw) })
		if err != nil {
			t.Fatalf("%d bytes: Parse() = %v", size, err)
		}
		if !m.TextFromHTML || !strings.HasPrefix(m.Text, "> word") {
			t.Errorf("%d bytes: Text starts %q, TextFromHTML %v", size, m.Text[:min(len(m.Text), 40)], m.TextFromHTML)
		}
		if len(m.Text) > 2*MaxText {
			t.Errorf("%d bytes: Text is %d bytes, want at most about %d", size, len(m.Text), MaxText)
		}
		deepest := strings.Repeat("> ", maxQuoteDepth+1)
		if strings.Contains(m.Text, deepest) {
			t.Errorf("%d bytes: a line is quoted deeper than %d", size, maxQuoteDepth)
		}
		if n > 64<<20 {
			t.Errorf("%d bytes: Parse allocated %d MB, want ≤ 64 MB", size, n>>20)
		}
	}
}

// TestHostileReferences: 40,000 ids in References are cut to MaxMsgIDs,
// keeping the thread's root and its latest ids.
func TestHostileReferences(t *testing.T) {
	m, err := Parse(testmail.ManyReferences(hostileEnvelope, 40000))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	refs := m.References
	if len(refs) != MaxMsgIDs || refs[0] != "ref-0@thread.example" || refs[len(refs)-1] != "ref-39999@thread.example" ||
		refs[1] != "ref-39901@thread.example" {
		t.Errorf("References = %d ids, %q … %q", len(refs), refs[:min(2, len(refs))], refs[max(0, len(refs)-1):])
	}
	if len(m.InReplyTo) != 1 || m.Text != "Thank you, we will attend." {
		t.Errorf("InReplyTo = %q, Text = %q", m.InReplyTo, m.Text)
	}
}

// TestHostileDeepMultipart: a big body inside 31 levels of multipart is
// read once, not once per level, and its text is cut at MaxText.
func TestHostileDeepMultipart(t *testing.T) {
	raw := testmail.DeepMultipart(hostileEnvelope, 31, 8<<20)
	var m *Message
	var err error
	n := allocated(func() { m, err = Parse(raw) })
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if len(m.Text) > MaxText || len(m.Text) < MaxText/2 || !strings.HasPrefix(m.Text, "The delegation will attend") {
		t.Errorf("Text is %d bytes, starts %q; want the first MaxText", len(m.Text), m.Text[:min(len(m.Text), 30)])
	}
	if !hasDefect(m, "text cut") {
		t.Errorf("Defects = %q, want the cut text noted", m.Defects)
	}
	// Copying the body at each level allocated 31 × 8 MB.
	if n > 8<<20 {
		t.Errorf("Parse allocated %d MB for a %d MB message, want ≤ 8 MB", n>>20, len(raw)>>20)
	}
}

// TestHostileFlat: a big attachment is measured, never decoded into memory.
func TestHostileFlat(t *testing.T) {
	raw := testmail.Flat(hostileEnvelope, 16<<20)
	var m *Message
	var err error
	n := allocated(func() { m, err = Parse(raw) })
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "slides.pptx" || m.Attachments[0].Size < 11<<20 {
		t.Errorf("Attachments = %+v, want slides.pptx of about 12 MB", m.Attachments)
	}
	if m.Text != "Please find our presentation attached." {
		t.Errorf("Text = %q", m.Text)
	}
	if n > 4<<20 {
		t.Errorf("Parse allocated %d MB for a %d MB message, want ≤ 4 MB", n>>20, len(raw)>>20)
	}
}

// TestTextBudgetAcrossParts: many text parts share one budget.
func TestTextBudgetAcrossParts(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@b.example\nContent-Type: multipart/mixed; boundary=x\n\n")
	part := strings.Repeat("é", 100<<10) // 200 KB of two-byte runes
	for range 20 {
		b.WriteString("--x\nContent-Type: text/plain; charset=utf-8\n\n" + part + "\n")
	}
	b.WriteString("--x--\n")
	m, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if len(m.Text) > MaxText+20 || !strings.HasSuffix(m.Text, "é") || strings.Contains(m.Text, "Ã") {
		t.Errorf("Text is %d bytes, ends %q: want ≤ MaxText, cut between runes, read as UTF-8", len(m.Text), m.Text[len(m.Text)-4:])
	}
}

func hasDefect(m *Message, s string) bool {
	for _, d := range m.Defects {
		if strings.Contains(d, s) {
			return true
		}
	}
	return false
}
