package protocol

import (
	"testing"

	"github.com/google/uuid"
)

// TestServerDeviceIDIsStable: the id is derived, never stored, so the
// derivation may not change (every HLC the server stamped carries it), and
// it is a canonical UUID of its own per school.
func TestServerDeviceIDIsStable(t *testing.T) {
	const school = "00000000-0000-7000-8000-000000000001"
	if got := ServerDeviceID(school); got != "52f7f1df-9b4a-56a4-98ad-6e3849d7a77d" {
		t.Fatalf("ServerDeviceID changed: %s", got)
	}
	if ServerDeviceID(school) == ServerDeviceID("00000000-0000-7000-8000-000000000002") {
		t.Fatal("two schools share a server device id")
	}
	if u, err := uuid.Parse(ServerDeviceID(school)); err != nil || u.String() != ServerDeviceID(school) {
		t.Fatalf("not a canonical UUID: %v", err)
	}
}
