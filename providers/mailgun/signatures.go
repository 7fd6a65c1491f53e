package mailgun

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{}
