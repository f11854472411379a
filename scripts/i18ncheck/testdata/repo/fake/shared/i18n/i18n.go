// Package i18n stands in for smallwins/shared/i18n.
package i18n

type Lang string

type Args = map[string]any

type Catalog struct{}

func (c *Catalog) T(l Lang, id string, args ...Args) string { return id }

func (c *Catalog) N(l Lang, id string, count int, args ...Args) string { return id }
