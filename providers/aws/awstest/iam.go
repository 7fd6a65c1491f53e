package awstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
)

// allows reports the policy decision for action on resource the way IAM
// evaluates an identity policy with one Allow statement per key: Allowed
// actions ("*" for all) on Resources (IAM wildcards * and ?, matched
// against the whole ARN; none means "*"); everything else is an implicit
// deny (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
// Denied actions are an explicit Deny statement on every resource.
func (k Key) allows(action, resource string) string {
	if slices.Contains(k.Denied, action) {
		return "explicitDeny"
	}
	if !slices.Contains(k.Allowed, action) && !slices.Contains(k.Allowed, "*") {
		return "implicitDeny"
	}
	patterns := k.Resources
	if len(patterns) == 0 {
		patterns = []string{"*"}
	}
	for _, p := range patterns {
		// path.Match's * stops at "/", IAM's does not; ARNs hold no
		// "/"-free guarantees, so match segments of the pattern greedily.
		if iamMatch(p, resource) {
			return "allowed"
		}
	}
	return "implicitDeny"
}

// iamMatch matches an IAM resource pattern (* any run of characters,
// ? one character) against a literal ARN.
func iamMatch(pattern, s string) bool {
	if pattern == "*" {
		return true
	}
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	// Replace "/" so path.Match's * spans it, then match.
	ok, err := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return err == nil && ok
}

// simulate answers SimulatePrincipalPolicy
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html):
// one EvaluationResult per action (https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html)
// whose EvalDecision is the most restrictive over the ResourceArns
// ("*" when none are given), with a ResourceSpecificResults member per
// resource ARN when ARNs were given
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ResourceSpecificResult.html).
func (s *Server) simulate(w http.ResponseWriter, k Key, form url.Values) {
	if k.Allowed == nil {
		WriteError(w, 403, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: iam:SimulatePrincipalPolicy on resource: %s because no identity-based policy allows the iam:SimulatePrincipalPolicy action", k.ARN, form.Get("PolicySourceArn")))
		return
	}
	if form.Get("PolicySourceArn") == "" {
		WriteError(w, 400, "ValidationError", "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null")
		return
	}
	var resources []string
	for i := 1; ; i++ {
		r := form.Get(fmt.Sprintf("ResourceArns.member.%d", i))
		if r == "" {
			break
		}
		resources = append(resources, r)
	}
	s.mu.Lock()
	s.simulations = append(s.simulations, Simulation{Resources: slices.Clone(resources)})
	n := len(s.simulations) - 1
	s.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>`)
	rank := map[string]int{"allowed": 0, "implicitDeny": 1, "explicitDeny": 2}
	for i := 1; ; i++ {
		a := form.Get(fmt.Sprintf("ActionNames.member.%d", i))
		if a == "" {
			break
		}
		s.mu.Lock()
		s.simulations[n].Actions = append(s.simulations[n].Actions, a)
		s.mu.Unlock()
		on := resources
		if len(on) == 0 {
			on = []string{"*"}
		}
		decision := "allowed"
		var per strings.Builder
		for _, r := range on {
			d := k.allows(a, r)
			if rank[d] > rank[decision] {
				decision = d
			}
			fmt.Fprintf(&per, `<member><EvalResourceName>%s</EvalResourceName><EvalResourceDecision>%s</EvalResourceDecision><MatchedStatements/><MissingContextValues/></member>`, xmlText(r), d)
		}
		fmt.Fprintf(&b, `<member><EvalActionName>%s</EvalActionName><EvalResourceName>%s</EvalResourceName><EvalDecision>%s</EvalDecision><MatchedStatements/><MissingContextValues/>`, xmlText(a), xmlText(on[0]), decision)
		if len(resources) > 0 {
			b.WriteString(`<ResourceSpecificResults>` + per.String() + `</ResourceSpecificResults>`)
		}
		b.WriteString(`</member>`)
	}
	b.WriteString(`</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>0000</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>`)
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(b.String()))
}

// Simulation is one SimulatePrincipalPolicy call the fake answered.
type Simulation struct {
	Actions, Resources []string
}

// Simulations returns the simulator calls so far.
func (s *Server) Simulations() []Simulation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.simulations)
}

func xmlText(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

// authorizeCognito refuses a user-pools operation the key's policy does not
// allow on the pool, with the AccessDeniedException Cognito answers
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html:
// HTTP 400). The action is "cognito-idp:" + the operation and the resource
// the pool's ARN, as the service authorization reference lists them
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html).
func (s *Server) authorizeCognito(w http.ResponseWriter, k Key, op string, body []byte) bool {
	var in struct {
		UserPoolID string `json:"UserPoolId"`
	}
	_ = json.Unmarshal(body, &in)
	region, _, _ := strings.Cut(in.UserPoolID, "_")
	resource := "arn:aws:cognito-idp:" + region + ":" + AccountID + ":userpool/" + in.UserPoolID
	action := "cognito-idp:" + op
	if k.allows(action, resource) == "allowed" {
		return true
	}
	WriteJSONError(w, 400, "AccessDeniedException", fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action", k.ARN, action, resource, action))
	return false
}
