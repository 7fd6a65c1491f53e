package analyzer

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// Spring Boot configuration (application.yml / application-<profile>.yml /
// application.properties) names the OAuth2 client registrations that
// Spring Security's oauth2Login() serves a callback for:
// spring.security.oauth2.client.registration.<id>.* -> /login/oauth2/code/<id>
// unless the registration sets its own redirect-uri.

var springConfigName = regexp.MustCompile(`^application(-[\w.-]+)?\.(yml|yaml|properties)$`)

const (
	kindSpring = "spring"
	// Property names the Spring reader reports.
	propSpringRegistration = "spring.oauth2.registration"
	propSpringRedirect     = "spring.oauth2.redirect-uri." // + id
	propSpringProvider     = "spring.oauth2.provider."     // + id
	springRegistrationKey  = "spring.security.oauth2.client.registration."
)

// springRegistrations reads the registrations of one configuration file.
func springRegistrations(base string, src []byte) []facts.Property {
	if strings.HasSuffix(base, ".properties") {
		return springProperties(src)
	}
	var out []facts.Property
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			break // io.EOF or a malformed document: keep what was read
		}
		walkSpringYAML(&doc, "", &out)
	}
	return out
}

func walkSpringYAML(n *yaml.Node, prefix string, out *[]facts.Property) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walkSpringYAML(c, prefix, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := prefix + k.Value
			if !strings.HasPrefix(springRegistrationKey, key+".") && !strings.HasPrefix(key, springRegistrationKey) && key+"." != springRegistrationKey {
				continue // not on the way to the registrations
			}
			if v.Kind == yaml.ScalarNode {
				springProperty(key, v.Value, uint32(k.Line), uint32(k.Column), out)
				continue
			}
			if rest, ok := strings.CutPrefix(key, springRegistrationKey); ok && !strings.Contains(rest, ".") {
				*out = append(*out, facts.Property{Name: propSpringRegistration, Value: rest, Span: lineSpan(uint32(k.Line), uint32(k.Column), len(k.Value))})
			}
			walkSpringYAML(v, key+".", out)
		}
	}
}

// springProperty records a scalar under a registration: its redirect-uri
// and provider, and the registration itself when written flat
// (registration.github.client-id: x).
func springProperty(key, value string, line, col uint32, out *[]facts.Property) {
	rest, ok := strings.CutPrefix(key, springRegistrationKey)
	if !ok {
		return
	}
	id, field, ok := strings.Cut(rest, ".")
	if !ok || id == "" {
		return
	}
	seen := false
	for _, p := range *out {
		if p.Name == propSpringRegistration && p.Value == id {
			seen = true
		}
	}
	if !seen {
		*out = append(*out, facts.Property{Name: propSpringRegistration, Value: id, Span: lineSpan(line, col, len(key))})
	}
	switch field {
	case "redirect-uri", "redirectUri", "redirect_uri":
		*out = append(*out, facts.Property{Name: propSpringRedirect + id, Value: value, Span: lineSpan(line, col, len(key))})
	case "provider":
		*out = append(*out, facts.Property{Name: propSpringProvider + id, Value: value, Span: lineSpan(line, col, len(key))})
	}
}

func springProperties(src []byte) []facts.Property {
	var out []facts.Property
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	line := uint32(0)
	for sc.Scan() {
		line++
		text := sc.Text()
		trimmed := strings.TrimLeft(text, " \t")
		if !strings.HasPrefix(trimmed, springRegistrationKey) {
			continue
		}
		key, value, _ := strings.Cut(trimmed, "=")
		if i := strings.IndexByte(key, ':'); i >= 0 && !strings.Contains(trimmed, "=") {
			key, value = trimmed[:i], trimmed[i+1:]
		}
		col := uint32(len(text)-len(trimmed)) + 1
		springProperty(strings.TrimSpace(key), strings.TrimSpace(value), line, col, &out)
	}
	return out
}

func lineSpan(line, col uint32, n int) facts.Span {
	return facts.Span{StartLine: line, StartCol: col, EndLine: line, EndCol: col + uint32(n)}
}

// springCallbackRoute: the route of a registration's redirect-uri
// ("{baseUrl}/login/oauth2/code/{registrationId}" is the default).
func springCallbackRoute(id, redirect string) string {
	if redirect == "" {
		return "/login/oauth2/code/" + id
	}
	r := strings.ReplaceAll(redirect, "{registrationId}", id)
	r = strings.TrimPrefix(r, "{baseUrl}")
	if _, route := splitURL(r); route != "" && strings.Contains(r, "://") {
		r = route
	}
	if !strings.HasPrefix(r, "/") {
		return "/login/oauth2/code/" + id
	}
	return r
}
