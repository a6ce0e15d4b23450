"""The 2019 Week in Tianjin (16–22 September), its themed days and official events.

Dates, themed days and the kinds of events follow the real edition; speakers, rooms and
session titles are illustrative, and every person named here is fictional.
"""

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cyberweek.programme import services
from cyberweek.programme.models import Edition, Event, ThemedDay

TZ = ZoneInfo("Asia/Shanghai")

EDITION = {
    "year": 2019,
    "slug": "2019",
    "theme": "网络安全为人民，网络安全靠人民",
    "theme_en": "Cybersecurity for the people, cybersecurity by the people",
    "slogan": "共建网络安全，共享网络文明",
    "slogan_en": "Build cybersecurity together, share a civilised internet",
    "host_city": "天津",
    "host_city_en": "Tianjin",
    "starts_on": date(2019, 9, 16),
    "ends_on": date(2019, 9, 22),
    "is_published": True,
}

THEMED_DAYS = [
    (
        16,
        ThemedDay.Kind.OPENING,
        "开幕日",
        "Opening Day",
        "开幕式、网络安全博览会开展、网络安全技术高峰论坛。",
        "Opening ceremony, the expo opens, the cybersecurity technology summit forum.",
    ),
    (
        17,
        ThemedDay.Kind.CAMPUS,
        "校园日",
        "Campus Day",
        "走进校园，开展网络安全知识进课堂活动。",
        "Cybersecurity lessons in schools and universities.",
    ),
    (
        18,
        ThemedDay.Kind.TELECOM,
        "电信日",
        "Telecom Day",
        "防范电信网络诈骗，守护百姓钱袋子。",
        "Fighting telecom and online fraud.",
    ),
    (
        19,
        ThemedDay.Kind.RULE_OF_LAW,
        "法治日",
        "Rule of Law Day",
        "学习网络安全法，依法上网、文明上网。",
        "Learning the Cybersecurity Law.",
    ),
    (
        20,
        ThemedDay.Kind.FINANCE,
        "金融日",
        "Finance Day",
        "提升金融网络安全意识，保护账户与资金安全。",
        "Protecting accounts and savings online.",
    ),
    (
        21,
        ThemedDay.Kind.YOUTH,
        "青少年日",
        "Youth Day",
        "守护青少年健康上网。",
        "Helping young people stay safe online.",
    ),
    (
        22,
        ThemedDay.Kind.PERSONAL_INFORMATION,
        "个人信息保护日",
        "Personal Information Protection Day",
        "个人信息保护是2019年宣传周的重点：少收集、加密保存、按时删除。",
        "The focus of the 2019 Week: collect little, encrypt what is kept, delete it on time.",
    ),
]

ROOMS = {
    "main": ("天津梅江会展中心", "Tianjin Meijiang Convention Center", "主会场", "Main hall", 2000),
    "expo": (
        "天津梅江会展中心",
        "Tianjin Meijiang Convention Center",
        "展馆",
        "Exhibition halls",
        None,
    ),
    "a": ("天津梅江会展中心", "Tianjin Meijiang Convention Center", "第一会议室", "Room 1", 400),
    "b": ("天津梅江会展中心", "Tianjin Meijiang Convention Center", "第二会议室", "Room 2", 300),
    "c": ("天津梅江会展中心", "Tianjin Meijiang Convention Center", "第三会议室", "Room 3", 300),
    "d": ("天津梅江会展中心", "Tianjin Meijiang Convention Center", "第四会议室", "Room 4", 200),
}

SPEAKERS = {
    "lin": (
        "林志远",
        "Lin Zhiyuan",
        "网络空间安全学院（示例）",
        "School of Cyberspace Security (example)",
    ),
    "zhou": (
        "周晓岚",
        "Zhou Xiaolan",
        "个人信息保护研究中心（示例）",
        "Personal Information Protection Research Centre (example)",
    ),
    "he": (
        "何建国",
        "He Jianguo",
        "关键信息基础设施运营单位（示例）",
        "Critical infrastructure operator (example)",
    ),
    "song": ("宋雨桐", "Song Yutong", "人工智能安全实验室（示例）", "AI Security Lab (example)"),
    "tang": ("唐立新", "Tang Lixin", "通信运营企业（示例）", "Telecom operator (example)"),
    "xu": ("徐明哲", "Xu Mingzhe", "网络安全企业（示例）", "Cybersecurity company (example)"),
    "guo": ("郭静怡", "Guo Jingyi", "律师事务所（示例）", "Law firm (example)"),
    "ma": (
        "马骁",
        "Ma Xiao",
        "工业互联网安全联盟（示例）",
        "Industrial Internet Security Alliance (example)",
    ),
}


def _at(on: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(on.year, on.month, on.day, hour, minute, tzinfo=TZ)


# slug, kind, parent, title, title_en, day, start, end, room, speakers, description
EVENTS = [
    (
        "opening",
        Event.Kind.CEREMONY,
        None,
        "2019年国家网络安全宣传周开幕式",
        "Opening ceremony of the 2019 Cybersecurity Week",
        16,
        "09:00",
        "10:30",
        "main",
        [],
        "宣传周开幕式在天津举行，发布宣传周主题与重点活动。",
    ),
    (
        "expo",
        Event.Kind.EXPO,
        None,
        "网络安全博览会",
        "Cybersecurity Expo",
        16,
        "10:30",
        "22/17:00",
        "expo",
        [],
        "展示网络安全新技术、新产品、新应用，面向公众开放体验。",
    ),
    (
        "summit",
        Event.Kind.FORUM,
        None,
        "网络安全技术高峰论坛",
        "Cybersecurity Technology Summit Forum",
        16,
        "13:30",
        "17:30",
        "main",
        ["lin", "xu"],
        "主论坛与十余场分论坛，聚焦网络安全前沿议题。",
    ),
    (
        "summit-keynote",
        Event.Kind.SESSION,
        "summit",
        "主旨演讲：网络安全为人民",
        "Keynote: cybersecurity for the people",
        16,
        "13:30",
        "14:30",
        "main",
        ["lin"],
        "",
    ),
    (
        "summit-panel",
        Event.Kind.SESSION,
        "summit",
        "圆桌对话：构建网络安全人才体系",
        "Panel: building the cybersecurity workforce",
        16,
        "14:45",
        "16:00",
        "main",
        ["xu", "zhou"],
        "",
    ),
    (
        "pi-forum",
        Event.Kind.SUB_FORUM,
        "summit",
        "个人信息保护分论坛",
        "Personal Information Protection Sub-forum",
        17,
        "09:00",
        "12:00",
        "a",
        ["zhou", "guo"],
        "探讨App违法违规收集使用个人信息治理。",
    ),
    (
        "pi-apps",
        Event.Kind.SESSION,
        "pi-forum",
        "App个人信息收集的合规边界",
        "What apps may collect: the compliance line",
        17,
        "09:00",
        "10:00",
        "a",
        ["zhou"],
        "",
    ),
    (
        "pi-law",
        Event.Kind.SESSION,
        "pi-forum",
        "个人信息保护立法进展",
        "Progress of personal information legislation",
        17,
        "10:15",
        "11:15",
        "a",
        ["guo"],
        "",
    ),
    (
        "cii-forum",
        Event.Kind.SUB_FORUM,
        "summit",
        "关键信息基础设施保护分论坛",
        "Critical Information Infrastructure Sub-forum",
        17,
        "09:00",
        "12:00",
        "b",
        ["he"],
        "",
    ),
    (
        "ai-forum",
        Event.Kind.SUB_FORUM,
        "summit",
        "人工智能安全分论坛",
        "AI Security Sub-forum",
        17,
        "14:00",
        "17:00",
        "a",
        ["song"],
        "",
    ),
    (
        "5g-forum",
        Event.Kind.SUB_FORUM,
        "summit",
        "5G安全分论坛",
        "5G Security Sub-forum",
        17,
        "14:00",
        "17:00",
        "b",
        ["tang"],
        "",
    ),
    (
        "iiot-forum",
        Event.Kind.SUB_FORUM,
        "summit",
        "工业互联网安全分论坛",
        "Industrial Internet Security Sub-forum",
        18,
        "09:00",
        "12:00",
        "c",
        ["ma"],
        "",
    ),
    (
        "talent-forum",
        Event.Kind.SUB_FORUM,
        "summit",
        "网络安全人才培养分论坛",
        "Cybersecurity Talent Sub-forum",
        18,
        "14:00",
        "17:00",
        "c",
        ["lin"],
        "",
    ),
    (
        "fraud-forum",
        Event.Kind.SUB_FORUM,
        "summit",
        "防范电信网络诈骗分论坛",
        "Telecom Fraud Prevention Sub-forum",
        18,
        "09:00",
        "12:00",
        "d",
        ["tang", "guo"],
        "",
    ),
    (
        "finance-forum",
        Event.Kind.SUB_FORUM,
        "summit",
        "金融网络安全分论坛",
        "Financial Cybersecurity Sub-forum",
        20,
        "09:00",
        "12:00",
        "a",
        ["xu"],
        "",
    ),
    (
        "quiz",
        Event.Kind.CONTEST,
        None,
        "网络安全知识竞赛颁奖",
        "Knowledge contest awards",
        21,
        "14:00",
        "15:30",
        "b",
        [],
        "全国网络安全知识竞赛总决赛及颁奖。",
    ),
    (
        "pi-day",
        Event.Kind.OTHER,
        None,
        "个人信息保护日主题活动",
        "Personal Information Protection Day event",
        22,
        "09:30",
        "11:30",
        "main",
        ["zhou"],
        "发布个人信息保护典型案例，现场体验个人信息自查。",
    ),
]


def load(actor) -> Edition:
    """Create the 2019 edition through the programme's services; repeatable."""
    existing = Edition.objects.filter(year=2019).first()
    if existing is not None:
        return existing
    edition = services.create_edition(actor=actor, data=EDITION)
    build_programme(actor, edition, on_day=lambda day: date(2019, 9, day))
    return edition


def build_programme(
    actor,
    edition: Edition,
    *,
    on_day: Callable[[int], date],
    year_in_titles: str = "2019",
    descriptions: dict | None = None,
) -> None:
    """The 2019 programme (themed days, rooms, speakers, events) in `edition`, each of the
    programme's days (16-22) placed on `on_day(day)`; the current demo edition reuses it.
    Titles naming 2019 name `year_in_titles` instead; `descriptions` replaces a themed
    day's texts by its day number."""
    descriptions = descriptions or {}
    for day, kind, title, title_en, description, description_en in THEMED_DAYS:
        description, description_en = descriptions.get(day, (description, description_en))
        services.save_themed_day(
            actor=actor,
            edition_id=edition.pk,
            data={
                "date": on_day(day),
                "kind": kind,
                "title": title,
                "title_en": title_en,
                "description": description,
                "description_en": description_en,
            },
        )
    rooms = {
        key: services.save_room(
            actor=actor,
            edition_id=edition.pk,
            data={
                "venue": venue,
                "venue_en": venue_en,
                "name": name,
                "name_en": name_en,
                "capacity": capacity,
            },
        )
        for key, (venue, venue_en, name, name_en, capacity) in ROOMS.items()
    }
    speakers = {
        key: services.save_speaker(
            actor=actor,
            edition_id=edition.pk,
            data={"name": name, "name_en": name_en, "affiliation": aff, "affiliation_en": aff_en},
        )
        for key, (name, name_en, aff, aff_en) in SPEAKERS.items()
    }

    def ends(day: int, value: str) -> datetime:
        """`"17:00"` on the same day, or `"22/17:00"` on another day (the expo runs all week)."""
        if "/" in value:
            other_day, value = value.split("/")
            return _at(on_day(int(other_day)), value)
        return _at(on_day(day), value)

    events: dict[str, Event] = {}
    for slug, kind, parent, title, title_en, day, start, end, room, names, description in EVENTS:
        events[slug] = services.save_event(
            actor=actor,
            edition_id=edition.pk,
            data={
                "slug": slug,
                "kind": kind,
                "parent": events.get(parent) if parent else None,
                "title": title.replace("2019年", f"{year_in_titles}年"),
                "title_en": title_en.replace("2019", year_in_titles),
                "description": description,
                "starts_at": _at(on_day(day), start),
                "ends_at": ends(day, end),
                "room": rooms[room],
            },
            speakers=[speakers[n] for n in names],
        )
