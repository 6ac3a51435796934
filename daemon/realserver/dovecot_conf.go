package realserver

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"text/template"
)

// dovecotSettings fill the config templates below.
type dovecotSettings struct {
	Instance  string
	BaseDir   string
	StateDir  string
	LogPath   string
	UsersFile string
	Port      int
	LoginUser string // runs imap-login
	Internal  string // runs auth, anvil, …
	MailUser  string // owns the Maildirs
	MailGroup string
}

// dovecot23Conf is a complete dovecot.conf for Dovecot 2.3: no
// conf.d includes, nothing outside the test's directories.
var dovecot23Conf = template.Must(template.New("2.3").Parse(`# written by herald's realserver for one test (Dovecot 2.3 syntax)
instance_name = {{.Instance}}
base_dir = {{.BaseDir}}
state_dir = {{.StateDir}}
log_path = {{.LogPath}}
info_log_path = {{.LogPath}}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
default_login_user = {{.LoginUser}}
default_internal_user = {{.Internal}}
default_internal_group = {{.Internal}}
mail_uid = {{.MailUser}}
mail_gid = {{.MailGroup}}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
# inotify wakes IDLE at once; this is only the fallback poll.
mailbox_idle_check_interval = 1 secs
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {{.UsersFile}}
}
userdb {
  driver = passwd-file
  args = username_format=%u {{.UsersFile}}
}
# No growing delay after failed logins from 127.0.0.1: tests fail logins on purpose.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = {{.Port}}
  }
  inet_listener imaps {
    port = 0
  }
}
`))

// dovecot24Conf is the same setup in Dovecot 2.4 syntax, written from the
// 2.4 documentation. Debian 12 ships 2.3, so it has not run here yet.
var dovecot24Conf = template.Must(template.New("2.4").Parse(`# written by herald's realserver for one test (Dovecot 2.4 syntax)
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
instance_name = {{.Instance}}
base_dir = {{.BaseDir}}
state_dir = {{.StateDir}}
log_path = {{.LogPath}}
info_log_path = {{.LogPath}}
listen = 127.0.0.1
protocols = imap
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
default_login_user = {{.LoginUser}}
default_internal_user = {{.Internal}}
default_internal_group = {{.Internal}}
mail_uid = {{.MailUser}}
mail_gid = {{.MailGroup}}
first_valid_uid = 1
first_valid_gid = 1
mail_driver = maildir
mail_path = ~/Maildir
mailbox_idle_check_interval = 1s
namespace inbox {
  inbox = yes
  separator = /
}
passdb passwd-file {
  passwd_file_path = {{.UsersFile}}
}
userdb passwd-file {
  passwd_file_path = {{.UsersFile}}
}
# No growing delay after failed logins from 127.0.0.1: tests fail logins on purpose.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    listen = 127.0.0.1
    port = {{.Port}}
  }
  inet_listener imaps {
    port = 0
  }
}
`))

var dovecotVersionRE = regexp.MustCompile(`^(\d+)\.(\d+)`)

// dovecotVersion runs `dovecot --version` and returns its text and the
// major and minor numbers.
func dovecotVersion(bin string) (string, int, int, error) {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "", 0, 0, fmt.Errorf("%s --version: %w", bin, err)
	}
	text := strings.TrimSpace(string(out))
	m := dovecotVersionRE.FindStringSubmatch(text)
	if m == nil {
		return text, 0, 0, fmt.Errorf("%s --version: cannot parse %q", bin, text)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return text, major, minor, nil
}

// writeDovecotConf writes the config for the installed version to path.
func writeDovecotConf(path string, major, minor int, s dovecotSettings) error {
	tmpl := dovecot23Conf
	if major > 2 || (major == 2 && minor >= 4) {
		tmpl = dovecot24Conf
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if err := tmpl.Execute(f, s); err != nil {
		f.Close()
		return fmt.Errorf("render %s: %w", path, err)
	}
	return f.Close()
}

// writeUsers writes a passwd-file: user:{PLAIN}password::::home::.
// uid and gid stay empty, so mail_uid and mail_gid apply.
func writeUsers(path, mailDir string, users map[string]string) error {
	var b strings.Builder
	for user, pass := range users {
		if user == "" || strings.ContainsAny(user, ":\n\r/ ") {
			return fmt.Errorf("dovecot user %q: empty or has one of ':', '/', space or a newline", user)
		}
		if strings.ContainsAny(pass, ":\n\r") {
			return fmt.Errorf("dovecot user %q: password has ':' or a newline, which passwd-file cannot hold", user)
		}
		fmt.Fprintf(&b, "%s:{PLAIN}%s::::%s/%s::\n", user, pass, mailDir, user)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
