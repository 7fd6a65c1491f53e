package eval

import (
	"encoding/json"
	"fmt"
)

// scanOutput is the part of `patchbay scan --json` the scorer reads.
type scanOutput struct {
	Findings []struct {
		Kind     string `json:"kind"`
		Provider string `json:"provider"`
		Location struct {
			Path      string `json:"path"`
			StartLine int    `json:"startLine"`
		} `json:"location"`
		EnvVar *struct {
			Name   string `json:"name"`
			Source string `json:"source"`
		} `json:"envVar"`
		Webhook *struct {
			Route  string `json:"route"`
			Method string `json:"method"`
		} `json:"webhook"`
		Callback *struct {
			Route string `json:"route"`
		} `json:"callback"`
	} `json:"findings"`
}

// notLabelled are env sources the corpus does not label (eval/README.md):
// compose files and Dockerfiles declare what a container gets, they are not
// reads by the application.
var notLabelled = map[string]bool{"compose": true, "dockerfile": true}

// FromScan reduces `patchbay scan --json` output to items per kind.
func FromScan(b []byte) (map[string][]Item, error) {
	var s scanOutput
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("scan output: %w", err)
	}
	out := map[string][]Item{}
	for _, f := range s.Findings {
		it := Item{Provider: f.Provider, File: f.Location.Path, Line: f.Location.StartLine}
		switch f.Kind {
		case "SDK_USAGE":
			out["sdk"] = append(out["sdk"], it)
		case "ENV_REFERENCE":
			if f.EnvVar == nil || notLabelled[f.EnvVar.Source] {
				continue
			}
			it.Name, it.Provider = f.EnvVar.Name, ""
			out["env"] = append(out["env"], it)
		case "WEBHOOK_HANDLER":
			if f.Webhook != nil {
				r := f.Webhook.Route
				it.Route, it.Method = &r, f.Webhook.Method
			}
			out["webhook"] = append(out["webhook"], it)
		case "OAUTH_CALLBACK":
			if f.Callback != nil {
				r := f.Callback.Route
				it.Route = &r
			}
			out["callback"] = append(out["callback"], it)
		}
	}
	return out, nil
}
