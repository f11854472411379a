package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/roster"
)

// TestImportFamilyLanguage through the endpoint (ADR 0037): the export's home language reaches
// the tablets as the student's family_language; a value that is no language tag is refused on its
// line and column, and neither the body nor the log repeats it.
func TestImportFamilyLanguage(t *testing.T) {
	e := newEnv(t)
	admin := e.enrol("lincoln", "admin")
	ana := e.enrol("lincoln", "ana")
	post := func(users string) (int, []byte) {
		return e.do("POST", importPath, admin.token, zipOf(t, map[string]string{"users.csv": users}), "Content-Type", "application/zip")
	}
	users := "sourcedId,role,givenName,familyName,grades,metadata.home_language\r\n" +
		"s1,student,Ana,Lopez,3,es-MX\r\ns2,student,Ben,Kim,KG,\r\n"
	if s, b := post(users); s != 200 {
		t.Fatalf("import: %d %s", s, b)
	}
	langs := map[string]string{}
	for _, r := range e.pullAll(ana) {
		var d struct {
			ExternalID     string `json:"external_id"`
			FamilyLanguage string `json:"family_language"`
		}
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		langs[d.ExternalID] = d.FamilyLanguage
	}
	if langs["s1"] != "es-MX" || langs["s2"] != "" || len(langs) != 2 {
		t.Fatalf("pulled languages %v", langs)
	}

	hostile := "=HYPERLINK(\"\"http://evil\"\")"
	s, b := post("sourcedId,role,givenName,familyName,grades,family_language\r\ns1,student,Ana,Lopez,3,\"" + hostile + "\"\r\n")
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	var eb struct {
		Report roster.Report `json:"report"`
	}
	if err := json.Unmarshal(b, &eb); err != nil || len(eb.Report.Errors) != 1 ||
		eb.Report.Errors[0].Line != 2 || eb.Report.Errors[0].Column != "family_language" {
		t.Fatalf("refusal %s", b)
	}
	if strings.Contains(string(b), "HYPERLINK") || strings.Contains(e.logs.String(), "HYPERLINK") {
		t.Error("the refusal or the log repeats the value")
	}
}
