"""The report helpers every selector shares: tallies, date labels, progress, chart geometry."""

import datetime as dt
import zoneinfo

import pytest

from roadmap_portal.core import reports

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BANGKOK).astimezone(dt.UTC)


def test_tally_keeps_fixed_labels_in_order_even_at_zero_and_adds_up():
    breakdown = reports.tally(
        ["Man", "Not recorded", "Woman", "Not recorded"],
        fixed=["Woman", "Man", "Another gender", "Not recorded"],
    )

    assert [(row.label, row.count, row.percent) for row in breakdown.rows] == [
        ("Woman", 1, 25),
        ("Man", 1, 25),
        ("Another gender", 0, 0),
        ("Not recorded", 2, 50),
    ]
    assert breakdown.total == 4


def test_tally_orders_other_labels_largest_first_then_by_name():
    breakdown = reports.tally(["Thailand", "Japan", "Thailand", "Cambodia"])

    assert [(row.label, row.count) for row in breakdown.rows] == [
        ("Thailand", 2),
        ("Cambodia", 1),
        ("Japan", 1),
    ]


@pytest.mark.parametrize(
    ("starts", "ends", "precision", "label"),
    [
        (_at(dt.date(2024, 6, 18)), _at(dt.date(2024, 6, 19)), "day", "18–19 June 2024"),
        (_at(dt.date(2024, 6, 18)), None, "day", "18 June 2024"),
        (_at(dt.date(2024, 6, 30)), _at(dt.date(2024, 7, 2)), "day", "30 June – 2 July 2024"),
        (
            _at(dt.date(2024, 12, 30)),
            _at(dt.date(2025, 1, 2)),
            "day",
            "30 December 2024 – 2 January 2025",
        ),
        (_at(dt.date(2025, 4, 1)), None, "month", "April 2025"),
        (_at(dt.date(2027, 1, 1)), None, "year", "2027"),
        (None, None, "day", ""),
    ],
)
def test_date_range_label(starts, ends, precision, label):
    assert (
        reports.date_range_label(starts, ends, time_zone="Asia/Bangkok", precision=precision)
        == label
    )


def test_date_range_label_uses_the_local_day_of_the_activity():
    # 23:30 UTC on 17 June is already 18 June in Bangkok.
    starts = dt.datetime(2024, 6, 17, 23, 30, tzinfo=dt.UTC)

    assert reports.date_range_label(starts, time_zone="Asia/Bangkok") == "18 June 2024"


def test_counted_reports_progress_now_and_then_and_at_the_end():
    seen = []

    rows = list(
        reports.counted(range(5), total=5, progress=lambda d, t: seen.append((d, t)), every=2)
    )

    assert rows == [0, 1, 2, 3, 4]
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]


@pytest.mark.parametrize(
    ("largest", "steps"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 2, 4, 6, 8, 10]),
        (11, [0, 5, 10, 15]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_axis_steps_are_whole_and_few(largest, steps):
    assert reports.axis_steps(largest) == steps


def test_column_chart_draws_bars_in_proportion_on_a_shared_baseline():
    chart = reports.column_chart([("2025", 10), ("2026", 5), ("2027", 0)], title="People")

    heights = [bar.height for bar in chart.bars]
    bottoms = {round(bar.y + bar.height, 2) for bar in chart.bars}
    assert heights[0] == chart.plot_bottom - chart.plot_top
    assert heights[1] == heights[0] / 2
    assert heights[2] == 0
    assert bottoms == {chart.plot_bottom}
    assert [line.label for line in chart.gridlines] == ["0", "2", "4", "6", "8", "10"]
    assert [bar.value_label for bar in chart.bars] == ["10", "5", "0"]
    assert not chart.is_empty


def test_bar_chart_gives_the_largest_value_the_full_length():
    chart = reports.bar_chart([("Thailand", 4), ("Japan", 1)], title="Countries")

    assert chart.bars[0].width == chart.plot_right - chart.plot_left
    assert chart.bars[1].width == chart.bars[0].width / 4
    assert chart.bars[1].y > chart.bars[0].y


def test_a_chart_of_zeros_is_empty():
    assert reports.column_chart([("2025", 0)], title="Nothing").is_empty


def test_check_audience_refuses_anything_but_public_or_staff():
    assert reports.check_audience("staff") == "staff"
    with pytest.raises(reports.ReportError, match="“press” is not a version of a report"):
        reports.check_audience("press")
