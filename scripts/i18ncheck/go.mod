module smallwins/scripts/i18ncheck

go 1.26.8

require smallwins/shared v0.0.0

require (
	github.com/nicksnyder/go-i18n/v2 v2.5.1 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace smallwins/shared => ../../shared
