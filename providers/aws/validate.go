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

type simulateResponse struct {
	Result struct {
		Results []struct {
			Action   string `xml:"EvalActionName"`
			Decision string `xml:"EvalDecision"`
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
	// keys work; the policy simulator tells what they may do.
	principal := principalARN(who)
	iam := query{c: c, creds: creds, service: "iam", region: "us-east-1", url: env.BaseURLAny(DefaultIAMURL, "AWS_IAM", "AWS")}
	form := url.Values{"Action": {"SimulatePrincipalPolicy"}, "Version": {"2010-05-08"}, "PolicySourceArn": {principal}}
	for i, a := range RequiredActions {
		form.Set("ActionNames.member."+strconv.Itoa(i+1), a)
	}
	resp, bad = iam.do(ctx, form)
	if bad != nil {
		return *bad
	}
	ok := providers.CheckResult{Status: providers.StatusOK, Account: who, Summary: "The keys work for " + who + "."}
	if resp.Status != http.StatusOK {
		var e errorResponse
		_ = xml.Unmarshal(resp.Body, &e)
		if e.Error.Code == "AccessDenied" {
			ok.Summary += " Their permissions could not be verified (iam:SimulatePrincipalPolicy is not allowed)."
			ok.Fix = "Allow iam:SimulatePrincipalPolicy on the user itself so Patchbay can check the permissions it needs."
			return ok
		}
		return failure(c, resp)
	}
	var sim simulateResponse
	_ = xml.Unmarshal(resp.Body, &sim)
	var missing []string
	for _, r := range sim.Result.Results {
		if r.Decision != "allowed" {
			missing = append(missing, r.Action)
		}
	}
	if len(missing) > 0 {
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Account: who, MissingPermissions: missing,
			Summary: "The keys work but the policies do not allow " + strings.Join(missing, ", ") + ".",
			Fix:     "Attach a policy allowing these actions to " + principal + "."}
	}
	ok.Summary = "The keys work for " + who + " and allow every action Patchbay needs."
	return ok
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
