package record

import (
	"encoding/json"
	"testing"
)

func TestAppendJSONMatchesMarshal(t *testing.T) {
	for _, e := range []Envelope{
		{ID: goodID, Type: "note", HLC: goodHLC, Data: json.RawMessage(`{"a":[1,{"b":"\u00e9"}]}`), Seq: 4, Restricted: true},
		{ID: goodID, Type: "note", HLC: goodHLC, Deleted: true, Seq: 9},
		{ID: "we\"ird<id>", Type: "t\n", HLC: "é", Data: json.RawMessage(`{}`)},
	} {
		want, _ := json.Marshal(e)
		if got := e.AppendJSON(nil); string(got) != string(want) {
			t.Errorf("AppendJSON = %s\nMarshal    = %s", got, want)
		}
	}
}
