package mailconn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

// SecretTimeout bounds password_command and token_command.
const SecretTimeout = 10 * time.Second

// secretTimeout is SecretTimeout, shortened by tests.
var secretTimeout = SecretTimeout

// Secret returns the password of a, or its OAuth token when Mechanism is
// "xoauth2". A command (password_command, token_command) runs with `sh -c`
// exactly as written in the config, in herald's environment (so the shell,
// not herald, expands $VAR and ${VAR}, and a value is never code), for at
// most SecretTimeout; the secret is the first line of its stdout, trimmed.
// Errors never include the secret.
func Secret(ctx context.Context, a config.Auth) (string, error) {
	switch a.Mechanism {
	case "":
		if a.Password != "" || a.PasswordCommand == "" {
			return a.Password, nil
		}
		return runSecretCommand(ctx, "password_command", a.PasswordCommand)
	case "xoauth2":
		if a.TokenCommand == "" {
			return "", errors.New("auth xoauth2 needs a token_command")
		}
		return runSecretCommand(ctx, "token_command", a.TokenCommand)
	default:
		return "", fmt.Errorf("unknown auth mechanism %q (want xoauth2 or nothing)", a.Mechanism)
	}
}

// runSecretCommand runs command and returns the first line of its stdout.
// key names the setting in errors; the command text itself is left out, as
// people do write `echo hunter2` there.
func runSecretCommand(ctx context.Context, key, command string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, secretTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Kill the whole group on timeout: `sh -c "a | b"` leaves children
	// holding stdout open otherwise; WaitDelay covers a grandchild that
	// left the group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	line, _, _ := strings.Cut(stdout.String(), "\n")
	secret := strings.TrimSpace(line)
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("%s timed out after %v", key, secretTimeout)
		}
		return "", fmt.Errorf("%s: %w", key, ctx.Err())
	}
	if err != nil {
		return "", fmt.Errorf("%s failed: %v%s", key, err, stderrTail(stderr.String(), secret))
	}
	if secret == "" {
		return "", fmt.Errorf("%s printed nothing on its first line of stdout", key)
	}
	return secret, nil
}

// stderrTail formats the end of a failed command's stderr for an error,
// with any copy of what looked like the secret blanked out.
func stderrTail(stderr, secret string) string {
	s := strings.TrimSpace(stderr)
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	if len(s) > 300 {
		s = "…" + s[len(s)-300:]
	}
	if s == "" {
		return ""
	}
	return ": " + s
}
