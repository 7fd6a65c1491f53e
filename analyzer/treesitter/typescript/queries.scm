; TypeScript-only patterns; the JavaScript query is compiled in front of these.

; import x = require("pkg")
(import_require_clause source: (string) @import.require) @import.span
