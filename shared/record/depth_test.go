package record

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// randomJSON builds a well-formed object nesting up to maxDepth levels, with
// strings holding brackets, quotes and backslashes to trip a naive scan.
func randomJSON(r *rand.Rand, depth, maxDepth int, b *strings.Builder) {
	strs := []string{`"a"`, `"{["`, `"\"]}"`, `"\\"`, `"\\\"{"`, `"é{"`, `"\u005b"`}
	if depth >= maxDepth || r.IntN(3) == 0 {
		switch r.IntN(3) {
		case 0:
			b.WriteString(strs[r.IntN(len(strs))])
		case 1:
			b.WriteString("12.5e3")
		default:
			b.WriteString("null")
		}
		return
	}
	obj := r.IntN(2) == 0
	if obj {
		b.WriteByte('{')
	} else {
		b.WriteByte('[')
	}
	for i := range r.IntN(4) {
		if i > 0 {
			b.WriteByte(',')
		}
		if obj {
			b.WriteString(`"k` + string(rune('a'+i)) + `":`)
		}
		randomJSON(r, depth+1, maxDepth, b)
	}
	if obj {
		b.WriteByte('}')
	} else {
		b.WriteByte(']')
	}
}

// checkDepth says what checkSyntax says about well-formed data.
func TestCheckDepthAgreesWithCheckSyntax(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var b strings.Builder
		b.WriteString(`{"x":`)
		randomJSON(r, 1, 55+r.IntN(20), &b)
		b.WriteString(`}`)
		data := []byte(b.String())
		want, got := checkSyntax(data), checkDepth(data)
		if (want == nil) != (got == nil) {
			t.Fatalf("case %d: checkSyntax %v, checkDepth %v\n%s", i, want, got, data)
		}
		if e := validateWellFormedData(data); (e == nil) != (ValidateData(data) == nil) {
			t.Fatalf("case %d: validateWellFormedData %v, ValidateData %v", i, e, ValidateData(data))
		}
	}
	deep := []byte(`{"a":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}`)
	if checkDepth(deep) == nil || checkSyntax(deep) == nil {
		t.Fatal("65 levels passed")
	}
	ok := []byte(`{"a":` + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + `}`)
	if checkDepth(ok) != nil || checkSyntax(ok) != nil {
		t.Fatal("64 levels refused")
	}
}
