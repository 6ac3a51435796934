package store

import (
	"context"
	"testing"
	"time"
)

// TestCapturedByID: one captured message with its raw bytes; nil for an
// id that is not there.
func TestCapturedByID(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if err := s.AddCaptured(ctx, CapturedMessage{From: "gccm@un.org", To: []string{"a@x.example", "b@x.example"}, Subject: "Hi",
		MessageID: "<1@x>", ReceivedAt: at, Raw: []byte("Subject: Hi\r\n\r\nHello\r\n")}); err != nil {
		t.Fatal(err)
	}
	var id int64
	s.Captured(ctx, false, func(m CapturedMessage) error { id = m.ID; return nil })
	m, err := s.CapturedByID(ctx, id)
	if err != nil || m == nil || m.From != "gccm@un.org" || len(m.To) != 2 || string(m.Raw) != "Subject: Hi\r\n\r\nHello\r\n" || !m.ReceivedAt.Equal(at) {
		t.Fatalf("CapturedByID(%d) = %+v, %v", id, m, err)
	}
	if m, err := s.CapturedByID(ctx, id+1); m != nil || err != nil {
		t.Errorf("CapturedByID(absent) = %+v, %v; want nil, nil", m, err)
	}
}
