package console_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// editFormRE is an action item's edit form: its item's id and the
// version the page shows.
var editFormRE = regexp.MustCompile(`<form method="post" action="([^"]*)" class="decide" data-action-id="([^"]+)">\s*<input type="hidden" name="csrf" value="[^"]*"><input type="hidden" name="id" value="[^"]*"><input type="hidden" name="hlc" value="([^"]*)">`)

type editForm struct{ action, id, hlc string }

// editForms are the edit forms of the meeting page at path, in the page's order.
func editForms(t *testing.T, b *browser, path string) ([]editForm, string) {
	t.Helper()
	p := b.get(path)
	if p.status != http.StatusOK {
		t.Fatalf("%s: %d", path, p.status)
	}
	var out []editForm
	for _, m := range editFormRE.FindAllStringSubmatch(p.body, -1) {
		out = append(out, editForm{html.UnescapeString(m[1]), m[2], m[3]})
	}
	return out, p.body
}

// liveAction says whether the store holds id as a live action item, and its text.
func liveAction(t *testing.T, e *env, id string) (string, bool) {
	t.Helper()
	sc, _ := e.st.SchoolBySlug(t.Context(), "lincoln")
	envs, err := e.st.RecordsByID(t.Context(), sc.ID, store.Viewer{IsAdmin: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 1 || envs[0].Deleted {
		return "", false
	}
	a, _ := record.DecodeAs[record.MeetingAction](envs[0])
	return a.Text, true
}

// TestMeetingActionEdit: an action item of the day's meeting is corrected
// (text, owner, due date) and removed through the page's forms, keeps its
// place, and the minutes say it as it is now; a stale page is a 409, an
// item of another day or school a 404, a form without its token a 403,
// and hostile values a 400 — none of them changes anything (ADR 0039).
func TestMeetingActionEdit(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	ana, ben := e.users["lincoln/ana"].ID, e.users["lincoln/ben"].ID
	path := "/meeting?as_of=" + asOf
	tok := csrf(t, b.get(path))
	for _, text := range []string{"Call Theo's famly", "Order new passages", "Check the Owls' schedule"} {
		if r := b.post("/meeting/actions?as_of="+asOf, url.Values{"csrf": {tok}, "text": {text}, "owner_id": {ana}, "due_date": {"2025-03-21"}}); r.status != http.StatusSeeOther {
			t.Fatalf("add %q: %d", text, r.status)
		}
	}
	forms, _ := editForms(t, b, path)
	if len(forms) != 3 {
		t.Fatalf("%d edit forms, want one per item (3)", len(forms))
	}
	first := forms[0]
	// Ana (an interventionist, who may add) corrects the first item.
	anaB := e.signedIn("lincoln", "ana")
	anaTok := csrf(t, anaB.get(path))
	edit := url.Values{"csrf": {anaTok}, "id": {first.id}, "hlc": {first.hlc}, "text": {"Call Theo's family about attendance"}, "owner_id": {ben}, "due_date": {"2025-03-28"}}
	if r := anaB.post(first.action, edit); r.status != http.StatusSeeOther || r.header.Get("Location") != "/meeting?as_of="+asOf+"#actions" {
		t.Fatalf("edit: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	after, body := editForms(t, b, path)
	if len(after) != 3 || after[0].id != first.id || after[0].hlc == first.hlc {
		t.Fatalf("after the edit: %+v (the item must keep its place, with a new version)", after)
	}
	if !strings.Contains(body, "<span>Call Theo&#39;s family about attendance. Owner: Ben Okafor. Due 2025-03-28.</span>") || strings.Contains(body, "famly") {
		t.Errorf("the page does not show the corrected item")
	}
	if !strings.Contains(body, `value="`+ben+`" selected`) || !strings.Contains(body, `name="due_date" type="date" value="2025-03-28"`) {
		t.Errorf("the edit form does not hold the item as it is")
	}
	// The page read before the edit is stale: its version no longer holds.
	stale := url.Values{"csrf": {tok}, "id": {first.id}, "hlc": {first.hlc}, "text": {"Stale"}}
	if r := b.post(first.action, stale); r.status != http.StatusConflict || !strings.Contains(r.body, "changed or removed by someone else") {
		t.Errorf("an edit over a stale version: %d", r.status)
	}
	// Remove the second; editing it after is not found, and never brings it back.
	second := after[1]
	if r := b.post("/meeting/actions/remove?as_of="+asOf, url.Values{"csrf": {tok}, "id": {second.id}}); r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.status)
	}
	if r := b.post(first.action, url.Values{"csrf": {tok}, "id": {second.id}, "text": {"Back again"}}); r.status != http.StatusNotFound {
		t.Errorf("editing a removed item: %d", r.status)
	}
	if _, live := liveAction(t, e, second.id); live {
		t.Errorf("the removed item is live again")
	}

	cur := after[0]
	good := func(mod func(url.Values)) url.Values {
		v := url.Values{"csrf": {tok}, "id": {cur.id}, "hlc": {cur.hlc}, "text": {"Fine"}, "owner_id": {ana}, "due_date": {"2025-04-01"}}
		mod(v)
		return v
	}
	washington := e.signedIn("washington", "admin")
	wTok := csrf(t, washington.get(path))
	for _, c := range []struct {
		name   string
		b      *browser
		path   string
		form   url.Values
		status int
	}{
		{"no token", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Del("csrf") }), http.StatusForbidden},
		{"forged token", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("csrf", "forged") }), http.StatusForbidden},
		{"removal without token", b, "/meeting/actions/remove?as_of=" + asOf, url.Values{"id": {cur.id}}, http.StatusForbidden},
		{"another school", washington, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("csrf", wTok) }), http.StatusNotFound},
		{"another school's removal", washington, "/meeting/actions/remove?as_of=" + asOf, url.Values{"csrf": {wTok}, "id": {cur.id}}, http.StatusNotFound},
		{"another day", b, "/meeting/actions/edit?as_of=2025-03-18", good(func(url.Values) {}), http.StatusNotFound},
		{"a goal's id", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("id", e.ids.goal1) }), http.StatusNotFound},
		{"no id", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("id", "../../x") }), http.StatusNotFound},
		{"no text", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("text", "   ") }), http.StatusBadRequest},
		{"501 characters", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("text", strings.Repeat("x", 501)) }), http.StatusBadRequest},
		{"a huge text", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("text", strings.Repeat("é", 400_000)) }), http.StatusBadRequest},
		{"a word for a date", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("due_date", "Friday") }), http.StatusBadRequest},
		{"30 February", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("due_date", "2025-02-30") }), http.StatusBadRequest},
		{"year 9999", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("due_date", "9999-12-31") }), http.StatusBadRequest},
		{"an owner of another school", b, "/meeting/actions/edit?as_of=" + asOf, good(func(v url.Values) { v.Set("owner_id", e.users["washington/ana"].ID) }), http.StatusBadRequest},
		{"a bad as_of", b, "/meeting/actions/edit?as_of=yesterday", good(func(url.Values) {}), http.StatusBadRequest},
	} {
		r := c.b.post(c.path, c.form)
		if r.status != c.status {
			t.Errorf("%s: %d, want %d", c.name, r.status, c.status)
		}
		if text, live := liveAction(t, e, cur.id); !live || text != "Call Theo's family about attendance" {
			t.Fatalf("%s changed the item: %q live=%v", c.name, text, live)
		}
	}
	// The minutes say the items as they are now.
	text := pdfWords(t, b.get("/meeting/minutes.pdf?as_of="+asOf).body)
	if want := "Action items 1. Call Theo's family about attendance. Owner: Ben Okafor. Due 2025-03-28. 2. Check the Owls' schedule. Owner: Ana Rivera. Due 2025-03-21."; !strings.Contains(text, want) {
		t.Errorf("minutes:\n%s\nwant\n%s", text, want)
	}
	for _, gone := range []string{"famly", "Order new passages", "Stale", "Fine"} {
		if strings.Contains(text, gone) {
			t.Errorf("the minutes hold %q", gone)
		}
	}
}

// TestMeetingActionEditKeepsADisabledOwner: an item whose owner's account
// was disabled since offers that owner in its edit form, chosen, so
// correcting the text does not drop the owner unasked.
func TestMeetingActionEditKeepsADisabledOwner(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	ben := e.users["lincoln/ben"].ID
	path := "/meeting?as_of=" + asOf
	tok := csrf(t, b.get(path))
	if r := b.post("/meeting/actions?as_of="+asOf, url.Values{"csrf": {tok}, "text": {"Order passages"}, "owner_id": {ben}}); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d", r.status)
	}
	if r := b.post("/admin/users/disable", url.Values{"csrf": {csrf(t, b.get("/admin"))}, "user_id": {ben}}); r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.status)
	}
	forms, body := editForms(t, b, path)
	if !strings.Contains(body, `<option value="`+ben+`" selected>Ben Okafor</option>`) {
		t.Fatalf("the edit form does not offer the disabled owner")
	}
	f := forms[0]
	if r := b.post(f.action, url.Values{"csrf": {tok}, "id": {f.id}, "hlc": {f.hlc}, "text": {"Order new passages"}, "owner_id": {ben}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	if _, body := editForms(t, b, path); !strings.Contains(body, "<span>Order new passages. Owner: Ben Okafor.</span>") {
		t.Errorf("the edit dropped the owner")
	}
}

// TestMeetingActionEditAndRemoveAtOnce: an edit and a removal of the same
// item posted at the same moment, many times over: the item always ends
// removed (an edit never brings it back), each answer is a redirect, a
// 404 or a 409, never a 500.
func TestMeetingActionEditAndRemoveAtOnce(t *testing.T) {
	e := newEnv(t, false)
	b := e.signedIn("lincoln", "admin")
	other := e.signedIn("lincoln", "ana")
	path := "/meeting?as_of=" + asOf
	tok, otherTok := csrf(t, b.get(path)), csrf(t, other.get(path))
	for i := range 15 {
		if r := b.post("/meeting/actions?as_of="+asOf, url.Values{"csrf": {tok}, "text": {fmt.Sprint("Item ", i)}}); r.status != http.StatusSeeOther {
			t.Fatalf("add: %d", r.status)
		}
		forms, _ := editForms(t, b, path)
		f := forms[len(forms)-1]
		var wg sync.WaitGroup
		var editStatus, removeStatus int
		var editErr, removeErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			r, err := other.c.PostForm(e.srv.URL+f.action, url.Values{"csrf": {otherTok}, "id": {f.id}, "hlc": {f.hlc}, "text": {"Edited"}})
			if editErr = err; err == nil {
				editStatus = r.StatusCode
				r.Body.Close()
			}
		}()
		go func() {
			defer wg.Done()
			r, err := b.c.PostForm(e.srv.URL+"/meeting/actions/remove?as_of="+asOf, url.Values{"csrf": {tok}, "id": {f.id}})
			if removeErr = err; err == nil {
				removeStatus = r.StatusCode
				r.Body.Close()
			}
		}()
		wg.Wait()
		if editErr != nil || removeErr != nil {
			t.Fatal(editErr, removeErr)
		}
		ok := map[int]bool{http.StatusSeeOther: true, http.StatusNotFound: true, http.StatusConflict: true}
		if !ok[editStatus] || !ok[removeStatus] {
			t.Errorf("round %d: edit %d, remove %d", i, editStatus, removeStatus)
		}
		if removeStatus == http.StatusSeeOther {
			if _, live := liveAction(t, e, f.id); live {
				t.Fatalf("round %d: removed, then live again (edit %d)", i, editStatus)
			}
		}
	}
}

// TestMeetingActionEditSpanish: the edit form and its refusals in Spanish.
func TestMeetingActionEditSpanish(t *testing.T) {
	e := newEnv(t, false)
	es := e.signedInLang("lincoln", "admin", "es-MX,es;q=0.9")
	path := "/meeting?as_of=" + asOf
	tok := csrf(t, es.get(path))
	if r := es.post("/meeting/actions?as_of="+asOf, url.Values{"csrf": {tok}, "text": {"Llamar a la familia"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add: %d", r.status)
	}
	forms, body := editForms(t, es, path)
	for _, want := range []string{">Editar<", "Guardar la tarea", "la tarea: Llamar a la familia"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Spanish page lacks %q", want)
		}
	}
	aside := []string{"Llamar a la familia", "Maya Lopez", "Theo Brown", "Iris Chen", "Ana Rivera", "Ben Okafor", "Casey Coach", "Small Wins", "Lincoln Elementary", "Bluebirds", "Owls", "admin"}
	for name, form := range map[string]url.Values{
		"no text":  {"csrf": {tok}, "id": {forms[0].id}, "text": {" "}},
		"bad date": {"csrf": {tok}, "id": {forms[0].id}, "text": {"x"}, "due_date": {"2025-13-01"}},
		"stale":    {"csrf": {tok}, "id": {forms[0].id}, "hlc": {"0"}, "text": {"x"}},
	} {
		r := es.post(forms[0].action, form)
		if r.status != http.StatusBadRequest && r.status != http.StatusConflict {
			t.Errorf("%s: %d", name, r.status)
		}
		if !strings.Contains(r.body, "No se guardó la tarea:") && !strings.Contains(r.body, "Otra persona cambió o quitó la tarea") {
			t.Errorf("%s: the refusal is not in Spanish", name)
		}
		if w := leftovers(r.body, aside); len(w) > 0 {
			t.Errorf("%s: English left: %v", name, w)
		}
	}
}
