module smallwins/shared

go 1.26.8

require (
	github.com/go-json-experiment/json v1.27.2
	github.com/google/uuid v1.6.0
	github.com/nicksnyder/go-i18n/v2 v2.5.1
	golang.org/x/text v0.44.0
	pgregory.net/rapid v1.3.0
)
