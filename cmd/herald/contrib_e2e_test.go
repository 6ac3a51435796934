package main

// The files under contrib/ are started here the way they start herald:
// the systemd unit's ExecStart, ExecReload and stop, and the
// Containerfile's build line, then its ENTRYPOINT and CMD as its USER
// with only its VOLUME writable. Neither systemd as PID 1 nor a container
// engine runs in CI, so the rest of their confinement (system call
// filter, address families, private /tmp and devices; the base image's
// contents) is checked by `systemd-analyze` or not at all: see README
// "Operations".

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/app"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/testconfig"
)

// unitFile is a systemd unit: "Section.Key" to its values, in order.
type unitFile map[string][]string

func readUnit(t *testing.T, path string) unitFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u, section := unitFile{}, ""
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "", line[0] == '#', line[0] == ';':
		case strings.HasSuffix(line, `\`):
			t.Fatalf("%s:%d: continuation lines are not read by this test", path, i+1)
		case line[0] == '[':
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s:%d: not key=value: %q", path, i+1, line)
			}
			u[section+"."+k] = append(u[section+"."+k], v)
		}
	}
	return u
}

// last is the value that counts for a key set once (systemd keeps the
// last assignment).
func (u unitFile) last(key string) string {
	if v := u[key]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

// TestSystemdUnit checks contrib/systemd/herald.service has the hardening
// README promises, passes `systemd-analyze verify` and scores "OK" or
// better in `systemd-analyze security`, then starts herald with its
// ExecStart as an unprivileged user with a read-only root but for the
// state directory, reloads it with its ExecReload, and stops it with
// SIGTERM within TimeoutStopSec.
func TestSystemdUnit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(testconfig.RepoRoot(), "contrib", "systemd", "herald.service")
	u := readUnit(t, path)
	for key, want := range map[string]string{
		"Service.User": "herald", "Service.NoNewPrivileges": "yes", "Service.ProtectSystem": "strict",
		"Service.ProtectHome": "yes", "Service.PrivateTmp": "yes", "Service.PrivateDevices": "yes",
		"Service.ReadWritePaths": "/var/lib/herald", "Service.StateDirectory": "herald",
		"Service.WorkingDirectory": "/var/lib/herald", "Service.CapabilityBoundingSet": "",
		"Service.RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"Service.ExecReload":              "/bin/kill -HUP $MAINPID", "Service.UMask": "0077",
	} {
		if got, ok := u[key]; !ok || u.last(key) != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if !slices.Contains(u["Service.SystemCallFilter"], "@system-service") {
		t.Errorf("SystemCallFilter = %q, want @system-service among them", u["Service.SystemCallFilter"])
	}
	stopTimeout, err := time.ParseDuration(u.last("Service.TimeoutStopSec"))
	if within := app.StopWithin(config.DefaultShutdownGrace); err != nil || stopTimeout <= within {
		t.Errorf("TimeoutStopSec = %q (%v): want a duration longer than herald's longest stop %v", u.last("Service.TimeoutStopSec"), err, within)
	}
	analyzeUnit(t, path, u)
	startUnit(t, u, stopTimeout)
}

// analyzeUnit runs systemd-analyze on a copy of the unit whose ExecStart
// names the test's binary (verify requires it to exist).
func analyzeUnit(t *testing.T, path string, u unitFile) {
	t.Helper()
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-analyze is missing (Debian package systemd)")
		}
		t.Log("systemd-analyze is missing: unit not verified")
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	exe := strings.Fields(u.last("Service.ExecStart"))[0]
	cp := filepath.Join(t.TempDir(), "herald.service")
	if err := os.WriteFile(cp, []byte(strings.Replace(string(b), "ExecStart="+exe, "ExecStart="+heraldBin, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", "--man=no", cp).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// --threshold=20: an exposure above 2.0 fails ("OK" ends at 3.9).
	out, err = exec.Command("systemd-analyze", "security", "--offline=true", "--threshold=20", cp).CombinedOutput()
	if err != nil {
		t.Errorf("systemd-analyze security: %v\n%s", err, out)
	}
	if m := regexp.MustCompile(`Overall exposure level[^\n]*`).Find(out); m != nil {
		t.Log(string(m))
	}
}

// startUnit starts herald as the unit does. The unit's User=herald
// becomes uid 65534 (nobody), so that the test adds no user to the
// machine.
func startUnit(t *testing.T, u unitFile, stopTimeout time.Duration) {
	needJail(t)
	j := newJail(t, 65534, 65534)
	argv := strings.Fields(u.last("Service.ExecStart"))
	cfg := argv[slices.Index(argv, "--config")+1]
	state := filepath.Join("/var/lib", u.last("Service.StateDirectory"))
	mode, err := strconv.ParseUint(u.last("Service.StateDirectoryMode"), 8, 32)
	if err != nil {
		t.Fatalf("StateDirectoryMode: %v", err)
	}
	copyFile(t, heraldBin, j.at(argv[0]))
	j.installConfig(t, cfg, filepath.Join(state, "herald.db"), "text")
	j.mkdirOwned(t, state, os.FileMode(mode))
	j.writable = u["Service.ReadWritePaths"]
	j.workdir = u.last("Service.WorkingDirectory")
	j.umask = u.last("Service.UMask")

	d, dashboard := j.start(t, j.paths(argv)...)
	pid := d.cmd.Process.Pid
	checkConfined(t, pid, j.uid)
	waitHealthy(t, dashboard)

	reload := strings.Fields(strings.ReplaceAll(u.last("Service.ExecReload"), "$MAINPID", strconv.Itoa(pid)))
	if out, err := exec.Command(reload[0], reload[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("ExecReload %q: %v\n%s", reload, err, out)
	}
	waitFor(t, 10*time.Second, func() bool { return strings.Contains(d.stderr.String(), "msg=reloaded") })

	d.cmd.Process.Signal(syscall.SIGTERM) // systemd's KillSignal
	select {
	case err := <-d.exited:
		if err != nil {
			t.Fatalf("herald after SIGTERM: %v, want exit 0", err)
		}
	case <-time.After(stopTimeout):
		t.Fatalf("herald still running TimeoutStopSec=%v after SIGTERM", stopTimeout)
	}
	checkDatabase(t, j.at(filepath.Join(state, "herald.db")), j.uid)
}

// paths maps the absolute paths among args into the jail's root.
func (j *jail) paths(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if strings.HasPrefix(a, "/") {
			out[i] = j.at(a)
		}
	}
	return out
}

// checkConfined reads the running herald's credentials from /proc.
func checkConfined(t *testing.T, pid, uid int) {
	t.Helper()
	st := status(t, pid)
	if ids := strings.Fields(st["Uid"]); len(ids) == 0 || slices.ContainsFunc(ids, func(s string) bool { return s != strconv.Itoa(uid) }) {
		t.Errorf("herald runs as uids %q, want %d only", st["Uid"], uid)
	}
	for k, want := range map[string]string{"NoNewPrivs": "1", "CapBnd": "0000000000000000", "CapEff": "0000000000000000"} {
		if st[k] != want {
			t.Errorf("herald's %s = %q, want %q", k, st[k], want)
		}
	}
}

// checkDatabase checks the daemon made its database private and owned
// by its user.
func checkDatabase(t *testing.T, db string, uid int) {
	t.Helper()
	fi, err := os.Stat(db)
	if err != nil {
		t.Fatalf("the database: %v", err)
	}
	if fi.Mode().Perm() != 0o600 || int(fi.Sys().(*syscall.Stat_t).Uid) != uid {
		t.Errorf("%s: mode %o, owner %d; want 600 and %d", db, fi.Mode().Perm(), fi.Sys().(*syscall.Stat_t).Uid, uid)
	}
}

// stage is one FROM of a Containerfile and its instructions.
type stage struct {
	from, name string
	instr      [][2]string // instruction (upper case), arguments
}

func readContainerfile(t *testing.T, path string) []stage {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	joined := regexp.MustCompile(`\\\n`).ReplaceAllString(string(b), " ")
	var stages []stage
	for _, line := range strings.Split(joined, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		op, args, _ := strings.Cut(line, " ")
		op, args = strings.ToUpper(op), strings.TrimSpace(args)
		if op == "FROM" {
			f := strings.Fields(args)
			s := stage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("%s: %s before FROM", path, op)
		}
		stages[len(stages)-1].instr = append(stages[len(stages)-1].instr, [2]string{op, args})
	}
	return stages
}

// get returns the arguments of every instruction op in s.
func (s stage) get(op string) []string {
	var out []string
	for _, in := range s.instr {
		if in[0] == op {
			out = append(out, in[1])
		}
	}
	return out
}

// jsonArgs reads the exec form of ENTRYPOINT and CMD.
func jsonArgs(t *testing.T, op, s string) []string {
	t.Helper()
	var a []string
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatalf("%s %s: want the exec form [\"…\"] (signals reach herald, not a shell): %v", op, s, err)
	}
	return a
}

// TestContainerfile checks contrib/container/Containerfile is a
// multi-stage build (cgo on the Go of go.mod, then a slim runtime of the
// same Debian release) that runs herald as a numeric non-root user with a
// volume for the database; then it runs the build stage's `go build`
// line and starts the result the way the runtime stage does, with the
// root read-only (`--read-only`) but for the volume, JSON logs on stdout,
// and stops it with its STOPSIGNAL within Docker's default 10 s.
func TestContainerfile(t *testing.T) {
	t.Parallel()
	root := testconfig.RepoRoot()
	stages := readContainerfile(t, filepath.Join(root, "contrib", "container", "Containerfile"))
	if len(stages) != 2 || stages[0].name == "" {
		t.Fatalf("want two stages, a named build and the runtime; got %+v", stages)
	}
	build, run := stages[0], stages[1]
	checkBaseImages(t, root, build.from, run.from)

	var user string
	if u := run.get("USER"); len(u) == 1 {
		user = u[0]
	}
	uidS, gidS, _ := strings.Cut(user, ":")
	uid, err1 := strconv.Atoi(uidS)
	gid, err2 := strconv.Atoi(gidS)
	if err1 != nil || err2 != nil || uid == 0 || gid == 0 {
		t.Fatalf("USER %q: want numeric uid:gid, not root", user)
	}
	vol := run.get("VOLUME")
	if !slices.Equal(vol, []string{"/var/lib/herald"}) {
		t.Errorf("VOLUME = %q, want /var/lib/herald", vol)
	}
	var src, dst string
	for _, c := range run.get("COPY") {
		if f := strings.Fields(c); len(f) == 3 && f[0] == "--from="+build.name {
			src, dst = f[1], f[2]
		}
	}
	if src == "" {
		t.Fatalf("the runtime stage copies nothing from %s", build.name)
	}
	bin := buildStage(t, root, build, src)

	needJail(t)
	j := newJail(t, uid, gid)
	copyFile(t, bin, j.at(dst))
	env := map[string]string{}
	for _, e := range run.get("ENV") {
		k, v, _ := strings.Cut(e, "=")
		env[k] = v
		j.env = append(j.env, k+"="+j.paths([]string{v})[0])
	}
	if env["HERALD_CONFIG"] == "" {
		t.Fatal("no ENV HERALD_CONFIG: where does the mounted config go?")
	}
	j.installConfig(t, env["HERALD_CONFIG"], vol[0]+"/herald.db", "json")
	j.mkdirOwned(t, vol[0], 0o700)
	j.writable = vol
	j.workdir = run.get("WORKDIR")[0]
	argv := append(jsonArgs(t, "ENTRYPOINT", run.get("ENTRYPOINT")[0]), jsonArgs(t, "CMD", run.get("CMD")[0])...)

	d, dashboard := j.start(t, j.paths(argv)...)
	checkConfined(t, d.cmd.Process.Pid, uid)
	resp, err := http.Get("http://" + dashboard + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sig := run.get("STOPSIGNAL")
	if !slices.Equal(sig, []string{"SIGTERM"}) {
		t.Fatalf("STOPSIGNAL = %q, want SIGTERM", sig)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.exited:
		if err != nil {
			t.Fatalf("herald after SIGTERM: %v, want exit 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("herald still running 10 s after SIGTERM: docker stop would kill it")
	}
	checkJSONLines(t, d.stdout.String())
	checkDatabase(t, j.at(vol[0]+"/herald.db"), uid)
}

// checkBaseImages requires the build image's Go to be go.mod's and both
// stages to be the same Debian release (herald links glibc dynamically).
func checkBaseImages(t *testing.T, root, build, run string) {
	t.Helper()
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVer := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	m := regexp.MustCompile(`^golang:(\d+\.\d+)(?:\.\d+)?-(\w+)$`).FindStringSubmatch(build)
	if goVer == nil || m == nil || m[1] != string(goVer[1]) {
		t.Errorf("build stage FROM %s: want golang:%s-RELEASE (go.mod)", build, goVer[1])
		return
	}
	if run != "debian:"+m[2]+"-slim" {
		t.Errorf("runtime stage FROM %s: want debian:%s-slim, the build's release", run, m[2])
	}
}

// buildStage runs the build stage's `go build` line from the repository
// root, with its ARG defaults, writing what the runtime stage copies
// (out) into a temp dir instead.
func buildStage(t *testing.T, root string, build stage, out string) string {
	t.Helper()
	var line string
	for _, r := range build.get("RUN") {
		if strings.Contains(r, "go build") {
			line = r
		}
	}
	if line == "" || !strings.Contains(line, "-o "+out+" ") || !strings.Contains(line, "CGO_ENABLED=1") {
		t.Fatalf("build stage: want a RUN line with CGO_ENABLED=1 go build -o %s; got %q", out, line)
	}
	bin := filepath.Join(t.TempDir(), "herald")
	cmd := exec.Command("sh", "-c", strings.Replace(line, "-o "+out+" ", "-o "+bin+" ", 1))
	cmd.Dir = root
	cmd.Env = os.Environ()
	for _, a := range build.get("ARG") {
		if k, v, ok := strings.Cut(a, "="); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build stage %q: %v\n%s", line, err, out)
	}
	return bin
}

// checkJSONLines requires every line of out to be a JSON object, and one
// of them the start.
func checkJSONLines(t *testing.T, out string) {
	t.Helper()
	started := false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		started = started || m["msg"] == "herald started"
	}
	if !started {
		t.Errorf("no \"herald started\" line on stdout:\n%s", out)
	}
}
