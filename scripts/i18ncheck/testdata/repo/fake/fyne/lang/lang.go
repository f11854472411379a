// Package lang stands in for Fyne's lang package.
package lang

func L(key string, data ...any) string { return key }

func N(key string, count int, data ...any) string { return key }
