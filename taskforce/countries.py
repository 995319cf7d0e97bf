"""The countries and regions the network works with, keyed by ISO 3166 alpha-2."""

from typing import NamedTuple


class CountryRow(NamedTuple):
    code: str
    name: str
    group: str
    time_zone: str
    is_region: bool = False


COUNTRIES: tuple[CountryRow, ...] = (
    # The eleven ASEAN members; Timor-Leste joined in 2025.
    CountryRow("BN", "Brunei Darussalam", "asean", "Asia/Brunei"),
    CountryRow("KH", "Cambodia", "asean", "Asia/Phnom_Penh"),
    CountryRow("ID", "Indonesia", "asean", "Asia/Jakarta"),
    CountryRow("LA", "Lao PDR", "asean", "Asia/Vientiane"),
    CountryRow("MY", "Malaysia", "asean", "Asia/Kuala_Lumpur"),
    CountryRow("MM", "Myanmar", "asean", "Asia/Yangon"),
    CountryRow("PH", "Philippines", "asean", "Asia/Manila"),
    CountryRow("SG", "Singapore", "asean", "Asia/Singapore"),
    CountryRow("TH", "Thailand", "asean", "Asia/Bangkok"),
    CountryRow("TL", "Timor-Leste", "asean", "Asia/Dili"),
    CountryRow("VN", "Vietnam", "asean", "Asia/Ho_Chi_Minh"),
    # Allied: invited to the Policy Dialogue.
    CountryRow("JP", "Japan", "allied", "Asia/Tokyo"),
    CountryRow("KR", "South Korea", "allied", "Asia/Seoul"),
    CountryRow("HK", "Hong Kong", "allied", "Asia/Hong_Kong", is_region=True),
    CountryRow("AU", "Australia", "allied", "Australia/Sydney"),
    # Other Asia: ASEC's members and the ILO project's countries beyond ASEAN.
    CountryRow("BD", "Bangladesh", "other_asia", "Asia/Dhaka"),
    CountryRow("CN", "China", "other_asia", "Asia/Shanghai"),
    CountryRow("IN", "India", "other_asia", "Asia/Kolkata"),
    CountryRow("KG", "Kyrgyzstan", "other_asia", "Asia/Bishkek"),
    CountryRow("MN", "Mongolia", "other_asia", "Asia/Ulaanbaatar"),
    CountryRow("NP", "Nepal", "other_asia", "Asia/Kathmandu"),
    CountryRow("PK", "Pakistan", "other_asia", "Asia/Karachi"),
    CountryRow("LK", "Sri Lanka", "other_asia", "Asia/Colombo"),
    CountryRow("TW", "Taiwan", "other_asia", "Asia/Taipei", is_region=True),
    # Beyond Asia: international organisations' seats.
    CountryRow("CH", "Switzerland", "other", "Europe/Zurich"),
)


def ensure_countries(country_model) -> int:
    """Create or update every country above; returns how many were created."""
    created = 0
    for row in COUNTRIES:
        _, was_created = country_model.objects.update_or_create(
            code=row.code,
            defaults={
                "name": row.name,
                "group": row.group,
                "time_zone": row.time_zone,
                "is_region": row.is_region,
            },
        )
        created += was_created
    return created
