package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"
)

func init() {
	register(&command{
		name: "passwd", args: "[NAME]",
		summary: "make the bcrypt hash of a dashboard password, for http.users[].password_hash",
		run:     runPasswd,
	})
}

// passwdCost is bcrypt's work factor: 12 takes a quarter of a second,
// slow for a guesser, unnoticed at a login.
const passwdCost = 12

// runPasswd reads a password (twice, without echo, from a terminal; one
// line from a pipe, for scripts) and prints its hash, or with NAME the
// http.users entry to paste into the config.
func runPasswd(e *env, args []string) error {
	pos, err := parse(e.flags(commands["passwd"]), args, 0, 1)
	if err != nil {
		return err
	}
	pw, err := e.readPassword()
	if err != nil {
		return err
	}
	if len([]rune(pw)) < 10 {
		return usagef("the password has %d characters; give at least 10", len([]rune(pw)))
	}
	if len(pw) > 72 {
		// bcrypt reads 72 bytes; a longer password would be cut silently.
		return usagef("the password is longer than 72 bytes, which bcrypt cannot use whole")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), passwdCost)
	if err != nil {
		return err
	}
	if len(pos) == 1 {
		fmt.Fprintf(e.stdout, "    - name: %s\n      password_hash: '%s'\n", pos[0], h)
		return nil
	}
	fmt.Fprintln(e.stdout, string(h))
	return nil
}

func (e *env) readPassword() (string, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", usagef("no password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fmt.Fprint(e.stderr, "password: ")
	a, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(e.stderr, "again: ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", usagef("the two passwords differ")
	}
	return string(a), nil
}
