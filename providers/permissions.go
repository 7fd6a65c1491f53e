package providers

import (
	"fmt"
	"slices"
	"strings"
)

// Verdict is what a credential check proved about one permission.
type Verdict int

// The verdicts; they mirror patchbay.v1.PermissionVerdict.
const (
	VerdictUnspecified Verdict = iota
	// VerdictVerified: the provider said the permission is granted (a
	// token's scope claim, a policy simulation), or a call that needs it
	// succeeded.
	VerdictVerified
	// VerdictMissing: the provider said it is not granted, or a call that
	// needs it was refused.
	VerdictMissing
	// VerdictUnverifiable: the provider offers no way to learn it without a
	// side effect (a write); Detail says how the user can verify it.
	VerdictUnverifiable
	// VerdictExcess: granted, but no call Patchbay makes needs it.
	VerdictExcess
)

var verdictNames = map[Verdict]string{
	VerdictUnspecified:  "unspecified",
	VerdictVerified:     "verified",
	VerdictMissing:      "missing",
	VerdictUnverifiable: "unverifiable",
	VerdictExcess:       "excess",
}

func (v Verdict) String() string {
	if n, ok := verdictNames[v]; ok {
		return n
	}
	return fmt.Sprintf("verdict(%d)", int(v))
}

// PermissionCheck is the verdict on one permission. Detail says how the
// verdict was reached ("in the token's scope claim", "GET /v1/products
// answered 200") or, when unverifiable, how to verify it by hand. It never
// carries a secret.
type PermissionCheck struct {
	Name    string
	Verdict Verdict
	Detail  string
}

// Missing returns the names of the checks with VerdictMissing, in order.
func Missing(checks []PermissionCheck) []string { return namesOf(checks, VerdictMissing) }

// Excess returns the names of the checks with VerdictExcess, in order.
func Excess(checks []PermissionCheck) []string { return namesOf(checks, VerdictExcess) }

func namesOf(checks []PermissionCheck, v Verdict) []string {
	var out []string
	for _, c := range checks {
		if c.Verdict == v {
			out = append(out, c.Name)
		}
	}
	return out
}

// CompareGrants compares what Patchbay needs with what the provider says is
// granted (an OAuth scope list, a token's permissions): each required one
// is verified or missing, each granted one nobody needs is excess. source
// names where the grants were read, for the details.
func CompareGrants(required, granted []string, source string) []PermissionCheck {
	var out []PermissionCheck
	for _, r := range required {
		if slices.Contains(granted, r) {
			out = append(out, PermissionCheck{Name: r, Verdict: VerdictVerified, Detail: "granted (" + source + ")"})
		} else {
			out = append(out, PermissionCheck{Name: r, Verdict: VerdictMissing, Detail: "not granted (" + source + ")"})
		}
	}
	for _, g := range granted {
		if !slices.Contains(required, g) {
			out = append(out, PermissionCheck{Name: g, Verdict: VerdictExcess, Detail: "granted (" + source + ") but no call Patchbay makes needs it"})
		}
	}
	return out
}

// APICall is one provider call Patchbay's code makes and the permissions it
// needs. Providers declare their calls as data next to their clients and
// derive the permissions they ask for from them, so the form never asks for
// more than the code uses; each provider's tests record the calls its
// resource clients make against its fake and check them against the table.
type APICall struct {
	// Op identifies the call as the provider's requests do: "METHOD
	// /path/{param}" for REST APIs (a {name} segment matches one path
	// segment), the action ("cognito-idp:CreateUserPoolClient") for AWS.
	Op string
	// Needs are the permissions (scopes, IAM actions) the call needs; empty
	// when it needs none (a token request).
	Needs []string
}

// APICalls is a provider's call table.
type APICalls []APICall

// Permissions returns every permission the calls need, once each, in the
// order the table first names them.
func (cs APICalls) Permissions() []string {
	var out []string
	for _, c := range cs {
		for _, n := range c.Needs {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// Match returns the declared call an op ("GET /api/v2/clients/abc", or an
// action) is an instance of. The query string, if any, is ignored.
func (cs APICalls) Match(op string) (APICall, bool) {
	op, _, _ = strings.Cut(op, "?")
	for _, c := range cs {
		if matchOp(c.Op, op) {
			return c, true
		}
	}
	return APICall{}, false
}

func matchOp(pattern, op string) bool {
	pm, pp, pok := strings.Cut(pattern, " ")
	om, opath, ook := strings.Cut(op, " ")
	if !pok || !ook {
		return pattern == op
	}
	if pm != om {
		return false
	}
	ps := strings.Split(strings.TrimPrefix(pp, "/"), "/")
	os := strings.Split(strings.TrimPrefix(opath, "/"), "/")
	if len(ps) != len(os) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") && strings.HasSuffix(ps[i], "}") {
			if os[i] == "" {
				return false
			}
			continue
		}
		if ps[i] != os[i] {
			return false
		}
	}
	return true
}
