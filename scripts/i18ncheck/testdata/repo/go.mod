module example.com/repo

go 1.22

require (
	codeberg.org/go-pdf/fpdf v0.0.0
	fyne.io/fyne/v2 v2.0.0
	smallwins/shared v0.0.0
)

replace (
	codeberg.org/go-pdf/fpdf => ./fake/fpdf
	fyne.io/fyne/v2 => ./fake/fyne
	smallwins/shared => ./fake/shared
)
