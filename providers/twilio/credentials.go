package twilio

import (
	"github.com/patchbay-dev/patchbay/providers"
)

var credentials = &providers.CredentialSpec{
	Endpoint: "TWILIO",
	DocsURL:  "https://www.twilio.com/docs/iam/api-keys",
	Fields: []providers.Field{
		{
			Name:           "account_sid",
			Label:          "Account SID",
			Kind:           providers.FieldText,
			Required:       true,
			Pattern:        `^AC[0-9a-f]{32}$`,
			PatternMessage: "An Account SID is AC followed by 32 lower-case hex characters.",
			Placeholder:    "AC…",
		},
		{
			Name:           "auth_token",
			Label:          "Auth Token",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^[0-9a-f]{32}$`,
			PatternMessage: "An Auth Token is 32 lower-case hex characters.",
			Help:           "Needed to verify X-Twilio-Signature on your webhooks (Twilio signs with the primary Auth Token even when you call the API with a key).",
		},
		{
			Name:           "api_key_sid",
			Label:          "API key SID",
			Kind:           providers.FieldText,
			Pattern:        `^SK[0-9a-f]{32}$`,
			PatternMessage: "An API key SID is SK followed by 32 lower-case hex characters.",
			Placeholder:    "SK…",
			Help:           "Optional: when set, Patchbay calls the API with this key instead of the Auth Token.",
		},
		{
			Name:  "api_key_secret",
			Label: "API key secret",
			Kind:  providers.FieldSecret,
			Help:  "The secret shown once when the API key was created.",
		},
	},
	Steps: []string{
		"Open the Twilio Console (https://console.twilio.com) and copy the Account SID and Auth Token from Account Info.",
		"Optionally create a Standard API key under Account → API keys & tokens, name it \"patchbay\", and copy its SID and secret (shown once).",
		"Paste the values here.",
	},
	// What the calls need, from Calls (calls.go): the check reads the
	// account, the number_webhooks type reads and updates
	// IncomingPhoneNumbers, the send_sms action creates Messages.
	Permissions: formPermissions(),
	Normalize: func(v providers.Values) (providers.Values, error) {
		if (v["api_key_sid"] == "") != (v["api_key_secret"] == "") {
			return nil, &providers.FieldError{Field: "api_key_secret", Message: "Give both the API key SID and its secret, or neither."}
		}
		return v, nil
	},
	Validator: providers.ValidatorFunc(validate),
}
