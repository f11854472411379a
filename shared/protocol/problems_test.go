package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// serverCase is a server message made by Problem, with the English the code wrote before the
// messages moved to the catalog (fmt.Sprintf of the format it had, with the same values).
type serverCase struct {
	id   string
	args i18n.Args
	want string
}

func serverCases() []serverCase {
	return []serverCase{
		{"server.body.not_utf8", i18n.Args{}, "the body is not valid UTF-8"},
		{"server.push.no_records", i18n.Args{}, "the body must have a \"records\" array"},
		{"server.push.too_many", i18n.Args{"Max": 7}, fmt.Sprintf("at most %d records per push", 7)},
		{"server.push.member_twice", i18n.Args{}, "a record has a member twice"},
		{"server.push.field_types", i18n.Args{"Field": "hlc"}, fmt.Sprintf("a record must be a JSON object whose fields have their types (%s)", "hlc")},
		{"server.push.not_object", i18n.Args{}, "the body must be a JSON object {\"records\": [...]}"},
		{"server.push.hlc_node", i18n.Args{}, "the hlc node must be this device's id"},
		{"server.push.id_twice", i18n.Args{"ID": "x1"}, fmt.Sprintf("id %s appears twice in the batch", "x1")},
		{"server.push.clock_ahead", i18n.Args{"Skew": "5m0s"}, fmt.Sprintf("the record's clock is more than %s ahead of the server", 5*time.Minute)},
		{"server.push.same_id_twice", i18n.Args{}, "the same id twice in one batch"},
		{"server.push.restricted", i18n.Args{}, "this record is restricted to its author"},
		{"server.admin.no_such_user", i18n.Args{}, "no such user in this school"},
		{"server.admin.self_lockout", i18n.Args{}, "an admin cannot disable or demote themself: ask another admin"},
		{"server.admin.bad_name", i18n.Args{}, "name must be 1 to 200 characters without control or bidi characters"},
		{"server.admin.bad_role", i18n.Args{}, "role must be admin or interventionist"},
		{"server.admin.bad_username", i18n.Args{}, "username must be 1 to 100 bytes of text without control or bidi characters"},
		{"server.admin.username_taken", i18n.Args{"Username": `"ana"`}, fmt.Sprintf("the username %q already exists in this school", "ana")},
		{"server.password.too_long", i18n.Args{"Max": 7}, fmt.Sprintf("the password must be at most %d bytes", 7)},
		{"server.password.too_short", i18n.Args{"Min": 3}, fmt.Sprintf("the password must have at least %d characters", 3)},
		{"server.admin.code_minutes", i18n.Args{"Max": 7}, fmt.Sprintf("expires_in_minutes must be a whole number from 1 to %d", 7)},
		{"server.audit.too_long", i18n.Args{"Param": "student"}, fmt.Sprintf("%s is too long", "student")},
		{"server.audit.since", i18n.Args{}, "since must be an RFC 3339 time or a date YYYY-MM-DD"},
		{"server.query.limit", i18n.Args{"Max": 7}, fmt.Sprintf("limit must be a whole number from 1 to %d", 7)},
		{"server.audit.after", i18n.Args{}, "after must be the next value of a previous page"},
		{"server.push.rate_limited", i18n.Args{}, "this device pushed too many records in the last minute: try again after Retry-After seconds"},
		{"server.body.not_json_type", i18n.Args{}, "the body must be application/json"},
		{"server.body.over_bytes", i18n.Args{"Max": 7}, fmt.Sprintf("the body is over %d bytes", 7)},
		{"server.body.gzip", i18n.Args{}, "the gzip body cannot be read"},
		{"server.body.encoding", i18n.Args{"Encoding": `"br"`}, fmt.Sprintf("unsupported Content-Encoding %q", "br")},
		{"server.body.incomplete", i18n.Args{}, "the body could not be read completely"},
		{"server.body.not_expected", i18n.Args{}, "the body is not the expected JSON object"},
		{"server.param.uuid", i18n.Args{"Param": "device_id"}, "device_id must be a canonical lowercase uuid"},
		{"server.enrol.device_name", i18n.Args{}, "device_name must be text of at most 200 bytes without control or bidi characters"},
		{"server.login.rate_limited", i18n.Args{}, "too many failed logins: wait 15 minutes and try again"},
		{"server.enrol.device_taken", i18n.Args{}, "this device id is enrolled to another user of the school: an admin must revoke it first"},
		{"server.login.bad_credentials", i18n.Args{}, "wrong school, username or password"},
		{"server.pull.after", i18n.Args{}, "after must be a whole number of at least 0"},
		{"server.param.flag", i18n.Args{"Param": "wipe"}, "wipe must be 1 or 0"},
		{"server.not_found.device", i18n.Args{}, "no such device in this school"},
		{"server.recovery.body", i18n.Args{}, `the body must be {"recovery_key": "<32 bytes as unpadded base64url>"}`},
		{"server.recovery.none", i18n.Args{}, "this device has no recovery key on the server"},
		{"server.param.uuid", i18n.Args{"Param": "student"}, "student must be a canonical lowercase uuid"},
		{"server.cico.date_or_week", i18n.Args{}, "give date (a daily card) or week (a weekly card), not both"},
		{"server.not_found.student", i18n.Args{}, "no such student in this school"},
		{"server.param.required", i18n.Args{"Param": "user_id"}, "user_id is required"},
		{"server.enrol.code_or_password", i18n.Args{}, "give either a code or a username and password, not both"},
		{"server.suggest.measure", i18n.Args{"Max": 7}, fmt.Sprintf("measure must be a measure code of 1–%d printable characters", 7)},
		{"server.suggest.goal_after_start", i18n.Args{}, "goal_date must be after start_date"},
		{"server.suggest.start_score", i18n.Args{"Min": "3", "Max": "7"}, fmt.Sprintf("start_score must be a number %s", "between 3 and 7")},
		{"server.param.date_between", i18n.Args{"Param": "student", "Min": "3", "Max": "7"}, fmt.Sprintf("%s must be a date YYYY-MM-DD between %s and %s", "student", "3", "7")},
		{"server.param.date", i18n.Args{"Param": "student"}, fmt.Sprintf("%s must be a date YYYY-MM-DD", "student")},
		{"server.param.uuid", i18n.Args{"Param": "goal"}, "goal must be a canonical lowercase uuid"},
		{"server.not_found.goal", i18n.Args{}, "no such goal in this school"},
		{"server.param.from_after_to", i18n.Args{}, "from must not be after to"},
		{"server.param.flag", i18n.Args{"Param": "dry_run"}, "dry_run must be 1 or 0"},
		{"server.import.not_zip", i18n.Args{}, "the body must be application/zip"},
		{"server.import.encoding", i18n.Args{}, "no Content-Encoding for a zip"},
		{"server.import.too_large", i18n.Args{"Max": 7}, fmt.Sprintf("the export is over %d MiB", 7)},
		{"server.import.zip_limits", i18n.Args{"Entries": 1, "FileMiB": 2, "TotalMiB": 3}, fmt.Sprintf("the zip is over the limits: at most %d entries, %d MiB a file, %d MiB in all", 1, 2, 3)},
		{"server.import.errors", i18n.Args{"N": 2}, fmt.Sprintf("the import has %d error(s); nothing was written", 2)},
		{"server.pull.resync", i18n.Args{}, "the cursor is older than the server's deleted-record history: pull again from 0"},
		{"server.conflict.name", i18n.Args{}, "that name already exists"},
		{"server.not_found.any", i18n.Args{}, "not found"},
		{"server.name.invalid", i18n.Args{}, "a name must be text without control characters"},
		{"server.not_found.endpoint", i18n.Args{}, "no such endpoint"},
		{"server.body.too_large", i18n.Args{}, "the request body is too large"},
		{"server.request.malformed", i18n.Args{}, "malformed request"},
		{"server.internal", i18n.Args{}, "internal server error"},
		{"server.param.uuid", i18n.Args{"Param": "group"}, "group must be a canonical lowercase uuid"},
		{"server.auth.token", i18n.Args{}, "missing, unknown or revoked token: enrol this device again"},
		{"server.auth.wiped", i18n.Args{}, "an admin wiped this device: erase its local data and enrol again"},
		{"server.auth.admin_only", i18n.Args{}, "this needs the admin role"},
		{"server.busy", i18n.Args{}, "the server is busy: try again shortly"},
		{"server.password.blank", nil, "the password must not be only spaces"},
		{"server.password.common", nil, "the password is one of the most common passwords: choose another"},
	}
}

// TestServerMessagesEnglish: every message says on the wire, byte for byte, what the code's
// format said before (the /v1/ API stays English, docs/decisions/0029).
func TestServerMessagesEnglish(t *testing.T) {
	for _, c := range serverCases() {
		e := Problem(CodeInvalidRequest, c.id, c.args)
		if e.Message != c.want {
			t.Errorf("%s: %q, want %q", c.id, e.Message, c.want)
		}
		if e.In(i18n.English) != c.want {
			t.Errorf("%s in English: %q", c.id, e.In(i18n.English))
		}
		b, _ := json.Marshal(ErrorBody{e})
		if strings.Contains(string(b), "server.") || strings.Contains(string(b), "Args") {
			t.Errorf("%s: the id or the arguments reach the wire: %s", c.id, b)
		}
	}
	// Every server message of the catalog is covered.
	covered := map[string]bool{}
	for _, c := range serverCases() {
		covered[c.id] = true
	}
	for _, id := range i18n.Shared.IDs() {
		if strings.HasPrefix(id, "server.") && !covered[id] {
			t.Errorf("%s has no case", id)
		}
	}
}

// englishLeft finds English words that have no place in a Spanish sentence; the API's own
// names (application/json, Content-Encoding, since, limit, date, week) are codes, removed
// before the check.
var (
	englishLeft = regexp.MustCompile(`(?i)\b(must|is|are|required|between|characters|the|and|or|of|at most|at least|this|that|please|try|again|not|no such|too|with|without|wrong|found)\b`)
	apiNames    = regexp.MustCompile(`application/\w+|Content-Encoding|Retry-After|\{"[^}]*\}|\b(since|after|limit|from|to|date|week|admin|interventionist|records|hlc|start_score|goal_date|start_date|expires_in_minutes|measure|device_name|student|user_id|device_id|dry_run|wipe|goal|group)\b`)
)

// TestServerMessagesSpanish: every message is said in Spanish with no id marker and no
// English left over; a representative set exactly.
func TestServerMessagesSpanish(t *testing.T) {
	for _, c := range serverCases() {
		es := Problem(CodeInvalidRequest, c.id, c.args).In(i18n.Spanish)
		if strings.Contains(es, "[server.") || es == c.want || es == "" {
			t.Errorf("%s: %q", c.id, es)
		}
		if m := englishLeft.FindString(apiNames.ReplaceAllString(es, "")); m != "" {
			t.Errorf("%s: %q has the English word %q", c.id, es, m)
		}
	}
	want := map[string]string{
		"server.login.bad_credentials": "la escuela, el usuario o la contraseña no son correctos",
		"server.admin.username_taken":  `el nombre de usuario "ana" ya existe en esta escuela`,
		"server.password.too_short":    "la contraseña debe tener al menos 3 caracteres",
		"server.push.restricted":       "este registro es solo para su autor",
		"server.import.zip_limits":     "el zip supera los límites: como máximo 1 archivos, 2 MiB por archivo y 3 MiB en total",
		"server.auth.wiped":            "un administrador borró este dispositivo: borre sus datos locales y vuelva a registrarlo",
	}
	for _, c := range serverCases() {
		if w, ok := want[c.id]; ok {
			if got := Problem(CodeInvalidRequest, c.id, c.args).In(i18n.Spanish); got != w {
				t.Errorf("%s: %q, want %q", c.id, got, w)
			}
			delete(want, c.id)
		}
	}
	if len(want) > 0 {
		t.Fatalf("no case for %v", want)
	}
}

// TestMessageReadBackFromTheWire: a client holds only the English of an answer (a tablet's
// quarantined record, an error page of a newer server); MessageIn reads it back by the
// catalog's English and says it in Spanish. A message no catalog wrote is kept.
func TestMessageReadBackFromTheWire(t *testing.T) {
	for _, c := range serverCases() {
		sent := Problem(CodeConflict, c.id, c.args)
		var got ErrorBody
		b, _ := json.Marshal(ErrorBody{sent})
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if es, want := MessageIn(i18n.Spanish, got.Error), sent.In(i18n.Spanish); es != want {
			t.Errorf("%s read back: %q, want %q", c.id, es, want)
		}
	}
	unknown := &Error{Code: CodeInternal, Message: "a newer server's words"}
	if MessageIn(i18n.Spanish, unknown) != unknown.Message {
		t.Fatal("an unknown message was changed")
	}
}

// TestPushRefusalSaidInSpanish: a push refused by a record's bounds keeps the English reason
// on the wire and is said by the record's rule, made here or read back from the wire.
func TestPushRefusalSaidInSpanish(t *testing.T) {
	const dev = "01900000-0000-7000-8000-0000000000d1"
	now := time.UnixMilli(1_750_000_000_000)
	body := fmt.Sprintf(`{"records":[{"id":"01900000-0000-7000-8000-000000000001","type":"probe","hlc":"%013d-00000-%s","data":{"score":20000}}]}`,
		now.UnixMilli(), dev)
	req, err := DecodePush([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	err = ValidatePush(req, dev, now, time.Minute)
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != CodeInvalidRequest || pe.Message != "probe.score must be between 0 and 10000" {
		t.Fatalf("ValidatePush = %v", err)
	}
	const want = "la puntuación de una prueba debe estar entre 0 y 10000"
	if got := MessageIn(i18n.Spanish, err); got != want {
		t.Fatalf("made here: %q", got)
	}
	wire := &Error{Code: pe.Code, Message: pe.Message, Index: pe.Index}
	if got := MessageIn(i18n.Spanish, wire); got != want {
		t.Fatalf("read back: %q", got)
	}
	// A record refusal and any other error reach MessageIn too.
	if got := MessageIn(i18n.Spanish, fmt.Errorf("put: %w", record.Student{Grade: "K"}.Validate())); got != "falta el nombre" {
		t.Fatalf("a record's refusal: %q", got)
	}
	if MessageIn(i18n.Spanish, nil) != "" || MessageIn(i18n.Spanish, errors.New("disk full")) != "disk full" {
		t.Fatal("nil or an unknown error")
	}
}

// FuzzMessageIn: whatever English a client holds, reading it back never panics and never
// shows an id marker.
func FuzzMessageIn(f *testing.F) {
	for _, c := range serverCases() {
		f.Add(Problem(CodeInvalidRequest, c.id, c.args).Message)
	}
	f.Add("probe.score must be between 0 and 10000")
	f.Add("a number in goal data must be a finite number between -1 and 1")
	f.Add("x.y must be between  and ")
	f.Fuzz(func(t *testing.T, msg string) {
		for _, l := range i18n.Supported {
			got := MessageIn(l, &Error{Code: CodeInvalidRequest, Message: msg})
			if strings.Contains(got, "[server.") || strings.Contains(got, "[problem.") {
				t.Fatalf("%q in %s: %q", msg, l, got)
			}
		}
	})
}
