package httpapi

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"smallwins/reportdoc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// handleCICOCardPDF: the family card (ADR 0641), the same page
// the tablet shares: `student` (uuid), and `date` (a daily card) or `week`
// (any day of it: a weekly card); neither is this week's card. Bearer token,
// own school, and only the records this user may read (PROTOCOL §6): a
// student restricted from the user is "Your child". A student of whom the
// user can read neither the record nor a card is 404.
func (s *Server) handleCICOCardPDF(c echo.Context) error {
	student := c.QueryParam("student")
	if !record.IsID(student) {
		return protocol.Errorf(protocol.CodeInvalidRequest, "student must be a canonical lowercase uuid")
	}
	q := c.QueryParams()
	if q.Has("date") && q.Has("week") {
		return protocol.Errorf(protocol.CodeInvalidRequest, "give date (a daily card) or week (a weekly card), not both")
	}
	weekly := !q.Has("date")
	name := "week"
	if !weekly {
		name = "date"
	}
	day, err := dateParam(c, name, s.today())
	if err != nil {
		return err
	}
	ctx, school, v := c.Request().Context(), PrincipalOf(c).School, viewerOf(c)
	envs, err := s.store.RecordsByRef(ctx, school.ID, v, student, record.TypeCICOCard, record.TypeCICOPlan)
	if err != nil {
		return err
	}
	doc := reportdoc.CICOCardDoc{School: school.Name, Generated: s.today().String(), Date: day.String(), Weekly: weekly}
	doc.Cards, doc.Plan = reportdoc.FamilyCardRecords(envs, student)
	studs, err := s.store.RecordsByID(ctx, school.ID, v, student)
	if err != nil {
		return err
	}
	for _, e := range ofType(studs, record.TypeStudent) {
		if st, ok := record.DecodeAs[record.Student](e); ok {
			doc.Student = st.DisplayName()
			doc.FamilyLanguage = familyLanguageOf(e) // DOMAIN.md §4.3: the family's language
		}
	}
	if doc.Student == "" && len(doc.Cards) == 0 && doc.Plan == nil {
		return protocol.Errorf(protocol.CodeNotFound, "no such student in this school")
	}
	var buf bytes.Buffer
	if err := reportdoc.CICOCardPDF(&buf, doc); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
