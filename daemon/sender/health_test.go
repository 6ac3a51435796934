package sender

import (
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/service"
)

// TestPoolHealthAgainstSink: against Postfix's smtp-sink, a pool reports
// its server working after a message went; a recipient the server
// refuses says nothing of the server; a server that cannot be reached,
// or that closes with 421, is failing with the reason; a message sent
// again makes it working.
func TestPoolHealthAgainstSink(t *testing.T) {
	reg := service.NewHealth(nil)
	state := func() (reported, healthy bool, problem string) {
		_, all := reg.Report()
		for _, c := range all {
			if c.Component == HealthName("test") {
				return true, c.Healthy, c.Problem
			}
		}
		return false, false, ""
	}
	send := func(p *Pool) error {
		return p.Send(timeout(t, 30*time.Second), "herald@example.org", "a@example.org", message("a", 1))
	}
	open := func(o realserver.SinkOptions) *Pool {
		sink := realserver.StartSMTPSink(t, o)
		p := New(Options{Account: testAccount(sink.Host, sink.Port, 1, fast, 0), Health: reg})
		t.Cleanup(func() { p.Close() })
		return p
	}

	if reported, _, _ := state(); reported {
		t.Fatal("a pool reported before sending anything")
	}
	if err := send(open(realserver.SinkOptions{})); err != nil {
		t.Fatal(err)
	}
	if reported, healthy, _ := state(); !reported || !healthy {
		t.Errorf("after a message went: reported %v, healthy %v", reported, healthy)
	}

	dead := New(Options{Account: testAccount("127.0.0.1", 1, 1, fast, 0), Health: reg})
	defer dead.Close()
	if err := send(dead); err == nil {
		t.Fatal("sent through a closed port")
	}
	if _, healthy, problem := state(); healthy || !strings.Contains(problem, "smtp connect") {
		t.Errorf("after a failed connection: healthy %v, problem %q", healthy, problem)
	}

	if err := send(open(realserver.SinkOptions{HardReject: []string{"RCPT"}})); err == nil {
		t.Fatal("the sink took a refused recipient")
	}
	if _, healthy, _ := state(); healthy {
		t.Error("a refused recipient made the failing server healthy: it says nothing of the server")
	}
	if err := send(open(realserver.SinkOptions{})); err != nil {
		t.Fatal(err)
	}
	if _, healthy, problem := state(); !healthy {
		t.Errorf("after a message went again: still failing (%q)", problem)
	}

	if err := send(open(realserver.SinkOptions{Close421: []string{"MAIL"}})); err == nil {
		t.Fatal("the sink took a message it closed on")
	}
	if _, healthy, problem := state(); healthy || !strings.Contains(problem, "421") {
		t.Errorf("after a 421: healthy %v, problem %q", healthy, problem)
	}
}
