"""render_report KIND SLUG -o FILE.pdf: write any report from the shell."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roadmap_portal.core import reports


class Command(BaseCommand):
    help = (
        "Write a report to a file: render_report dialogue ilo-sse-workshop-2024 -o report.pdf. "
        "Kinds and what they take: dialogue CONVENING-SLUG, roster current|YYYY-MM-DD, "
        "progress YYYY|YYYY-YYYY, and whatever else the apps plug in."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="The kind of report, e.g. dialogue, roster, progress.")
        parser.add_argument("slug", help="What to report on, e.g. a convening's slug or 2025-2030.")
        parser.add_argument("-o", "--output", required=True, help="The file to write.")
        parser.add_argument(
            "--staff",
            action="store_true",
            help="The staff version (everybody, with contact data). Without it: the public "
            "version (people who agreed to be listed, no contact data).",
        )
        parser.add_argument(
            "--html", action="store_true", help="Write the HTML preview instead of the PDF."
        )

    def handle(self, *args, kind, slug, output, staff, html, **options):
        audience = reports.Audience.STAFF if staff else reports.Audience.PUBLIC
        try:
            report_kind = reports.get_kind(kind)
            subject = reports.find_subject(report_kind, slug)
        except reports.ReportError as error:
            raise CommandError(str(error)) from error
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        if html:
            gathered = reports.gather(report_kind, subject, audience=audience)
            path.write_text(reports.render_html(gathered, preview=True), encoding="utf-8")
            self.stdout.write(f"Wrote {path} ({gathered.rows} rows, HTML preview).")
            return
        rendered = reports.render(report_kind, subject, audience=audience)
        path.write_bytes(rendered.pdf)
        self.stdout.write(
            f"Wrote {path}: {subject.title}, {reports.Audience(audience).label}, "
            f"{rendered.gathered.rows} rows, {rendered.pages} pages, {len(rendered.pdf):,} bytes."
        )
