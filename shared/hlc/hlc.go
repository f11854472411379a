// Package hlc implements the hybrid logical clock of PROTOCOL §3.
//
// A Timestamp's text form has fixed-width fields (wall, logical, node), so plain
// byte-wise string comparison is the order. Code that only needs to order two
// versions may therefore compare their strings; Parse is for validation.
package hlc

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
)

const (
	// MinWall is 2020-01-01T00:00:00Z in ms: earlier wall times only come from a
	// reset clock that lost its saved state (PROTOCOL §3).
	MinWall int64 = 1577836800000
	// MaxWall is the largest wall time with 13 digits.
	MaxWall int64 = 9999999999999
	// MaxLogical is the largest logical counter (5 digits).
	MaxLogical = 99999
	// TextLen is the length of a timestamp's text form: 13 + 1 + 5 + 1 + 36.
	TextLen = 56
)

// ErrInvalid is wrapped by every Parse error.
var ErrInvalid = errors.New("invalid hlc")

// Timestamp is one HLC value.
type Timestamp struct {
	Wall    int64     // ms since the Unix epoch
	Logical int       // 0..MaxLogical
	Node    uuid.UUID // the writing device
}

// String renders the fixed-width text form WWWWWWWWWWWWW-LLLLL-NODE.
func (t Timestamp) String() string {
	b := make([]byte, 0, TextLen)
	b = appendPadded(b, t.Wall, 13)
	b = append(b, '-')
	b = appendPadded(b, int64(t.Logical), 5)
	b = append(b, '-')
	return string(append(b, t.Node.String()...))
}

func appendPadded(b []byte, v int64, width int) []byte {
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// IsZero reports whether t is the zero Timestamp.
func (t Timestamp) IsZero() bool { return t == Timestamp{} }

// Compare orders a and b: wall, then logical, then node bytes. It agrees with
// comparing their String forms.
func Compare(a, b Timestamp) int {
	switch {
	case a.Wall != b.Wall:
		return cmpInt(a.Wall, b.Wall)
	case a.Logical != b.Logical:
		return cmpInt(int64(a.Logical), int64(b.Logical))
	}
	as, bs := a.Node.String(), b.Node.String()
	switch {
	case as < bs:
		return -1
	case as > bs:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	if a < b {
		return -1
	}
	return 1
}

// Parse reads the text form, accepting only the canonical spelling: 13 digits,
// 5 digits, a lowercase canonical UUID, and a wall time not before MinWall.
func Parse(s string) (Timestamp, error) {
	if len(s) != TextLen || s[13] != '-' || s[19] != '-' {
		return Timestamp{}, fmt.Errorf("%w: want WWWWWWWWWWWWW-LLLLL-<uuid>", ErrInvalid)
	}
	wall, ok := digits(s[:13])
	if !ok {
		return Timestamp{}, fmt.Errorf("%w: wall time is not 13 digits", ErrInvalid)
	}
	logical, ok := digits(s[14:19])
	if !ok {
		return Timestamp{}, fmt.Errorf("%w: logical counter is not 5 digits", ErrInvalid)
	}
	node, err := ParseNode(s[20:])
	if err != nil {
		return Timestamp{}, err
	}
	if wall < MinWall {
		return Timestamp{}, fmt.Errorf("%w: wall time before 2020-01-01", ErrInvalid)
	}
	return Timestamp{Wall: wall, Logical: int(logical), Node: node}, nil
}

// ParseNode parses a canonical lowercase UUID (36 chars), as PROTOCOL §2
// requires of ids: uuid.Parse takes other spellings too (braces, upper
// case, a urn: prefix), so the parsed id must print back as s.
func ParseNode(s string) (uuid.UUID, error) {
	u, err := uuid.Parse(s)
	if err != nil || len(s) != 36 || u.String() != s {
		return uuid.UUID{}, fmt.Errorf("%w: node is not a canonical lowercase uuid", ErrInvalid)
	}
	return u, nil
}

func digits(s string) (int64, bool) {
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// State is what a device persists so its clock never goes backwards across
// restarts (PROTOCOL §3): the last timestamp's wall and logical parts and the
// offset learned from the server. Save it in the same transaction as the write.
type State struct {
	Wall     int64 `json:"wall"`
	Logical  int   `json:"logical"`
	OffsetMS int64 `json:"offset_ms"`
}

// Clock hands out strictly increasing timestamps for one node. It is safe for
// concurrent use.
type Clock struct {
	mu    sync.Mutex
	node  uuid.UUID
	st    State
	nowFn func() time.Time
}

// NewClock returns a clock for node resuming from st. now is the device clock;
// nil means time.Now.
func NewClock(node uuid.UUID, st State, now func() time.Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{node: node, st: st, nowFn: now}
}

// Node returns the clock's node id.
func (c *Clock) Node() uuid.UUID { return c.node }

// State returns the state to persist.
func (c *Clock) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// Restore replaces the clock state, e.g. when a write transaction that
// advanced it was rolled back.
func (c *Clock) Restore(st State) {
	c.mu.Lock()
	c.st = st
	c.mu.Unlock()
}

// nowMS is the device clock corrected by the server offset. A reading before
// MinWall (a reset clock, before any server time was seen) counts as MinWall:
// PROTOCOL §3 makes such stamps invalid, and a write stamped with one could
// never be pushed; a 2020 stamp is valid and simply loses to any later edit.
func (c *Clock) nowMS() int64 { return max(c.nowFn().UnixMilli()+c.st.OffsetMS, MinWall) }

// Now returns the timestamp for a local write:
// w' = max(last.w, now); l' = last.l+1 if w' == last.w, else 0.
func (c *Clock) Now() Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.nowMS()
	if now > c.st.Wall {
		c.st.Wall, c.st.Logical = now, 0
	} else {
		c.st.Logical++
	}
	c.normalize()
	return Timestamp{Wall: c.st.Wall, Logical: c.st.Logical, Node: c.node}
}

// Observe applies the receive rule for a remote timestamp:
// w' = max(last.w, remote.w, now), with the logical part as in Kulkarni et al.
func (c *Clock) Observe(remote Timestamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.receive(remote.Wall, remote.Logical)
}

// ObserveServerTime records the server's clock from a response: it sets the
// offset (server_time_ms − local time at response) and applies the receive
// rule to the server time, as to any received timestamp.
func (c *Clock) ObserveServerTime(serverMS int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.OffsetMS = serverMS - c.nowFn().UnixMilli()
	c.receive(serverMS, 0)
}

func (c *Clock) receive(rw int64, rl int) {
	now := c.nowMS()
	lw, ll := c.st.Wall, c.st.Logical
	w := max(lw, rw, now)
	var l int
	switch {
	case w == lw && w == rw:
		l = max(ll, rl) + 1
	case w == lw:
		l = ll + 1
	case w == rw:
		l = rl + 1
	default:
		l = 0
	}
	c.st.Wall, c.st.Logical = w, l
	c.normalize()
}

// normalize handles counter overflow: past MaxLogical the wall advances 1 ms.
func (c *Clock) normalize() {
	if c.st.Logical > MaxLogical {
		c.st.Wall++
		c.st.Logical = 0
	}
}
