// Package realserver starts real mail servers (Debian's Dovecot, Postfix's
// smtp-sink and a private Postfix MTA) on free loopback ports for tests. It
// is a normal package so that _test.go files anywhere in herald can import it.
//
// Every helper skips the test when its binary is missing, except under CI=true,
// where a missing binary fails the test: CI must install what the tests need.
// StartPostfix also skips when the test does not run as root, CI=true or not.
package realserver
