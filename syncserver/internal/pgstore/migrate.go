package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"smallwins/shared/record"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLock is the advisory lock key under which migrations run, so that
// several instances starting at once apply each migration exactly once.
const migrationLock = 0x5357_6d69_6772 // "SWmigr"

type migration struct {
	version int
	sql     string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("pgstore: migration %s has no version number", n)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies the embedded migrations not yet applied, each in its own
// transaction, holding a session advisory lock throughout.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return fmt.Errorf("pgstore: migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("pgstore: schema_migrations: %w", err)
	}
	for _, m := range ms {
		var done bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, m.version).Scan(&done); err != nil {
			return err
		}
		if done {
			continue
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			tx.Rollback(ctx)
			return fmt.Errorf("pgstore: migration %d: %w", m.version, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.version); err != nil {
			tx.Rollback(ctx)
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("pgstore: migration %d: %w", m.version, err)
		}
	}
	if err := backfillRefs(ctx, conn); err != nil {
		return fmt.Errorf("pgstore: backfill refs: %w", err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO meta (k, v) VALUES ('epoch', replace(gen_random_uuid()::text, '-', '')) ON CONFLICT (k) DO NOTHING`)
	return err
}

// backfillRefs computes the refs of records written before migration 3, a
// thousand at a time, each batch committed on its own: an interrupted start
// leaves NULLs that the next start finishes. After the first run it is one
// indexed-free query that finds nothing.
func backfillRefs(ctx context.Context, conn *pgxpool.Conn) error {
	for {
		rows, err := conn.Query(ctx, `SELECT school_id::text, id, type, data FROM records WHERE refs IS NULL LIMIT 1000`)
		if err != nil {
			return err
		}
		var schools, ids, refs []string
		for rows.Next() {
			var school, id, typ string
			var data []byte
			if err := rows.Scan(&school, &id, &typ, &data); err != nil {
				rows.Close()
				return err
			}
			schools, ids = append(schools, school), append(ids, id)
			refs = append(refs, strings.Join(record.IndexedRefs(typ, data), " "))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := conn.Exec(ctx, `UPDATE records r SET refs = string_to_array(u.refs, ' ')
			FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(school_id, id, refs)
			WHERE r.school_id = u.school_id AND r.id = u.id`, schools, ids, refs); err != nil {
			return err
		}
	}
}
