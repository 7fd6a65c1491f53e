package mcpserver

import (
	"context"
	"encoding/json"
	"strings"

	"connectrpc.com/connect"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// Resource URIs. They name the server's workspace; the plan template takes
// an environment.
const (
	FindingsURI     = "patchbay://workspace/findings"
	SystemMapURI    = "patchbay://workspace/map"
	PlanURITemplate = "patchbay://workspace/plan/{environment}"
	planURIPrefix   = "patchbay://workspace/plan/"
)

func (s *server) addResources(srv *mcp.Server) {
	srv.AddResource(&mcp.Resource{URI: FindingsURI, Name: "findings", Title: "Findings", MIMEType: "application/json",
		Description: "Services and findings (SDK usage, env vars, webhook handlers, OAuth callbacks) of the workspace."}, s.readFindings)
	srv.AddResource(&mcp.Resource{URI: SystemMapURI, Name: "system-map", Title: "System map", MIMEType: "application/json",
		Description: "Services, providers, resources and env vars of the workspace and how they relate."}, s.readMap)
	srv.AddResourceTemplate(&mcp.ResourceTemplate{URITemplate: PlanURITemplate, Name: "plan", Title: "Plan of an environment", MIMEType: "application/json",
		Description: "A fresh read-only plan of the environment (local, staging, ...)."}, s.readPlan)
}

func jsonContents(uri string, v any) (*mcp.ReadResourceResult, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "application/json", Text: string(b)}}}, nil
}

func (s *server) readFindings(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	root, err := s.root("")
	if err != nil {
		return nil, err
	}
	out, err := s.analyze(ctx, root, false)
	if err != nil {
		return nil, err
	}
	return jsonContents(req.Params.URI, out)
}

func (s *server) readMap(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	root, err := s.root("")
	if err != nil {
		return nil, err
	}
	m, err := s.d.Provision.GetSystemMap(ctx, connect.NewRequest(&patchbayv1.GetSystemMapRequest{WorkspaceRoot: root}))
	if err != nil {
		return nil, err
	}
	return jsonContents(req.Params.URI, mapOut(m.Msg))
}

func (s *server) readPlan(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	env, ok := strings.CutPrefix(req.Params.URI, planURIPrefix)
	if !ok || env == "" || strings.Contains(env, "/") {
		return nil, mcp.ResourceNotFoundError(req.Params.URI)
	}
	root, err := s.root("")
	if err != nil {
		return nil, err
	}
	resp, err := s.d.Provision.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: env}))
	if err != nil {
		return nil, err
	}
	return jsonContents(req.Params.URI, planOut(resp.Msg.GetPlan()))
}
