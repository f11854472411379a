package draw

import (
	"bytes"
	"image/png"
	"os"
	"testing"
)

// TestCommittedIconIsCurrent: app/Icon.png is what this package draws, at
// the 512×512 FyneApp.toml needs.
func TestCommittedIconIsCurrent(t *testing.T) {
	b, err := os.ReadFile("../../../../Icon.png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != Size || got.Y != Size {
		t.Fatalf("icon is %v, want %dx%d", got, Size, Size)
	}
	var want bytes.Buffer
	if err := PNG(&want); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want.Bytes()) {
		t.Fatal("app/Icon.png is stale: go run ./app/internal/tablet/icon > app/Icon.png")
	}
}
