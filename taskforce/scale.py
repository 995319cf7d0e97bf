"""The registry's part of ``generate_scale_data``: organisations, people, affiliations.

Synthetic rows for measuring the portal at the size the Roadmap aims for, not demo data:
they are bulk-inserted without the services (no history rows, no mail), but keep what the
pages and the engine rely on: names in NFC, ``search_text`` made by ``search_key``, one open
affiliation per person and organisation, a focal point per organisation. Countries are
weighted like the membership; names come from the name parts of each country's script, with
a Latin spelling where the script is not Latin.
"""

from __future__ import annotations

import datetime as dt
from itertools import accumulate

from roadmap_portal.core.plugins import ScaleContext
from roadmap_portal.core.text import normalise_name, search_key

from .models import (
    Affiliation,
    Gender,
    Organisation,
    OrganisationKind,
    Person,
    TaskForceMembership,
    TaskForceRole,
)

BATCH_SIZE = 5000

# Weighted like the membership: the large ASEAN networks first, allied countries fewer.
COUNTRY_WEIGHTS = {
    "PH": 18, "ID": 18, "MY": 14, "TH": 12, "VN": 10, "KH": 5, "MM": 4, "LA": 3, "SG": 3,
    "TL": 2, "BN": 1, "JP": 2, "KR": 2, "HK": 1, "AU": 1, "CN": 1, "TW": 1, "IN": 1, "BD": 1,
    "NP": 1, "LK": 1, "PK": 1, "MN": 1, "KG": 1, "CH": 1,
}  # fmt: skip

# Given names and family names as (native, Latin) pairs; Latin-script names repeat themselves.
# ``family_first`` puts the family name first, as Vietnamese, Chinese, Japanese, Korean and
# Khmer names are written.
NAME_PARTS = {
    "thai": {
        "given": [("สมชาย", "Somchai"), ("สุดารัตน์", "Sudarat"), ("วิชัย", "Wichai"),
                  ("กาญจนา", "Kanchana"), ("ประเสริฐ", "Prasert"), ("นภา", "Napha"),
                  ("อนุชา", "Anucha"), ("พิมพ์ชนก", "Phimchanok"), ("ธนากร", "Thanakorn"),
                  ("ศิริพร", "Siriporn")],
        "family": [("ศรีสุข", "Srisuk"), ("วงศ์ไทย", "Wongthai"), ("แก้วมณี", "Kaewmanee"),
                   ("บุญมา", "Boonma"), ("ทองดี", "Thongdee"), ("สุขสวัสดิ์", "Suksawat"),
                   ("จันทร์เพ็ญ", "Chanphen"), ("รัตนพงศ์", "Rattanaphong")],
        "family_first": False,
    },
    "khmer": {
        "given": [("សុខា", "Sokha"), ("ចាន់ថា", "Chantha"), ("សុភាព", "Sopheap"),
                  ("វណ្ណា", "Vanna"), ("ដារា", "Dara"), ("សម្ផស្ស", "Samphors"),
                  ("រតនា", "Ratana"), ("បុប្ផា", "Bopha")],
        "family": [("សុខ", "Sok"), ("ចាន់", "Chan"), ("កែវ", "Keo"), ("ហេង", "Heng"),
                   ("លឹម", "Lim"), ("ស៊ុន", "Sun"), ("ម៉ៅ", "Mao")],
        "family_first": True,
    },
    "lao": {
        "given": [("ສົມພອນ", "Somphone"), ("ບຸນມີ", "Bounmy"), ("ຄຳພອນ", "Khamphone"),
                  ("ວັນນາ", "Vanna"), ("ສີສຸກ", "Sisouk"), ("ນາລີ", "Naly"),
                  ("ພອນສະຫວັນ", "Phonesavanh")],
        "family": [("ພົມມະຈັນ", "Phommachanh"), ("ສີຫາລາດ", "Sihalath"),
                   ("ວົງສະຫວັນ", "Vongsavanh"), ("ແກ້ວມະນີ", "Keomany"),
                   ("ສຸລິຍະວົງ", "Souliyavong")],
        "family_first": False,
    },
    "burmese": {
        "given": [("အောင်", "Aung"), ("မြင့်", "Myint"), ("သန္တာ", "Thanda"), ("ခင်", "Khin"),
                  ("ဇော်", "Zaw"), ("နွယ်", "Nwe"), ("ထွန်း", "Tun"), ("စန္ဒာ", "Sanda")],
        "family": [("ကျော်", "Kyaw"), ("ဝင်း", "Win"), ("မော်", "Maw"), ("လွင်", "Lwin"),
                   ("သိန်း", "Thein"), ("ဦး", "Oo")],
        "family_first": False,
    },
    "vietnamese": {
        "given": [("Văn Hùng", "Van Hung"), ("Thị Lan", "Thi Lan"), ("Minh Đức", "Minh Duc"),
                  ("Thu Hương", "Thu Huong"), ("Quốc Bảo", "Quoc Bao"),
                  ("Ngọc Ánh", "Ngoc Anh"), ("Thanh Tùng", "Thanh Tung"),
                  ("Hồng Nhung", "Hong Nhung")],
        "family": [("Nguyễn", "Nguyen"), ("Trần", "Tran"), ("Lê", "Le"), ("Phạm", "Pham"),
                   ("Hoàng", "Hoang"), ("Võ", "Vo"), ("Đặng", "Dang"), ("Bùi", "Bui")],
        "family_first": True,
    },
    "malay": {
        "given": [("Siti", "Siti"), ("Ahmad", "Ahmad"), ("Nurul", "Nurul"), ("Budi", "Budi"),
                  ("Dewi", "Dewi"), ("Agus", "Agus"), ("Aisyah", "Aisyah"), ("Rizal", "Rizal"),
                  ("Wayan", "Wayan"), ("Farah", "Farah"), ("Hafiz", "Hafiz"),
                  ("Lestari", "Lestari")],
        "family": [("Rahman", "Rahman"), ("Santoso", "Santoso"), ("Abdullah", "Abdullah"),
                   ("Wijaya", "Wijaya"), ("Hassan", "Hassan"), ("Kusuma", "Kusuma"),
                   ("Ismail", "Ismail"), ("Hidayat", "Hidayat"), ("Suharto", "Suharto")],
        "family_first": False,
    },
    "filipino": {
        "given": [("María", "Maria"), ("José", "Jose"), ("Ligaya", "Ligaya"), ("Andrés", "Andres"),
                  ("Rosario", "Rosario"), ("Dalisay", "Dalisay"), ("Ramón", "Ramon"),
                  ("Marites", "Marites"), ("Bayani", "Bayani")],
        "family": [("Santos", "Santos"), ("Reyes", "Reyes"), ("dela Cruz", "dela Cruz"),
                   ("Bautista", "Bautista"), ("Quiñones", "Quinones"), ("Mendoza", "Mendoza"),
                   ("Villanueva", "Villanueva"), ("Magbanua", "Magbanua")],
        "family_first": False,
    },
    "chinese": {
        "given": [("伟", "Wei"), ("芳", "Fang"), ("明华", "Minghua"), ("丽娟", "Lijuan"),
                  ("志强", "Zhiqiang"), ("秀英", "Xiuying"), ("嘉欣", "Jiaxin")],
        "family": [("王", "Wang"), ("李", "Li"), ("陈", "Chen"), ("张", "Zhang"), ("林", "Lin"),
                   ("黄", "Huang")],
        "family_first": True,
        "joiner": "",
    },
    "japanese": {
        "given": [("裕子", "Yuko"), ("健太", "Kenta"), ("美咲", "Misaki"), ("大輔", "Daisuke"),
                  ("恵", "Megumi"), ("翔", "Sho")],
        "family": [("佐藤", "Sato"), ("鈴木", "Suzuki"), ("高橋", "Takahashi"),
                   ("田中", "Tanaka"), ("渡辺", "Watanabe"), ("中村", "Nakamura")],
        "family_first": True,
        "joiner": "",
    },
    "korean": {
        "given": [("민준", "Minjun"), ("서연", "Seoyeon"), ("지훈", "Jihun"), ("수빈", "Subin"),
                  ("현우", "Hyunwoo"), ("지은", "Jieun")],
        "family": [("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung")],
        "family_first": True,
        "joiner": "",
    },
    "latin": {
        "given": [("Anjali", "Anjali"), ("Rahul", "Rahul"), ("Sarah", "Sarah"), ("Bat", "Bat"),
                  ("Nadia", "Nadia"), ("Tenzin", "Tenzin"), ("Lukas", "Lukas"),
                  ("Aigerim", "Aigerim"), ("Imran", "Imran")],
        "family": [("Sharma", "Sharma"), ("Rahman", "Rahman"), ("Perera", "Perera"),
                   ("Shrestha", "Shrestha"), ("Müller", "Muller"), ("Brown", "Brown"),
                   ("Khan", "Khan"), ("Erdene", "Erdene")],
        "family_first": False,
    },
}  # fmt: skip

COUNTRY_SCRIPT = {
    "TH": "thai", "KH": "khmer", "LA": "lao", "MM": "burmese", "VN": "vietnamese",
    "ID": "malay", "MY": "malay", "BN": "malay", "SG": "malay", "TL": "malay",
    "PH": "filipino", "CN": "chinese", "TW": "chinese", "HK": "chinese", "JP": "japanese",
    "KR": "korean",
}  # fmt: skip

LATIN_SCRIPTS = {"vietnamese", "malay", "filipino", "latin"}

# Organisation names: (native, Latin) words for what an organisation is, by language.
ORGANISATION_WORDS = {
    "thai": {
        OrganisationKind.COOPERATIVE: ("สหกรณ์", "Cooperative"),
        OrganisationKind.FOUNDATION: ("มูลนิธิ", "Foundation"),
        OrganisationKind.NETWORK: ("เครือข่าย", "Network"),
        OrganisationKind.SOCIAL_ENTERPRISE: ("วิสาหกิจเพื่อสังคม", "Social Enterprise"),
        "places": [("เชียงใหม่", "Chiang Mai"), ("ขอนแก่น", "Khon Kaen"), ("น่าน", "Nan"),
                   ("อุบลราชธานี", "Ubon Ratchathani"), ("สงขลา", "Songkhla")],
    },
    "khmer": {
        OrganisationKind.COOPERATIVE: ("សហករណ៍", "Cooperative"),
        OrganisationKind.NGO: ("អង្គការ", "Organisation"),
        OrganisationKind.NETWORK: ("បណ្ដាញ", "Network"),
        "places": [("សៀមរាប", "Siem Reap"), ("បាត់ដំបង", "Battambang"), ("កំពត", "Kampot")],
    },
    "lao": {
        OrganisationKind.COOPERATIVE: ("ສະຫະກອນ", "Cooperative"),
        OrganisationKind.NETWORK: ("ເຄືອຂ່າຍ", "Network"),
        "places": [("ຫຼວງພະບາງ", "Luang Prabang"), ("ຈຳປາສັກ", "Champasak")],
    },
    "burmese": {
        OrganisationKind.COOPERATIVE: ("သမဝါယမ", "Cooperative"),
        OrganisationKind.NETWORK: ("ကွန်ရက်", "Network"),
        "places": [("မန္တလေး", "Mandalay"), ("ပဲခူး", "Bago"), ("ရှမ်း", "Shan")],
    },
    "vietnamese": {
        OrganisationKind.COOPERATIVE: ("Hợp tác xã", "Hop tac xa"),
        OrganisationKind.NETWORK: ("Mạng lưới", "Mang luoi"),
        OrganisationKind.SOCIAL_ENTERPRISE: ("Doanh nghiệp xã hội", "Doanh nghiep xa hoi"),
        "places": [("Đà Nẵng", "Da Nang"), ("Huế", "Hue"), ("Cần Thơ", "Can Tho"),
                   ("Lào Cai", "Lao Cai")],
    },
    "chinese": {
        OrganisationKind.COOPERATIVE: ("合作社", "Cooperative"),
        OrganisationKind.FOUNDATION: ("基金会", "Foundation"),
        "places": [("云南", "Yunnan"), ("香港", "Hong Kong"), ("台中", "Taichung")],
    },
    "japanese": {
        OrganisationKind.COOPERATIVE: ("生活協同組合", "Consumer Cooperative"),
        OrganisationKind.NGO: ("NPO法人", "NPO"),
        "places": [("京都", "Kyoto"), ("札幌", "Sapporo"), ("福岡", "Fukuoka")],
    },
    "korean": {
        OrganisationKind.COOPERATIVE: ("협동조합", "Cooperative"),
        OrganisationKind.SOCIAL_ENTERPRISE: ("사회적기업", "Social Enterprise"),
        "places": [("서울", "Seoul"), ("원주", "Wonju"), ("부산", "Busan")],
    },
}  # fmt: skip

LATIN_ORGANISATION_WORDS = {
    OrganisationKind.COOPERATIVE: "Cooperative",
    OrganisationKind.FOUNDATION: "Foundation",
    OrganisationKind.NETWORK: "Network",
    OrganisationKind.NGO: "Centre",
    OrganisationKind.SOCIAL_ENTERPRISE: "Social Enterprise",
    OrganisationKind.PLATFORM: "Community Platform",
    OrganisationKind.ACADEMIC: "Institute",
}
LATIN_PLACES = {
    "PH": ["Davao", "Iloilo", "Quezon City", "Bohol", "Baguio"],
    "ID": ["Yogyakarta", "Bandung", "Makassar", "Medan", "Bali"],
    "MY": ["Penang", "Sabah", "Kelantan", "Kuching", "Johor"],
    "SG": ["Singapore"], "BN": ["Brunei"], "TL": ["Dili", "Baucau"],
}  # fmt: skip
THEMES = ["Women Weavers", "Organic Farmers", "Fisherfolk", "Microfinance", "Fair Trade",
          "Youth", "Community Health", "Indigenous Crafts", "Solidarity Economy", "Coffee Growers",
          "Renewable Energy", "Credit Union"]  # fmt: skip
KIND_WEIGHTS = {
    OrganisationKind.COOPERATIVE: 30, OrganisationKind.SOCIAL_ENTERPRISE: 20,
    OrganisationKind.NGO: 15, OrganisationKind.NETWORK: 10, OrganisationKind.FOUNDATION: 8,
    OrganisationKind.PLATFORM: 5, OrganisationKind.ACADEMIC: 5, OrganisationKind.GOVERNMENT: 3,
    OrganisationKind.INTERNATIONAL: 2, OrganisationKind.OTHER: 2,
}  # fmt: skip
GENDERS = [Gender.WOMAN, Gender.MAN, Gender.WOMAN, Gender.MAN, Gender.NOT_RECORDED, Gender.ANOTHER]
ROADMAP_START = dt.date(2025, 1, 1)


def person_name(rng, country_code: str) -> tuple[str, str]:
    """A name as written in the country's script, and its Latin spelling ("" when the name is
    in Latin letters already, with or without diacritics)."""
    parts = NAME_PARTS[COUNTRY_SCRIPT.get(country_code, "latin")]
    given, family = rng.choice(parts["given"]), rng.choice(parts["family"])
    ordered = (family, given) if parts["family_first"] else (given, family)
    name = parts.get("joiner", " ").join(part[0] for part in ordered)
    if COUNTRY_SCRIPT.get(country_code, "latin") in LATIN_SCRIPTS:
        return normalise_name(name), ""  # search_key already finds it without diacritics
    return normalise_name(name), normalise_name(" ".join(part[1] for part in ordered))


def organisation_name(rng, country_code: str, kind: str, number: int) -> tuple[str, str]:
    """A name in the country's script (Latin elsewhere) and an acronym in Latin letters."""
    theme = rng.choice(THEMES)
    words = ORGANISATION_WORDS.get(COUNTRY_SCRIPT.get(country_code, ""))
    if words is not None and kind in words:
        word, word_latin = words[kind]
        place, place_latin = rng.choice(words["places"])
        name = (
            f"{word}{place} {number}"
            if COUNTRY_SCRIPT[country_code] in ("chinese", "japanese")
            else f"{word} {place} {number}"
        )
        latin = f"{place_latin} {word_latin}"
    else:
        word = LATIN_ORGANISATION_WORDS.get(kind, "Association")
        place = rng.choice(LATIN_PLACES.get(country_code, ["Asia"]))
        name = latin = f"{place} {theme} {word} {number}"
    acronym = "".join(piece[0] for piece in latin.split() if piece[0].isalpha()).upper()[:8]
    return normalise_name(name), f"{acronym}{number}"


def generate(context: ScaleContext) -> None:
    rng = context.rng
    codes = list(COUNTRY_WEIGHTS)
    weights = list(accumulate(COUNTRY_WEIGHTS.values()))
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())

    organisations = []
    for number in range(context.wanted.get("organisations", 0)):
        code = rng.choices(codes, cum_weights=weights)[0]
        kind = rng.choices(kinds, kind_weights)[0]
        name, acronym = organisation_name(rng, code, kind, number + 1)
        organisations.append(
            Organisation(
                name=name,
                acronym=acronym,
                slug=f"{context.marker}-org-{number + 1}",
                kind=kind,
                country_id=code,
                is_asec_member=rng.random() < 0.3,
                approved=rng.random() < 0.92,
                search_text=search_key(name, acronym),
            )
        )
    Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
    # bulk_create returns primary keys on PostgreSQL and SQLite; ordered as given.
    context.organisation_ids.extend(organisation.pk for organisation in organisations)
    context.count("organisations", len(organisations))
    if not organisations:
        return

    memberships = [
        TaskForceMembership(organisation=organisation, role=TaskForceRole.MEMBER,
                            since=ROADMAP_START)
        for organisation in organisations
        if organisation.approved and rng.random() < 0.04
    ]  # fmt: skip
    TaskForceMembership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    context.count("Task Force memberships", len(memberships))

    # People gather in organisations unevenly: a few large networks, many small cooperatives.
    cumulative = list(accumulate(rng.paretovariate(1.2) for _ in organisations))
    people = []
    homes = []
    for number in range(context.wanted.get("people", 0)):
        # Every organisation has someone, then the weights decide.
        if number < len(organisations):
            home = organisations[number]
        else:
            home = rng.choices(organisations, cum_weights=cumulative)[0]
        code = home.country_id if rng.random() < 0.9 else rng.choices(codes, cum_weights=weights)[0]
        name, name_latin = person_name(rng, code)
        people.append(
            Person(
                name=name,
                name_latin=name_latin,
                gender=rng.choice(GENDERS),
                email=f"{context.marker}.person{number + 1}@example.org",
                listed_publicly=rng.random() < 0.6,
                search_text=search_key(name, name_latin),
            )
        )
        homes.append(home)
    Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    context.count("people", len(people))

    focal_done = set()
    affiliations = []
    for person, home in zip(people, homes, strict=True):
        is_focal_point = home.pk not in focal_done
        focal_done.add(home.pk)
        affiliations.append(
            Affiliation(person=person, organisation=home, is_focal_point=is_focal_point,
                        started=ROADMAP_START - dt.timedelta(days=rng.randrange(3650)))
        )  # fmt: skip
        context.members.append((person.pk, home.pk))
    Affiliation.objects.bulk_create(affiliations, batch_size=BATCH_SIZE)
    context.count("affiliations", len(affiliations))
