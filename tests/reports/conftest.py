"""A tiny report kind for testing the machinery (jobs, snapshots, views, command) quickly.

It prints the bare report frame (templates/reports/base.html), so a PDF takes a fraction of a
second, and its selector can be told to fail or to watch the job while it gathers.
"""

from dataclasses import dataclass, field

import pytest

from roadmap_portal.core import plugins, reports


@dataclass
class TinyReport:
    key: str = "tiny"
    rows: int = 3
    failure: BaseException | None = None
    during_gather: list = field(default_factory=list)
    progress_seen: list = field(default_factory=list)

    def find(self, slug):
        if slug == "missing":
            return None
        return plugins.ReportSubject(slug=slug, title=f"Tiny report {slug}", url="/", obj=slug)

    def gather(self, subject, *, audience, progress):
        def watch(done, total):
            self.progress_seen.append((done, total))
            progress(done, total)

        for done, _row in enumerate(
            reports.counted(range(self.rows), total=self.rows, progress=watch, every=1), start=1
        ):
            for hook in self.during_gather:
                hook(done)
        if self.failure is not None:
            raise self.failure
        return {"rows": self.rows}

    def count_rows(self, subject):
        return self.rows


@pytest.fixture
def tiny_report():
    tiny = TinyReport()
    plugins.register_report(
        plugins.ReportKind(
            key=tiny.key,
            title="Tiny report",
            template_name="reports/base.html",
            order=999,
            find=tiny.find,
            gather=tiny.gather,
            count_rows=tiny.count_rows,
            subjects=lambda: [tiny.find("one")],
        )
    )
    yield tiny
    plugins.report_kinds[:] = [kind for kind in plugins.report_kinds if kind.key != tiny.key]
