package protocol

import "github.com/google/uuid"

// serverDeviceNamespace makes a school's server device id: a name-based
// UUID of the school id, the same on every server instance and after every
// restart without being stored, and never a tablet's (tablets make random
// ones).
var serverDeviceNamespace = uuid.MustParse("6f1c2a9e-3b7d-5e40-9a1b-57a11b0e5e7d")

// ServerDeviceID is the device id under which the server writes records in
// a school (PROTOCOL §14: a team decision from the console, a roster
// import): the node of every HLC it stamps there. A tablet that knows its
// school's id recognises a version the console wrote by this node.
func ServerDeviceID(schoolID string) string {
	return uuid.NewSHA1(serverDeviceNamespace, []byte(schoolID)).String()
}
