package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// TestBrowserSpanish: Chromium set to Spanish (its Accept-Language is
// "es") signs in with the keyboard on a Spanish sign-in page and reads the
// caseload, a student's page and every other page in Spanish, at a
// desktop's 1280 px and a phone's 390 px, each passing axe-core with
// nothing scrolling sideways (Spanish words are longer). With UPDATE_SCREENSHOTS=1 it writes
// docs/screenshots/console-caseload-es.png and console-student-es.png.
func TestBrowserSpanish(t *testing.T) {
	ctx, blog := newBrowser(t, chromedp.Flag("lang", "es"), chromedp.Flag("accept-lang", "es"))
	e := newEnv(t, false)
	e.seedCICO()
	// A session delivered today, for the observation pages (ADR 0031).
	sess := e.addSession(e.ids.bluebirds, today(), record.SessionDelivered, allDone)
	checkedPages.Store(0)
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		var s string
		do(into(&s, chromedp.Evaluate[string](`document.querySelector(`+fmt.Sprintf("%q", sel)+`).innerText`)))
		return s
	}
	lang := func() string {
		t.Helper()
		var s string
		do(into(&s, chromedp.Evaluate[string](`document.documentElement.lang`)))
		return s
	}
	load(t, ctx, chromedp.Navigate(e.srv.URL+"/login"))
	do(chromedp.WaitVisible(chromedp.CSS(`#school`)))
	if l, h := lang(), text("main h1"); l != "es" || h != "Iniciar sesión en la consola de la escuela" {
		t.Fatalf("the sign-in page: lang=%q, h1 %q: the browser's Accept-Language did not reach the console", l, h)
	}
	do(chromedp.KeyEvent("lincoln"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent("admin"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(pw))
	load(t, ctx, chromedp.KeyEvent(kb.Enter))

	q := "?as_of=" + asOf
	pages := []struct{ name, path, h1, has, shot string }{
		{"caseload", "/" + q, "Lista de casos", "Próxima revisión", "caseload-es"},
		{"student", "/students/" + e.ids.s1 + q, "Maya Lopez", "Decisiones del equipo", "student-es"},
		{"meeting", "/meeting" + q, "Agenda de la reunión", "Registrar la decisión", ""},
		{"group", "/groups/" + e.ids.bluebirds + q, "Bluebirds", "Fidelidad por paso y sesión", ""},
		{"programs", "/programs" + q, "Programas", "Por intervencionista", ""},
		{"a program", "/programs/" + e.ids.program + q, "Phonics for Reading", "Estudiantes", ""},
		{"cico", "/cico" + q, "Registro de entrada y salida (CICO)", "Esta semana", ""},
		{"a student's cico", "/cico/" + e.ids.s1 + q, "Maya Lopez: registro de entrada y salida", "Semanas", ""},
		{"admin", "/admin", "Administración", "Agregar un usuario", ""},
		{"audit", "/admin/audit", "Auditoría de registros restringidos", "Desde (fecha)", ""},
		{"account", "/account", "Idioma", "Automático", ""},
		{"goal form", "/students/" + e.ids.s1 + "/goals/new", "Nueva meta para Maya Lopez", "Mostrar sugerencias de las normas", ""},
		{"goal edit", "/students/" + e.ids.s1 + "/goals/" + e.ids.goal1 + "/edit", "Editar una meta de Maya Lopez", "Guardar la meta", ""},
		{"observations", "/observations", "Observaciones", "Grupos no observados en las últimas seis semanas", ""},
		{"group observe", "/groups/" + e.ids.bluebirds + "/observe", "Observar Bluebirds hoy", "Observar la sesión del", ""},
		{"observe", "/sessions/" + sess + "/observe", "Observar Bluebirds el " + i18n.DateMedium(i18n.Spanish, time.Now().UTC()), "Guardar la observación", ""},
	}
	for _, width := range []int64{1280, 390} {
		do(chromedp.EmulateViewport(width, 900))
		for _, p := range pages {
			name := fmt.Sprintf("%s in Spanish at %d px", p.name, width)
			load(t, ctx, chromedp.Navigate(e.srv.URL+p.path))
			var problems []string
			do(chromedp.WaitVisible(chromedp.CSS(`main h1`)), axeCheck(t, name), into(&problems, chromedp.Evaluate[[]string](pagesWidthCheck)))
			for _, pr := range problems {
				t.Errorf("%s: %s", name, pr)
				var wide []string
				do(into(&wide, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('body *')).filter(el => el.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 12).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right) + ' ' + (el.innerText || '').slice(0, 60))`)))
				t.Logf("%s: wider than the viewport: %v", name, wide)
			}
			if l := lang(); l != "es" {
				t.Errorf("%s: lang=%q", name, l)
			}
			if h := text("main h1"); h != p.h1 {
				t.Errorf("%s: h1 %q, want %q", name, h, p.h1)
			}
			if body := text("main"); !strings.Contains(body, p.has) {
				t.Errorf("%s lacks %q", name, p.has)
			}
			if width == 1280 && p.shot != "" {
				do(pagesShot(p.shot))
			}
		}
	}
	if n, want := checkedPages.Load(), int32(2*len(pages)); n != want {
		t.Errorf("axe-core checked %d pages, want %d", n, want)
	}
	blog.check(t)
}
