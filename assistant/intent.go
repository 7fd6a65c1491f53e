// Package assistant understands the plain-words commands of `patchbay ask`
// and the editor's @patchbay chat, and answers them by calling the same
// domain functions the CLI calls (credentials, plan, map, environment
// variables, findings, API keys), which the daemon hands in as Domains. It
// never applies or deletes on the strength of a chat message: such answers
// propose the editor command or CLI line that asks the user first.
package assistant

import (
	"regexp"
	"strings"
)

// Intent is what a question was understood as.
type Intent struct {
	Kind     string
	Provider string // provider id, when one was named
	Profile  string // credential profile, when one was named
	// Environment is the environment named ("local", "staging").
	Environment string
	// Variable is the environment variable named (STRIPE_SECRET_KEY).
	Variable string
	// Service is the service named ("example-api").
	Service string
}

// Intent kinds. The credential ones are answered by the vault.
const (
	ListCredentials   = "list_credentials"
	UpdateCredentials = "update_credentials"
	DeleteCredentials = "delete_credentials"
	CheckCredentials  = "check_credentials"
	Plan              = "plan"
	Apply             = "apply"
	Destroy           = "destroy"
	Map               = "map"
	EnvCheck          = "env_check"
	Explain           = "explain_finding"
	Keys              = "keys"
	Help              = "help"
)

// IsCredential reports whether the vault answers the kind.
func IsCredential(kind string) bool {
	switch kind {
	case ListCredentials, UpdateCredentials, DeleteCredentials, CheckCredentials:
		return true
	}
	return false
}

// Provider names a provider for the parser.
type Provider struct{ ID, DisplayName string }

var (
	profileRe = regexp.MustCompile(`(?i)\bprofile\s+["']?([a-z0-9][a-z0-9_.-]*)`)
	envRe     = regexp.MustCompile(`(?i)\b(?:env(?:ironment)?|to|in|for|of)\s+["']?(local|dev|development|test|staging|stage|prod|production|preview|qa|[a-z0-9][a-z0-9_.-]*-env)\b`)
	bareEnvRe = regexp.MustCompile(`(?i)\b(local|staging|production|prod|preview)\b`)
	varRe     = regexp.MustCompile(`\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b`)
	serviceRe = regexp.MustCompile(`(?i)\b(?:does|do|is|service)\s+["']?([a-z0-9][a-z0-9_.-]*[a-z0-9])["']?\s+(?:need|needs|use|uses|read|reads|require|requires)\b`)
	credWords = regexp.MustCompile(`(?i)\b(credentials?|creds|keys?|tokens?|secrets?|accounts?|connections?|connect)\b`)
	apiKeyRe  = regexp.MustCompile(`(?i)\b(api[ -]?keys?|scoped keys?|pbk_)\b|^/keys\b`)
	// Order matters: the first matching verb group decides.
	credVerbs = []struct {
		kind string
		re   *regexp.Regexp
	}{
		{DeleteCredentials, regexp.MustCompile(`(?i)\b(delete|remove|forget|erase|drop)\b`)},
		{CheckCredentials, regexp.MustCompile(`(?i)\b(why|check|verify|validate|test|working|work|broken|fail\w*|wrong|valid|expired?|ok|okay)\b`)},
		{UpdateCredentials, regexp.MustCompile(`(?i)\b(update|set|change|replace|rotate|add|configure|connect|new|enter)\b`)},
		{ListCredentials, regexp.MustCompile(`(?i)\b(what|which|list|show|have|configured|saved|stored)\b`)},
	}
	destroyRe = regexp.MustCompile(`(?i)\b(destroy|tear\s*down|teardown|deprovision|decommission)\b`)
	applyRe   = regexp.MustCompile(`(?i)\b(apply|provision|deploy|create (?:the )?resources)\b`)
	planRe    = regexp.MustCompile(`(?i)\b(plan|diff|what would (?:change|happen))\b`)
	mapRe     = regexp.MustCompile(`(?i)\b(map|graph|architecture|how .* relate|what services)\b`)
	missingRe = regexp.MustCompile(`(?i)\b(missing|unset|not set|empty|no value|undefined|not provided|where does .* come from|provide[sd]?)\b`)
	explainRe = regexp.MustCompile(`(?i)\b(why|explain|finding|need|needs|require|requires|uses|detected|found)\b`)
	aliases   = map[string]string{
		"amazon": "aws", "google cloud": "gcp", "google": "gcp", "microsoft": "azure", "entra": "azure",
		"digital ocean": "digitalocean", "atlas": "mongodb", "mongo": "mongodb", "redis cloud": "redis",
		"send grid": "sendgrid",
	}
	slash = map[string]string{"/connect": UpdateCredentials, "/credentials": ListCredentials, "/deploy": Plan, "/keys": Keys, "/map": Map}
)

// Parse understands a question. It is deliberately a small keyword matcher:
// the answers it leads to are exact, and the editor shows what it understood.
func Parse(question string, providers []Provider) Intent {
	q := strings.ToLower(strings.TrimSpace(question))
	in := Intent{Kind: Help}
	for _, p := range providers {
		if wordIn(q, p.ID) || (p.DisplayName != "" && wordIn(q, strings.ToLower(p.DisplayName))) {
			in.Provider = p.ID
			break
		}
	}
	if in.Provider == "" {
		for alias, id := range aliases {
			if wordIn(q, alias) {
				in.Provider = id
				break
			}
		}
	}
	if m := profileRe.FindStringSubmatch(question); m != nil {
		in.Profile = strings.ToLower(m[1])
	}
	if m := envRe.FindStringSubmatch(question); m != nil {
		in.Environment = strings.ToLower(m[1])
	} else if m := bareEnvRe.FindStringSubmatch(question); m != nil {
		in.Environment = strings.ToLower(m[1])
	}
	if m := varRe.FindString(question); m != "" {
		in.Variable = m
	}
	if m := serviceRe.FindStringSubmatch(question); m != nil {
		in.Service = m[1]
	}

	// Slash commands of the chat participant.
	cmd, rest, _ := strings.Cut(q, " ")
	if strings.HasPrefix(cmd, "/") {
		switch cmd {
		case "/why":
			in.Kind = whyKind(in, rest)
			return in
		case "/connect":
			in.Kind = UpdateCredentials
			return in
		}
		if k, ok := slash[cmd]; ok {
			in.Kind = k
			return in
		}
	}

	switch {
	case apiKeyRe.MatchString(q):
		in.Kind = Keys
		return in
	case destroyRe.MatchString(q):
		in.Kind = Destroy
		return in
	case in.Variable != "":
		in.Kind = whyKind(in, q)
		return in
	case credWords.MatchString(q) || in.Provider != "":
		for _, w := range credVerbs {
			if w.re.MatchString(q) {
				in.Kind = w.kind
				break
			}
		}
		if in.Kind == Help && in.Provider != "" {
			in.Kind = CheckCredentials
		}
		if in.Kind == ListCredentials && in.Provider != "" && regexp.MustCompile(`(?i)\bwhat('s| is)? wrong\b`).MatchString(q) {
			in.Kind = CheckCredentials
		}
		// "connect stripe" and "deploy with my stripe account" read as
		// credentials only when no provisioning verb is there.
		if in.Kind != DeleteCredentials && in.Kind != CheckCredentials && !credWords.MatchString(q) {
			if k := provisionKind(q); k != "" {
				in.Kind = k
			}
		}
		return in
	}
	if k := provisionKind(q); k != "" {
		in.Kind = k
		return in
	}
	if mapRe.MatchString(q) {
		in.Kind = Map
		return in
	}
	if explainRe.MatchString(q) {
		in.Kind = Explain
	}
	return in
}

func provisionKind(q string) string {
	switch {
	case applyRe.MatchString(q):
		return Apply
	case planRe.MatchString(q):
		return Plan
	}
	return ""
}

// whyKind tells "why is X missing?" (the env check) from "why does the
// service need X?" and "/why" (explain the findings).
func whyKind(in Intent, q string) string {
	if in.Variable != "" && missingRe.MatchString(q) {
		return EnvCheck
	}
	if in.Provider != "" && in.Variable == "" && credWords.MatchString(q) {
		return CheckCredentials
	}
	return Explain
}

func wordIn(s, w string) bool {
	return regexp.MustCompile(`\b` + regexp.QuoteMeta(w) + `\b`).MatchString(s)
}
