package cli

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestPasswd: the printed hash verifies the password read from a pipe,
// and a short password is refused with exit code 2.
func TestPasswd(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"passwd", "alice"}, strings.NewReader("correct horse battery\n"), &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	_, hash, ok := strings.Cut(out.String(), "password_hash: '")
	hash = strings.TrimSuffix(strings.TrimSpace(hash), "'")
	if !ok || !strings.HasPrefix(out.String(), "    - name: alice\n") {
		t.Fatalf("output %q", out.String())
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte("correct horse battery")); err != nil {
		t.Errorf("hash %q does not verify: %v", hash, err)
	}
	out.Reset()
	errb.Reset()
	if code := Main([]string{"passwd"}, strings.NewReader("short\n"), &out, &errb); code != ExitUsage || !strings.Contains(errb.String(), "at least 10") {
		t.Errorf("short password: exit %d, %q", code, errb.String())
	}
}
