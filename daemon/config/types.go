// Package config loads, checks and defaults herald's config.yaml (docs/CONFIG.md).
package config

import (
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Config is the whole of config.yaml after ${VAR} expansion, defaults and
// validation. Fields mirror the YAML keys one to one.
type Config struct {
	// Path is the file the config was read from (not a YAML key).
	Path string `yaml:"-"`

	Database  string `yaml:"database"`
	Timezone  string `yaml:"timezone"`
	Templates string `yaml:"templates"`
	// ShutdownGrace is how long a stop or a reload lets the SMTP
	// transactions in flight finish before they are cut.
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
	Sandbox       Sandbox       `yaml:"sandbox"`
	Log           Log           `yaml:"log"`
	HTTP          HTTP          `yaml:"http"`
	Event         Event         `yaml:"event"`
	Accounts      []Account     `yaml:"accounts"`
	Triage        Triage        `yaml:"triage"`
	Lists         []List        `yaml:"lists"`
	Waves         []Wave        `yaml:"waves"`

	// Location is Timezone resolved (not a YAML key).
	Location *time.Location `yaml:"-"`
	// Warnings are what is allowed but unwise, in line order, located
	// like errors (not a YAML key): `herald check` prints them.
	Warnings Errors `yaml:"-"`
}

// Sandbox is `sandbox: true|false` or `sandbox: {imap: ADDR, smtp: ADDR}` (docs/CONFIG.md §9).
// A mapping turns the sandbox on. Empty addresses mean "a free loopback port".
type Sandbox struct {
	Enabled bool
	IMAP    string
	SMTP    string
}

// Log selects the slog handler.
type Log struct {
	Level  string `yaml:"level"`  // debug | info | warn | error
	Format string `yaml:"format"` // text | json
}

// HTTP configures the dashboard, /metrics and /healthz.
type HTTP struct {
	Listen    string `yaml:"listen"`
	Token     string `yaml:"token"`
	PublicURL string `yaml:"public_url"`
	// Users may log in to the dashboard with a name and a password.
	Users []User `yaml:"users"`
}

// User is a person who logs in to the dashboard. Accounts, when set,
// limits what they see and act on to the enquiries and waves of those
// accounts (a focal point); empty means every account.
type User struct {
	Name         string   `yaml:"name"`
	PasswordHash string   `yaml:"password_hash"` // bcrypt, from `herald passwd`
	Accounts     []string `yaml:"accounts"`
}

// User returns the dashboard user called name, or nil.
func (h *HTTP) User(name string) *User {
	for i := range h.Users {
		if h.Users[i].Name == name {
			return &h.Users[i]
		}
	}
	return nil
}

// Event is available to every template as .Event.
type Event struct {
	Name      string    `yaml:"name"`
	RefPrefix string    `yaml:"ref_prefix"`
	Start     time.Time `yaml:"start"`
	End       time.Time `yaml:"end"`
	Venue     string    `yaml:"venue"`
	URL       string    `yaml:"url"`
}

// Account is one contact inbox with its IMAP and SMTP servers.
type Account struct {
	Name     string   `yaml:"name"`
	Address  string   `yaml:"address"`
	FromName string   `yaml:"from_name"`
	Language string   `yaml:"language"`
	Aliases  []string `yaml:"aliases"`
	IMAP     IMAP     `yaml:"imap"`
	SMTP     SMTP     `yaml:"smtp"`
	// TrustedAuthServIDs and AckMaxPerHour override triage's for this
	// account when set (an account behind another MX, or busier).
	TrustedAuthServIDs []string `yaml:"trusted_authserv_ids"`
	AckMaxPerHour      int      `yaml:"ack_max_per_hour"`
}

// Auth holds the credentials shared by the IMAP and SMTP sections.
type Auth struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// PasswordCommand and TokenCommand are kept as written, ${VAR} and
	// all: the shell that runs them expands variables from the
	// environment, so a value is never parsed as shell code.
	PasswordCommand string `yaml:"password_command"`
	// Mechanism is "" (PLAIN/LOGIN with Password) or "xoauth2" (TokenCommand).
	Mechanism    string `yaml:"auth"`
	TokenCommand string `yaml:"token_command"`
}

// IMAP is an account's IMAP server and the mailboxes herald watches.
type IMAP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Security string `yaml:"security"` // tls | starttls | none
	Auth     `yaml:",inline"`
	Watch    []string      `yaml:"watch"`
	Poll     time.Duration `yaml:"poll"`
}

// SMTP is an account's submission server.
type SMTP struct {
	Host        string `yaml:"host"`
	Port        int    `yaml:"port"`
	Security    string `yaml:"security"` // tls | starttls | none
	Auth        `yaml:",inline"`
	Connections int    `yaml:"connections"`
	Rate        Rate   `yaml:"rate"`
	DailyCap    int    `yaml:"daily_cap"` // 0 = no cap
	SentFolder  string `yaml:"sent_folder"`
}

// Rate is "n/s", "n/m", "n/h" or "n/d": N messages per Per.
type Rate struct {
	N   int
	Per time.Duration
}

// Triage is the rule set of docs/CONFIG.md §6 and docs/BEHAVIOUR.md §4.
type Triage struct {
	Acknowledge      *bool         `yaml:"acknowledge"`
	AckTemplate      string        `yaml:"ack_template"`
	AckOncePer       time.Duration `yaml:"ack_once_per"`
	QuarantineFolder string        `yaml:"quarantine_folder"`
	// MaxMessageSize is the largest message, in bytes, read whole; a
	// larger one is filed to QuarantineFolder by its header alone.
	MaxMessageSize int64 `yaml:"max_message_size"`
	// AckExceptions are sender patterns acknowledged even when none of our
	// addresses is in To/Cc/Bcc/Resent-* (docs/BEHAVIOUR.md §5.1,
	// not-addressed-to-us), compiled when the file is read: a bad one is a located error.
	AckExceptions []*regexp.Regexp `yaml:"-"`
	Rules         []Rule           `yaml:"rules"`
	Default       RuleActions      `yaml:"default"`
	// Digest mails each account its enquiries without a human answer.
	Digest Digest `yaml:"digest"`
	// TrustedAuthServIDs are the authserv-ids (RFC 8601 §2.2) of our own
	// receiving servers: their Authentication-Results DMARC pass proves a
	// From address (docs/BEHAVIOUR.md §6.1).
	TrustedAuthServIDs []string `yaml:"trusted_authserv_ids"`
	// AckMaxPerHour caps the automatic messages one account sends an
	// hour, whoever they go to (forged return paths spread over many
	// addresses get past the per-address cap).
	AckMaxPerHour int `yaml:"ack_max_per_hour"`
}

// Digest is the optional morning digest of enquiries waiting for an answer.
type Digest struct {
	Cron      string        `yaml:"cron"`
	OlderThan time.Duration `yaml:"older_than"`
	Template  string        `yaml:"template"`
}

// Rule is one triage rule: every key of Match given must match.
type Rule struct {
	Name        string `yaml:"name"`
	Match       Match  `yaml:"match"`
	RuleActions `yaml:",inline"`
}

// Match holds the regexes and tests of a rule; nil means "not given".
// Header names are canonical (X-Mailer), as net/textproto stores them.
type Match struct {
	From          *regexp.Regexp            `yaml:"-"`
	To            *regexp.Regexp            `yaml:"-"`
	Subject       *regexp.Regexp            `yaml:"-"`
	Body          *regexp.Regexp            `yaml:"-"`
	Header        map[string]*regexp.Regexp `yaml:"-"`
	HasAttachment *bool                     `yaml:"-"`
	Language      string                    `yaml:"-"`
}

// RuleActions are what a matching rule (or the default) does.
type RuleActions struct {
	Category    string `yaml:"category"`
	Folder      string `yaml:"folder"`
	Flag        string `yaml:"flag"`
	Forward     string `yaml:"forward"`
	Acknowledge *bool  `yaml:"acknowledge"`
	AckTemplate string `yaml:"ack_template"`
}

// List is a contact list, optionally fed from a CSV file.
type List struct {
	Name string `yaml:"name"`
	File string `yaml:"file"`
}

// Wave is one scheduled mailing (docs/BEHAVIOUR.md §8).
type Wave struct {
	Name      string            `yaml:"name"`
	Account   string            `yaml:"account"`
	List      string            `yaml:"list"`
	Template  string            `yaml:"template"`
	At        *time.Time        `yaml:"at"`
	Cron      string            `yaml:"cron"`
	AttachICS bool              `yaml:"attach_ics"`
	Audience  string            `yaml:"audience"` // all | no-reply | accepted | declined | maybe
	After     string            `yaml:"after"`
	MinGap    time.Duration     `yaml:"min_gap"`
	Until     *time.Time        `yaml:"until"`
	Where     map[string]string `yaml:"where"`
	// FailureThreshold pauses the wave when this share of its deliveries failed.
	FailureThreshold float64 `yaml:"failure_threshold"`
	MaxTries         int     `yaml:"max_tries"`
}

// Account returns the account named name, or nil.
func (c *Config) Account(name string) *Account {
	for i := range c.Accounts {
		if c.Accounts[i].Name == name {
			return &c.Accounts[i]
		}
	}
	return nil
}

// ListsOf returns the lists that account's waves send to, each once, in
// config order: what an unsubscribe from that account leaves (docs/BEHAVIOUR.md
// §6.2: "every list that this account's waves send to").
func (c *Config) ListsOf(account string) []string {
	var out []string
	for _, w := range c.Waves {
		if w.Account == account && !slices.Contains(out, w.List) {
			out = append(out, w.List)
		}
	}
	return out
}

// List returns the list named name, or nil.
func (c *Config) List(name string) *List {
	for i := range c.Lists {
		if c.Lists[i].Name == name {
			return &c.Lists[i]
		}
	}
	return nil
}

// Wave returns the wave named name, or nil.
func (c *Config) Wave(name string) *Wave {
	for i := range c.Waves {
		if c.Waves[i].Name == name {
			return &c.Waves[i]
		}
	}
	return nil
}

// Ack reports whether a message matched by actions a (a rule or the
// default) is acknowledged, and with which template: the rule's values,
// else triage's.
func (t *Triage) Ack(a *RuleActions) (ack bool, template string) {
	ack = t.Acknowledge == nil || *t.Acknowledge
	if a != nil && a.Acknowledge != nil {
		ack = *a.Acknowledge
	}
	template = t.AckTemplate
	if a != nil && a.AckTemplate != "" {
		template = a.AckTemplate
	}
	return ack, template
}

// TrustedAuthServIDs returns the authserv-ids trusted for account a:
// its own list when it has one, else triage's.
func (c *Config) TrustedAuthServIDs(a *Account) []string {
	if a != nil && len(a.TrustedAuthServIDs) > 0 {
		return a.TrustedAuthServIDs
	}
	return c.Triage.TrustedAuthServIDs
}

// AckMaxPerHour returns the hourly ceiling of automatic messages from
// account a: its own when set, else triage's.
func (c *Config) AckMaxPerHour(a *Account) int {
	if a != nil && a.AckMaxPerHour > 0 {
		return a.AckMaxPerHour
	}
	if c.Triage.AckMaxPerHour <= 0 {
		return DefaultAckMaxPerHour // a Config built in code, without applyDefaults
	}
	return c.Triage.AckMaxPerHour
}

// DefaultAckMaxPerHour is triage.ack_max_per_hour when left out.
const DefaultAckMaxPerHour = 100

// DefaultShutdownGrace is shutdown_grace when left out.
const DefaultShutdownGrace = 30 * time.Second

// String formats r as config.yaml writes it, e.g. "20/s".
func (r Rate) String() string {
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "m", time.Hour: "h", 24 * time.Hour: "d"}[r.Per]
	if unit == "" {
		return fmt.Sprintf("%d/%s", r.N, r.Per)
	}
	return fmt.Sprintf("%d/%s", r.N, unit)
}

// Interval is the mean gap between two messages at rate r; 0 if r is unset.
func (r Rate) Interval() time.Duration {
	if r.N <= 0 {
		return 0
	}
	return r.Per / time.Duration(r.N)
}
