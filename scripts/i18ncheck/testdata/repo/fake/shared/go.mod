module smallwins/shared

go 1.22
