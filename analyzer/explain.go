package analyzer

import (
	"fmt"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// Explain says what made a finding, one reason per line (patchbay scan
// --explain, the editor's hover): the call, header, default or declaration
// behind a webhook, the default or route behind a callback, the form of an
// SDK use or env read.
func Explain(f *patchbayv1.Finding) []string {
	switch d := f.GetDetail().(type) {
	case *patchbayv1.Finding_Sdk:
		if d.Sdk.GetForm() == "global" {
			return []string{fmt.Sprintf("it names %s, which the service's %s dependency %s provides without an import (%s)", d.Sdk.GetSymbol(), d.Sdk.GetEcosystem(), d.Sdk.GetPackage(), f.GetProvider())}
		}
		if d.Sdk.GetForm() == "constructor" {
			return []string{fmt.Sprintf("it makes a %s client (%s)", f.GetProvider(), d.Sdk.GetSymbol())}
		}
		return []string{fmt.Sprintf("it uses the %s package %s (%s, %s)", d.Sdk.GetEcosystem(), d.Sdk.GetPackage(), f.GetProvider(), d.Sdk.GetForm())}
	case *patchbayv1.Finding_EnvVar:
		why := []string{map[string]string{
			"code": "the code reads the variable", "dotenv": "an env file declares it",
			"compose": "a compose file sets it for a container", "dockerfile": "a Dockerfile sets it",
			"config": "a configuration file reads it (%env()%, ERB, env())",
		}[d.EnvVar.GetSource()]}
		switch {
		case d.EnvVar.GetHasDefault() && d.EnvVar.GetSource() == "code":
			why = append(why, "a default is given where it is read")
		case d.EnvVar.GetHasDefault():
			why = append(why, "the file gives it a value")
		}
		if f.GetProvider() != "" {
			why = append(why, "the name belongs to "+f.GetProvider())
		}
		return why
	case *patchbayv1.Finding_Dependency:
		return []string{fmt.Sprintf("the manifest declares %s %s", d.Dependency.GetPackage(), d.Dependency.GetVersion())}
	case *patchbayv1.Finding_Webhook:
		v := d.Webhook.GetVerification()
		var why []string
		switch {
		case strings.HasPrefix(v, "declared in "):
			why = append(why, "it is "+v)
		case strings.HasPrefix(v, "reads "):
			why = append(why, "its handling "+v+", which only "+f.GetProvider()+"'s requests carry")
		case strings.HasSuffix(v, " default"):
			why = append(why, "the SDK serves this route by default ("+v+")")
		case v != "":
			why = append(why, "its handling verifies "+f.GetProvider()+"'s signature with "+v)
		}
		if d.Webhook.GetRoute() == "" {
			why = append(why, "no route registration reaches it, so the route is unknown; declare it in patchbay.json")
		}
		if ev := d.Webhook.GetEvents(); len(ev) > 0 {
			why = append(why, "it handles "+strings.Join(ev, ", "))
		}
		if s := d.Webhook.GetSecretEnv(); s != "" {
			why = append(why, "it verifies with the secret in "+s)
		}
		return why
	case *patchbayv1.Finding_Callback:
		if src := d.Callback.GetSource(); src != "explicit" {
			return []string{"of " + src}
		}
		return []string{"the route is named as a callback or exchanges an authorization code"}
	}
	return nil
}
