// Package logging builds the daemon's slog logger from the `log` section of
// config.yaml. Text logs go to stderr, leaving stdout to command output;
// JSON logs go to stdout (see Streams).
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// New returns a logger writing text or JSON at the given level, and the
// level variable so a reload can change it in place.
func New(w io.Writer, level, format string) (*slog.Logger, *slog.LevelVar, error) {
	lv := new(slog.LevelVar)
	if err := SetLevel(lv, level); err != nil {
		return nil, nil, err
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), lv, nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), lv, nil
	}
	return nil, nil, fmt.Errorf("log format %q: want text or json", format)
}

// Streams picks where `herald run` writes its logs and its start banner.
// Text logs go to stderr, for a person at a terminal. JSON logs go to
// stdout, one object per line and nothing else, because that is the
// stream container runtimes and log shippers read and parse; the banner,
// which is not JSON, then goes to stderr, out of their way.
func Streams(format string, stdout, stderr io.Writer) (logs, banner io.Writer) {
	if strings.EqualFold(format, "json") {
		return stdout, stderr
	}
	return stderr, stdout
}

// SetLevel parses debug|info|warn|error into lv.
func SetLevel(lv *slog.LevelVar, level string) error {
	if level == "" {
		level = "info"
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	lv.Set(l)
	return nil
}
