package schooladmin

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/i18n"
	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/store"
)

// Enrolment codes' lifetime (PROTOCOL §13), in minutes.
const (
	DefaultCodeMinutes = 1440
	MaxCodeMinutes     = 10080
)

// CodeMinutes is a code's lifetime: DefaultCodeMinutes when none is given,
// else the given one within 1..MaxCodeMinutes.
func CodeMinutes(given *int) (int, error) {
	if given == nil {
		return DefaultCodeMinutes, nil
	}
	if m := *given; m < 1 || m > MaxCodeMinutes {
		return 0, protocol.Problem(protocol.CodeInvalidRequest, "server.admin.code_minutes", i18n.Args{"Max": MaxCodeMinutes})
	}
	return *given, nil
}

// CreateEnrolmentCode makes a one-time code for a user of the school
// (PROTOCOL §13), valid for minutes from now, and stores only its hash. An
// unknown user (or another school's, or a malformed id) is ErrNoSuchUser.
// The code is for the person only: never log it.
func CreateEnrolmentCode(ctx context.Context, st store.EnrolmentCodes, schoolID, userID string, minutes int, now time.Time) (string, time.Time, error) {
	if _, err := uuid.Parse(userID); err != nil {
		return "", time.Time{}, ErrNoSuchUser
	}
	code, hash, err := auth.NewEnrolmentCode()
	if err != nil {
		return "", time.Time{}, err
	}
	exp := now.Add(time.Duration(minutes) * time.Minute)
	err = st.CreateEnrolmentCode(ctx, store.EnrolmentCode{Hash: hash, SchoolID: schoolID, UserID: userID, CreatedAt: now, ExpiresAt: exp})
	if errors.Is(err, store.ErrNotFound) {
		return "", time.Time{}, ErrNoSuchUser
	}
	if err != nil {
		return "", time.Time{}, err
	}
	return code, exp, nil
}
