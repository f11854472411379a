package hlc

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"
)

var node = uuid.MustParse("5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6")

func TestTextForm(t *testing.T) {
	ts := Timestamp{Wall: 1764000000000, Logical: 7, Node: node}
	s := ts.String()
	if s != "1764000000000-00007-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6" || len(s) != TextLen {
		t.Fatalf("String = %q", s)
	}
	back, err := Parse(s)
	if err != nil || back != ts {
		t.Fatalf("Parse(String) = %+v, %v", back, err)
	}
}

func TestParseRejects(t *testing.T) {
	good := "1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"
	cases := map[string]string{
		"empty":           "",
		"short wall":      "176400000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6",
		"long logical":    "1764000000000-000000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6",
		"uppercase node":  strings.ToUpper(good),
		"braced node":     "1764000000000-00000-{5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f}",
		"before 2020":     "1577836799999-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6",
		"sign":            "+764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6",
		"letters":         "17640000000a0-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6",
		"wrong separator": "1764000000000_00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6",
		"trailing":        good + " ",
	}
	for name, s := range cases {
		if _, err := Parse(s); err == nil {
			t.Errorf("%s: Parse(%q) accepted", name, s)
		}
	}
	if _, err := Parse("1577836800000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"); err != nil {
		t.Errorf("2020-01-01 exactly refused: %v", err)
	}
}

// fakeNow is a settable device clock.
type fakeNow struct{ t time.Time }

func (f *fakeNow) now() time.Time { return f.t }

func TestClockRules(t *testing.T) {
	f := &fakeNow{time.UnixMilli(1764000000000)}
	c := NewClock(node, State{}, f.now)
	a := c.Now()
	if a.Wall != 1764000000000 || a.Logical != 0 {
		t.Fatalf("first = %+v", a)
	}
	b := c.Now() // same ms: logical +1
	if b.Wall != a.Wall || b.Logical != 1 {
		t.Fatalf("same ms = %+v", b)
	}
	f.t = f.t.Add(-time.Hour) // the device clock jumps back: never go backwards
	if d := c.Now(); Compare(d, b) <= 0 || d.Wall != b.Wall || d.Logical != 2 {
		t.Fatalf("after a backward jump = %+v", d)
	}
	// Receive: a remote ahead pulls the clock forward, logical = remote + 1.
	c.Observe(Timestamp{Wall: 1764000005000, Logical: 4})
	if st := c.State(); st.Wall != 1764000005000 || st.Logical != 5 {
		t.Fatalf("after receive = %+v", st)
	}
	// Equal walls: max(logicals) + 1.
	c.Observe(Timestamp{Wall: 1764000005000, Logical: 9})
	if st := c.State(); st.Logical != 10 {
		t.Fatalf("equal walls = %+v", st)
	}
	// Overflow: past 99999 the wall advances 1 ms.
	c.Restore(State{Wall: 1764000005000, Logical: MaxLogical})
	if o := c.Now(); o.Wall != 1764000005001 || o.Logical != 0 {
		t.Fatalf("overflow = %+v", o)
	}
	// Server offset: the server is an hour ahead; later writes use it.
	f.t = time.UnixMilli(1764000000000)
	c2 := NewClock(node, State{}, f.now)
	c2.ObserveServerTime(1764003600000)
	if st := c2.State(); st.OffsetMS != 3600000 {
		t.Fatalf("offset = %d", st.OffsetMS)
	}
	f.t = f.t.Add(time.Second)
	if w := c2.Now().Wall; w != 1764003601000 {
		t.Fatalf("corrected now = %d", w)
	}
	// State survives a restart.
	c3 := NewClock(node, c2.State(), f.now)
	if Compare(c3.Now(), Timestamp{Wall: 1764003601000, Node: node}) <= 0 {
		t.Fatal("restarted clock went backwards")
	}
}

// TestMonotonic: one clock's timestamps strictly increase under any mix of
// writes, receives, server times and device clock jumps.
func TestMonotonic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := &fakeNow{time.UnixMilli(1764000000000)}
		c := NewClock(node, State{}, f.now)
		var last Timestamp
		for i := 0; i < rapid.IntRange(1, 200).Draw(t, "steps"); i++ {
			switch rapid.IntRange(0, 3).Draw(t, "op") {
			case 0:
				f.t = f.t.Add(time.Duration(rapid.Int64Range(-1e12, 1e12).Draw(t, "jump")))
			case 1:
				c.Observe(Timestamp{Wall: rapid.Int64Range(MinWall, MinWall+1e13/2).Draw(t, "rw"), Logical: rapid.IntRange(0, MaxLogical).Draw(t, "rl")})
			case 2:
				c.ObserveServerTime(rapid.Int64Range(MinWall, MinWall+1e12).Draw(t, "srv"))
			}
			ts := c.Now()
			if Compare(ts, last) <= 0 || ts.String() <= last.String() {
				t.Fatalf("%v not after %v", ts, last)
			}
			if ts.Logical > MaxLogical {
				t.Fatalf("logical %d", ts.Logical)
			}
			last = ts
		}
	})
}

func TestCompareAgreesWithText(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := func(l string) Timestamp {
			return Timestamp{Wall: rapid.Int64Range(MinWall, MaxWall).Draw(t, l+"w"), Logical: rapid.IntRange(0, MaxLogical).Draw(t, l+"l"),
				Node: uuid.UUID([16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, l+"n")))}
		}
		a, b := gen("a"), gen("b")
		if got, want := Compare(a, b), strings.Compare(a.String(), b.String()); got != want {
			t.Fatalf("Compare = %d, strings.Compare = %d for %s %s", got, want, a, b)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add("1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6")
	f.Add("9999999999999-99999-ffffffff-ffff-ffff-ffff-ffffffffffff")
	f.Add("0000000000000-00000-00000000-0000-0000-0000-000000000000")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := Parse(s)
		if err != nil {
			return
		}
		if ts.String() != s {
			t.Fatalf("accepted %q but renders %q", s, ts.String())
		}
		if ts.Wall < MinWall || ts.Logical > MaxLogical {
			t.Fatalf("accepted out-of-range %+v", ts)
		}
	})
}
