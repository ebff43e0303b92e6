"""Reads about one person across the apps: what the portal keeps about them (UU PDP)."""

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User

EXPORT_FORMAT_VERSION = 1


def _iso(value):
    return value.isoformat() if value else None


def _membership_data(membership) -> dict:
    return {
        "kim": membership.kim.name,
        "kim_place": membership.kim.place_name,
        "role": membership.role,
        "status": membership.status,
        "asked_at": _iso(membership.created_at),
        "message_when_asking": membership.request_message,
        "decided_at": _iso(membership.decided_at),
        "term_start": _iso(membership.term_start),
        "term_end": _iso(membership.term_end),
        "appointment_sk": membership.appointment_sk,
    }


def _post_data(post) -> dict:
    return {
        "title": post.title,
        "slug": post.slug,
        "kind": post.kind,
        "status": post.status,
        "kim": post.kim.name if post.kim_id else None,
        "category": post.category.name,
        "tags": [tag.name for tag in post.tags.all()],
        "lead": post.lead,
        "body": post.body,
        "claim": post.claim,
        "claim_source": post.claim_source,
        "verdict": post.verdict,
        "evidence": post.evidence,
        "review_note": post.review_note,
        "created_at": _iso(post.created_at),
        "submitted_at": _iso(post.submitted_at),
        "published_at": _iso(post.published_at),
        "photos": [
            {"alt_text": photo.alt_text, "caption": photo.caption, "credit": photo.credit}
            for photo in post.photos.all()
        ],
    }


def _registration_data(registration) -> dict:
    training = registration.training
    return {
        "training": training.title,
        "training_start": _iso(training.start_date),
        "training_end": _iso(training.end_date),
        "venue": training.venue_name,
        "ticket_code": registration.code,
        "status": registration.status,
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "category": registration.category,
        "institution": registration.institution,
        "position": registration.position,
        "kim": registration.kim.name if registration.kim_id else None,
        "district": registration.district.name if registration.district_id else None,
        "registered_at": _iso(registration.created_at),
        "promoted_from_waiting_list_at": _iso(registration.promoted_at),
        "cancelled_at": _iso(registration.cancelled_at),
        "reminder_sent_at": _iso(registration.reminder_sent_at),
        "days_attended": [_iso(attendance.date) for attendance in registration.attendances.all()],
        "certificate_code": registration.certificate_code,
        "certificate_issued_at": _iso(registration.certificate_issued_at),
    }


def _submission_data(submission) -> dict:
    return {
        "tracking_code": submission.display_code,
        "kind": submission.kind,
        "category": submission.category.name if submission.category_id else None,
        "title": submission.title,
        "text": submission.text,
        "link": submission.link,
        "circulated_on": submission.circulated_on,
        "village": submission.village.name,
        "has_photo": bool(submission.photo),
        "name": submission.submitter_name,
        "phone": submission.submitter_phone,
        "email": submission.submitter_email,
        "shown_as_anonymous": submission.is_anonymous,
        "kept_off_public_pages": submission.is_private,
        "sent_and_privacy_notice_accepted_at": _iso(submission.created_at),
        "status": submission.status,
        "forwarded_to": submission.forwarded_to,
        "rejection_reason": submission.rejection_reason,
        "answer": submission.answer,
        "answered_at": _iso(submission.answered_at),
        "status_history": [
            {"status": change.to_status, "at": _iso(change.changed_at)}
            for change in submission.changes.all()
        ],
    }


def user_data_export(*, user: User) -> dict:
    """Everything the portal keeps about this person, for them to download (UU PDP art. 7-8):
    account, email addresses, memberships and join requests, posts, training registrations
    with attendance and certificates, and the aspirations sent while logged in. Other people's
    contact details are never part of it (who decided a request or checked them in is left
    out)."""
    from allauth.account.models import EmailAddress

    from aspirations.models import Submission, SubmissionChange
    from groups.models import Membership
    from news.models import Post, PostPhoto
    from trainings.models import Attendance, Registration

    memberships = Membership.objects.filter(user=user).select_related(
        "kim__district", "kim__village"
    )
    posts = (
        Post.objects.filter(author=user)
        .select_related("kim", "category")
        .prefetch_related(
            "tags", Prefetch("photos", queryset=PostPhoto.objects.order_by("position"))
        )
        .defer("search_vector", "body_html")
        .order_by("created_at", "pk")
    )
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("training", "kim", "district")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.order_by("date")))
        .order_by("created_at", "pk")
    )
    submissions = (
        Submission.objects.filter(submitter=user)
        .select_related("category", "village")
        .prefetch_related(
            Prefetch("changes", queryset=SubmissionChange.objects.order_by("changed_at", "pk"))
        )
        .order_by("created_at", "pk")
    )
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": _iso(timezone.now()),
        "account": {
            "name": user.name,
            "email": user.email,
            "whatsapp_number": user.phone,
            "signed_up_at": _iso(user.date_joined),
            "last_login_at": _iso(user.last_login),
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
        },
        "kim_memberships_and_join_requests": [_membership_data(m) for m in memberships],
        "posts": [_post_data(post) for post in posts],
        "training_registrations": [_registration_data(r) for r in registrations],
        "aspirations_and_hoax_reports": [_submission_data(s) for s in submissions],
    }
