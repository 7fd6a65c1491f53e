package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/patchbay-dev/patchbay/store"
)

// replacement decides what a change of immutable properties means: for an
// object Patchbay created, a replacement (planned as a rotation, which
// creates the new object before removing the old one); for an adopted one,
// nothing but a warning, because Patchbay never removes what it did not
// create.
func replacement(info TypeInfo, row store.Resource, changes []Change) (replace bool, warning string) {
	var fields []string
	for _, c := range changes {
		if slices.Contains(info.Immutable, c.Field) {
			fields = append(fields, c.Field)
		}
	}
	if len(fields) == 0 {
		return false, ""
	}
	if row.CreatedByPatchbay {
		return true, ""
	}
	return false, fmt.Sprintf("%s cannot change on an existing object and this one was adopted, so Patchbay leaves it as it is; "+
		"remove it from patchbay.json and add it back under a new key to let Patchbay create its own", strings.Join(fields, ", "))
}
