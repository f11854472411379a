module smallwins/shared

go 1.26.8

require (
	github.com/google/uuid v1.6.0 // indirect
	pgregory.net/rapid v1.3.0 // indirect
)
