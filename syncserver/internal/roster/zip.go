package roster

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrZipTooLarge is a zip over the limits: too many entries or too many
// declared bytes (a zip bomb). The HTTP endpoint answers it with 413.
var ErrZipTooLarge = errors.New("roster: zip over the limits")

// OpenZip reads a zip's directory and checks its limits before anything is
// decompressed. The declared sizes are checked here; Parse checks the bytes
// it actually reads too, since a zip can lie about them.
func OpenZip(r io.ReaderAt, size int64) (fs.FS, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Insecure names ("../x") do not matter: nothing is written to disk,
		// and fs.FS opens only clean names.
		return nil, errors.New("the file is not a readable zip")
	}
	if len(zr.File) > MaxZipEntries {
		return nil, fmt.Errorf("%w: %d entries, at most %d", ErrZipTooLarge, len(zr.File), MaxZipEntries)
	}
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > MaxFileBytes {
			return nil, fmt.Errorf("%w: an entry of more than %d MiB", ErrZipTooLarge, MaxFileBytes>>20)
		}
		total += f.UncompressedSize64
	}
	if total > MaxZipTotal {
		return nil, fmt.Errorf("%w: more than %d MiB uncompressed", ErrZipTooLarge, MaxZipTotal>>20)
	}
	return zr, nil
}

// Open opens PATH as §14 has it: a directory, or a .zip file.
func Open(path string) (fsys fs.FS, closer func() error, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if st.IsDir() {
		return os.DirFS(path), func() error { return nil }, nil
	}
	// Any other file is tried as a zip, whatever its name: an export saved
	// as "export.ZIP" or without an extension is still one.
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	zfs, err := OpenZip(f, st.Size())
	if err != nil {
		f.Close()
		if errors.Is(err, ErrZipTooLarge) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%s is neither a directory nor a readable zip", path)
	}
	return zfs, f.Close, nil
}
