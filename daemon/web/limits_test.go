package web

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// rawGet writes one keep-alive request for /healthz on c and reads the
// answer's status line and body.
func rawGet(t *testing.T, c net.Conn, br *bufio.Reader) int {
	t.Helper()
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: herald\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// waitClosed reads c until the server closes it. The deadline only keeps
// a broken server from hanging the test.
func waitClosed(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatalf("the server kept the connection open: %v", err)
	}
}

// A client that never finishes its headers, or idles between requests,
// is disconnected.
func TestSlowAndIdleClientsAreDisconnected(t *testing.T) {
	s, _ := startWith(t, "", func(s *Server) {
		s.Limits.ReadHeader = 50 * time.Millisecond
		s.Limits.Idle = 50 * time.Millisecond
	})
	slow, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	io.WriteString(slow, "GET /healthz HTTP/1.1\r\nHost: herald\r\n") // no blank line, ever
	waitClosed(t, slow)

	idle, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if code := rawGet(t, idle, bufio.NewReader(idle)); code != 200 && code != 503 {
		t.Fatalf("healthz = %d", code)
	}
	waitClosed(t, idle)
}

func TestOversizedHeadersAreRefused(t *testing.T) {
	_, base := startWith(t, "", func(s *Server) { s.Limits.MaxHeaderBytes = 1 << 10 })
	// net/http allows 4 KiB of slack over MaxHeaderBytes.
	resp, _ := get(t, base+"/healthz", func(r *http.Request) { r.Header.Set("X-Big", strings.Repeat("a", 16<<10)) })
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status = %d, want 431", resp.StatusCode)
	}
	if resp, _ := get(t, base+"/healthz", nil); resp.StatusCode == http.StatusRequestHeaderFieldsTooLarge {
		t.Error("a normal request was refused too")
	}
}

// With MaxConns connections open, the next client waits until one closes.
func TestConnectionCap(t *testing.T) {
	s, _ := startWith(t, "", func(s *Server) { s.Limits.MaxConns = 1 })
	held, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(held)
	rawGet(t, held, br) // answered: this connection holds the one slot

	// The kernel completes the second connection (the listener's queue);
	// herald must not read its request while the first is open.
	waiting, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer waiting.Close()
	io.WriteString(waiting, "GET /healthz HTTP/1.1\r\nHost: herald\r\n\r\n")
	// A slow machine only makes this check weaker, never failing it: an
	// answer within the wait means the cap was not applied.
	waiting.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, err := waiting.Read(make([]byte, 1)); n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a second connection was served while the cap was reached (%d, %v)", n, err)
	}
	held.Close()
	waiting.SetReadDeadline(time.Time{})
	resp, err := http.ReadResponse(bufio.NewReader(waiting), nil)
	if err != nil {
		t.Fatalf("the waiting client got no answer after a slot freed: %v", err)
	}
	resp.Body.Close()
}

// A handler's panic is a 500, a log line and a count, not a dead server.
func TestHandlerPanicIsRecoveredAndCounted(t *testing.T) {
	s, base := startWith(t, "", func(s *Server) {
		s.Handle("GET /boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("dashboard bug") }))
	})
	resp, body := get(t, base+"/boom", nil)
	if resp.StatusCode != 500 || strings.Contains(body, "dashboard bug") {
		t.Errorf("GET /boom = %d %q, want 500 without the panic text", resp.StatusCode, body)
	}
	if got := testutil.ToFloat64(s.Metrics.Panics.WithLabelValues("web")); got != 1 {
		t.Errorf("herald_panics_total{component=web} = %v, want 1", got)
	}
	if resp, _ := get(t, base+"/healthz", nil); resp.StatusCode != 200 && resp.StatusCode != 503 {
		t.Errorf("healthz after a panic = %d", resp.StatusCode)
	}
}
