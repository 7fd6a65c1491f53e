package twilio_test

import (
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/twilio"
	"github.com/patchbay-dev/patchbay/providers/twilio/twiliotest"
)

const (
	suspended = "AC11111111111111111111111111111111"
	other     = "AC22222222222222222222222222222222"
	token2    = "22222222222222222222222222222222"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := twiliotest.New(t)
		s.AddAccount(suspended, token2, "suspended")
		s.AddAccount(other, token2, "active")
		return s.Server, s.Env(0, "TWILIO")
	}
	valid := providers.Values{"account_sid": twiliotest.AccountSid, "auth_token": twiliotest.AuthToken}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: twiliotest.AccountSid},
		{Name: "ok with api key", Values: providers.Values{"account_sid": twiliotest.AccountSid, "auth_token": twiliotest.AuthToken, "api_key_sid": twiliotest.KeySid, "api_key_secret": twiliotest.KeySecret}, Want: providers.StatusOK},
		{Name: "wrong key secret", Values: providers.Values{"account_sid": twiliotest.AccountSid, "auth_token": twiliotest.AuthToken, "api_key_sid": twiliotest.KeySid, "api_key_secret": "wrongwrongwrong"}, Want: providers.StatusInvalid, WantField: "api_key_secret"},
		{Name: "key sid without secret", Values: providers.Values{"account_sid": twiliotest.AccountSid, "auth_token": twiliotest.AuthToken, "api_key_sid": twiliotest.KeySid}, Want: providers.StatusMalformed, WantField: "api_key_secret"},
		{Name: "wrong token", Values: providers.Values{"account_sid": twiliotest.AccountSid, "auth_token": token2}, Want: providers.StatusInvalid, WantField: "auth_token"},
		{Name: "key of another account", Values: providers.Values{"account_sid": other, "auth_token": token2, "api_key_sid": twiliotest.KeySid, "api_key_secret": twiliotest.KeySecret}, Want: providers.StatusWrongTarget, WantField: "account_sid"},
		{Name: "suspended", Values: providers.Values{"account_sid": suspended, "auth_token": token2}, Want: providers.StatusInsufficientPermissions},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, twilio.Provider().Credentials, fixture, cases)
}
