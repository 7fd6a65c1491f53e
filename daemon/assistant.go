package daemon

import (
	"context"
	"fmt"
	"strings"

	"connectrpc.com/connect"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/assistant"
	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/vault"
)

// assistantServer implements patchbayv1connect.AssistantServiceHandler: the
// assistant package parses the question and answers it through the same
// domain functions the CLI's commands reach.
type assistantServer struct{ s *Server }

func (a *assistantServer) Ask(ctx context.Context, req *connect.Request[patchbayv1.AskRequest], stream *connect.ServerStream[patchbayv1.AskResponse]) error {
	return a.s.assistantDomains().Answer(ctx, req.Msg.GetWorkspaceRoot(), req.Msg.GetQuestion(), func(r assistant.Reply) error {
		out := &patchbayv1.AskResponse{Text: r.Text, Intent: r.Intent}
		for _, c := range r.Commands {
			out.Commands = append(out.Commands, &patchbayv1.SuggestedCommand{Title: c.Title, Command: c.Command, Arguments: c.Args})
		}
		return stream.Send(out)
	})
}

// assistantDomains wires the assistant to the daemon's domain objects.
func (s *Server) assistantDomains() assistant.Domains {
	var d assistant.Domains
	if c := s.cfg.Credentials; c != nil {
		d.Providers = func() []assistant.Provider {
			var out []assistant.Provider
			for _, p := range c.Providers() {
				out = append(out, assistant.Provider{ID: p.ID, DisplayName: p.DisplayName})
			}
			return out
		}
		d.Credentials = func(ctx context.Context, in assistant.Intent, send func(assistant.Reply) error) error {
			return c.AssistIntent(ctx, vault.Intent{Kind: in.Kind, Provider: in.Provider, Profile: in.Profile}, func(r vault.Reply) error {
				out := assistant.Reply{Intent: r.Intent, Text: r.Text}
				for _, c := range r.Commands {
					out.Commands = append(out.Commands, assistant.Command{Title: c.Title, Command: c.Command, Args: c.Args})
				}
				return send(out)
			})
		}
	}
	d.Findings = func(ctx context.Context, root string) ([]*patchbayv1.Finding, error) {
		res, err := s.analyzer.Analyze(ctx, root, analyzer.Request{})
		if err != nil {
			return nil, err
		}
		return res.Findings, nil
	}
	if e := s.cfg.Engine; e != nil {
		d.Environments = func(ctx context.Context, root string) ([]string, error) {
			envs, err := e.ListEnvironments(ctx, root)
			var names []string
			for _, env := range envs {
				names = append(names, env.Name)
			}
			return names, err
		}
		d.Plan = func(ctx context.Context, root, env string, destroy bool) (*patchbayv1.Plan, error) {
			p, err := e.Plan(ctx, root, env, destroy)
			if err != nil {
				return nil, err
			}
			return p.Proto(), nil
		}
		d.Map = func(ctx context.Context, root, env string) (string, error) {
			m, err := e.SystemMap(ctx, root, env)
			if err != nil {
				return "", err
			}
			return engine.RenderMap(m), nil
		}
		d.Variables = func(ctx context.Context, root, env string) ([]*patchbayv1.EnvironmentVariable, error) {
			// Names and sources only: an answer never carries a value.
			vars, err := e.Variables(ctx, root, env, false)
			if err != nil {
				return nil, err
			}
			return engine.ProtoVariables(vars), nil
		}
	}
	if g := s.cfg.Gateway; g != nil {
		d.Keys = func(ctx context.Context) ([]string, error) {
			keys, err := g.ListKeys(ctx, "")
			if err != nil {
				return nil, err
			}
			var out []string
			for _, k := range keys {
				var grants []string
				for _, gr := range k.Grants {
					grants = append(grants, gr.Provider+": "+strings.Join(gr.Components, ", "))
				}
				out = append(out, fmt.Sprintf("**%s** (`%s`, %s) — %s", k.Name, k.TokenHint, k.Team, strings.Join(grants, "; ")))
			}
			return out, nil
		}
	}
	return d
}
