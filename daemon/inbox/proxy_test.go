package inbox

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// proxy forwards TCP connections to a server and can cut them, as a dead
// network or a server crash would.
type proxy struct {
	ln     net.Listener
	target string
	// cutAfter, when > 0, cuts the first connection once the server sent
	// that many bytes through it.
	cutAfter int64

	mu       sync.Mutex
	conns    []net.Conn
	accepted atomic.Int32
	cuts     atomic.Int32
	wg       sync.WaitGroup
}

// startProxy listens on a free loopback port and forwards to target until
// the test ends.
func startProxy(t *testing.T, target string, cutAfter int64) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &proxy{ln: ln, target: target, cutAfter: cutAfter}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

// Addr is the address clients dial.
func (p *proxy) Addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		n := p.accepted.Add(1)
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		limit := int64(0)
		if n == 1 {
			limit = p.cutAfter
		}
		p.wg.Add(2)
		go func() {
			defer p.wg.Done()
			io.Copy(server, client)
			server.Close()
		}()
		go func() {
			defer p.wg.Done()
			p.down(client, server, limit)
			client.Close()
		}()
	}
}

// down copies server to client, cutting both after limit bytes (0: never).
func (p *proxy) down(client, server net.Conn, limit int64) {
	buf := make([]byte, 16<<10)
	var sent int64
	for {
		n, err := server.Read(buf)
		if n > 0 {
			if limit > 0 && sent+int64(n) >= limit {
				client.Write(buf[:limit-sent])
				p.cuts.Add(1)
				client.Close()
				server.Close()
				return
			}
			if _, werr := client.Write(buf[:n]); werr != nil {
				return
			}
			sent += int64(n)
		}
		if err != nil {
			if !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
				server.Close()
			}
			return
		}
	}
}

// cut closes every connection open now.
func (p *proxy) cut() {
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	if len(conns) > 0 {
		p.cuts.Add(1)
	}
	for _, c := range conns {
		c.Close()
	}
}
