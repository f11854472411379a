package console

import (
	"net/http"

	"smallwins/syncserver/internal/store"
)

// SessionPrincipal resolves the console session a request carries (its
// cookie), for the API routes a signed-in console may read without a
// bearer token (httpapi.Config.SessionPrincipal; DOMAIN.md §4.4's
// goal suggestions, which a console goal form asks for).
// store.ErrNotFound when the request has no live session. It only reads:
// a GET of JSON needs no CSRF token, and another site's page cannot read
// the answer.
func (c *Console) SessionPrincipal(r *http.Request) (store.Principal, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return store.Principal{}, store.ErrNotFound
	}
	id, ok := decodeID(ck.Value)
	if !ok {
		return store.Principal{}, store.ErrNotFound
	}
	return c.st.ConsoleSessionByHash(r.Context(), hashID(id), c.now())
}
