package aws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/patchbay-dev/patchbay/providers"
)

// Endpoints: PATCHBAY_ENDPOINT_AWS_STS and PATCHBAY_ENDPOINT_AWS_IAM
// override them; PATCHBAY_ENDPOINT_AWS overrides both.
const DefaultIAMURL = "https://iam.amazonaws.com"

// STSURL is the regional STS endpoint, which also works in opt-in regions.
func STSURL(region string) string { return "https://sts." + region + ".amazonaws.com" }

type errorResponse struct {
	Error struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
}

type callerIdentity struct {
	Result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	} `xml:"GetCallerIdentityResult"`
}

// simulateResponse is SimulatePrincipalPolicy's answer: one
// EvaluationResult per action with the most restrictive decision over the
// resources, and the decision per resource in ResourceSpecificResults
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html).
type simulateResponse struct {
	Result struct {
		Results []struct {
			Action    string `xml:"EvalActionName"`
			Decision  string `xml:"EvalDecision"`
			Resources []struct {
				Name     string `xml:"EvalResourceName"`
				Decision string `xml:"EvalResourceDecision"`
			} `xml:"ResourceSpecificResults>member"`
		} `xml:"EvaluationResults>member"`
	} `xml:"SimulatePrincipalPolicyResult"`
}

type query struct {
	c       providers.Caller
	creds   awssdk.Credentials
	service string
	region  string
	url     string
}

func (q query) do(ctx context.Context, form url.Values) (*providers.Response, *providers.CheckResult) {
	body := form.Encode()
	req, bad := q.c.NewRequest(ctx, http.MethodPost, q.url+"/", strings.NewReader(body))
	if bad != nil {
		return nil, bad
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, q.creds, req, hex.EncodeToString(sum[:]), q.service, q.region, time.Now()); err != nil {
		return nil, &providers.CheckResult{Status: providers.StatusMalformed, Summary: "The request could not be signed.", Fix: "Check the access key values."}
	}
	return q.c.Do(req)
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "AWS", StatusPage: "https://health.aws.amazon.com/health/status"}
	creds := awssdk.Credentials{AccessKeyID: v["access_key_id"], SecretAccessKey: v["secret_access_key"], SessionToken: v["session_token"]}
	region := v["region"]
	if strings.HasPrefix(creds.AccessKeyID, "ASIA") && creds.SessionToken == "" {
		return providers.CheckResult{Status: providers.StatusMissing, Field: "session_token",
			Summary: "Temporary credentials (ASIA…) need their session token.",
			Fix:     "Paste the session token that came with the temporary credentials, or use a long-term key (AKIA…)."}
	}

	sts := query{c: c, creds: creds, service: "sts", region: region, url: env.BaseURLAny(STSURL(region), "AWS_STS", "AWS")}
	identity := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}
	resp, bad := sts.do(ctx, identity)
	if bad != nil {
		return *bad
	}
	if resp.Status != http.StatusOK && errorCode(resp) == "InvalidClientTokenId" && FreshKeyRetryDelay > 0 {
		// IAM is eventually consistent: a key created seconds ago can be
		// unknown to STS for a while, so one late retry is worth it.
		select {
		case <-ctx.Done():
		case <-time.After(FreshKeyRetryDelay):
			if r, b := sts.do(ctx, identity); b == nil {
				resp = r
			}
		}
	}
	if resp.Status != http.StatusOK {
		return failure(c, resp)
	}
	var id callerIdentity
	if err := xml.Unmarshal(resp.Body, &id); err != nil || id.Result.Arn == "" {
		return c.Unexpected(resp.Status)
	}
	who := id.Result.Arn
	if strings.HasSuffix(who, ":root") {
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "access_key_id", Account: who,
			Summary: "These are the account root user's keys, which can do everything.",
			Fix:     "Delete the root access key and create an IAM user with only the permissions Patchbay lists."}
	}

	// GetCallerIdentity needs no permission, so it proves only that the
	// keys work; the policy simulator tells what they may do, on the user
	// pools Patchbay touches (their ARNs, not "*": a policy limited to
	// certain pools allows nothing on "*").
	principal := principalARN(who)
	account := id.Result.Account
	pools := poolARNs(v["user_pool_ids"], region, account)
	iam := query{c: c, creds: creds, service: "iam", region: "us-east-1", url: env.BaseURLAny(DefaultIAMURL, "AWS_IAM", "AWS")}
	on := "every user pool in " + region
	if v["user_pool_ids"] != "" {
		on = "user pools " + strings.Join(splitPools(v["user_pool_ids"]), ", ")
	}
	var probes []string
	for _, a := range ExcessProbes {
		if strings.HasPrefix(a, "cognito-idp:") {
			probes = append(probes, a)
		}
	}
	ok := providers.CheckResult{Status: providers.StatusOK, Account: who, Summary: "The keys work for " + who + "."}
	sim, denied, bad := simulate(ctx, iam, principal, append(append([]string{}, RequiredActions...), probes...), pools)
	if bad != nil {
		return *bad
	}
	if denied {
		for _, a := range RequiredActions {
			ok.Permissions = append(ok.Permissions, providers.PermissionCheck{Name: a, Verdict: providers.VerdictUnverifiable,
				Detail: "iam:SimulatePrincipalPolicy is not allowed, so the policies cannot be read; allow it on " + principal + ", or compare the user's policies with this list in the IAM console"})
		}
		ok.Summary += " Their permissions could not be verified (iam:SimulatePrincipalPolicy is not allowed)."
		ok.Fix = "Allow iam:SimulatePrincipalPolicy on the user itself so Patchbay can check the permissions it needs."
		return ok
	}
	var iamProbes []string
	for _, a := range ExcessProbes {
		if !strings.HasPrefix(a, "cognito-idp:") {
			iamProbes = append(iamProbes, a)
		}
	}
	extra, _, bad := simulate(ctx, iam, principal, iamProbes, nil)
	if bad != nil {
		return *bad
	}
	decisions := map[string]string{}
	for _, r := range append(sim.Result.Results, extra.Result.Results...) {
		decisions[r.Action] = r.Decision
		for _, rr := range r.Resources {
			if rr.Decision != "allowed" && r.Decision == "allowed" {
				decisions[r.Action] = rr.Decision
			}
		}
	}
	for _, a := range RequiredActions {
		switch d := decisions[a]; d {
		case "allowed":
			ok.Permissions = append(ok.Permissions, providers.PermissionCheck{Name: a, Verdict: providers.VerdictVerified,
				Detail: "allowed on " + on + " (IAM policy simulation)"})
		case "explicitDeny":
			ok.Permissions = append(ok.Permissions, providers.PermissionCheck{Name: a, Verdict: providers.VerdictMissing,
				Detail: "explicitly denied on " + on + " by a policy (IAM policy simulation)"})
		default:
			detail := "no policy allows it on " + on + " (IAM policy simulation)"
			if v["user_pool_ids"] == "" {
				detail += "; if the policy names certain pools, list them under Cognito user pools"
			}
			ok.Permissions = append(ok.Permissions, providers.PermissionCheck{Name: a, Verdict: providers.VerdictMissing, Detail: detail})
		}
	}
	for _, a := range ExcessProbes {
		if decisions[a] == "allowed" {
			ok.Permissions = append(ok.Permissions, providers.PermissionCheck{Name: a, Verdict: providers.VerdictExcess,
				Detail: "allowed (IAM policy simulation of actions Patchbay never calls, a sample)"})
		}
	}
	if missing := providers.Missing(ok.Permissions); len(missing) > 0 {
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Account: who, MissingPermissions: missing, Permissions: ok.Permissions,
			Summary: "The keys work but the policies do not allow " + strings.Join(missing, ", ") + " on " + on + ".",
			Fix:     "Attach a policy allowing these actions on the user pools to " + principal + "."}
	}
	ok.Summary = "The keys work for " + who + " and allow every action Patchbay needs on " + on + "."
	if excess := providers.Excess(ok.Permissions); len(excess) > 0 {
		ok.Summary += " They also allow " + strings.Join(excess, ", ") + ", which Patchbay never calls."
		ok.Fix = "Narrow the user's policies to the actions Patchbay lists: a leaked key can do everything they allow."
	}
	return ok
}

// simulate asks the policy simulator about actions on resources (none:
// "*"). denied is true when the simulator itself is not allowed.
func simulate(ctx context.Context, iam query, principal string, actions, resources []string) (simulateResponse, bool, *providers.CheckResult) {
	var sim simulateResponse
	form := url.Values{"Action": {"SimulatePrincipalPolicy"}, "Version": {"2010-05-08"}, "PolicySourceArn": {principal}}
	for i, a := range actions {
		form.Set("ActionNames.member."+strconv.Itoa(i+1), a)
	}
	for i, r := range resources {
		form.Set("ResourceArns.member."+strconv.Itoa(i+1), r)
	}
	resp, bad := iam.do(ctx, form)
	if bad != nil {
		return sim, false, bad
	}
	if resp.Status != http.StatusOK {
		if errorCode(resp) == "AccessDenied" {
			return sim, true, nil
		}
		r := failure(iam.c, resp)
		return sim, false, &r
	}
	if err := xml.Unmarshal(resp.Body, &sim); err != nil {
		r := iam.c.Unexpected(resp.Status)
		return sim, false, &r
	}
	return sim, false, nil
}

func splitPools(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// poolARNs are the ARNs of the named user pools (each in the region its id
// starts with), or the ARN pattern of every pool in region.
func poolARNs(ids, region, account string) []string {
	var out []string
	for _, p := range splitPools(ids) {
		out = append(out, "arn:aws:cognito-idp:"+poolRegion(p)+":"+account+":userpool/"+p)
	}
	if len(out) == 0 {
		out = []string{"arn:aws:cognito-idp:" + region + ":" + account + ":userpool/*"}
	}
	return out
}

// principalARN turns an assumed-role session ARN into the role's ARN, which
// is what the simulator accepts.
func principalARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) == 6 && parts[2] == "sts" && strings.HasPrefix(parts[5], "assumed-role/") {
		role := strings.Split(strings.TrimPrefix(parts[5], "assumed-role/"), "/")[0]
		return fmt.Sprintf("arn:%s:iam::%s:role/%s", parts[1], parts[4], role)
	}
	return arn
}

// FreshKeyRetryDelay is how long the check waits before asking STS again
// about an unknown access key ID.
var FreshKeyRetryDelay = 2 * time.Second

func errorCode(resp *providers.Response) string {
	var e errorResponse
	_ = xml.Unmarshal(resp.Body, &e)
	return e.Error.Code
}

func failure(c providers.Caller, resp *providers.Response) providers.CheckResult {
	var e errorResponse
	_ = xml.Unmarshal(resp.Body, &e)
	switch e.Error.Code {
	case "InvalidClientTokenId":
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "access_key_id",
			Summary: "AWS does not know this access key ID (deleted, deactivated, or mistyped). A key created seconds ago can also fail briefly.",
			Fix:     "Check the key is Active under IAM → Users → Security credentials; if just created, wait a few seconds and check again."}
	case "SignatureDoesNotMatch":
		if strings.Contains(e.Error.Message, "expired") {
			return providers.CheckResult{Status: providers.StatusInvalid,
				Summary: "AWS rejected the request as signed at the wrong time: this machine's clock is off by more than 5 minutes.",
				Fix:     "Synchronise the system clock (NTP) and check again."}
		}
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "secret_access_key",
			Summary: "The secret access key does not match the access key ID.",
			Fix:     "Copy the secret again; if it is lost, create a new access key (the secret is shown only once)."}
	case "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired":
		return providers.CheckResult{Status: providers.StatusExpired, Field: "session_token",
			Summary: "The temporary credentials have expired.",
			Fix:     "Get fresh temporary credentials (aws sts get-session-token / your SSO portal) or use a long-term key for Patchbay."}
	case "Throttling", "RequestLimitExceeded", "TooManyRequestsException":
		return c.RateLimited(resp.Header)
	case "AccessDenied", "AccessDeniedException":
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions,
			Summary: "AWS denied the request: " + e.Error.Message,
			Fix:     "Attach a policy with the actions Patchbay lists to the user."}
	case "OptInRequired", "InvalidAction":
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "region",
			Summary: "The region is not enabled for this account (" + e.Error.Code + ").",
			Fix:     "Enable the region under Account → AWS Regions, or choose another region."}
	}
	if resp.Status == http.StatusForbidden {
		return providers.CheckResult{Status: providers.StatusInvalid,
			Summary: "AWS rejected the credentials (" + e.Error.Code + ").",
			Fix:     "Create a new access key and save it here."}
	}
	return c.Unexpected(resp.Status)
}
