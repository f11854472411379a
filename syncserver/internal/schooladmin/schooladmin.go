// Package schooladmin is the server's service layer for a school's
// administration (PROTOCOL §13): users, enrolment codes and the audit
// query, with their rules and their messages. The API (httpapi), the
// console and the command line all call it, so the three cannot apply
// different rules (ADR 0016).
//
// It knows nothing of HTTP or HTML: errors a person can act on are
// *protocol.Error values with §8 codes, and each surface shows them its own
// way (a JSON body, a line on the admin page, a line on the terminal).
// Store errors pass through unchanged. Nothing here logs: the callers log
// what changed, by name only, never a password, a hash or a code.
package schooladmin
