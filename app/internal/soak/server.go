package soak

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"smallwins/app/internal/serverproc"
)

// Password of the soak users: the school "soak" has an interventionist
// "ivy" and an admin "boss".
const Password = "soak-password-1"

// StartServer creates the store in dir with the server's command line and
// serves it, logging to dir/server.log.
func StartServer(bin, dir string) (*serverproc.Server, error) {
	db := filepath.Join(dir, "server.db")
	if err := serverproc.Setup(bin, db, "soak", "Soak Elementary", Password,
		serverproc.User{Username: "ivy", Name: "ivy", Role: "interventionist"},
		serverproc.User{Username: "boss", Name: "boss", Role: "admin"}); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	return serverproc.Start(bin, db, logf)
}

// RSS reads a process's resident memory in KiB from /proc (0 if unknown).
func RSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:")), "%d", &kb)
			return kb
		}
	}
	return 0
}
