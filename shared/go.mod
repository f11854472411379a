module smallwins/shared

go 1.26.8

require (
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/google/uuid v1.6.0
	pgregory.net/rapid v1.3.0 // indirect
)
