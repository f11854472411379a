package hlc

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"
)

var (
	node  = uuid.MustParse("5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6")
	node2 = uuid.MustParse("0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00")
)

const goodText = "1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"

// fakeNow is a settable device clock; tests never read the wall clock.
type fakeNow struct{ t time.Time }

func (f *fakeNow) now() time.Time { return f.t }

func at(ms int64) *fakeNow { return &fakeNow{time.UnixMilli(ms)} }

func TestString(t *testing.T) {
	cases := []struct {
		ts   Timestamp
		want string
	}{
		{Timestamp{Wall: 1764000000000, Logical: 7, Node: node}, "1764000000000-00007-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{Timestamp{Wall: MinWall, Node: node2}, "1577836800000-00000-0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00"},
		{Timestamp{Wall: MaxWall, Logical: MaxLogical, Node: node}, "9999999999999-99999-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		// Walls before 2020 are invalid to Parse but still render at fixed
		// width, so string order stays the order for any in-memory value.
		{Timestamp{Wall: 42, Logical: 3}, "0000000000042-00003-00000000-0000-0000-0000-000000000000"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			s := c.ts.String()
			if s != c.want {
				t.Fatalf("String = %q, want %q", s, c.want)
			}
			if len(s) != TextLen {
				t.Fatalf("len = %d, want %d", len(s), TextLen)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	cases := []struct {
		name string
		text string
		want Timestamp
	}{
		{"protocol example", goodText, Timestamp{Wall: 1764000000000, Node: node}},
		{"2020-01-01 exactly", "1577836800000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6", Timestamp{Wall: MinWall, Node: node}},
		{"largest values", "9999999999999-99999-ffffffff-ffff-ffff-ffff-ffffffffffff",
			Timestamp{Wall: MaxWall, Logical: MaxLogical, Node: uuid.MustParse("ffffffff-ffff-ffff-ffff-ffffffffffff")}},
		{"nil node", "1764000000000-00012-00000000-0000-0000-0000-000000000000", Timestamp{Wall: 1764000000000, Logical: 12}},
		{"leading zeros in counter", "1764000000001-00100-0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00", Timestamp{Wall: 1764000000001, Logical: 100, Node: node2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.text)
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.text, err)
			}
			if got != c.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", c.text, got, c.want)
			}
			if got.String() != c.text {
				t.Fatalf("round trip: %q became %q", c.text, got.String())
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	cases := []struct{ name, text string }{
		{"empty", ""},
		{"garbage", "yesterday"},
		{"uppercase uuid", strings.ToUpper(goodText)},
		{"one uppercase hex digit", "1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5F6"},
		{"short (55 chars)", goodText[:55]},
		{"long (57 chars)", goodText + "0"},
		{"short wall", "176400000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"long logical", "1764000000000-000000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"wall just before 2020", "1577836799999-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"wall zero", "0000000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"letter in wall", "17640000000a0-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"letter in counter", "1764000000000-0000x-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"plus sign", "+764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"minus sign in counter", "1764000000000--0001-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"space in wall", " 764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"wrong separator", "1764000000000_00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"second separator", "1764000000000-00000_5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"braced node", "1764000000000-00000-{5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f}"},
		{"node without dashes", "1764000000000-00000-5d0c3a1e08f2b04c7d09e100a1b2c3d4e5f6"},
		{"node dash moved", "1764000000000-00000-5d0c3a1e8-f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"non-hex in node", "1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5g6"},
		{"trailing space", goodText + " "},
		{"leading space", " " + goodText},
		{"node only", "5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"},
		{"non-ascii digit", "176400000000\u0661-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts, err := Parse(c.text)
			if err == nil {
				t.Fatalf("Parse(%q) accepted: %+v", c.text, ts)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q) = %v, which does not wrap ErrInvalid", c.text, err)
			}
			if !ts.IsZero() {
				t.Fatalf("Parse(%q) returned %+v with its error", c.text, ts)
			}
		})
	}
}

// TestParseNode: the node of an HLC is a canonical lowercase UUID, and
// nothing uuid.Parse would also take.
func TestParseNode(t *testing.T) {
	for s, want := range map[string]bool{
		"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00":      true,
		"00000000-0000-0000-0000-000000000000":      true,
		"0193A5C4-7E2B-7C1D-9A41-2F3B8C1D9E00":      false,
		"0193a5c47e2b7c1d9a412f3b8c1d9e00":          false,
		"urn:uuid:0193a5c4-7e2b-7c1d-9a41-2f3b8c1d": false,
		"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e0":       false,
		"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e000":     false,
		"0193a5c4+7e2b-7c1d-9a41-2f3b8c1d9e00":      false,
		"{0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00}":    false,
		"":                                          false,
	} {
		u, err := ParseNode(s)
		if (err == nil) != want || (err == nil && u.String() != s) {
			t.Errorf("ParseNode(%q) = %v, %v; want ok=%v", s, u, err, want)
		}
	}
}

func TestCompare(t *testing.T) {
	base := Timestamp{Wall: 1764000000000, Logical: 5, Node: node}
	cases := []struct {
		name string
		a, b Timestamp
		want int
	}{
		{"equal", base, base, 0},
		{"wall decides", Timestamp{Wall: base.Wall + 1, Node: node2}, base, 1},
		{"wall beats a greater counter", Timestamp{Wall: base.Wall - 1, Logical: MaxLogical, Node: node}, base, -1},
		{"counter decides", Timestamp{Wall: base.Wall, Logical: 6, Node: node2}, base, 1},
		{"counter 10 after 9 (no text trap)", Timestamp{Wall: base.Wall, Logical: 9, Node: node}, Timestamp{Wall: base.Wall, Logical: 10, Node: node}, -1},
		{"node breaks ties", Timestamp{Wall: base.Wall, Logical: 5, Node: node2}, base, -1},
		{"node breaks ties (reverse)", base, Timestamp{Wall: base.Wall, Logical: 5, Node: node2}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Compare(c.a, c.b); got != c.want {
				t.Fatalf("Compare = %d, want %d", got, c.want)
			}
			if got := strings.Compare(c.a.String(), c.b.String()); got != c.want {
				t.Fatalf("strings.Compare = %d, want %d (text order must be time order)", got, c.want)
			}
			if got := Compare(c.b, c.a); got != -c.want {
				t.Fatalf("Compare reversed = %d, want %d", got, -c.want)
			}
		})
	}
}

// TestCompareAgreesWithText: PROTOCOL §3, plain byte-wise string comparison is the order.
func TestCompareAgreesWithText(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := func(l string) Timestamp {
			return Timestamp{
				Wall:    rapid.Int64Range(0, MaxWall).Draw(t, l+"w"),
				Logical: rapid.IntRange(0, MaxLogical).Draw(t, l+"l"),
				Node:    uuid.UUID([16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, l+"n"))),
			}
		}
		a := gen("a")
		b := a
		// Often share the wall (and counter) so the later fields get exercised.
		switch rapid.IntRange(0, 2).Draw(t, "share") {
		case 0:
			b = gen("b")
		case 1:
			b.Logical = rapid.IntRange(0, MaxLogical).Draw(t, "bl")
			b.Node = uuid.UUID([16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "bn")))
		case 2:
			b.Node = uuid.UUID([16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "bn")))
		}
		if got, want := Compare(a, b), strings.Compare(a.String(), b.String()); got != want {
			t.Fatalf("Compare = %d, strings.Compare = %d for %s %s", got, want, a, b)
		}
	})
}

// TestLocalWrite: PROTOCOL §3, w' = max(last.w, now); l' = last.l+1 if
// w' == last.w, else 0; past 99999 the wall advances by 1 ms.
func TestLocalWrite(t *testing.T) {
	const w = 1764000000000
	cases := []struct {
		name   string
		last   State
		device int64 // device clock, ms
		want   Timestamp
	}{
		{"fresh clock takes now", State{}, w, Timestamp{Wall: w}},
		{"same ms counts up", State{Wall: w, Logical: 3}, w, Timestamp{Wall: w, Logical: 4}},
		{"later ms resets the counter", State{Wall: w, Logical: 3}, w + 1, Timestamp{Wall: w + 1}},
		{"device clock behind: keep wall, count up", State{Wall: w, Logical: 3}, w - 3600000, Timestamp{Wall: w, Logical: 4}},
		{"device clock reset to 1970", State{Wall: w, Logical: 0}, 0, Timestamp{Wall: w, Logical: 1}},
		{"reset clock and no state: 2020, never an invalid stamp", State{}, 0, Timestamp{Wall: MinWall}},
		{"reset clock and no state, second write", State{Wall: MinWall}, 86400000, Timestamp{Wall: MinWall, Logical: 1}},
		{"counter overflow advances wall 1 ms", State{Wall: w, Logical: MaxLogical}, w, Timestamp{Wall: w + 1}},
		{"counter overflow with clock behind", State{Wall: w, Logical: MaxLogical}, w - 10, Timestamp{Wall: w + 1}},
		{"server offset ahead", State{OffsetMS: 3600000}, w, Timestamp{Wall: w + 3600000}},
		{"server offset behind", State{Wall: w - 7200000, OffsetMS: -3600000}, w, Timestamp{Wall: w - 3600000}},
		{"offset does not pull the wall backwards", State{Wall: w, Logical: 1, OffsetMS: -3600000}, w, Timestamp{Wall: w, Logical: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := NewClock(node, c.last, at(c.device).now)
			c.want.Node = node
			got := clk.Now()
			if got != c.want {
				t.Fatalf("Now = %+v, want %+v", got, c.want)
			}
			st := clk.State()
			if st.Wall != got.Wall || st.Logical != got.Logical || st.OffsetMS != c.last.OffsetMS {
				t.Fatalf("State = %+v after Now = %+v (offset was %d)", st, got, c.last.OffsetMS)
			}
		})
	}
}

// TestReceive: PROTOCOL §3 and Kulkarni et al. (2014), the receive rule:
// w' = max(last.w, remote.w, now); l' = max(last.l, remote.l)+1 when all
// three walls meet, last.l+1 when only last.w does, remote.l+1 when only
// remote.w does, else 0; past 99999 the wall advances by 1 ms.
func TestReceive(t *testing.T) {
	const w = 1764000000000
	cases := []struct {
		name       string
		last       State
		remote     Timestamp
		device     int64
		wantWall   int64
		wantLogic  int
		wantOffset int64
	}{
		{"now is greatest", State{Wall: w, Logical: 5}, Timestamp{Wall: w - 100, Logical: 7}, w + 1000, w + 1000, 0, 0},
		{"local is greatest", State{Wall: w + 2000, Logical: 5}, Timestamp{Wall: w + 1000, Logical: 9}, w, w + 2000, 6, 0},
		{"remote is greatest", State{Wall: w + 1000, Logical: 5}, Timestamp{Wall: w + 2000, Logical: 9}, w, w + 2000, 10, 0},
		{"local and remote tie, larger remote counter", State{Wall: w + 2000, Logical: 5}, Timestamp{Wall: w + 2000, Logical: 9}, w, w + 2000, 10, 0},
		{"local and remote tie, larger local counter", State{Wall: w + 2000, Logical: 12}, Timestamp{Wall: w + 2000, Logical: 9}, w, w + 2000, 13, 0},
		{"all three tie", State{Wall: w, Logical: 5}, Timestamp{Wall: w, Logical: 2}, w, w, 6, 0},
		{"local ties now, remote behind", State{Wall: w, Logical: 5}, Timestamp{Wall: w - 1, Logical: 50}, w, w, 6, 0},
		{"remote ties now, local behind", State{Wall: w - 1, Logical: 50}, Timestamp{Wall: w, Logical: 4}, w, w, 5, 0},
		{"remote counter overflows", State{Wall: w}, Timestamp{Wall: w + 5000, Logical: MaxLogical}, w, w + 5001, 0, 0},
		{"tied counters overflow", State{Wall: w + 5000, Logical: MaxLogical}, Timestamp{Wall: w + 5000, Logical: MaxLogical}, w, w + 5001, 0, 0},
		{"receive keeps the offset", State{Wall: w, OffsetMS: 60000}, Timestamp{Wall: w + 30000}, w, w + 60000, 0, 60000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := NewClock(node, c.last, at(c.device).now)
			clk.Observe(c.remote)
			want := State{Wall: c.wantWall, Logical: c.wantLogic, OffsetMS: c.wantOffset}
			if st := clk.State(); st != want {
				t.Fatalf("State after Observe(%v) = %+v, want %+v", c.remote, st, want)
			}
			// The next local write follows everything seen.
			next := clk.Now()
			if next.Wall < c.remote.Wall || (next.Wall == c.remote.Wall && next.Logical <= c.remote.Logical) {
				t.Fatalf("Now = %v does not follow the remote %v", next, c.remote)
			}
		})
	}
}

// TestServerTime: the offset is server_time_ms − local time at response, and
// the server time itself is received like any timestamp (PROTOCOL §3).
func TestServerTime(t *testing.T) {
	const w = 1764000000000
	cases := []struct {
		name       string
		last       State
		device     int64
		server     int64
		wantOffset int64
		wantWall   int64
		wantLogic  int
	}{
		{"server an hour ahead", State{}, w, w + 3600000, 3600000, w + 3600000, 1},
		{"server behind: offset negative, wall kept", State{Wall: w, Logical: 4}, w, w - 60000, -60000, w, 5},
		{"in step", State{Wall: w - 10}, w, w, 0, w, 1},
		{"replaces an old offset", State{Wall: w, OffsetMS: 999999}, w, w + 5, 5, w + 5, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := at(c.device)
			clk := NewClock(node, c.last, f.now)
			clk.ObserveServerTime(c.server)
			st := clk.State()
			if st.OffsetMS != c.wantOffset || st.Wall != c.wantWall || st.Logical != c.wantLogic {
				t.Fatalf("State = %+v, want offset %d wall %d logical %d", st, c.wantOffset, c.wantWall, c.wantLogic)
			}
			// Later local writes read the corrected clock.
			f.t = f.t.Add(10 * time.Second)
			if got, want := clk.Now().Wall, max(c.device+10000+c.wantOffset, c.wantWall); got != want {
				t.Fatalf("Now().Wall 10 s later = %d, want %d", got, want)
			}
		})
	}
}

func TestStateRoundTrip(t *testing.T) {
	f := at(1764000000000)
	c := NewClock(node, State{}, f.now)
	c.ObserveServerTime(1764000000000 + 250)
	c.Now()
	last := c.Now()
	st := c.State()

	// PROTOCOL §3: the state survives restarts; it is persisted as JSON.
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"wall":1764000000250,"logical":3,"offset_ms":250}` {
		t.Fatalf("persisted form %s", b)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil || back != st {
		t.Fatalf("round trip = %+v, %v; want %+v", back, err, st)
	}

	// A restarted clock whose device clock went back an hour still follows.
	f.t = f.t.Add(-time.Hour)
	restarted := NewClock(node, back, f.now)
	if next := restarted.Now(); Compare(next, last) <= 0 {
		t.Fatalf("restarted clock gave %v, not after %v", next, last)
	}
	if restarted.Node() != node {
		t.Fatalf("Node = %v", restarted.Node())
	}

	// Restore rolls a clock back to a saved state (a write that was rolled back).
	c.Restore(st)
	if again := c.Now(); again.Wall != last.Wall || again.Logical != last.Logical+1 {
		t.Fatalf("after Restore, Now = %v; want the successor of %v", again, last)
	}
}

// TestConcurrentNow: a Clock is safe for concurrent use and never hands out
// the same timestamp twice.
func TestConcurrentNow(t *testing.T) {
	c := NewClock(node, State{}, at(1764000000000).now) // frozen device clock
	const workers, each = 8, 500
	out := make([][]Timestamp, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if i%2 == 0 {
					c.Observe(Timestamp{Wall: 1764000000000, Logical: 7, Node: node2})
				}
				out[i] = append(out[i], c.Now())
			}
		}()
	}
	wg.Wait()
	seen := make(map[Timestamp]bool, workers*each)
	for _, list := range out {
		for j, ts := range list {
			if seen[ts] {
				t.Fatalf("timestamp %v handed out twice", ts)
			}
			seen[ts] = true
			if j > 0 && Compare(ts, list[j-1]) <= 0 {
				t.Fatalf("one goroutine saw %v after %v", ts, list[j-1])
			}
		}
	}
}

// TestMonotonic: one clock's timestamps strictly increase under any mix of
// writes, receives, server times, device clock jumps (both ways) and
// restarts from the persisted state.
func TestMonotonic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Starting before 2020 too: a reset device clock with no saved state.
		f := at(rapid.Int64Range(0, MinWall+1e12).Draw(t, "start"))
		c := NewClock(node, State{}, f.now)
		var last Timestamp
		steps := rapid.IntRange(1, 200).Draw(t, "steps")
		for range steps {
			switch rapid.IntRange(0, 5).Draw(t, "op") {
			case 0: // the device clock jumps, often backwards
				f.t = f.t.Add(time.Duration(rapid.Int64Range(-1e15, 1e12).Draw(t, "jump")) * time.Microsecond)
			case 1:
				r := Timestamp{
					Wall:    rapid.Int64Range(MinWall, MinWall+2e12).Draw(t, "rw"),
					Logical: rapid.IntRange(0, MaxLogical).Draw(t, "rl"),
					Node:    node2,
				}
				c.Observe(r)
				if n := c.Now(); Compare(n, r) <= 0 {
					t.Fatalf("Now %v after Observe(%v) does not follow it", n, r)
				}
			case 2:
				c.ObserveServerTime(rapid.Int64Range(MinWall, MinWall+2e12).Draw(t, "srv"))
			case 3: // restart from the persisted state
				c = NewClock(node, c.State(), f.now)
			case 4: // a burst in one millisecond, sometimes near overflow
				if rapid.Bool().Draw(t, "near overflow") {
					st := c.State()
					st.Logical = max(st.Logical, MaxLogical-2)
					c.Restore(st)
					last = Timestamp{Wall: st.Wall, Logical: st.Logical, Node: node}
				}
				for range rapid.IntRange(1, 5).Draw(t, "burst") {
					ts := c.Now()
					if Compare(ts, last) <= 0 {
						t.Fatalf("%v not after %v", ts, last)
					}
					last = ts
				}
			}
			ts := c.Now()
			if Compare(ts, last) <= 0 || ts.String() <= last.String() {
				t.Fatalf("%v not after %v", ts, last)
			}
			if ts.Logical < 0 || ts.Logical > MaxLogical || ts.Node != node {
				t.Fatalf("out of range %+v", ts)
			}
			if _, err := Parse(ts.String()); err != nil {
				t.Fatalf("clock produced an unparsable %v: %v", ts, err)
			}
			last = ts
		}
	})
}

// TestCausality: Kulkarni et al.'s guarantee across devices. Three clocks
// with device clocks skewed by up to a day send each other timestamps in a
// random schedule; whenever event e happened before f (same clock, or f
// follows the receipt of a message carrying e), hlc(e) < hlc(f).
func TestCausality(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		const n = 3
		devs := make([]*fakeNow, n)
		clocks := make([]*Clock, n)
		last := make([]Timestamp, n) // the greatest stamp each clock has made or received
		for i := range clocks {
			devs[i] = at(1764000000000 + rapid.Int64Range(-86400000, 86400000).Draw(t, "skew"))
			clocks[i] = NewClock(uuid.UUID{15: byte(i + 1)}, State{}, devs[i].now)
		}
		type msg struct {
			to int
			ts Timestamp
		}
		var inflight []msg
		for range rapid.IntRange(1, 100).Draw(t, "events") {
			i := rapid.IntRange(0, n-1).Draw(t, "who")
			devs[i].t = devs[i].t.Add(time.Duration(rapid.Int64Range(-5, 50).Draw(t, "tick")) * time.Millisecond)
			switch rapid.IntRange(0, 2).Draw(t, "kind") {
			case 0: // local write
				ts := clocks[i].Now()
				if Compare(ts, last[i]) <= 0 {
					t.Fatalf("clock %d: write %v not after %v", i, ts, last[i])
				}
				last[i] = ts
			case 1: // send
				ts := clocks[i].Now()
				if Compare(ts, last[i]) <= 0 {
					t.Fatalf("clock %d: send %v not after %v", i, ts, last[i])
				}
				last[i] = ts
				inflight = append(inflight, msg{to: rapid.IntRange(0, n-1).Draw(t, "to"), ts: ts})
			case 2: // deliver one message, in any order
				if len(inflight) == 0 {
					continue
				}
				k := rapid.IntRange(0, len(inflight)-1).Draw(t, "msg")
				m := inflight[k]
				inflight = append(inflight[:k], inflight[k+1:]...)
				clocks[m.to].Observe(m.ts)
				next := clocks[m.to].Now()
				if Compare(next, m.ts) <= 0 || Compare(next, last[m.to]) <= 0 {
					t.Fatalf("clock %d: %v after receiving %v (last %v)", m.to, next, m.ts, last[m.to])
				}
				last[m.to] = next
			}
		}
	})
}

// hlcText is an independent reading of PROTOCOL §3's text form.
var hlcText = regexp.MustCompile(`^[0-9]{13}-[0-9]{5}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		goodText,
		"9999999999999-99999-ffffffff-ffff-ffff-ffff-ffffffffffff",
		"1577836800000-00000-00000000-0000-0000-0000-000000000000",
		"1577836799999-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6",
		strings.ToUpper(goodText),
		"0000000000000-00000-00000000-0000-0000-0000-000000000000",
		"garbage",
		"",
		goodText[:55],
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := Parse(s)
		// Accepted exactly when the independent reading says so.
		if want := hlcText.MatchString(s) && s[:13] >= "1577836800000"; want != (err == nil) {
			t.Fatalf("Parse(%q) error %v; PROTOCOL §3 says valid=%v", s, err, want)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		// Only the canonical spelling is accepted: it renders back byte for byte.
		if ts.String() != s {
			t.Fatalf("accepted %q but renders %q", s, ts.String())
		}
		if ts.Wall < MinWall || ts.Wall > MaxWall || ts.Logical < 0 || ts.Logical > MaxLogical {
			t.Fatalf("accepted out-of-range %+v", ts)
		}
		if s != strings.ToLower(s) {
			t.Fatalf("accepted uppercase %q", s)
		}
		if Compare(ts, ts) != 0 {
			t.Fatal("Compare(ts, ts) != 0")
		}
	})
}
