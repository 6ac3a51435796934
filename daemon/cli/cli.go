// Package cli is herald's command line (docs/BEHAVIOUR.md §2): global flags, the command
// table, --help for every command, and the exit codes 0 (success),
// 1 (runtime failure) and 2 (usage or config error).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// env is what every command gets.
type env struct {
	ctx        context.Context
	configPath string
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
}

// command is one entry of the command table.
type command struct {
	name    string // "sandbox inject"
	args    string // "--from A --to B ..."
	summary string
	run     func(e *env, args []string) error
}

// commands is filled by each command file's init, so a command and its
// help live together.
var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// usageError is a mistake in how the command was called: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// Main runs herald with args (without the program name) and returns the
// process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	zone = time.Local

	global := flag.NewFlagSet("herald", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&e.configPath, "config", "", "config file (default $HERALD_CONFIG, then ./config.yaml)")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printOverview(stdout)
			return ExitOK
		}
		fmt.Fprintf(stderr, "herald: %v\n\n", err)
		printOverview(stderr)
		return ExitUsage
	}
	if e.configPath == "" {
		e.configPath = os.Getenv("HERALD_CONFIG")
	}
	if e.configPath == "" {
		e.configPath = "config.yaml"
	}
	rest := global.Args()
	if len(rest) == 0 {
		printOverview(stderr)
		return ExitUsage
	}
	if rest[0] == "help" {
		printOverview(stdout)
		return ExitOK
	}
	c, rest := lookup(rest)
	if c == nil {
		fmt.Fprintf(stderr, "herald: unknown command %q\n\n", strings.Join(args[len(args)-len(global.Args()):], " "))
		printOverview(stderr)
		return ExitUsage
	}
	return exitCode(stderr, c, c.run(e, rest))
}

// lookup finds the longest command name that prefixes args ("sandbox
// inject" before "sandbox").
func lookup(args []string) (*command, []string) {
	for n := min(len(args), 3); n > 0; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c, args[n:]
		}
	}
	return nil, args
}

func exitCode(stderr io.Writer, c *command, err error) int {
	var ue usageError
	var ce config.Errors
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "herald %s: %v\nusage: herald %s %s\n", c.name, err, c.name, c.args)
		return ExitUsage
	case errors.As(err, &ce):
		for _, e := range ce {
			fmt.Fprintln(stderr, e)
		}
		fmt.Fprintf(stderr, "herald: %d problem(s) in the config\n", len(ce))
		return ExitUsage
	case errors.Is(err, errConfig):
		fmt.Fprintf(stderr, "herald: %v\n", err)
		return ExitUsage
	default:
		fmt.Fprintf(stderr, "herald %s: %v\n", c.name, err)
		return ExitFailure
	}
}

// errConfig marks a config problem that is not a located config.Errors
// (an unreadable file): exit 2.
var errConfig = errors.New("config")

func printOverview(w io.Writer) {
	fmt.Fprintln(w, "usage: herald [--config PATH] COMMAND [ARGS]")
	fmt.Fprintln(w, "\nThe config defaults to $HERALD_CONFIG, then ./config.yaml. 'herald COMMAND --help' for a command's options.")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-18s %s\n", n, commands[n].summary)
	}
}

// flags returns a FlagSet for c whose -h/--help prints the command's usage
// on stdout.
func (e *env) flags(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet("herald "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "usage: herald %s %s\n\n%s\n", c.name, c.args, c.summary)
		if hasFlags(fs) {
			fmt.Fprintln(e.stdout, "\noptions:")
			fs.SetOutput(e.stdout)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parse parses flags and positional arguments in any order (Go's flag
// package stops at the first positional one) and checks the count of
// positional arguments is between lo and hi.
func parse(fs *flag.FlagSet, args []string, lo, hi int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err // the flag package has printed fs.Usage
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < lo || len(pos) > hi {
		if hi == 0 {
			return nil, usagef("unexpected argument %q", pos[0])
		}
		return nil, usagef("want %d to %d arguments, got %d", lo, hi, len(pos))
	}
	return pos, nil
}

// zone is where the commands show times: the config's timezone once it
// is loaded (docs/BEHAVIOUR.md §2), not the machine's. One command runs per process;
// Main resets it for the tests that run several.
var zone = time.Local

// inZone is t in the config's timezone, for display.
func inZone(t time.Time) time.Time { return t.In(zone) }

// loadConfig loads the config, mapping problems to exit code 2.
func (e *env) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(e.configPath)
	if cfg != nil && cfg.Location != nil {
		zone = cfg.Location
	}
	var ce config.Errors
	if err != nil && !errors.As(err, &ce) {
		return nil, fmt.Errorf("%w: %v", errConfig, err)
	}
	return cfg, err
}
