package slack

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Slack", StatusPage: "https://slack-status.com"}
	target := v["webhook_url"]
	if base, ok := env.Override("SLACK"); ok {
		u, err := url.Parse(target)
		if err != nil {
			return providers.CheckResult{Status: providers.StatusMalformed, Field: "webhook_url",
				Summary: "The webhook URL cannot be parsed.", Fix: "Copy the URL again from the app's Incoming Webhooks page."}
		}
		target = base + u.Path
	}
	// An empty payload is refused by a live webhook (400) and posts
	// nothing; a dead one answers 403/404/410. Never send real text.
	req, bad := c.NewRequest(ctx, http.MethodPost, target, strings.NewReader("{}"))
	if bad != nil {
		return *bad
	}
	req.Header.Set("Content-Type", "application/json")
	resp, bad := c.Do(req)
	if bad != nil {
		return *bad
	}
	body := strings.TrimSpace(string(resp.Body))
	switch {
	case resp.Status == http.StatusBadRequest, resp.Status == http.StatusOK:
		return providers.CheckResult{Status: providers.StatusOK, Account: "incoming webhook",
			Summary: "Slack accepts the webhook URL (checked without posting a message)."}
	case resp.Status == http.StatusForbidden && body == "action_prohibited":
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "webhook_url",
			Summary: "The workspace restricts this webhook (action_prohibited).",
			Fix:     "Ask a workspace admin to allow the app to post, or create the webhook in a channel the app may use."}
	case resp.Status == http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "webhook_url",
			Summary: "Slack does not recognise the webhook URL (" + short(body) + ").",
			Fix:     "Copy the URL again from the app's Incoming Webhooks page; it may have been mistyped or regenerated."}
	case resp.Status == http.StatusNotFound && body == "channel_not_found", resp.Status == http.StatusGone:
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "webhook_url",
			Summary: "The webhook's channel is gone or archived (" + short(body) + ").",
			Fix:     "Add a new webhook for an active channel and save its URL here."}
	case resp.Status == http.StatusNotFound:
		return providers.CheckResult{Status: providers.StatusExpired, Field: "webhook_url",
			Summary: "The webhook was removed or its app uninstalled (" + short(body) + ").",
			Fix:     "Reinstall the app or add a new webhook under Incoming Webhooks, and save the new URL here."}
	}
	return c.Unexpected(resp.Status)
}

// short keeps Slack's one-word error codes and drops anything else, which
// could echo the request.
func short(body string) string {
	if len(body) > 0 && len(body) <= 40 && !strings.ContainsAny(body, " /:") {
		return body
	}
	return "no details"
}
