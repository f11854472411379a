// Command icon draws the app icon, app/Icon.png (512×512, FyneApp.toml's
// Icon): three rising bars on a green tile with an upward check, the "small
// wins" a student makes week by week. Drawn in code so that it can be
// regenerated and reviewed:
//
//	go run ./app/internal/tablet/icon > app/Icon.png
package main

import (
	"bufio"
	"fmt"
	"os"

	"smallwins/app/internal/tablet/icon/draw"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	if err := draw.PNG(w); err != nil {
		fmt.Fprintln(os.Stderr, "icon:", err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "icon:", err)
		os.Exit(1)
	}
}
