package cli

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// silentServer accepts connections and never says a word, as a server
// behind a firewall that lets SYN through and drops the rest may seem.
func silentServer(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().(*net.TCPAddr).Port
}

// TestCheckConnectSilentServer: a server that never answers is reported
// as such once its time is up, for IMAP and SMTP alike.
func TestCheckConnectSilentServer(t *testing.T) {
	defer func(d time.Duration) { connectTimeout = d }(connectTimeout)
	connectTimeout = 300 * time.Millisecond // the real one is 10 s
	port := silentServer(t)
	dir := t.TempDir()
	h := testconfig.Habitat{Address: "decorte@un.org", Password: "x", IMAPPort: port, SMTPPort: port}
	cfg := writeFile(t, filepath.Join(dir, "config.yaml"),
		testconfig.Head("herald.db", testconfig.RepoTemplates(), false, "info")+"accounts:\n"+h.YAML()+"\n")
	code, out, errOut := herald(t, cfg, "check", "--connect")
	if code != ExitFailure || !strings.Contains(errOut, "2 of 2 connections failed") {
		t.Fatalf("check --connect = %d\n%s%s", code, out, errOut)
	}
	for _, proto := range []string{"imap", "smtp"} {
		want := proto + " 127.0.0.1:"
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, want) {
				line = l
			}
		}
		if !strings.Contains(line, "FAILED: no answer from the server within 0.3 s") || strings.Contains(line, "closed") {
			t.Errorf("%s line = %q, want no answer within the time\n%s", proto, line, out)
		}
	}
}
