package compose

import (
	"regexp"
	"testing"
	"time"
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

// Ids made a millisecond or more apart sort in the order they were made
// (the outbox's index of Message-IDs grows at one end).
func TestNewMessageIDSortsByTime(t *testing.T) {
	prev := NewMessageID("un.org")
	for range 5 {
		time.Sleep(2 * time.Millisecond)
		id := NewMessageID("un.org")
		if id <= prev {
			t.Fatalf("%s made after %s sorts before it", id, prev)
		}
		prev = id
	}
}
