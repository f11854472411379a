package reportcache

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// deepBytes is the reflective twin of viewBytes: every allocation a value
// reaches (string bytes, a slice's backing array, a pointer's target),
// rounded by the same alloc. It walks whatever fields the types have, so a
// field added to View, a report or a record is counted here at once.
func deepBytes(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.String:
		return alloc(int64(v.Len()))
	case reflect.Slice:
		if v.IsNil() {
			return 0
		}
		n := alloc(int64(v.Cap()) * int64(v.Type().Elem().Size()))
		for i := range v.Len() {
			n += deepBytes(v.Index(i))
		}
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		return alloc(int64(v.Type().Elem().Size())) + deepBytes(v.Elem())
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			n += deepBytes(v.Field(i))
		}
		return n
	case reflect.Map, reflect.Interface, reflect.Chan, reflect.Func:
		panic("deepBytes: a " + v.Kind().String() + " in a cached view: teach viewBytes and this walk its size")
	}
	return 0 // numbers and bools live in their struct
}

// fill sets every field v reaches to a random value: strings of 0 to 40
// bytes, slices of 0 to 4 elements with room for more, pointers set four
// times in five; numbers stay zero (they live in their struct).
func fill(v reflect.Value, r *rand.Rand) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(strings.Repeat("x", r.IntN(41)))
	case reflect.Slice:
		n := r.IntN(5)
		s := reflect.MakeSlice(v.Type(), n, n+r.IntN(3))
		for i := range n {
			fill(s.Index(i), r)
		}
		v.Set(s)
	case reflect.Pointer:
		if r.IntN(5) > 0 {
			p := reflect.New(v.Type().Elem())
			fill(p.Elem(), r)
			v.Set(p)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), r)
		}
	}
}

// TestViewBytesCoversEveryField: for random views with every field filled,
// viewBytes is exactly the reflective walk: no field forgotten, none
// counted twice.
func TestViewBytesCoversEveryField(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		var view View
		fill(reflect.ValueOf(&view).Elem(), r)
		want := alloc(int64(reflect.TypeOf(view).Size())) + perViewOverhead + deepBytes(reflect.ValueOf(view))
		if got := viewBytes(&view); got != want {
			t.Fatalf("view %d: viewBytes = %d, the reflective walk %d", i, got, want)
		}
	}
}

// TestAllocRounding: the estimate never rounds a size down.
func TestAllocRounding(t *testing.T) {
	for _, n := range []int64{1, 8, 15, 16, 17, 255, 256, 257, 1000, 1 << 20} {
		if got := alloc(n); got < n || (n <= 256 && got-n >= 16) {
			t.Errorf("alloc(%d) = %d", n, got)
		}
	}
	if alloc(0) != 0 {
		t.Error("alloc(0) != 0")
	}
}
