"""The feedback results as a section of an activity's report (the dialogue report).

Staff see the results per question: the average and the count per score of each rating, and
the free texts; the public version leaves the free texts out (they can name people).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins, reports
from roadmap_portal.registrations.models import Activity

from . import selectors
from .models import FeedbackQuestionKind


def feedback_section(activity: Activity, *, audience: str) -> dict:
    """The activity's feedback results for a report; four queries (the results selector's)."""
    staff = audience == reports.Audience.STAFF
    results = selectors.feedback_results(activity)
    questions = []
    for result in results["questions"]:
        is_rating = result["question"].kind == FeedbackQuestionKind.RATING
        entry = {
            "label": result["question"].label,
            "is_rating": is_rating,
            "count": result["count"],
        }
        if is_rating:
            top = max((count for _score, count in result["scores"]), default=0)
            entry["average"] = result["average"]
            entry["scores"] = [
                {
                    "score": score,
                    "count": count,
                    "percent": round(100 * count / result["count"]) if result["count"] else 0,
                    "bar": round(100 * count / top) if top else 0,
                }
                for score, count in result["scores"]
            ]
        else:
            entry["texts"] = result["texts"] if staff else []
        questions.append(entry)
    return {
        "has_form": results["form"] is not None,
        "responses": results["responses"],
        "questions": questions,
        "shows_texts": staff,
    }


def register() -> None:
    plugins.register_report_section(
        plugins.ReportSection(
            key="feedback",
            report="dialogue",
            title=_("Feedback from the participants"),
            template_name="logistics/pdf/feedback_section.html",
            order=50,
            gather=feedback_section,
        )
    )
