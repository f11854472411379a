package protocol

import (
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// CountPage reads a list page as it streams in and counts the elements of
// its array member (a pull page's "records", a peer's "results" or
// "items") without building them — each is skipped by the JSON v2
// tokenizer — and returns the other top-level members as they were sent.
// Load tools and benchmarks use it so their figures are the server's, not a
// client decoder's. dec is reused across pages when not nil.
func CountPage(dec *jsontext.Decoder, r io.Reader) (n int, top map[string]jsontext.Value, err error) {
	dec.Reset(r)
	top = map[string]jsontext.Value{}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return 0, nil, fmt.Errorf("protocol: a page is not a JSON object: %v", err)
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return 0, nil, err
		}
		name := tok.String() // before the next call voids the token
		if dec.PeekKind() != '[' {
			v, err := dec.ReadValue()
			if err != nil {
				return 0, nil, err
			}
			top[name] = v.Clone()
			continue
		}
		if _, err := dec.ReadToken(); err != nil {
			return 0, nil, err
		}
		for dec.PeekKind() != ']' {
			if err := dec.SkipValue(); err != nil {
				return 0, nil, err
			}
			n++
		}
		if _, err := dec.ReadToken(); err != nil {
			return 0, nil, err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return 0, nil, fmt.Errorf("protocol: a page does not end: %w", err)
	}
	return n, top, nil
}
