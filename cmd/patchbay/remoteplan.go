package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// Where a plan's workspace is analyzed. A local daemon analyzes the
// checkout it shares the disk with. A Patchbay server cannot see a
// laptop's checkout, so talking to one the CLI analyzes the checkout
// itself and sends the analysis with the plan request (the workspace path
// then only names the workspace the environment belongs to); --analyze
// server plans a checkout on the server's own disk (under its
// --workspace-root) instead.
const (
	analyzeAuto   = "auto"
	analyzeLocal  = "local"
	analyzeServer = "server"
)

type analyzeFlag struct{ mode string }

func (a *analyzeFlag) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.mode, "analyze", analyzeAuto,
		"where the workspace is analyzed for the plan: local (this machine, sent with the plan), server (the daemon's or server's disk), or auto (local when logged in to a server)")
}

// local reports whether this CLI analyzes the workspace for c.
func (a *analyzeFlag) local(c *client) (bool, error) {
	switch a.mode {
	case analyzeAuto, "":
		return c.Team != nil, nil
	case analyzeLocal:
		return true, nil
	case analyzeServer:
		return false, nil
	}
	return false, fmt.Errorf("--analyze %q: want local, server or auto", a.mode)
}

// root is the workspace path: a directory of this machine, unless the
// server analyzes a checkout of its own disk, which this machine may not
// have.
func (a *analyzeFlag) root(wf *workspaceFlags, c *client) (string, error) {
	if local, err := a.local(c); err != nil {
		return "", err
	} else if !local && c.Team != nil {
		return filepath.Abs(wf.workspace)
	}
	return wf.root()
}

// planRequest is the plan request for root; with a local analysis it
// carries the analysis.
func (a *analyzeFlag) planRequest(ctx context.Context, c *client, root, env string, destroy bool) (*patchbayv1.PlanRequest, error) {
	req := &patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: env, Destroy: destroy}
	local, err := a.local(c)
	if err != nil || !local || destroy {
		return req, err // a destroy plan reads only the state
	}
	req.Analysis, err = analyzeForPlan(ctx, root)
	return req, err
}

// analyzeForPlan analyzes root in this process: the services, findings and
// patchbay.json files a plan reads.
func analyzeForPlan(ctx context.Context, root string) (*patchbayv1.WorkspaceAnalysis, error) {
	opts := analyzer.Options{}
	if home, err := homeDir(); err == nil {
		opts.CacheDir = filepath.Join(home, "cache", "analyzer") // scan's per-file cache
	}
	res, err := analyzer.New(opts).Analyze(ctx, root, analyzer.Request{})
	if err != nil {
		return nil, fmt.Errorf("analyze %s: %w", root, err)
	}
	out := &patchbayv1.WorkspaceAnalysis{Services: res.Services, Findings: res.Findings, ConfigFiles: map[string][]byte{}}
	for _, p := range engine.ConfigPaths(res.Services) {
		raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p), engine.ConfigFile))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.ToSlash(filepath.Join(p, engine.ConfigFile)), err)
		}
		out.ConfigFiles[p] = raw
	}
	return out, nil
}
