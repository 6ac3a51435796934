package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dir holds templates/ and lists/ so that configs parsed "from" it pass the
// file checks; Parse reads no file itself.
const dir = "testdata/full"

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

// minimal is the smallest valid config; tests append keys to it.
const minimal = `sandbox: true
event: {ref_prefix: T}
accounts:
  - name: a
    address: a@example.org
`

func parseErrs(t *testing.T, src string) Errors {
	t.Helper()
	c, err := Parse(filepath.Join(dir, "test.yaml"), []byte(src), env(map[string]string{"SET": "v"}))
	if err == nil {
		t.Fatalf("Parse = %+v, nil; want errors", c)
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("Parse error %T %v; want Errors", err, err)
	}
	return es
}

func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	c, err := Parse(filepath.Join(dir, "test.yaml"), []byte(src), env(map[string]string{"SET": "v"}))
	if err != nil {
		t.Fatalf("Parse = %v", err)
	}
	return c
}

func TestLoadFull(t *testing.T) {
	for k, v := range map[string]string{"HERALD_TOKEN": "s3cret", "HABITAT_IMAP_PASSWORD": "imap-pw", "HABITAT_SMTP_PASSWORD": "smtp-pw"} {
		t.Setenv(k, v)
	}
	c, err := Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatalf("Load = %v", err)
	}
	hab, iom := c.Account("habitat"), c.Account("iom")
	if hab == nil || iom == nil {
		t.Fatalf("accounts = %+v", c.Accounts)
	}
	ack, tmpl := c.Triage.Ack(&c.Triage.Rules[1].RuleActions)
	checks := []struct {
		name      string
		got, want any
	}{
		{"database", c.Database, filepath.Join(dir, "data/herald.db")},
		{"templates", c.Templates, filepath.Join(dir, "templates")},
		{"shutdown grace default", c.ShutdownGrace, 30 * time.Second},
		{"list file", c.Lists[0].File, filepath.Join(dir, "lists/mayors.csv")},
		{"location", c.Location.String(), "Europe/Brussels"},
		{"token", c.HTTP.Token, "s3cret"},
		{"event start", c.Event.Start.Equal(time.Date(2017, 11, 16, 8, 0, 0, 0, time.UTC)), true},
		{"habitat imap password", hab.IMAP.Password, "imap-pw"},
		{"habitat smtp rate", hab.SMTP.Rate, Rate{N: 20, Per: time.Second}},
		{"habitat aliases", strings.Join(hab.Aliases, ","), "gccm@un.org"},
		{"iom imap port", iom.IMAP.Port, 993},
		{"iom imap security", iom.IMAP.Security, "tls"},
		{"iom imap watch", strings.Join(iom.IMAP.Watch, ","), "INBOX"},
		{"iom imap poll", iom.IMAP.Poll, 60 * time.Second},
		{"iom imap username", iom.IMAP.Username, "gccm@iom.int"},
		{"iom smtp port", iom.SMTP.Port, 587},
		{"iom smtp connections", iom.SMTP.Connections, 4},
		{"iom smtp rate", iom.SMTP.Rate.String(), "300/m"},
		{"iom smtp daily cap", iom.SMTP.DailyCap, 10000},
		{"iom language", iom.Language, "fr"},
		{"acknowledge", *c.Triage.Acknowledge, true},
		{"ack_once_per", c.Triage.AckOncePer, 168 * time.Hour},
		{"max_message_size default", c.Triage.MaxMessageSize, int64(25 << 20)},
		{"visa rule", c.Triage.Rules[0].Match.Subject.MatchString("Visa letter"), true},
		{"press header canonical", c.Triage.Rules[1].Match.Header["X-Mailer"] != nil, true},
		{"press has_attachment", *c.Triage.Rules[1].Match.HasAttachment, false},
		{"press ack", ack, false},
		{"press ack template", tmpl, "ack"},
		{"default folder", c.Triage.Default.Folder, "Triage/General"},
		{"digest template", c.Triage.Digest.Template, "digest"},
		{"digest older_than", c.Triage.Digest.OlderThan, 48 * time.Hour},
		{"invitation at", c.Wave("invitation").At != nil, true},
		{"invitation audience", c.Wave("invitation").Audience, "all"},
		{"reminder max_tries", c.Wave("reminder").MaxTries, 10},
		{"reminder threshold", c.Wave("reminder").FailureThreshold, 0.2},
		{"reminder where", c.Wave("reminder").Where["country"], "BE"},
		{"reminder min_gap", c.Wave("reminder").MinGap, 120 * time.Hour},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// TestTenMistakes is the acceptance criterion "a config with ten different
// mistakes yields ten located errors in one run".
func TestTenMistakes(t *testing.T) {
	src := `datbase: x.db
timezone: Mars/Olympus
sandbox: true
http: {listen: "0.0.0.0:8025"}
event: {ref_prefix: GCCM}
accounts:
  - name: habitat
    address: not-an-address
    imap:
      security: ssl
    smtp:
      rate: 20/x
  - name: habitat
    address: b@example.org
triage:
  rules:
    - match: {subject: '(unclosed'}
lists:
  - name: mayors
waves:
  - {name: w1, account: habitat, list: mayors, template: invitation, cron: "61 * * * *"}
  - {name: w2, account: habitat, list: mayors, template: nope, at: 2017-09-15T09:00:00Z}
`
	want := []struct {
		line int
		key  string
		msg  string
	}{
		{1, "datbase", `unknown key "datbase"`},
		{2, "timezone", `unknown time zone "Mars/Olympus"`},
		{4, "http.listen", "set http.token"},
		{8, "accounts[0].address", `"not-an-address" is not an email address`},
		{10, "accounts[0].imap.security", `"ssl" is not one of tls, starttls, none`},
		{12, "accounts[0].smtp.rate", `"20/x" is not a rate (want n/s, n/m, n/h or n/d)`},
		{13, "accounts[1].name", `account name "habitat" is already used at line 7`},
		{17, "triage.rules[0].match.subject", "invalid regular expression: missing closing )"},
		{21, "waves[0].cron", `"61 * * * *" is not a cron schedule`},
		{22, "waves[1].template", `template "nope" not found`},
	}
	es := parseErrs(t, src)
	if len(es) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(es), len(want), es)
	}
	for i, w := range want {
		e := es[i]
		if e.Line != w.line || e.Key != w.key || !strings.Contains(e.Msg, w.msg) || e.File != filepath.Join(dir, "test.yaml") {
			t.Errorf("error %d = %q, want line %d key %s msg ~ %q", i, e, w.line, w.key, w.msg)
		}
	}
}

// TestErrors checks single problems: each source yields exactly one error,
// or none when line is -1.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		key, msg  string
	}{
		{"nested unknown key", minimal + "    imap:\n      hots: x\n", 7, "accounts[0].imap.hots", `unknown key "hots"; known keys here: auth, host,`},
		{"missing env", minimal + "http:\n  token: pre-${NOPE}\n", 7, "http.token", "environment variable NOPE is not set"},
		{"bad env name", minimal + "http:\n  token: ${1X}\n", 7, "http.token", "not a valid variable reference"},
		{"duplicate key", minimal + "database: a\ndatabase: b\n", 7, "database", "key given twice"},
		{"unknown database URL", minimal + "database: mysql://h/herald\n", 6, "database", "mysql:// is not a database herald knows"},
		{"postgres without database name", minimal + "database: postgres://u:pw@db.example\n", 6, "database", "postgres://u:xxxxx@db.example needs a host and a database name"},
		{"postgres", minimal + "database: postgres://herald@db.example/herald?sslmode=require\n", -1, "", ""},
		{"syntax", minimal + "log: {level: info\n", 6, "", "invalid YAML"},
		{"empty", "# nothing\n", 0, "", "the file is empty"},
		{"root is a list", "- a\n- b\n", 1, "", "must be a mapping"},
		{"byte order mark", "\ufeff" + minimal, -1, "", ""},
		{"crlf", strings.ReplaceAll(minimal, "\n", "\r\n"), -1, "", ""},
		{"no ref prefix", strings.Replace(minimal, "event: {ref_prefix: T}", "event: {name: E}", 1), 2, "event.ref_prefix", "required"},
		{"two documents", minimal + "---\nx: 1\n", 7, "", "more than one YAML document"},
		{"missing alias", minimal + "log: *nope\n", 6, "log", "alias *nope names no anchor"},
		{"not a mapping", minimal + "http: [a]\n", 6, "http", "expected a mapping"},
		{"not a list", minimal + "lists: x\n", 6, "lists", "expected a list"},
		{"no accounts", "sandbox: true\nevent: {ref_prefix: T}\n", 0, "accounts", "at least one account"},
		{"no host", strings.Replace(minimal, "sandbox: true", "sandbox: false", 1) + "    imap: {password: x}\n    smtp: {host: s}\n", 6, "accounts[0].imap.host", "required unless sandbox"},
		{"no credentials", strings.Replace(minimal, "sandbox: true", "sandbox: false", 1) + "    imap: {host: i}\n    smtp: {host: s}\n", 6, "accounts[0].imap.password", "no credentials"},
		{"xoauth2 without command", minimal + "    smtp: {auth: xoauth2}\n", 6, "accounts[0].smtp.auth", "needs token_command"},
		{"unknown auth", minimal + "    smtp: {auth: cram-md5}\n", 6, "accounts[0].smtp.auth", `"cram-md5" is not supported`},
		{"command env unset", minimal + "    imap: {password_command: 'pass show ${NOPE}'}\n", 6, "accounts[0].imap.password_command", "environment variable NOPE is not set"},
		{"password twice", minimal + "    imap: {password: a, password_command: b}\n", 6, "accounts[0].imap.password_command", "not both"},
		{"bad port", minimal + "    imap: {port: 70000}\n", 6, "accounts[0].imap.port", "not a TCP port"},
		{"bad number", minimal + "    smtp: {connections: many}\n", 6, "accounts[0].smtp.connections", `"many" is not a whole number`},
		{"bad duration", minimal + "    imap: {poll: 60}\n", 6, "accounts[0].imap.poll", "use Go syntax with a unit"},
		{"grace too long", minimal + "shutdown_grace: 1h\n", 6, "shutdown_grace", "from 1s to 10m"},
		{"bad language", minimal + "    language: English\n", 6, "accounts[0].language", "not a language code"},
		{"bad alias address", minimal + "    aliases: [\"Bob <b@example.org>\"]\n", 6, "accounts[0].aliases[0]", "bare address"},
		{"shared address", minimal + "  - {name: b, address: A@example.org}\n", 6, "accounts[1].address", "already used at line 5"},
		{"bad size", minimal + "triage: {max_message_size: 25 megs}\n", 6, "triage.max_message_size", `"25 megs" is not a size`},
		{"size out of range", minimal + "triage: {max_message_size: 2GB}\n", 6, "triage.max_message_size", "give 1MiB to 1GiB"},
		{"bad bool", minimal + "triage: {acknowledge: yes}\n", 6, "triage.acknowledge", `"yes" is not a boolean`},
		{"bad time", strings.Replace(minimal, "ref_prefix: T", "ref_prefix: T, start: 2017-11-16", 1), 2, "event.start", "not an RFC 3339 time"},
		{"event twice", minimal + "event: {ref_prefix: T}\n", 6, "event", "key given twice"},
		{"ref prefix", strings.Replace(minimal, "ref_prefix: T", "ref_prefix: gccm", 1), 2, "event.ref_prefix", "capital letters"},
		{"public url", minimal + "http: {public_url: rsvp.example.org}\n", 6, "http.public_url", "absolute http or https URL"},
		{"user ok", minimal + "http:\n  users:\n    - {name: alice, password_hash: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', accounts: [a]}\n", -1, "", ""},
		{"user clear password", minimal + "http:\n  users:\n    - {name: alice, password_hash: hunter2}\n", 8, "http.users[0].password_hash", "herald passwd"},
		{"user no hash", minimal + "http:\n  users:\n    - {name: alice}\n", 8, "http.users[0].password_hash", "required"},
		{"user bad account", minimal + "http:\n  users:\n    - {name: alice, password_hash: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', accounts: [b]}\n", 8, "http.users[0].accounts[0]", `no account "b" (have: a)`},
		{"user twice", minimal + "http:\n  users:\n    - {name: al, password_hash: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'}\n    - {name: al, password_hash: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'}\n", 9, "http.users[1].name", "already used"},
		{"user bad name", minimal + "http:\n  users:\n    - {name: 'a b', password_hash: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'}\n", 8, "http.users[0].name", "use letters"},
		{"users open public address", minimal + "http:\n  listen: 0.0.0.0:8025\n  users:\n    - {name: al, password_hash: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'}\n", -1, "", ""},
		{"log level", minimal + "log: {level: loud}\n", 6, "log.level", `"loud" is not one of debug, info, warn, error`},
		{"empty match", minimal + "triage:\n  rules:\n    - {name: x, category: c}\n", 8, "triage.rules[0].match", "no match key"},
		{"bad header regex", minimal + "triage:\n  rules:\n    - match:\n        header: {X-Foo: '['}\n", 9, "triage.rules[0].match.header.X-Foo", "invalid regular expression"},
		{"bad ack exception", minimal + "triage:\n  ack_exceptions:\n    - '@forms\\.example\\.org$'\n    - '(relay'\n", 9, "triage.ack_exceptions[1]", "invalid regular expression: missing closing )"},
		{"bad authserv-id", minimal + "triage:\n  trusted_authserv_ids: [mx.un.org, 'mx.un.org; dmarc=pass']\n", 7, "triage.trusted_authserv_ids[1]", "not an authserv-id"},
		{"account authserv-id", minimal + "    trusted_authserv_ids: ['']\n", 6, "accounts[0].trusted_authserv_ids[0]", "not an authserv-id"},
		{"ack ceiling", minimal + "triage: {ack_max_per_hour: -5}\n", 6, "triage.ack_max_per_hour", "give at least 1"},
		{"account ack ceiling", minimal + "    ack_max_per_hour: -1\n", 6, "accounts[0].ack_max_per_hour", "give at least 1"},
		{"bad forward", minimal + "triage: {default: {forward: nobody}}\n", 6, "triage.default.forward", "not an email address"},
		{"bad flag", minimal + "triage: {default: {flag: 'two words'}}\n", 6, "triage.default.flag", "not an IMAP keyword"},
		{"bad digest cron", minimal + "triage: {digest: {cron: '@sometimes'}}\n", 6, "triage.digest.cron", "not a cron schedule"},
		{"missing template", minimal + "triage: {ack_template: nope}\n", 6, "triage.ack_template", `template "nope" not found; create testdata/full/templates/nope.en.txt`},
		{"unused ack template", minimal + "triage: {acknowledge: false, ack_template: nope}\n", -1, "", ""},
		{"templates folder", minimal + "templates: nowhere\ntriage: {ack_template: nope}\n", 6, "templates", "folder testdata/full/nowhere does not exist"},
		{"list file", minimal + "lists: [{name: l, file: nope.csv}]\n", 6, "lists[0].file", "cannot read testdata/full/nope.csv"},
		{"list name twice", minimal + "lists: [{name: l}, {name: l}]\n", 6, "lists[1].name", `list name "l" is already used`},
		{"wave no schedule", minimal + "lists: [{name: l}]\nwaves:\n  - {name: w, account: a, list: l, template: invitation}\n", 8, "waves[0]", "no schedule"},
		{"wave both schedules", minimal + "lists: [{name: l}]\nwaves:\n  - {name: w, account: a, list: l, template: invitation, at: 2017-01-01T00:00:00Z, cron: '@daily'}\n", 8, "waves[0].cron", "not both"},
		{"wave bad at", minimal + "lists: [{name: l}]\nwaves:\n  - {name: w, account: a, list: l, template: invitation, at: tomorrow}\n", 8, "waves[0].at", "not an RFC 3339 time"},
		{"wave audience", minimal + "lists: [{name: l}]\nwaves:\n  - {name: w, account: a, list: l, template: invitation, cron: '@daily', audience: everyone}\n", 8, "waves[0].audience", `"everyone" is not one of all`},
		{"wave account", minimal + "lists: [{name: l}]\nwaves:\n  - {name: w, account: b, list: l, template: invitation, cron: '@daily'}\n", 8, "waves[0].account", `no account is named "b"`},
		{"wave template", minimal + "lists: [{name: l}]\nwaves:\n  - {name: w, account: a, list: l, template: nope, cron: '@daily'}\n", 8, "waves[0].template", `template "nope" not found`},
		{"wave after", minimal + "lists: [{name: l}]\nwaves:\n  - {name: w, account: a, list: l, template: invitation, cron: '@daily', after: v}\n", 8, "waves[0].after", `no wave is named "v"`},
		{"wave cycle", minimal + "lists: [{name: l}]\nwaves:\n  - {name: w, account: a, list: l, template: invitation, cron: '@daily', after: v}\n  - {name: v, account: a, list: l, template: invitation, cron: '@daily', after: w}\n", 8, "waves[0].after", "waves w → v → w follow each other in a cycle"},
		{"wave threshold", minimal + "lists: [{name: l}]\nwaves:\n  - {name: w, account: a, list: l, template: invitation, cron: '@daily', failure_threshold: 1.5}\n", 8, "waves[0].failure_threshold", "at most 1"},
		{"merge keys", minimal + "    smtp: &s {host: h, rate: 5/h}\n  - name: b\n    address: b@example.org\n    smtp: {<<: *s, rate: 5/x}\n", 9, "accounts[1].smtp.rate", `"5/x" is not a rate`},
		{"self merge", minimal + "    smtp: &s {<<: *s, hots: x}\n", 6, "accounts[0].smtp.hots", "unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.line < 0 {
				mustParse(t, tt.src)
				return
			}
			es := parseErrs(t, tt.src)
			if len(es) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(es), es)
			}
			e := es[0]
			if e.Line != tt.line || e.Key != tt.key || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("error = %q, want line %d key %q msg ~ %q", e, tt.line, tt.key, tt.msg)
			}
		})
	}
}

func TestEnvExpansion(t *testing.T) {
	// The value is data: YAML syntax in it is not parsed, "$${" is a literal
	// "${" and a "$" alone stays (regex anchors).
	vars := env(map[string]string{"T": "a: [b]\n- c", "S": "(?i)x"})
	src := minimal + "http: {token: '${T}', public_url: 'https://x.org/$${T}'}\ntriage:\n  rules:\n    - match: {subject: '^${S}$'}\n"
	c, err := Parse(filepath.Join(dir, "t.yaml"), []byte(src), vars)
	if err != nil {
		t.Fatalf("Parse = %v", err)
	}
	if c.HTTP.Token != "a: [b]\n- c" || c.HTTP.PublicURL != "https://x.org/${T}" {
		t.Errorf("token %q, public_url %q", c.HTTP.Token, c.HTTP.PublicURL)
	}
	if re := c.Triage.Rules[0].Match.Subject; re.String() != "^(?i)x$" || !re.MatchString("X") {
		t.Errorf("subject = %v", re)
	}
}

// TestCommandsKeepTheirVariables: password_command and token_command go
// to the shell as written; the shell expands ${VAR} from the environment.
func TestCommandsKeepTheirVariables(t *testing.T) {
	vars := env(map[string]string{"PW": "x; rm -rf ~", "TOK": "$(id)"})
	src := minimal + "    imap: {password_command: 'printf %s \"${PW}\" $${HOME}'}\n    smtp: {auth: xoauth2, token_command: 'oauth2 ${TOK}'}\n"
	c, err := Parse(filepath.Join(dir, "t.yaml"), []byte(src), vars)
	if err != nil {
		t.Fatalf("Parse = %v", err)
	}
	if got := c.Accounts[0].IMAP.PasswordCommand; got != `printf %s "${PW}" $${HOME}` {
		t.Errorf("password_command = %q, want it as written", got)
	}
	if got := c.Accounts[0].SMTP.TokenCommand; got != "oauth2 ${TOK}" {
		t.Errorf("token_command = %q, want it as written", got)
	}
}

// TestForgeryKeys: the proof and ceiling keys default, and an account's
// own values override triage's.
func TestForgeryKeys(t *testing.T) {
	c := mustParse(t, minimal)
	if got := c.AckMaxPerHour(&c.Accounts[0]); got != 100 {
		t.Errorf("default ack_max_per_hour = %d, want 100", got)
	}
	if got := c.TrustedAuthServIDs(&c.Accounts[0]); len(got) != 0 {
		t.Errorf("default trusted_authserv_ids = %q, want none", got)
	}
	c = mustParse(t, minimal+"    trusted_authserv_ids: [mx2.un.org]\n    ack_max_per_hour: 7\n  - {name: b, address: b@example.org}\n"+
		"triage: {trusted_authserv_ids: [mx.un.org], ack_max_per_hour: 40}\n")
	if got := c.TrustedAuthServIDs(&c.Accounts[0]); strings.Join(got, ",") != "mx2.un.org" {
		t.Errorf("account a trusts %q, want its own mx2.un.org", got)
	}
	if got := c.TrustedAuthServIDs(&c.Accounts[1]); strings.Join(got, ",") != "mx.un.org" {
		t.Errorf("account b trusts %q, want triage's mx.un.org", got)
	}
	if a, b := c.AckMaxPerHour(&c.Accounts[0]), c.AckMaxPerHour(&c.Accounts[1]); a != 7 || b != 40 {
		t.Errorf("ack_max_per_hour a=%d b=%d, want 7 and 40", a, b)
	}
}

// TestAckExceptions: triage.ack_exceptions arrive compiled, in order.
func TestAckExceptions(t *testing.T) {
	c := mustParse(t, minimal+"triage:\n  ack_exceptions: ['@forms\\.example\\.org$', '(?i)^relay@']\n")
	var got []string
	for _, re := range c.Triage.AckExceptions {
		got = append(got, re.String())
	}
	if strings.Join(got, " ") != `@forms\.example\.org$ (?i)^relay@` || !c.Triage.AckExceptions[1].MatchString("Relay@x.org") {
		t.Errorf("ack_exceptions = %q", got)
	}
}

func TestSandbox(t *testing.T) {
	base := "event: {ref_prefix: T}\naccounts: [{name: a, address: a@example.org}]\n"
	tests := []struct {
		src        string
		want       Sandbox
		key, error string
	}{
		{"sandbox: true", Sandbox{Enabled: true}, "", ""},
		{"sandbox: false\n", Sandbox{}, "accounts[0].imap.host", "required unless sandbox"},
		{"sandbox: {}", Sandbox{Enabled: true}, "", ""},
		{"sandbox: {imap: 127.0.0.1:1143, smtp: '[::1]:1025'}", Sandbox{Enabled: true, IMAP: "127.0.0.1:1143", SMTP: "[::1]:1025"}, "", ""},
		{"sandbox: {imap: 'localhost:0'}", Sandbox{Enabled: true, IMAP: "localhost:0"}, "", ""},
		{"sandbox: {imap: 192.0.2.1:1143}", Sandbox{}, "sandbox.imap", "not a loopback address"},
		{"sandbox: {smtp: 1025}", Sandbox{}, "sandbox.smtp", "not host:port"},
		{"sandbox: {pop3: 127.0.0.1:110}", Sandbox{}, "sandbox.pop3", "unknown key"},
		{"sandbox: maybe", Sandbox{}, "sandbox", `"maybe" is not a boolean`},
		{"sandbox: [a]", Sandbox{}, "sandbox", "got a list"},
	}
	for _, tt := range tests {
		c, err := Parse(filepath.Join(dir, "s.yaml"), []byte(tt.src+"\n"+base), env(nil))
		if tt.key == "" {
			if err != nil || c.Sandbox != tt.want {
				t.Errorf("%s: Parse = %+v, %v; want %+v", tt.src, c, err, tt.want)
			}
			continue
		}
		var es Errors
		if !errors.As(err, &es) || es[0].Key != tt.key || !strings.Contains(es[0].Msg, tt.error) {
			t.Errorf("%s: Parse error = %v; want %s: %s", tt.src, err, tt.key, tt.error)
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want Rate
		err  bool
	}{
		{"20/s", Rate{20, time.Second}, false},
		{"20", Rate{20, time.Second}, false},
		{"300/m", Rate{300, time.Minute}, false},
		{" 5 / h ", Rate{5, time.Hour}, false},
		{"10000/d", Rate{10000, 24 * time.Hour}, false},
		{"20/x", Rate{}, true},
		{"0/s", Rate{}, true},
		{"-1/s", Rate{}, true},
		{"/s", Rate{}, true},
		{"s", Rate{}, true},
		{"", Rate{}, true},
		{"1.5/s", Rate{}, true},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("ParseRate(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	if got := (Rate{N: 20, Per: time.Second}).Interval(); got != 50*time.Millisecond {
		t.Errorf("Interval = %v, want 50ms", got)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"26214400": 25 << 20, "25MB": 25 << 20, "25 MiB": 25 << 20, "25m": 25 << 20,
		"512KB": 512 << 10, "1GB": 1 << 30, "0": 0, "7 b": 7} {
		if got, err := ParseSize(in); got != want || err != nil {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-1MB", "1.5MB", "25 TB", "9999999999GB", "25MB5"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	es := Errors{{File: "config.yaml", Line: 42, Key: "accounts[1].smtp.rate", Msg: "bad"}, {File: "config.yaml", Msg: "empty"}}
	want := "config.yaml:42: accounts[1].smtp.rate: bad\nconfig.yaml: empty"
	if es.Error() != want {
		t.Errorf("Error() = %q, want %q", es.Error(), want)
	}
	var e *Error
	if !errors.As(error(es), &e) || e.Line != 42 {
		t.Errorf("errors.As = %v", e)
	}
}

func FuzzParse(f *testing.F) {
	full, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	f.Add([]byte(minimal))
	f.Add([]byte("a: &a {<<: *a}\nb: *a\n"))
	f.Add([]byte("sandbox: {imap: '${X}'}\nx: !!str 1\n? [a]\n: b\n"))
	f.Add([]byte("- 1\n---\n{}\n"))
	vars := env(map[string]string{"X": "127.0.0.1:1"})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(filepath.Join(dir, "fuzz.yaml"), data, vars)
		if err == nil {
			if c == nil || c.Location == nil {
				t.Fatalf("Parse = %v, nil", c)
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("Parse error %T %v; want Errors", err, err)
		}
		for _, e := range es {
			if e.Msg == "" || e.File == "" {
				t.Fatalf("incomplete error %#v", e)
			}
		}
	})
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.8.9.1": true, "::1": true, "::ffff:127.0.0.1": true, "localhost": true,
		"0.0.0.0": false, "": false, "::": false, "10.0.0.1": false, "192.0.2.1": false,
		"LocalHost": true, "localhost.example.org": false, "bad": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v", host, got)
		}
	}
}

// TestPostgresURLKeptAsGiven: a postgres:// database is a URL, not a path
// relative to the config's folder.
func TestPostgresURLKeptAsGiven(t *testing.T) {
	const url = "postgres://herald@db.example/herald?sslmode=require"
	c := mustParse(t, minimal+"database: "+url+"\n")
	if c.Database != url {
		t.Errorf("database = %q; want %q as given", c.Database, url)
	}
}
