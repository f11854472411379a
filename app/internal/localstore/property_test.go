package localstore

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"

	"smallwins/shared/record"
)

// Two stores fed any permutation of the same pulled versions, in pages of
// any size, end identical, each holding the greatest HLC per id.
func TestApplyPullOrderDoesNotMatter(t *testing.T) {
	dir := t.TempDir()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		ids := make([]string, rapid.IntRange(1, 5).Draw(rt, "ids"))
		for i := range ids {
			ids[i] = NewID()
		}
		nodes := []string{otherNode, "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00"}
		vs := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) record.Envelope {
			e := record.Envelope{
				ID:   rapid.SampledFrom(ids).Draw(t, "id"),
				Type: "thing",
				HLC: fmt.Sprintf("%013d-%05d-%s", 1700000000000+rapid.IntRange(0, 5).Draw(t, "wall"),
					rapid.IntRange(0, 3).Draw(t, "logical"), rapid.SampledFrom(nodes).Draw(t, "node")),
			}
			if rapid.IntRange(0, 4).Draw(t, "del") == 0 {
				e.Deleted = true
			} else {
				e.Data = json.RawMessage(fmt.Sprintf(`{"h":%q}`, e.HLC))
			}
			return e
		}), 1, 30).Draw(rt, "versions")
		// Versions with the same HLC are the same version: make data agree.
		seen := map[string]record.Envelope{}
		for i, v := range vs {
			if w, ok := seen[v.ID+v.HLC]; ok {
				vs[i] = w
			} else {
				seen[v.ID+v.HLC] = v
			}
		}
		perm := rapid.Permutation(vs).Draw(rt, "perm")
		want := map[string]string{}
		for _, v := range vs {
			if v.HLC > want[v.ID] {
				want[v.ID] = v.HLC
			}
		}
		var snaps [2]string
		for k, order := range [][]record.Envelope{vs, perm} {
			n++
			s, err := Open(filepath.Join(dir, fmt.Sprintf("p%d.db", n)))
			if err != nil {
				rt.Fatal(err)
			}
			page := rapid.IntRange(1, 7).Draw(rt, "page")
			for i := 0; i < len(order); i += page {
				end := min(i+page, len(order))
				if _, err := s.ApplyPull(ctx, order[i:end], int64(end), end == len(order)); err != nil {
					rt.Fatal(err)
				}
			}
			all, _ := s.All()
			for _, e := range all {
				if e.HLC != want[e.ID] {
					rt.Fatalf("store %d holds %s for %s, want %s", k, e.HLC, e.ID, want[e.ID])
				}
				snaps[k] += fmt.Sprintf("%s %s %v %s\n", e.ID, e.HLC, e.Deleted, e.Data)
			}
			if len(all) != len(want) {
				rt.Fatalf("store %d holds %d ids, want %d", k, len(all), len(want))
			}
			_ = s.Close()
		}
		if snaps[0] != snaps[1] {
			rt.Fatalf("stores differ:\n%s\n---\n%s", snaps[0], snaps[1])
		}
	})
}
