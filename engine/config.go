package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
)

// ConfigFile is the name of the per-service provisioning config, read from
// the service's root directory. It declares what the code cannot show
// (Stripe products and prices, the Twilio numbers to point at the app, the
// Cognito user pool, SendGrid key scopes); each provider owns its section.
const ConfigFile = providers.ConfigFile

// configSections are the patchbay.json sections the registry's providers
// own, by name, plus the analyzer's (read by the analyzer itself).
func configSections() map[string]func(json.RawMessage) (any, error) {
	out := map[string]func(json.RawMessage) (any, error){"analyzer": nil}
	for _, p := range catalog.All() {
		for _, c := range p.Config {
			out[c.Name] = c.Decode
		}
	}
	return out
}

// decodeConfig reads one patchbay.json: every top-level key must be a
// section some provider (or the analyzer) owns, and each section decodes
// strictly and validates.
func decodeConfig(raw []byte) (*ServiceConfig, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	sections := configSections()
	decoded := map[string]any{}
	var errs []error
	for _, name := range providers.SortedKeys(top) {
		decode, ok := sections[name]
		if !ok {
			return nil, fmt.Errorf("json: unknown field %q", name)
		}
		if decode == nil || string(top[name]) == "null" {
			continue
		}
		v, err := decode(top[name])
		if err != nil && v == nil {
			// Malformed JSON says so alone, as one strict decode would.
			return nil, err
		}
		if err != nil {
			errs = append(errs, err)
		}
		decoded[name] = v
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return providers.NewServiceConfig(decoded), nil
}

// LoadConfigs reads patchbay.json of every service (and of the workspace
// root), keyed by service path. A missing file is no config; an unreadable
// or invalid one is an error, because planning without it would archive or
// delete what it declares.
func LoadConfigs(root string, svcs []*patchbayv1.Service) (map[string]*ServiceConfig, error) {
	return loadConfigs(svcs, func(p string) ([]byte, error) {
		return os.ReadFile(filepath.Join(root, filepath.FromSlash(p), ConfigFile))
	})
}

// ConfigPaths are the service paths whose patchbay.json LoadConfigs reads
// ("." for the workspace root's), for a caller that sends them with its
// own analysis (WithAnalysis).
func ConfigPaths(svcs []*patchbayv1.Service) []string {
	paths := []string{"."}
	seen := map[string]bool{".": true}
	for _, s := range svcs {
		p := s.GetPath()
		if p == "" {
			p = "."
		}
		if seen[p] || filepath.IsAbs(p) || strings.HasPrefix(filepath.Clean(p), "..") {
			continue
		}
		seen[p] = true
		paths = append(paths, p)
	}
	return paths
}

// loadConfigs decodes the patchbay.json read(path) returns for each
// service path; fs.ErrNotExist is no config.
func loadConfigs(svcs []*patchbayv1.Service, read func(path string) ([]byte, error)) (map[string]*ServiceConfig, error) {
	paths := []string{"."}
	for _, s := range svcs {
		paths = append(paths, s.GetPath())
	}
	out := map[string]*ServiceConfig{}
	for _, p := range paths {
		if p == "" {
			p = "."
		}
		if _, done := out[p]; done {
			continue
		}
		if filepath.IsAbs(p) || strings.HasPrefix(filepath.Clean(p), "..") {
			continue
		}
		raw, err := read(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		rel := filepath.ToSlash(filepath.Join(p, ConfigFile))
		if err != nil {
			return nil, fmt.Errorf("engine: read %s: %w", rel, err)
		}
		c, err := decodeConfig(raw)
		if err != nil {
			return nil, fmt.Errorf("engine: %s: %v: %w", rel, err, ErrInvalid)
		}
		out[p] = c
	}
	return out, nil
}
