package compose

import (
	"regexp"
	"testing"
)

func TestNewMessageID(t *testing.T) {
	re := regexp.MustCompile(`^<[a-z2-7]{26}@un\.org>$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewMessageID("decorte@UN.org")
		if !re.MatchString(id) {
			t.Fatalf("NewMessageID() = %q", id)
		}
		if seen[id] {
			t.Fatalf("NewMessageID() repeated %q", id)
		}
		seen[id] = true
	}
	for in, want := range map[string]string{"un.org": "@un.org>", "": "@localhost>", "bad domain": "@localhost>"} {
		if id := NewMessageID(in); !regexp.MustCompile(regexp.QuoteMeta(want) + "$").MatchString(id) {
			t.Errorf("NewMessageID(%q) = %q, want ...%s", in, id, want)
		}
	}
	if normID(NewMessageID("un.org")) == "" {
		t.Error("NewMessageID() is not a valid msg-id")
	}
}
