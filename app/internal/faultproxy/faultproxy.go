// Package faultproxy is a TCP proxy for tests that stands between a sync
// client and the server on loopback and misbehaves on purpose: it drops
// connections mid-request and mid-response, delays, truncates responses, and
// duplicates requests (replaying the client's bytes on a second upstream
// connection). Sync must converge through it with nothing lost or doubled.
package faultproxy

import (
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Faults are the probabilities (0..1) of each misbehaviour per connection.
type Faults struct {
	DropRequest  float64       // close after part of the request reached the server
	DropResponse float64       // close after part of the response reached the client
	Truncate     float64       // pass only the first bytes of the response, then close
	Duplicate    float64       // send the request to the server twice
	Delay        time.Duration // up to this much extra latency per connection
	// Hang: take the request and never answer, nor close, until the proxy
	// closes (a server that hung, or a network that swallows packets).
	Hang float64
}

// Stats counts what the proxy did.
type Stats struct {
	Conns, DroppedRequests, DroppedResponses, Truncated, Duplicated, Hung atomic.Int64
}

// Proxy is a running proxy.
type Proxy struct {
	ln       net.Listener
	upstream string
	faults   Faults
	rng      *rand.Rand
	mu       sync.Mutex // guards rng
	Stats    Stats
	wg       sync.WaitGroup
	connMu   sync.Mutex
	conns    map[net.Conn]struct{}
}

// Start listens on a free loopback port and forwards to upstream (host:port).
func Start(upstream string, f Faults, seed uint64) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, upstream: upstream, faults: f, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Close stops accepting, closes open connections and waits for them.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.connMu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.connMu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Proxy) track(c net.Conn) {
	p.connMu.Lock()
	p.conns[c] = struct{}{}
	p.connMu.Unlock()
}

func (p *Proxy) untrack(c net.Conn) {
	p.connMu.Lock()
	delete(p.conns, c)
	p.connMu.Unlock()
	c.Close()
}

func (p *Proxy) roll(prob float64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return prob > 0 && p.rng.Float64() < prob
}

func (p *Proxy) intn(n int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rng.IntN(n)
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.Stats.Conns.Add(1)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c)
		}()
	}
}

func (p *Proxy) handle(client net.Conn) {
	p.track(client)
	defer p.untrack(client)
	if p.faults.Delay > 0 {
		time.Sleep(time.Duration(p.intn(int(p.faults.Delay) + 1)))
	}
	if p.roll(p.faults.Hang) {
		p.Stats.Hung.Add(1)
		io.Copy(io.Discard, client) // until the client gives up or Close
		return
	}
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return
	}
	p.track(up)
	defer p.untrack(up)
	client.SetDeadline(time.Now().Add(30 * time.Second))
	up.SetDeadline(time.Now().Add(30 * time.Second))

	dropReq, dup := p.roll(p.faults.DropRequest), p.roll(p.faults.Duplicate)
	dropResp, trunc := p.roll(p.faults.DropResponse), p.roll(p.faults.Truncate)

	// Client → server. With Duplicate, every byte also goes to a second
	// upstream connection whose response is thrown away: the server sees
	// the same request twice.
	var twin net.Conn
	if dup {
		if twin, err = net.Dial("tcp", p.upstream); err == nil {
			p.Stats.Duplicated.Add(1)
			defer twin.Close()
			twin.SetDeadline(time.Now().Add(30 * time.Second))
			go io.Copy(io.Discard, twin)
		}
	}
	reqDone := make(chan struct{})
	go func() {
		defer close(reqDone)
		defer up.Close() // the client is gone: end the response side too
		buf := make([]byte, 32<<10)
		limit := -1
		if dropReq {
			limit = 1 + p.intn(2000) // part of the request line, headers or body
		}
		sent := 0
		for {
			n, err := client.Read(buf)
			if n > 0 {
				chunk := buf[:n]
				if limit >= 0 && sent+n > limit {
					chunk = chunk[:limit-sent]
				}
				up.Write(chunk)
				if twin != nil {
					twin.Write(chunk)
				}
				sent += len(chunk)
				if limit >= 0 && sent >= limit {
					p.Stats.DroppedRequests.Add(1)
					up.Close()
					client.Close()
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	// Server → client.
	limit := -1
	switch {
	case dropResp:
		limit = p.intn(400) // somewhere in the status line or headers
	case trunc:
		limit = 200 + p.intn(4000) // into the body
	}
	buf := make([]byte, 32<<10)
	got := 0
	for {
		n, err := up.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if limit >= 0 && got+n > limit {
				chunk = chunk[:limit-got]
			}
			client.Write(chunk)
			got += len(chunk)
			if limit >= 0 && got >= limit {
				if dropResp {
					p.Stats.DroppedResponses.Add(1)
				} else {
					p.Stats.Truncated.Add(1)
				}
				return
			}
		}
		if err != nil {
			break
		}
	}
	<-reqDone
}
