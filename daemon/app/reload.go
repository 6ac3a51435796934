package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/logging"
	"github.com/herald-mail/herald/daemon/templates"
)

// reload re-reads config.yaml on SIGHUP, as maddy does: the new config
// is built and checked in full first; a config with errors, or one whose
// components cannot be built, is reported and the running one kept,
// untouched. Otherwise only the components whose config changed are
// replaced, each stopped in two phases (its SMTP transactions in flight
// finish and are recorded); the others, IMAP sessions and SMTP pools
// included, run on. Settings bound at start (http.listen, database, the
// sandbox addresses) take effect at the next restart.
func (d *Daemon) reload() {
	log := d.log.With("component", "app")
	cfg, err := d.loadForReload()
	if err == nil {
		var p *plan
		if p, err = d.build(d.runCtx, cfg); err == nil {
			// The list files are imported only once the new config is
			// accepted: a rejected reload leaves the database untouched.
			d.syncLists(d.runCtx, cfg)
			d.apply(p, d.cfg.Load().ShutdownGrace)
		}
	}
	if err != nil {
		d.metrics.Reloads.WithLabelValues("error").Inc()
		log.Error("reload: keeping the running config", "err", err)
		return
	}
	logging.SetLevel(d.level, cfg.Log.Level)
	d.web.SetToken(cfg.HTTP.Token)
	d.web.SetUsers(cfg.HTTP.Users)
	d.cfg.Store(cfg)
	d.metrics.Reloads.WithLabelValues("ok").Inc()
	log.Info("reloaded", "config", d.opts.ConfigPath, "components", len(d.units))
}

// loadForReload reads and checks the new config against what the daemon
// holds from its start.
func (d *Daemon) loadForReload() (*config.Config, error) {
	cfg, err := config.Load(d.opts.ConfigPath)
	if err != nil {
		return nil, err
	}
	if _, err := templates.Load(cfg.Templates); err != nil {
		return nil, err
	}
	old := d.cfg.Load()
	if cfg.Sandbox.Enabled != old.Sandbox.Enabled {
		return nil, errors.New("sandbox: turning the sandbox on or off takes a restart")
	}
	if err := checkToken(d.web.Addr(), cfg.HTTP); err != nil {
		return nil, err
	}
	if cfg.HTTP.Listen != old.HTTP.Listen || cfg.Database != old.Database || cfg.Sandbox != old.Sandbox {
		d.log.Warn("reload: http.listen, database and sandbox changes take effect at the next restart",
			"component", "app", "listening", d.web.Addr())
	}
	if d.sandbox != nil {
		PointAtSandbox(cfg, d.sandbox.IMAPAddr(), d.sandbox.SMTPAddr())
	}
	return cfg, nil
}

// checkToken applies the token rule (docs/BEHAVIOUR.md §11: off loopback, a token) to
// the address the dashboard is bound to, not to the new http.listen: a
// reload does not rebind, so a config moving to 127.0.0.1 without a token
// must not switch authentication off on a public address still bound.
func checkToken(bound string, h config.HTTP) error {
	host, _, err := net.SplitHostPort(bound)
	if h.Token == "" && len(h.Users) == 0 && (err != nil || !config.IsLoopback(host)) {
		return fmt.Errorf("http.token: the dashboard is bound to %s, reachable from other machines, until a restart; "+
			"a reload cannot remove both its token and its users (keep http.token or http.users, or restart with http.listen on 127.0.0.1)", bound)
	}
	return nil
}

// templatesSum is a digest of the template files in dir: a reload that
// changes one rebuilds the components that render templates.
func templatesSum(dir string) (string, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("templates: %w", err)
	}
	h := sha256.New()
	for _, de := range des { // sorted by name
		if !de.Type().IsRegular() || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			return "", fmt.Errorf("templates: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", de.Name(), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fingerprint writes parts of a config as one comparable string: two
// configs build the same component when its fingerprints are equal.
// Regexps compare by source, times by instant and zone, pointers by what
// they point to, maps in key order.
func fingerprint(parts ...any) string {
	var b strings.Builder
	for _, p := range parts {
		writeValue(&b, reflect.ValueOf(p))
		b.WriteByte('|')
	}
	return b.String()
}

var (
	regexpType   = reflect.TypeFor[*regexp.Regexp]()
	timeType     = reflect.TypeFor[time.Time]()
	locationType = reflect.TypeFor[*time.Location]()
)

func writeValue(b *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	switch t := v.Type(); {
	case (t == regexpType || t == timeType || t == locationType) && !v.CanInterface():
		fmt.Fprint(b, v) // an unexported field: not in a config
		return
	case t == regexpType:
		if !v.IsNil() {
			fmt.Fprintf(b, "re%q", v.Interface().(*regexp.Regexp).String())
		}
		return
	case t == timeType:
		tm := v.Interface().(time.Time)
		b.WriteString(tm.Format(time.RFC3339Nano) + " " + tm.Location().String())
		return
	case t == locationType:
		if !v.IsNil() {
			b.WriteString(v.Interface().(*time.Location).String())
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		writeValue(b, v.Elem())
	case reflect.Struct:
		b.WriteByte('{')
		for i := range v.NumField() {
			b.WriteString(v.Type().Field(i).Name + ":")
			writeValue(b, v.Field(i))
			b.WriteByte(' ')
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := range v.Len() {
			writeValue(b, v.Index(i))
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		b.WriteByte('{')
		for _, k := range keys {
			writeValue(b, k)
			b.WriteByte(':')
			writeValue(b, v.MapIndex(k))
			b.WriteByte(',')
		}
		b.WriteByte('}')
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	default:
		fmt.Fprint(b, v)
	}
}
