package config

import "time"

// applyDefaults fills every value left out of config.yaml. It is the only
// place defaults live; a zero value ("", 0, nil) counts as left out. The
// defaults are:
//
//	database                    data/herald.db
//	timezone                    UTC
//	templates                   templates
//	shutdown_grace              30s
//	log                         {level: info, format: text}
//	http.listen                 127.0.0.1:8025
//	accounts[].language         en
//	accounts[].imap.security    tls
//	accounts[].imap.port        993 for tls, 143 otherwise
//	accounts[].imap.watch       [INBOX]
//	accounts[].imap.poll        60s
//	accounts[].smtp.security    starttls
//	accounts[].smtp.port        465 for tls, 587 for starttls, 25 for none
//	accounts[].smtp.connections 4
//	accounts[].smtp.rate        20/s
//	accounts[].*.username       the account address
//	triage.acknowledge          true
//	triage.ack_template         ack
//	triage.ack_once_per         168h
//	triage.quarantine_folder    Triage/Unreadable
//	triage.max_message_size     25MiB
//	triage.default              {category: general, folder: Triage/General}
//	triage.ack_max_per_hour     100
//	triage.digest               {template: digest, older_than: 48h} when cron is set
//	waves[].audience            all
//	waves[].max_tries           10
//	waves[].failure_threshold   0.2
//
// Rules that leave out acknowledge or ack_template inherit triage's at run
// time, so they are left nil/empty here.
func applyDefaults(c *Config) {
	def(&c.Database, "data/herald.db")
	def(&c.Timezone, "UTC")
	def(&c.Templates, "templates")
	def(&c.ShutdownGrace, DefaultShutdownGrace)
	def(&c.Log.Level, "info")
	def(&c.Log.Format, "text")
	def(&c.HTTP.Listen, "127.0.0.1:8025")
	for i := range c.Accounts {
		accountDefaults(&c.Accounts[i])
	}
	triageDefaults(&c.Triage)
	for i := range c.Waves {
		w := &c.Waves[i]
		def(&w.Audience, "all")
		def(&w.MaxTries, 10)
		def(&w.FailureThreshold, 0.2)
	}
}

func accountDefaults(a *Account) {
	def(&a.Language, "en")

	im := &a.IMAP
	def(&im.Security, "tls")
	if im.Security == "tls" {
		def(&im.Port, 993)
	} else {
		def(&im.Port, 143)
	}
	if len(im.Watch) == 0 {
		im.Watch = []string{"INBOX"}
	}
	def(&im.Poll, 60*time.Second)
	def(&im.Username, a.Address)

	sm := &a.SMTP
	def(&sm.Security, "starttls")
	switch sm.Security {
	case "tls":
		def(&sm.Port, 465)
	case "starttls":
		def(&sm.Port, 587)
	case "none":
		def(&sm.Port, 25)
	}
	def(&sm.Connections, 4)
	if sm.Rate == (Rate{}) {
		sm.Rate = Rate{N: 20, Per: time.Second}
	}
	if sm.Password != "" || sm.PasswordCommand != "" || sm.Mechanism != "" {
		def(&sm.Username, a.Address) // docs/CONFIG.md §5.2: no SMTP AUTH when no credentials are given
	}
}

func triageDefaults(t *Triage) {
	if t.Acknowledge == nil {
		yes := true
		t.Acknowledge = &yes
	}
	def(&t.AckTemplate, "ack")
	def(&t.AckOncePer, 168*time.Hour)
	def(&t.QuarantineFolder, "Triage/Unreadable")
	def(&t.AckMaxPerHour, DefaultAckMaxPerHour)
	def(&t.MaxMessageSize, 25<<20)
	def(&t.Default.Category, "general")
	def(&t.Default.Folder, "Triage/General")
	if t.Digest.Cron != "" {
		def(&t.Digest.Template, "digest")
		def(&t.Digest.OlderThan, 48*time.Hour)
	}
}

// def sets *p to v when *p is the zero value.
func def[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}
