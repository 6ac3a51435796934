package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/herald-mail/herald/daemon/store"
)

// version is set at build time: go build -ldflags "-X github.com/herald-mail/herald/daemon/cli.version=1.2.3".
var version = ""

func init() {
	register(&command{
		name: "version", args: "[--json]", summary: "print version and build info",
		run: runVersion,
	})
}

// Version is the release, else the module version, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

type buildInfo struct {
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
	Revision  string `json:"revision,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	Schema    int    `json:"schema"`
}

func runVersion(e *env, args []string) error {
	c := commands["version"]
	fs := e.flags(c)
	asJSON := fs.Bool("json", false, "print one JSON document")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	bi := buildInfo{Version: Version(), GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH, Schema: store.SchemaVersion()}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				bi.Revision = s.Value
			case "vcs.modified":
				bi.Modified = s.Value == "true"
			}
		}
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(bi)
	}
	fmt.Fprintf(e.stdout, "herald %s (%s, %s, schema %d", bi.Version, bi.GoVersion, bi.Platform, bi.Schema)
	if bi.Revision != "" {
		fmt.Fprintf(e.stdout, ", revision %.12s", bi.Revision)
		if bi.Modified {
			fmt.Fprint(e.stdout, "+modified")
		}
	}
	fmt.Fprintln(e.stdout, ")")
	return nil
}
