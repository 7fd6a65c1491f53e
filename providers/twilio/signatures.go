package twilio

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "twilio"},
		{Ecosystem: providers.NPM, Name: "twilio-client"},
		{Ecosystem: providers.NPM, Name: "twilio-video"},
		{Ecosystem: providers.NPM, Name: "twilio-chat"},
		{Ecosystem: providers.NPM, Name: "twilio-sync"},
		{Ecosystem: providers.NPM, Name: "@twilio/*"},
		{Ecosystem: providers.PyPI, Name: "twilio"},
		{Ecosystem: providers.Go, Name: "github.com/twilio/twilio-go*"},
		{Ecosystem: providers.RubyGems, Name: "twilio-ruby", Imports: []string{"twilio-ruby"}, Globals: []string{"Twilio"}},
		{Ecosystem: providers.Maven, Name: "com.twilio.sdk:twilio", Imports: []string{"com.twilio"}},
		{Ecosystem: providers.NuGet, Name: "Twilio", Imports: []string{"Twilio"}},
		{Ecosystem: providers.Composer, Name: "twilio/sdk", Imports: []string{"Twilio"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "twilio"},
		{Ecosystem: providers.NPM, Symbol: "Twilio"},
		{Ecosystem: providers.PyPI, Symbol: "Client"},
		{Ecosystem: providers.Go, Symbol: "twilio.NewRestClient"},
		{Ecosystem: providers.Go, Symbol: "twilio.NewRestClientWithParams"},
		{Ecosystem: providers.RubyGems, Symbol: "Twilio::REST::Client.new"},
		{Ecosystem: providers.Maven, Symbol: "Twilio.init"},
		{Ecosystem: providers.NuGet, Symbol: "TwilioClient.Init"},
		{Ecosystem: providers.Composer, Symbol: "Client"},
	},
	EnvVars: []string{"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET",
		"TWILIO_PHONE_NUMBER", "TWILIO_EDGE", "TWILIO_REGION"},
	EnvPrefixes: []string{"TWILIO_"},
	Webhooks: []providers.WebhookCheck{
		{Ecosystem: providers.NPM, Symbol: "validateRequest"},
		{Ecosystem: providers.NPM, Symbol: "validateRequestWithBody"},
		{Ecosystem: providers.NPM, Symbol: "webhook"},
		{Ecosystem: providers.PyPI, Symbol: "RequestValidator"},
		{Ecosystem: providers.Go, Symbol: "client.NewRequestValidator"},
		{Ecosystem: providers.RubyGems, Symbol: "Twilio::Security::RequestValidator.new"},
		{Ecosystem: providers.Maven, Symbol: "RequestValidator"},
		{Ecosystem: providers.NuGet, Symbol: "RequestValidator"},
		{Ecosystem: providers.Composer, Symbol: "RequestValidator"},
	},
	// https://www.twilio.com/docs/usage/webhooks/webhooks-security, https://www.twilio.com/docs/voice/twiml
	WebhookHeaders: []string{"X-Twilio-Signature"},
	WebhookMarkers: []string{"VoiceResponse", "MessagingResponse", "TwiMLResult", "TwilioResponse"},
}
