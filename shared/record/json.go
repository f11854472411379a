package record

import (
	"encoding/json"
	"strconv"
)

// AppendJSON appends e's JSON encoding to b without reflection. Data is
// spliced in as it is: it must already be a valid JSON object (every stored
// or validated envelope's is). This is the hot path of both push bodies and
// pull pages; it produces what json.Marshal would, minus re-compaction.
func (e Envelope) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, e.Type)
	b = append(b, `,"hlc":`...)
	b = appendString(b, e.HLC)
	b = append(b, `,"deleted":`...)
	b = strconv.AppendBool(b, e.Deleted)
	if len(e.Data) > 0 {
		b = append(b, `,"data":`...)
		b = append(b, e.Data...)
	}
	if e.Seq != 0 {
		b = append(b, `,"seq":`...)
		b = strconv.AppendInt(b, e.Seq, 10)
	}
	if e.Restricted {
		b = append(b, `,"restricted":true`...)
	}
	return append(b, '}')
}

// appendString quotes s; ids, types and HLCs are plain ASCII, so the fast
// path copies them, and anything else goes through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
