package main

import (
	"context"
	"errors"

	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/store"
)

// openStore picks the store: PostgreSQL when a URL is given, else the
// embedded bbolt file.
func openStore(ctx context.Context, dbPath, postgresURL string) (store.Store, error) {
	if postgresURL != "" {
		return pgstore.Open(ctx, postgresURL)
	}
	if dbPath == "" {
		return nil, errors.New("--db must name a file")
	}
	return boltstore.Open(dbPath)
}
