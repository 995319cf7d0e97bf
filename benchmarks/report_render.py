"""Time the dialogue report for many participants, and WeasyPrint alone on the same HTML.

    .venv/bin/python benchmarks/report_render.py --participants 2000 [-o report.pdf]

Builds a throwaway SQLite database in a temporary folder (migrations included), records one
convening with that many participants whose names run through the region's scripts, then:

1. renders the report the way the portal does (selector queries, template, WeasyPrint);
2. prints the exact HTML the template produced with WeasyPrint alone.

Fonts are loaded once beforehand, so neither run pays for the first use of the CJK faces, and
the two runs alternate ``--repeat`` times (3 by default); the best time of each is reported.
The last line is JSON: participants, pages, seconds, weasyprint_only_seconds, ratio (the
full run over WeasyPrint alone: our own share is what exceeds 1) and peak_rss_mb.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = (
    "สมชาย ใจดี",
    "សុខ ចាន់ថា",
    "ສົມພອນ ແກ້ວມະນີ",
    "မောင်မောင် ဝင်း",
    "Nguyễn Thị Hương",
    "王小明",
    "山田 花子",
    "김민준",
    "Maria Santos",
    "Siti Nurhaliza binti Ahmad",
)


def _setup(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "roadmap_portal.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _arrange(participants: int) -> str:
    from django.utils import timezone

    from dialogues import services
    from roadmap_portal.registrations.models import Mode, Registration, RegistrationStatus, Role
    from taskforce.models import Country, Gender, Organisation, OrganisationKind, Person

    thailand = Country.objects.get(code="TH")
    countries = list(Country.objects.filter(group="asean"))
    kinds = list(OrganisationKind.values)
    genders = list(Gender.values)
    organiser = Organisation.objects.create(
        name="International Labour Organization",
        acronym="ILO",
        slug="ilo",
        kind="international",
        approved=True,
    )
    preparer = Organisation.objects.create(
        name="Asian Solidarity Economy Council",
        acronym="ASEC",
        slug="asec",
        kind="network",
        approved=True,
    )
    convening = services.create_convening(
        kind="workshop",
        title="Benchmark Workshop: Social and Solidarity Economy for the SDGs in Asia",
        slug="benchmark-workshop",
        host_country=thailand,
        city="Bangkok",
        starts_at=services.local_datetime(dt.date(2024, 6, 18), dt.time(9), "Asia/Bangkok"),
        ends_at=services.local_datetime(dt.date(2024, 6, 19), dt.time(17), "Asia/Bangkok"),
        background="A workshop with a great many participants, to time the report.",
        outcomes="The participants agreed on the following strategic actions:",
        organised_by=[organiser],
        report_prepared_by=[preparer],
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Solidarity Cooperative {index}",
            slug=f"solidarity-cooperative-{index}",
            kind=kinds[index % len(kinds)],
            country=countries[index % len(countries)],
            approved=True,
        )
        for index in range(max(participants // 10, 1))
    )
    people = Person.objects.bulk_create(
        Person(
            honorific=("Ms", "Mr", "Dr")[index % 3],
            name=f"{NAMES[index % len(NAMES)]} {index}",
            gender=genders[index % len(genders)],
            listed_publicly=True,
        )
        for index in range(participants)
    )
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            activity=convening.activity,
            person=person,
            organisation=organisations[index % len(organisations)],
            mode=Mode.ONLINE if index % 7 == 0 else Mode.ONSITE,
            role=Role.SPEAKER if index % 25 == 0 else Role.PARTICIPANT,
            status=RegistrationStatus.CONFIRMED,
            requested_at=now,
            list_position=index + 1,
        )
        for index, person in enumerate(people)
    )
    return convening.slug


def _warm_up_fonts() -> None:
    from roadmap_portal.core.pdf import print_html

    names = " ".join(NAMES)
    print_html(
        '<html><head><meta charset="utf-8"><link rel="stylesheet" href="/static/css/report.css">'
        f"</head><body><p>{names}</p><p><strong>{names}</strong></p></body></html>"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("-o", "--output", help="Also write the PDF here.")
    parser.add_argument(
        "--repeat", type=int, default=3, help="Runs of each; the best of each is reported."
    )
    options = parser.parse_args()
    if options.participants < 1 or options.repeat < 1:
        parser.error("--participants and --repeat must be at least 1")

    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        _setup(Path(folder) / "bench.sqlite3")
        slug = _arrange(options.participants)

        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        from roadmap_portal.core import reports
        from roadmap_portal.core.pdf import print_html

        _warm_up_fonts()
        kind = reports.get_kind("dialogue")
        subject = reports.find_subject(kind, slug)

        full_runs, engine_runs, cpu = [], [], {"full": [], "engine": []}
        for _attempt in range(options.repeat):
            # Interleaved, best of each: other load on the machine slows one run, not the
            # comparison.
            reset_queries()
            gc.collect()
            cpu_started, started = time.process_time(), time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                gathered = reports.gather(kind, subject, audience=reports.Audience.STAFF)
            gathered_at = time.perf_counter()
            html = reports.render_html(gathered)
            templated_at = time.perf_counter()
            printed = print_html(html)
            full_runs.append(time.perf_counter() - started)
            cpu["full"].append(time.process_time() - cpu_started)

            gc.collect()
            cpu_started, engine_started = time.process_time(), time.perf_counter()
            engine_only = print_html(html)
            engine_runs.append(time.perf_counter() - engine_started)
            cpu["engine"].append(time.process_time() - cpu_started)
            assert engine_only.pages == printed.pages

        seconds, weasyprint_only_seconds = min(full_runs), min(engine_runs)
        if options.output:
            Path(options.output).write_bytes(printed.pdf)

        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"gather: {gathered_at - started:.2f} s in {len(queries.captured_queries)} queries; "
            f"template: {templated_at - gathered_at:.2f} s; "
            f"HTML: {len(html) / 1024:.0f} KiB; PDF: {len(printed.pdf) / 1024:.0f} KiB; "
            f"best of {options.repeat}; CPU seconds, full {min(cpu['full']):.2f} and "
            f"WeasyPrint alone {min(cpu['engine']):.2f}",
            file=sys.stderr,
        )
        print(
            json.dumps(
                {
                    "participants": options.participants,
                    "pages": printed.pages,
                    "seconds": round(seconds, 2),
                    "weasyprint_only_seconds": round(weasyprint_only_seconds, 2),
                    "ratio": round(seconds / weasyprint_only_seconds, 3),
                    "peak_rss_mb": round(peak_rss_mb, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
