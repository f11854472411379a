// Package i18n is the one home of the product's languages: which ones it speaks, how a
// browser's or a device's preference picks one, and the message catalogs every surface reads.
//
// Catalogs are JSON files in go-i18n's format (the format Fyne's own lang package reads), named
// <area>.<lang>.json, so a translator edits them without reading Go. English is the source
// language; every other language must carry every English message (scripts/i18ncheck and the
// tests of each catalog enforce it). See docs/decisions/0029-languages-and-catalogs.md.
package i18n

import (
	"strings"

	"golang.org/x/text/language"
)

// Lang is a language the product speaks, as its BCP 47 base ("en", "es").
type Lang string

const (
	English Lang = "en"
	Spanish Lang = "es"
)

// Supported lists the languages the product has complete catalogs for; English first, since it
// is the fallback for anything else.
var Supported = []Lang{English, Spanish}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Spanish})

// Tag is the language's BCP 47 tag.
func (l Lang) Tag() language.Tag {
	if l == Spanish {
		return language.Spanish
	}
	return language.English
}

// String is the tag as written in HTML lang attributes and records.
func (l Lang) String() string { return string(l.orEnglish()) }

func (l Lang) orEnglish() Lang {
	for _, s := range Supported {
		if l == s {
			return l
		}
	}
	return English
}

// Parse reads a BCP 47 tag such as a student's family_language ("es", "es-MX", "EN-us") and says
// whether the product speaks that language. An unknown or unsupported tag gives English and false,
// so a family document can say it is in English for that reason.
func Parse(tag string) (Lang, bool) {
	tag = strings.TrimSpace(tag)
	if tag == "" || len(tag) > 64 {
		return English, false
	}
	t, err := language.Parse(tag)
	if err != nil {
		return English, false
	}
	base, _ := t.Base()
	for _, s := range Supported {
		if base.String() == string(s) {
			return s, true
		}
	}
	return English, false
}

// FromAcceptLanguage picks the best supported language for a browser's Accept-Language header;
// English when nothing matches. The header is bounded: only its first 1 KiB is read.
func FromAcceptLanguage(header string) Lang {
	if len(header) > 1024 {
		header = header[:1024]
		if i := strings.LastIndexByte(header, ','); i > 0 {
			header = header[:i] // keep whole entries only
		}
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return Supported[idx]
}
