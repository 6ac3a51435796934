package store

import (
	"context"
	"testing"
)

// TestQueueStamps: an account's stamp changes when one of its enquiries
// arrives, is closed or changes category, and only that account's.
func TestQueueStamps(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	addEnquiries(t, s, 4) // T-0001, T-0003 habitat; T-0002, T-0004 unep
	stamps := func() map[string]string {
		t.Helper()
		m, err := s.QueueStamps(ctx)
		if err != nil {
			t.Fatalf("QueueStamps() = %v", err)
		}
		return m
	}
	before := stamps()
	if before["habitat"] == "" || before["unep"] == "" || len(before) != 2 {
		t.Fatalf("QueueStamps() = %v, want a stamp for habitat and unep", before)
	}
	changes := []struct {
		name string
		do   func() error
	}{
		{"close", func() error { _, err := s.SetEnquiryStatus(ctx, "T-0001", EnquiryClose, "web:alice"); return err }},
		{"category", func() error { _, err := s.SetEnquiryCategory(ctx, "T-0003", "visa", "web:alice"); return err }},
		{"reopen", func() error { _, err := s.SetEnquiryStatus(ctx, "T-0001", EnquiryReopen, "web:alice"); return err }},
	}
	for _, c := range changes {
		if err := c.do(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		after := stamps()
		if after["habitat"] == before["habitat"] {
			t.Errorf("after %s: habitat's stamp unchanged (%q)", c.name, after["habitat"])
		}
		if after["unep"] != before["unep"] {
			t.Errorf("after %s: unep's stamp changed from %q to %q", c.name, before["unep"], after["unep"])
		}
		before = after
	}
	same := stamps()
	if same["habitat"] != before["habitat"] {
		t.Errorf("no change, yet habitat's stamp went from %q to %q", before["habitat"], same["habitat"])
	}
}
