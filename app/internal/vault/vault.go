// Package vault holds the tablet's cryptography (ADR 0610): a
// random 32-byte data key seals every secret value of the local store with
// XChaCha20-Poly1305; the data key itself is stored only wrapped, under a key
// derived from the PIN (argon2id) and under the per-device recovery key the
// server holds. It knows nothing of bbolt or records: callers pass the
// bytes and the "additional data" that binds a ciphertext to where it lives.
package vault

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// KeySize is the size of the data key, of a PIN-derived key and of the
// recovery key.
const KeySize = chacha20poly1305.KeySize

// version is the first byte of every sealed value: a later format can be
// told apart without guessing.
const version = 1

// Overhead is what Seal adds to a plaintext: version, nonce and tag.
const Overhead = 1 + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

// ErrTampered: a sealed value does not open under this key with this
// additional data — it was changed, truncated, moved to another key, or the
// key is wrong. Nothing of the value is returned.
var ErrTampered = errors.New("vault: sealed value does not open (changed, moved or wrong key)")

// Params are argon2id's cost parameters, stored with the wrapped key so that
// a later version can raise them without locking anyone out.
type Params struct {
	Time      uint32 `json:"t"`
	MemoryKiB uint32 `json:"m"`
	Threads   uint8  `json:"p"`
}

// DefaultParams: measured on the 2-core build machine (docs/PERFORMANCE.md,
// BenchmarkDeriveKey): about 0.1–0.2 s per derivation there, estimated
// 0.4–0.8 s on a 2020-era Android tablet. 64 MiB is what a mid-range tablet
// spares without the OS killing the app; 2 passes over it make each guess of
// an offline attack cost that memory and time (ADR 0610).
var DefaultParams = Params{Time: 2, MemoryKiB: 64 * 1024, Threads: 2}

// Valid reports whether p is usable: argon2 panics on zero time or threads,
// and absurd values from a damaged file must not exhaust memory.
func (p Params) Valid() bool {
	return p.Time >= 1 && p.Time <= 64 && p.Threads >= 1 && p.MemoryKiB >= 8*uint32(p.Threads) && p.MemoryKiB <= 1<<20
}

// DeriveKey derives the key that wraps the data key from a PIN and a salt.
func DeriveKey(pin string, salt []byte, p Params) ([]byte, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("vault: derive: bad parameters %+v", p)
	}
	if len(salt) < 16 {
		return nil, fmt.Errorf("vault: derive: salt of %d bytes", len(salt))
	}
	return argon2.IDKey([]byte(pin), salt, p.Time, p.MemoryKiB, p.Threads, KeySize), nil
}

// NewKey returns KeySize random bytes (a data key, a recovery key, a salt).
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("vault: random: %w", err)
	}
	return k, nil
}

// Sealer seals and opens values under one key. It is safe for concurrent use.
type Sealer struct{ aead cipher.AEAD }

// NewSealer returns a Sealer for key (KeySize bytes).
func NewSealer(key []byte) (*Sealer, error) {
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return &Sealer{aead: a}, nil
}

// Seal returns version ‖ random 24-byte nonce ‖ ciphertext+tag of plain,
// bound to ad: the same bytes under other additional data do not open.
// XChaCha's 192-bit nonces are safe to draw at random for any number of
// writes a tablet will make.
func (s *Sealer) Seal(plain, ad []byte) []byte {
	out := make([]byte, 1+chacha20poly1305.NonceSizeX, len(plain)+Overhead)
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		// crypto/rand does not fail on supported systems (Go 1.24+ it
		// never returns an error); a repeated nonce would be worse than a crash.
		panic("vault: random: " + err.Error())
	}
	return s.aead.Seal(out, out[1:], plain, ad)
}

// Open returns the plaintext of a value Seal made with the same key and ad,
// or ErrTampered.
func (s *Sealer) Open(sealed, ad []byte) ([]byte, error) {
	if len(sealed) < Overhead || sealed[0] != version {
		return nil, ErrTampered
	}
	nonce := sealed[1 : 1+chacha20poly1305.NonceSizeX]
	plain, err := s.aead.Open(nil, nonce, sealed[1+chacha20poly1305.NonceSizeX:], ad)
	if err != nil {
		return nil, ErrTampered
	}
	return plain, nil
}

// Wrap seals the data key dk under kek (a PIN-derived or recovery key).
func Wrap(kek, dk, ad []byte) ([]byte, error) {
	s, err := NewSealer(kek)
	if err != nil {
		return nil, err
	}
	return s.Seal(dk, ad), nil
}

// Unwrap opens a wrapped data key; ErrTampered when kek is not the key it
// was wrapped with (a wrong PIN) or the bytes were changed.
func Unwrap(kek, wrapped, ad []byte) ([]byte, error) {
	s, err := NewSealer(kek)
	if err != nil {
		return nil, err
	}
	dk, err := s.Open(wrapped, ad)
	if err != nil {
		return nil, err
	}
	if len(dk) != KeySize {
		return nil, ErrTampered
	}
	return dk, nil
}
