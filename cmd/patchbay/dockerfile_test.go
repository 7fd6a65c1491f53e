package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDockerfileBuilds runs the Dockerfile's build instruction (the RUN
// that calls go build) on this checkout, as the image's build stage does
// (golang:*-bookworm, with a C compiler), and checks that the binary runs
// and links nothing the runtime stage (debian:bookworm-slim) lacks. The
// image itself is not built here: that needs a container engine and the
// base images' registry.
func TestDockerfileBuilds(t *testing.T) {
	root := filepath.Join("..", "..")
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var build string
	for _, line := range strings.Split(strings.ReplaceAll(string(df), "\\\n", " "), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "RUN "); ok && strings.Contains(rest, "go build") {
			build = rest
		}
	}
	if build == "" {
		t.Fatal("the Dockerfile has no RUN instruction that calls go build")
	}
	if !strings.Contains(build, "/out/patchbay") {
		t.Fatalf("the build instruction does not write /out/patchbay, which the runtime stage copies: %s", build)
	}
	bin := filepath.Join(t.TempDir(), "patchbay")
	cmd := exec.Command("sh", "-c", strings.ReplaceAll(build, "/out/patchbay", bin))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VERSION=v0.0.0-docker-test")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Dockerfile's build instruction fails: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "v0.0.0-docker-test") {
		t.Fatalf("the image's binary: %v %s", err, out)
	}
	// What bookworm-slim has without installing anything: glibc.
	glibc := map[string]bool{"linux-vdso.so.1": true, "libc.so.6": true, "libm.so.6": true, "libpthread.so.0": true,
		"libdl.so.2": true, "libresolv.so.2": true, "librt.so.1": true}
	ldd, err := exec.Command("ldd", bin).CombinedOutput()
	if err != nil && !strings.Contains(string(ldd), "not a dynamic executable") {
		t.Fatalf("ldd: %v %s", err, ldd)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(ldd)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.Contains(line, "statically linked") || strings.Contains(line, "not a dynamic executable") || strings.HasPrefix(filepath.Base(f[0]), "ld-linux") {
			continue
		}
		if !glibc[f[0]] {
			t.Errorf("the image's binary needs %s, which debian:bookworm-slim does not have", f[0])
		}
	}
}

// TestComposeKeysetReadable reads compose.yaml and the Dockerfile: the
// keyset secret must reach the daemon's PATCHBAY_KEYSET_FILE readable by
// the image's user. Docker Compose (without swarm) bind-mounts a secret
// whose source is a file, with the host file's owner and mode, and ignores
// uid, gid and mode for it (Compose file reference, services "secrets",
// long syntax); a secret from an environment variable is copied in with
// them. So the secret must come from the environment, owned by the uid the
// Dockerfile gives its user, and readable by its owner.
func TestComposeKeysetReadable(t *testing.T) {
	root := filepath.Join("..", "..")
	var compose struct {
		Services map[string]struct {
			Environment map[string]string  `yaml:"environment"`
			Secrets     []composeSecretRef `yaml:"secrets"`
		} `yaml:"services"`
		Secrets map[string]struct {
			File, Environment string
		} `yaml:"secrets"`
	}
	raw, err := os.ReadFile(filepath.Join(root, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`useradd [^\n]*--uid (\d+)`).FindSubmatch(df)
	if m == nil {
		t.Fatal("the Dockerfile's useradd gives its user no fixed uid")
	}
	uid := string(m[1])
	if !regexp.MustCompile(`(?m)^USER (` + uid + `|patchbay)\b`).Match(df) {
		t.Errorf("the image does not run as the user with uid %s", uid)
	}
	svc, ok := compose.Services["patchbay"]
	if !ok {
		t.Fatal("compose.yaml has no patchbay service")
	}
	file := svc.Environment["PATCHBAY_KEYSET_FILE"]
	found := false
	for _, s := range svc.Secrets {
		target := s.Target
		if target == "" {
			target = s.Source
		}
		if !strings.HasPrefix(target, "/") {
			target = "/run/secrets/" + target
		}
		if target != file {
			continue
		}
		found = true
		top := compose.Secrets[s.Source]
		if top.File != "" || top.Environment == "" {
			t.Errorf("secret %s comes from file %q: Compose bind-mounts it with the host file's owner and mode; take it from an environment variable", s.Source, top.File)
		}
		if s.UID != uid {
			t.Errorf("secret %s is owned by uid %q, the image's user is %s", s.Source, s.UID, uid)
		}
		if s.Mode == nil || *s.Mode&0o400 == 0 {
			t.Errorf("secret %s mode %v: its owner cannot read it", s.Source, s.Mode)
		}
	}
	if !found {
		t.Errorf("no secret of the patchbay service is mounted at PATCHBAY_KEYSET_FILE (%q)", file)
	}
}

// composeSecretRef is a service's secret in either syntax: a name, or the
// long form.
type composeSecretRef struct {
	Source, Target, UID, GID string
	Mode                     *uint32
}

func (r *composeSecretRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		r.Source = n.Value
		return nil
	}
	type long composeSecretRef
	return n.Decode((*long)(r))
}
