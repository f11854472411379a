package vault

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealOpenBindsKeyAndAdditionalData(t *testing.T) {
	k1, _ := NewKey()
	k2, _ := NewKey()
	s1, _ := NewSealer(k1)
	s2, _ := NewSealer(k2)
	plain := []byte("Zephyrine Quillfeather")
	a := s1.Seal(plain, []byte("records\x00a"))
	b := s1.Seal(plain, []byte("records\x00a"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same value are equal: the nonce repeated")
	}
	if bytes.Contains(a, plain) || len(a) != len(plain)+Overhead {
		t.Fatalf("sealed %d bytes for %d", len(a), len(plain))
	}
	if got, err := s1.Open(a, []byte("records\x00a")); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %q %v", got, err)
	}
	for name, try := range map[string]func() ([]byte, error){
		"other key": func() ([]byte, error) { return s2.Open(a, []byte("records\x00a")) },
		"other ad":  func() ([]byte, error) { return s1.Open(a, []byte("records\x00b")) },
		"truncated": func() ([]byte, error) { return s1.Open(a[:len(a)-1], []byte("records\x00a")) },
		"empty":     func() ([]byte, error) { return s1.Open(nil, nil) },
		"bad version": func() ([]byte, error) {
			c := append([]byte(nil), a...)
			c[0] = 9
			return s1.Open(c, []byte("records\x00a"))
		},
		"flipped bit": func() ([]byte, error) {
			c := append([]byte(nil), a...)
			c[30] ^= 1
			return s1.Open(c, []byte("records\x00a"))
		},
	} {
		if got, err := try(); !errors.Is(err, ErrTampered) || got != nil {
			t.Errorf("%s: %q %v", name, got, err)
		}
	}
}

func TestWrapUnwrapAndWrongPIN(t *testing.T) {
	p := Params{Time: 1, MemoryKiB: 64, Threads: 1}
	salt, _ := NewKey()
	dk, _ := NewKey()
	kek, err := DeriveKey("482916", salt, p)
	if err != nil {
		t.Fatal(err)
	}
	w, err := Wrap(kek, dk, []byte("pin"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Unwrap(kek, w, []byte("pin")); err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("unwrap: %v", err)
	}
	wrong, _ := DeriveKey("482917", salt, p)
	if _, err := Unwrap(wrong, w, []byte("pin")); !errors.Is(err, ErrTampered) {
		t.Fatalf("a wrong PIN unwrapped: %v", err)
	}
	if _, err := Unwrap(kek, w, []byte("recovery")); !errors.Is(err, ErrTampered) {
		t.Fatalf("a PIN wrap passed for a recovery wrap: %v", err)
	}
	for _, bad := range []Params{{}, {Time: 1, MemoryKiB: 1, Threads: 1}, {Time: 1, MemoryKiB: 1 << 30, Threads: 1}, {Time: 1000, MemoryKiB: 64, Threads: 1}} {
		if _, err := DeriveKey("482916", salt, bad); err == nil {
			t.Errorf("params %+v accepted", bad)
		}
	}
	if _, err := DeriveKey("482916", salt[:8], p); err == nil {
		t.Error("a short salt was accepted")
	}
}

// FuzzOpen: whatever bytes the file holds, Open neither panics nor returns
// plain text it did not seal.
func FuzzOpen(f *testing.F) {
	k := bytes.Repeat([]byte{7}, KeySize)
	s, _ := NewSealer(k)
	f.Add(s.Seal([]byte("hello"), []byte("ad")), []byte("ad"))
	f.Add([]byte{1}, []byte(nil))
	f.Add(bytes.Repeat([]byte{1}, Overhead), []byte("ad"))
	f.Fuzz(func(t *testing.T, sealed, ad []byte) {
		got, err := s.Open(sealed, ad)
		if err != nil {
			if got != nil {
				t.Fatal("plain text returned with an error")
			}
			return
		}
		// It opened: it must be a value sealed with this key and ad, so
		// sealing the result again and opening gives the same.
		again, err := s.Open(s.Seal(got, ad), ad)
		if err != nil || !bytes.Equal(again, got) {
			t.Fatal("round trip failed")
		}
	})
}

// BenchmarkDeriveKey is the cost of one PIN check with DefaultParams (the
// bulk of unlocking), beside the cost of opening one sealed record.
func BenchmarkDeriveKey(b *testing.B) {
	salt, _ := NewKey()
	for i := 0; i < b.N; i++ {
		if _, err := DeriveKey("482916", salt, DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/derive")
}

func BenchmarkOpenRecord(b *testing.B) {
	k, _ := NewKey()
	s, _ := NewSealer(k)
	v := s.Seal(bytes.Repeat([]byte("x"), 600), []byte("records\x00k"))
	b.SetBytes(600)
	for i := 0; i < b.N; i++ {
		if _, err := s.Open(v, []byte("records\x00k")); err != nil {
			b.Fatal(err)
		}
	}
}
