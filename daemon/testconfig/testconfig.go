// Package testconfig writes the parts of a herald config.yaml that the
// module's tests and benchmarks share: the head (database, timezone,
// templates, sandbox, log, http and the seed conference's event), the
// habitat account on loopback servers, and the triage section of the
// shipped config.yaml. It also finds the repository's root. It is plain
// Go with no dependencies, for test files anywhere in the module; callers
// append what is theirs (accounts, lists, waves, …) to the YAML it returns.
package testconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

// Head is the top of a test config.yaml, each key at the top level and
// the text ending in a newline: database and templates as given (a
// relative path is resolved against the config file's folder), timezone
// Europe/Brussels, sandbox or not, logs as text at logLevel, the web
// server on a free loopback port, and the event of the seed conference
// (GCCM, Mechelen, 16–17 November 2017). The caller adds accounts and the
// rest.
func Head(database, templates string, sandbox bool, logLevel string) string {
	return fmt.Sprintf(`database: %s
timezone: Europe/Brussels
templates: %s
sandbox: %t
log: {level: %s, format: text}
http: {listen: "127.0.0.1:0"}
event:
  name: Global Conference on Cities and Migrants
  ref_prefix: GCCM
  start: 2017-11-16T09:00:00+01:00
  end: 2017-11-17T17:00:00+01:00
  venue: Lamot Congress Centre, Mechelen, Belgium
  url: https://example.org/gccm
`, database, templates, sandbox, logLevel)
}

// SentFolder is the sent_folder of Habitat's account.
const SentFolder = "Sent"

// Habitat is the seed's habitat account (UN-Habitat focal point, English,
// alias gccm@un.org) on loopback IMAP and SMTP servers without TLS, as a
// live test or benchmark runs it: IMAP watches INBOX and logs in as
// Address, SMTP keeps a copy of what it sends in SentFolder.
type Habitat struct {
	Address, Password  string
	IMAPPort, SMTPPort int
	// Connections and Rate are the SMTP limits; left zero, the keys are
	// left out and herald's defaults apply.
	Connections int
	Rate        string
}

// YAML is the account as an element of accounts:, indented by two
// spaces, without a final newline.
func (h Habitat) YAML() string {
	var limits string
	if h.Connections != 0 {
		limits += fmt.Sprintf("\n      connections: %d", h.Connections)
	}
	if h.Rate != "" {
		limits += "\n      rate: " + h.Rate
	}
	return fmt.Sprintf(`  - name: habitat
    address: %s
    from_name: UN-Habitat focal point
    language: en
    aliases: [gccm@un.org]
    imap:
      host: 127.0.0.1
      port: %d
      security: none
      username: %s
      password: %s
      watch: [INBOX]
    smtp:
      host: 127.0.0.1
      port: %d
      security: none%s
      sent_folder: %s`, h.Address, h.IMAPPort, h.Address, h.Password, h.SMTPPort, limits, SentFolder)
}

// RepoRoot is the repository's root folder, found from this source file,
// so that it does not depend on the working directory of the test.
func RepoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		// -trimpath leaves a module path, not a file on disk.
		panic(fmt.Sprintf("testconfig: cannot locate the repository from %q", file))
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// RepoTemplates is the repository's templates folder, the shipped
// templates.
func RepoTemplates() string { return filepath.Join(RepoRoot(), "templates") }

// ShippedTriage is the triage section of the repository's config.yaml, as
// this tree has it, from its "triage:" line up to the next top-level line,
// with its acknowledge set as given. It fails if the section is missing or
// does not say "acknowledge: true", which it replaces.
func ShippedTriage(acknowledge bool) (string, error) {
	b, err := os.ReadFile(filepath.Join(RepoRoot(), "config.yaml"))
	if err != nil {
		return "", fmt.Errorf("the shipped config: %w", err)
	}
	s := string(b)
	i := strings.Index(s, "\ntriage:\n")
	if i < 0 {
		return "", errors.New("the shipped config.yaml has no triage section")
	}
	// The section ends where the next top-level line starts; blank lines
	// and indented ones are still its own.
	lines := strings.SplitAfter(s[i+1:], "\n")
	s = lines[0]
	for _, l := range lines[1:] {
		if l != "" && l[0] != ' ' && l[0] != '\n' {
			break
		}
		s += l
	}
	const shipped = "\n  acknowledge: true\n"
	if !strings.Contains(s, shipped) {
		return "", errors.New("the shipped triage section does not say acknowledge: true")
	}
	return strings.Replace(s, shipped, fmt.Sprintf("\n  acknowledge: %t\n", acknowledge), 1), nil
}

// TriageConfig is the in-memory config the triage and respond unit
// tests share: the habitat account (decorte@un.org, alias gccm@un.org,
// English), acknowledgements on with the ack template once a week, a
// visa rule with its own template and a press rule that forwards
// instead of acknowledging.
func TriageConfig() *config.Config {
	yes, no := true, false
	return &config.Config{
		Event: config.Event{Name: "Global Conference on Cities and Migrants", RefPrefix: "GCCM"},
		Accounts: []config.Account{{
			Name: "habitat", Address: "decorte@un.org", Aliases: []string{"gccm@un.org"}, Language: "en",
		}},
		Triage: config.Triage{
			Acknowledge: &yes, AckTemplate: "ack", AckOncePer: 168 * time.Hour, QuarantineFolder: "Triage/Unreadable",
			Rules: []config.Rule{
				{Name: "visa", Match: config.Match{Subject: regexp.MustCompile(`(?i)\bvisas?\b`)},
					RuleActions: config.RuleActions{Category: "visa", Folder: "Triage/Visa", AckTemplate: "ack-visa"}},
				{Name: "press", Match: config.Match{From: regexp.MustCompile(`(?i)@(reuters|afp)\.`)},
					RuleActions: config.RuleActions{Category: "press", Folder: "Triage/Press", Acknowledge: &no, Forward: "press@example.org"}},
			},
			Default: config.RuleActions{Category: "general", Folder: "Triage/General"},
		},
	}
}
