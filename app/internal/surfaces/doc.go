// Package surfaces holds one test, and no code: the cross-surface test of
// ADR 0015. It builds a school on the real sync server (serverproc) and
// reads every goal's decision, reason, last score, slopes and delivery from
// each surface a team reads them on — the report JSON, the console's
// caseload row and student page, the tablet's student screen (headless,
// its records pulled by the real sync client) and the progress PDF — and
// fails on any difference. It lives in the app module because only the app
// may run both sides: the server is reached over HTTP, never imported.
package surfaces
