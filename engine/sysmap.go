package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

// SystemMap returns services, providers, resources and env vars of a
// workspace and how they relate: services use providers and read env vars,
// environments own resources, resources provide env vars and call back into
// services. With envName set, only that environment's resources are shown.
func (e *Engine) SystemMap(ctx context.Context, root, envName string) (*patchbayv1.GetSystemMapResponse, error) {
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	var envs []store.Environment
	if envName != "" {
		env, err := e.environment(ctx, root, envName)
		if err != nil {
			return nil, err
		}
		envs = []store.Environment{env}
	} else {
		team, _ := teamOf(ctx)
		if envs, err = e.st.ListEnvironments(ctx, team, root); err != nil {
			return nil, err
		}
	}
	m := &mapBuilder{nodes: map[string]*patchbayv1.MapNode{}, edges: map[string]*patchbayv1.MapEdge{}}
	svcs, findings, _, err := e.analysis(ctx, root)
	if err != nil {
		return nil, err
	}
	for _, s := range svcs {
		m.node("service:"+s.GetPath(), "service", s.GetName(), "", map[string]string{"path": s.GetPath(), "language": s.GetLanguage(),
			"frameworks": strings.Join(s.GetFrameworks(), ",")})
	}
	for _, f := range findings {
		svc := "service:" + f.GetService()
		if _, ok := m.nodes[svc]; !ok {
			m.node(svc, "service", f.GetService(), "", map[string]string{"path": f.GetService()})
		}
		if p := f.GetProvider(); p != "" {
			m.node("provider:"+p, "provider", p, p, nil)
			m.edge(svc, "provider:"+p, "uses")
		}
		if f.GetKind() == patchbayv1.FindingKind_ENV_REFERENCE {
			n := f.GetEnvVar().GetName()
			m.node("env_var:"+n, "env_var", n, f.GetProvider(), nil)
			m.edge(svc, "env_var:"+n, "reads")
		}
	}
	for _, env := range envs {
		envNode := "environment:" + env.Name
		m.node(envNode, "environment", env.Name, "", map[string]string{"frontend_url": env.FrontendURL, "api_url": env.APIURL,
			"extra_origins": strings.Join(env.ExtraOrigins, ",")})
		w, err := e.loadWorkspace(ctx, root, env)
		if err != nil {
			return nil, err
		}
		desiredBy := map[Key]Desired{}
		for _, d := range w.desired {
			desiredBy[d.Key] = d
		}
		for k, r := range w.rows {
			id := "resource:" + env.Name + ":" + k.String()
			owner := "created by patchbay"
			if !r.CreatedByPatchbay {
				owner = "adopted"
			}
			attrs := map[string]string{"provider_id": r.ProviderID, "status": r.Status, "ownership": owner, "type": r.Type, "environment": env.Name}
			for ok, ov := range r.Outputs {
				attrs["output."+ok] = ov
			}
			if u := r.Props["url"]; len(u) > 0 {
				attrs["url"] = u[0]
			}
			for _, f := range []string{"callbacks", "callback_urls", "sms_url", "voice_url", "status_callback"} {
				if v := normList(r.Props[f]); len(v) > 0 {
					attrs[f] = strings.Join(v, ",")
				}
			}
			m.node(id, "resource", k.Type+" "+k.Name, k.Provider, attrs)
			m.edge(envNode, id, "owns")
			m.node("provider:"+k.Provider, "provider", k.Provider, k.Provider, nil)
			m.edge(id, "provider:"+k.Provider, "uses")
			if d, ok := desiredBy[k]; ok && d.Service != "" {
				// Webhooks and OAuth redirects come back into the service.
				m.edge(id, "service:"+d.Service, "calls_back")
			}
			for _, dep := range desiredBy[k].DependsOn {
				if _, ok := w.rows[dep]; ok {
					m.edge(id, "resource:"+env.Name+":"+dep.String(), "depends_on")
				}
			}
		}
		vars, err := e.contract(ctx, w, false)
		if err != nil {
			return nil, err
		}
		for _, v := range vars {
			if _, provisioned := w.rows[v.Resource]; !provisioned {
				continue
			}
			m.node("env_var:"+v.Name, "env_var", v.Name, v.Resource.Provider, nil)
			m.edge("resource:"+env.Name+":"+v.Resource.String(), "env_var:"+v.Name, "provides")
		}
	}
	return m.result(), nil
}

type mapBuilder struct {
	nodes map[string]*patchbayv1.MapNode
	edges map[string]*patchbayv1.MapEdge
}

func (m *mapBuilder) node(id, kind, label, provider string, attrs map[string]string) {
	if n, ok := m.nodes[id]; ok {
		for k, v := range attrs {
			if n.Attributes == nil {
				n.Attributes = map[string]string{}
			}
			n.Attributes[k] = v
		}
		return
	}
	m.nodes[id] = &patchbayv1.MapNode{Id: id, Kind: kind, Label: label, Provider: provider, Attributes: attrs}
}

func (m *mapBuilder) edge(from, to, kind string) {
	m.edges[from+"\x00"+to+"\x00"+kind] = &patchbayv1.MapEdge{From: from, To: to, Kind: kind}
}

func (m *mapBuilder) result() *patchbayv1.GetSystemMapResponse {
	out := &patchbayv1.GetSystemMapResponse{}
	for _, n := range m.nodes {
		out.Nodes = append(out.Nodes, n)
	}
	for _, e := range m.edges {
		out.Edges = append(out.Edges, e)
	}
	sort.Slice(out.Nodes, func(i, j int) bool { return out.Nodes[i].Id < out.Nodes[j].Id })
	sort.Slice(out.Edges, func(i, j int) bool {
		a, b := out.Edges[i], out.Edges[j]
		return a.From+a.To+a.Kind < b.From+b.To+b.Kind
	})
	return out
}

// RenderMap prints a system map as text, the way `patchbay map` shows it.
func RenderMap(resp *patchbayv1.GetSystemMapResponse) string {
	nodes := map[string]*patchbayv1.MapNode{}
	for _, n := range resp.GetNodes() {
		nodes[n.GetId()] = n
	}
	out := map[string][]string{}
	for _, e := range resp.GetEdges() {
		to := e.GetTo()
		if n := nodes[to]; n != nil {
			to = n.GetKind() + " " + n.GetLabel()
		}
		out[e.GetFrom()] = append(out[e.GetFrom()], fmt.Sprintf("%s → %s", e.GetKind(), to))
	}
	var b strings.Builder
	for _, kind := range []string{"environment", "service", "resource", "provider", "env_var"} {
		for _, n := range resp.GetNodes() {
			if n.GetKind() != kind {
				continue
			}
			fmt.Fprintf(&b, "%s %s", n.GetKind(), n.GetLabel())
			if id := n.GetAttributes()["provider_id"]; id != "" {
				fmt.Fprintf(&b, " (%s, %s)", id, n.GetAttributes()["ownership"])
			}
			if u := n.GetAttributes()["url"]; u != "" {
				fmt.Fprintf(&b, " %s", u)
			}
			b.WriteByte('\n')
			lines := out[n.GetId()]
			sort.Strings(lines)
			for _, l := range lines {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
	}
	return b.String()
}
