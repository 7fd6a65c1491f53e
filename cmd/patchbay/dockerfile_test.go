package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
