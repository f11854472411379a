package record

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
)

// DecodeData decodes a record's `data` into a payload type such as *Student.
func DecodeData(data json.RawMessage, v any) error {
	// The JSON v2 decoder (ADR 0006): names match exactly, as the server's
	// read indexes read them (record.IndexedRefs), and several times faster
	// than encoding/json on a report's hundreds of sessions.
	if err := jsonv2.Unmarshal(data, v); err != nil {
		return fmt.Errorf("record: decode data: %w", err)
	}
	return nil
}

// EncodeData encodes payload v as a record's `data`, keeping every field of
// previous that v's type does not know (PROTOCOL §2: unknown fields survive
// every edit). Fields v's type knows are taken from v alone, so clearing an
// optional field really clears it. previous may be nil for a new record.
func EncodeData(v any, previous json.RawMessage) (json.RawMessage, error) {
	fresh, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("record: encode data: %w", err)
	}
	if len(previous) == 0 {
		return fresh, nil
	}
	var old map[string]json.RawMessage
	if err := json.Unmarshal(previous, &old); err != nil || old == nil {
		return fresh, nil // nothing recoverable to keep
	}
	for name := range knownFields(reflect.TypeOf(v)) {
		delete(old, name)
	}
	if len(old) == 0 {
		return fresh, nil
	}
	var cur map[string]json.RawMessage
	if err := json.Unmarshal(fresh, &cur); err != nil {
		return nil, fmt.Errorf("record: encode data: %w", err)
	}
	for k, raw := range old {
		cur[k] = raw
	}
	out, err := json.Marshal(cur)
	if err != nil {
		return nil, fmt.Errorf("record: encode data: %w", err)
	}
	return out, nil
}

var knownCache sync.Map // reflect.Type → map[string]struct{}

// knownFields lists the JSON names of a struct type's fields.
func knownFields(t reflect.Type) map[string]struct{} {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if m, ok := knownCache.Load(t); ok {
		return m.(map[string]struct{})
	}
	m := map[string]struct{}{}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag, ok := f.Tag.Lookup("json"); ok {
				if tag == "-" {
					continue
				}
				if n, _, _ := strings.Cut(tag, ","); n != "" {
					name = n
				}
			}
			m[name] = struct{}{}
		}
	}
	knownCache.Store(t, m)
	return m
}
