package mailconn

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/testconfig"
)

func TestSecret(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		auth config.Auth
		want string
	}{
		{"password", config.Auth{Password: "pw"}, "pw"},
		{"password wins over command", config.Auth{Password: "pw", PasswordCommand: "echo other"}, "pw"},
		{"first line, trimmed", config.Auth{PasswordCommand: `printf '  s3cret \nsecond line\n'`}, "s3cret"},
		{"no trailing newline", config.Auth{PasswordCommand: `printf tok`}, "tok"},
		{"xoauth2 token", config.Auth{Mechanism: "xoauth2", TokenCommand: "echo ya29.token", Password: "ignored"}, "ya29.token"},
		{"nothing configured", config.Auth{}, ""},
	} {
		got, err := Secret(ctx, tc.auth)
		if err != nil || got != tc.want {
			t.Errorf("%s: Secret = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestSecretErrorsHideTheSecret(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, wantErr string
		auth          config.Auth
	}{
		{"exit status", "password_command failed: exit status 3",
			config.Auth{PasswordCommand: `echo hunter2; echo "cannot unlock hunter2" >&2; exit 3`}},
		{"empty output", "printed nothing", config.Auth{PasswordCommand: `echo; echo hunter2`}},
		{"xoauth2 without command", "needs a token_command", config.Auth{Mechanism: "xoauth2", Password: "hunter2"}},
		{"unknown mechanism", "unknown auth mechanism", config.Auth{Mechanism: "cram-md5", Password: "hunter2"}},
		{"token command fails", "token_command failed", config.Auth{Mechanism: "xoauth2", TokenCommand: "echo hunter2; false"}},
	} {
		_, err := Secret(ctx, tc.auth)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: Secret error %v, want one containing %q", tc.name, err, tc.wantErr)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error %q shows the secret", tc.name, err)
		}
	}
}

func TestSecretCommandTimeout(t *testing.T) {
	defer func(d time.Duration) { secretTimeout = d }(secretTimeout)
	secretTimeout = 200 * time.Millisecond
	start := time.Now()
	// The pipe keeps a child holding stdout: the process group must die too.
	_, err := Secret(context.Background(), config.Auth{PasswordCommand: "sleep 30 | cat"})
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("Secret = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Secret took %v to time out", d)
	}
}

// A variable in password_command reaches the shell as data: config keeps
// the command as written and the shell expands the variable from the
// environment, so a value holding shell syntax runs nothing.
func TestSecretCommandVariablesAreNotCode(t *testing.T) {
	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned")
	value := "s3cret; touch " + pwned + " $(touch " + pwned + ")"
	t.Setenv("HERALD_TEST_PW", value)
	src := testconfig.Head("h.db", testconfig.RepoTemplates(), false, "info") + "accounts:\n  - name: a\n    address: a@example.org\n" +
		"    imap: {host: imap.example.org, username: a, password_command: 'printf \"%s\\n\" ${HERALD_TEST_PW}'}\n" +
		"    smtp: {host: smtp.example.org}\n"
	cfg, err := config.Parse(filepath.Join(dir, "config.yaml"), []byte(src), os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Accounts[0].IMAP.PasswordCommand; got != `printf "%s\n" ${HERALD_TEST_PW}` {
		t.Fatalf("password_command = %q, want it as written", got)
	}
	got, err := Secret(context.Background(), cfg.Accounts[0].IMAP.Auth)
	if err != nil {
		t.Fatal(err)
	}
	// Unquoted, the shell splits the value into words, but never runs them.
	if got != "s3cret;" {
		t.Errorf("Secret = %q, want the first word of the value", got)
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("a variable's value ran as a shell command")
	}
}
