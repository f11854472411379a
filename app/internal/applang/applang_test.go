package applang

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"smallwins/shared/i18n"
)

func TestCatalogComplete(t *testing.T) {
	c, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Problems(); len(p) > 0 {
		t.Fatalf("app catalog incomplete:\n%s", strings.Join(p, "\n"))
	}
}

func TestUseSwitchesFyneLookups(t *testing.T) {
	t.Cleanup(func() { _ = Use(i18n.English) })
	if err := Use(i18n.Spanish); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("language.device"); got != "Idioma del dispositivo" {
		t.Fatalf("after Use(es): %q", got)
	}
	if Current() != i18n.Spanish {
		t.Fatalf("Current() = %q", Current())
	}
	if err := Use(i18n.English); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("language.device"); got != "Device language" {
		t.Fatalf("after Use(en): %q", got)
	}
}

func TestChoose(t *testing.T) {
	if Choose("es") != i18n.Spanish || Choose("en-GB") != i18n.English {
		t.Fatal("a stored choice is not kept")
	}
	if Choose("") != Device() || Choose("tlh") != Device() {
		t.Fatal("no choice must follow the device")
	}
}
