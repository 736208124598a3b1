"""Write a synthetic multi-region icsgen project of N pages, for the benchmark.

    python3 bench/generate.py --pages 1000 --out /tmp/site [--seed 1]

The site has 5 regions (regions.yaml), each with a home page, about/priorities/partners/contact
pages, data files (partners, priorities, contacts), nested sections (services/<topic>/<sub>/...),
and news posts (about 30% of the pages) dated in the past. `content/_shared/` holds 3 pages that
every region gets; they count once per region. Pages are 400-1,200 words of NHS-style text from a
seeded generator: h2/h3 headings, bullet lists, some tables, inset/warning/details components, and
links between pages as `.md` links (to pages that exist; to their headings' `#anchors` sometimes).
The same seed always gives the same site, byte for byte.

`themes/` is copied from the repository (not linked), so the benchmark can edit a template of the
generated site without touching the real theme. `python3 bench/peers.py` writes the same pages as
minimal Hugo, Jekyll, Eleventy, Pelican and MkDocs projects beside it (see bench/peers.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import posixpath
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_PAGES = 3
NEWS_SHARE = 0.30
NEWEST_NEWS = dt.date(2026, 6, 30)  # fixed, so the site does not change with the calendar
OLDEST_NEWS_DAYS = 6 * 365

# -- regions -----------------------------------------------------------------------------------

REGIONS = [
    # id, name, short, town, phone prefix
    ("cheshire-merseyside", "Cheshire and Merseyside", "C&M", "Liverpool", "0151 496"),
    ("greater-manchester", "Greater Manchester", "GM", "Manchester", "0161 496"),
    ("west-yorkshire", "West Yorkshire", "WY", "Wakefield", "0113 496"),
    ("north-central-london", "North Central London", "NCL", "London", "020 7946"),
    ("somerset", "Somerset", "Somerset", "Taunton", "01632 960"),
]
NAV = [("About us", "about/index.md"), ("Our priorities", "priorities.md"), ("Partners", "partners.md"),
       ("News", "news/"), ("Contact us", "contact.md")]

# -- vocabulary ----------------------------------------------------------------------------------

SERVICES = [
    "Talking therapies", "Community nursing", "Diabetes care", "Urgent treatment centres", "Pharmacy services",
    "Maternity care", "Children's mental health", "Adult social care", "Stroke rehabilitation", "Cancer screening",
    "Dementia support", "Hospital discharge", "Falls prevention", "Sexual health", "Stop smoking support",
    "Weight management", "Carers' support", "End of life care", "Learning disability services", "Eating disorders",
    "Crisis support", "Dental care", "Eye care", "Hearing services", "Physiotherapy", "Podiatry",
    "Musculoskeletal services", "Heart failure care", "Respiratory care", "Kidney care", "Vaccinations",
    "Health visiting", "School nursing", "Virtual wards", "Social prescribing", "Wheelchair services",
    "Continuing healthcare", "Perinatal mental health", "Autism assessment", "ADHD assessment",
    "Memory clinics", "Home care", "Patient transport", "Out of hours GP services", "Minor injuries units",
    "Blood tests", "Diagnostic centres", "Same day emergency care", "Frailty services", "Palliative care",
]
ASPECTS = [
    "referrals", "opening times", "for carers", "in your area", "waiting times", "what to expect",
    "who can use it", "for young people", "feedback", "plans for the next year", "for older people",
    "at home", "and your rights", "for people with a learning disability", "in other languages",
    "after leaving hospital", "and the cost of living", "and digital tools", "in rural areas",
    "for veterans", "during winter", "and local partners", "at your GP practice", "questions and answers",
]
TOPIC_FOLDERS = ["services", "your-health", "get-involved", "working-with-us", "publications", "about"]
SUBTOPICS = ["children-and-young-people", "adults", "older-people", "carers", "community", "hospital",
             "primary-care", "mental-health", "prevention", "digital", "workforce", "estates"]
HEADINGS = [
    "Who can use this service", "How to get help", "What happens next", "Opening times", "Where to find us",
    "How to refer yourself", "What to bring", "Your rights", "Help in other languages", "Getting there",
    "Waiting times", "What we are doing", "Why this matters", "Our plans", "How we measure progress",
    "Working with partners", "Support for carers", "Support for children and young people",
    "Support for older people", "If you need urgent help", "Give us your feedback", "Making a complaint",
    "Information for professionals", "Data and privacy", "Costs and funding", "Staff and volunteers",
    "Training and careers", "Local community groups", "Digital services", "Evidence and research",
    "Frequently asked questions", "Related services", "Before your appointment", "After your appointment",
    "Who we are", "What we have heard", "How decisions are made", "Reducing health inequalities",
    "Our commitments", "Next steps", "Key facts", "Background", "Timeline", "Contact the team",
    "Accessible information", "Safeguarding", "Quality and safety", "Results so far",
]
SUBJECTS = [
    "The integrated care board", "Our partners", "Local councils", "GP practices", "Community pharmacies",
    "Hospital teams", "The voluntary sector", "Health and care staff", "Primary care networks",
    "Mental health services", "Social care teams", "The partnership board", "Patients and carers",
    "Community nurses", "Care homes", "Local people", "The provider collaborative", "Our clinical leads",
    "Healthwatch", "Public health teams", "Ambulance crews", "Housing services", "Young people",
]
VERBS = [
    "work together to improve", "plan and pay for", "listen to people about", "are changing",
    "have invested in", "want to make it easier to use", "will review", "measure the quality of",
    "help people find", "are reducing waiting times for", "share information about", "support",
    "have agreed new plans for", "are testing new ways to deliver", "publish reports on", "provide",
]
OBJECTS = [
    "urgent and emergency care", "mental health support", "services for children and families",
    "care closer to home", "support for unpaid carers", "preventive care", "hospital discharge",
    "community services", "health checks", "digital appointments", "services in rural areas",
    "support for people with long-term conditions", "end of life care", "dementia services",
    "vaccination clinics", "the local workforce", "maternity services", "the health of the population",
    "access to GP appointments", "treatment for cancer", "services for people who are homeless",
]
CLAUSES = [
    "across the whole region", "so that fewer people need to go to hospital", "in every neighbourhood",
    "with the help of local volunteers", "over the next five years", "based on what people told us",
    "while keeping people safe", "for the people who need it most", "in line with national guidance",
    "within the money we have", "so that care is fair for everyone", "at the times people need it",
    "working closely with families", "using clear and simple information", "in partnership with schools",
    "to close the gap in life expectancy", "as part of our winter plan", "with support from NHS England",
]
OPENERS = ["", "", "", "This year, ", "Since 2022, ", "In most areas, ", "Where possible, ", "Each month, ",
           "In the last year, ", "As a result, ", "At the same time, ", "For example, ", "Together, "]
EXTRA_SENTENCES = [
    "You do not need a referral from your GP.", "Interpreters are available free of charge.",
    "Call 111 if you need help and it is not an emergency.", "In an emergency, call 999.",
    "Most appointments take about 30 minutes.", "You can ask for information in large print or easy read.",
    "We publish our board papers every month.", "Carers can ask for an assessment of their own needs.",
    "The service is free for everyone registered with a GP in the area.",
    "Tell us if you need any adjustments to make your visit easier.",
]
LINK_TEXTS = ["find out more about", "read about", "see", "learn about", "get details of", "look at"]
NEWS_HEADLINES = [
    "New {s} opens in {t}", "{s}: plans agreed for {y}", "Partners invest in {s}", "Have your say on {s}",
    "{s} waiting times fall", "Award for {s} team", "{s} extended to evenings and weekends",
    "Survey results on {s}", "Volunteers help {s}", "Winter plan includes {s}", "{s} goes digital",
    "Report shows progress on {s}", "Board approves {s} strategy", "Funding boost for {s} in {t}",
]
AUTHORS = ["Communications team", "Engagement team", "Chief executive", "Medical director",
           "Director of nursing", "Partnerships team"]
TAGS = ["mental health", "primary care", "urgent care", "partnership", "workforce", "prevention",
        "children and young people", "carers", "digital", "winter"]
PARTNER_TYPES = ["NHS trust", "Local authority", "Voluntary sector", "Primary care", "University", "Other"]


def slug(text: str) -> str:
    """The heading anchor Python-Markdown's toc makes: lowercase, no punctuation, spaces to hyphens."""
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def file_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# -- the site model ----------------------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str

    @property
    def anchor(self) -> str:
        return slug(self.text)


@dataclass
class SynthPage:
    region: str  # region id, or "_shared"
    rel: str  # path inside the region's folder, e.g. "services/diabetes-care/index.md"
    kind: str  # home, page, section, news, special
    title: str
    meta: dict = field(default_factory=dict)  # front matter besides the title (icsgen fields)
    headings: list[Heading] = field(default_factory=list)
    body: str = ""
    words: int = 0

    @property
    def key(self) -> str:
        return f"{self.region}/{self.rel}"

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.rel)


@dataclass
class SynthSite:
    pages: list[SynthPage]
    regions: list[tuple]  # REGIONS rows in use
    seed: int

    def region_pages(self, region: str) -> list[SynthPage]:
        return [p for p in self.pages if p.region == region]

    def rendered_count(self) -> int:
        shared = sum(1 for p in self.pages if p.region == "_shared")
        return len(self.pages) - shared + shared * len(self.regions)


# -- planning: which pages exist, with their titles and headings ---------------------------------


def plan_site(total: int, seed: int) -> SynthSite:
    rng = random.Random(f"plan:{seed}")
    regions = REGIONS
    fixed = 5  # index, about/index, priorities, partners, contact
    per_region_min = fixed + 2
    if total < SHARED_PAGES * len(regions) + per_region_min * len(regions):
        raise SystemExit(f"--pages must be at least {SHARED_PAGES * len(regions) + per_region_min * len(regions)}")
    budget = total - SHARED_PAGES * len(regions)
    pages: list[SynthPage] = []
    for name, title in (("accessibility.md", "Accessibility statement"), ("cookies.md", "Cookies"),
                        ("privacy.md", "Privacy notice")):
        pages.append(SynthPage("_shared", name, "special", title))
    for i, (rid, rname, *_rest) in enumerate(regions):
        count = budget // len(regions) + (1 if i < budget % len(regions) else 0)
        news = max(1, round(count * NEWS_SHARE * total / max(budget, 1)))
        other = count - fixed - news
        pages.append(SynthPage(rid, "index.md", "home", f"Health and care in {rname}", {"nav_title": "Home"}))
        pages.append(SynthPage(rid, "about/index.md", "section", "About us", {"weight": 1}))
        pages.append(SynthPage(rid, "priorities.md", "special", "Our priorities", {"template": "priorities"}))
        pages.append(SynthPage(rid, "partners.md", "special", "Our partners",
                               {"template": "partners", "nav_title": "Partners"}))
        pages.append(SynthPage(rid, "contact.md", "special", "Contact us", {"template": "contact"}))
        pages.extend(_plan_sections(rng, rid, other))
        pages.extend(_plan_news(rng, rid, news))
    site = SynthSite(pages, regions, seed)
    for page in pages:
        _plan_headings(random.Random(f"headings:{seed}:{page.key}"), page)
    return site


def _plan_sections(rng: random.Random, rid: str, count: int) -> list[SynthPage]:
    out: list[SynthPage] = []
    titles: set[str] = set()
    folders: set[str] = set()

    def new_title() -> str:
        for _ in range(50):
            t = f"{rng.choice(SERVICES)} {rng.choice(ASPECTS)}"
            if t not in titles:
                titles.add(t)
                return t
        t = f"{rng.choice(SERVICES)} {rng.choice(ASPECTS)} {len(titles) + 1}"
        titles.add(t)
        return t

    def add(folder: str, kind: str, title: str) -> None:
        name = "index.md" if kind == "section" else file_slug(title) + ".md"
        meta: dict = {}
        if kind == "page" and rng.random() < 0.3:
            meta["weight"] = rng.randint(1, 20)
        out.append(SynthPage(rid, f"{folder}/{name}" if folder else name, kind, title, meta))

    while len(out) < count:
        top = rng.choice(TOPIC_FOLDERS)
        if top == "about":
            folder = "about"
        else:
            topic = file_slug(rng.choice(SERVICES))
            folder = f"{top}/{topic}"
            if rng.random() < 0.35:
                folder += "/" + rng.choice(SUBTOPICS)
        parts = folder.split("/")
        for depth in range(2, len(parts) + 1):  # services/<topic>, services/<topic>/<sub>
            parent = "/".join(parts[:depth])
            if parent not in folders:
                folders.add(parent)
                # most folders have their own page; the rest get icsgen's generated section page
                if rng.random() < 0.8 and len(out) < count:
                    add(parent, "section", parts[depth - 1].replace("-", " ").capitalize())
        for _ in range(rng.randint(3, 15)):
            if len(out) >= count:
                break
            add(folder, "page", new_title())
    return out


def _plan_news(rng: random.Random, rid: str, count: int) -> list[SynthPage]:
    town = next(r[3] for r in REGIONS if r[0] == rid)
    out: list[SynthPage] = []
    slugs: set[str] = set()
    for n in range(count):
        headline = rng.choice(NEWS_HEADLINES)
        service = rng.choice(SERVICES)
        title = headline.format(s=service if headline.startswith("{s}") else service.lower(), t=town,
                                y=rng.randint(2020, 2026))
        base = file_slug(title)
        name = base if base not in slugs else f"{base}-{n}"
        slugs.add(name)
        date = NEWEST_NEWS - dt.timedelta(days=rng.randint(0, OLDEST_NEWS_DAYS))
        meta = {"date": date.isoformat(), "author": f"{rng.choice(AUTHORS)}, {town}",
                "tags": rng.sample(TAGS, rng.randint(1, 3))}
        out.append(SynthPage(rid, f"news/{date.isoformat()}-{name}.md", "news", title, meta))
    return out


def _plan_headings(rng: random.Random, page: SynthPage) -> None:
    chosen = rng.sample(HEADINGS, rng.randint(3, 6))
    headings: list[Heading] = []
    used = set(chosen)
    for text in chosen:
        headings.append(Heading(2, text))
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 2)):
                sub = f"{rng.choice(SERVICES)} {rng.choice(ASPECTS)}"
                if sub not in used and slug(sub) not in {"top", "contents"}:
                    used.add(sub)
                    headings.append(Heading(3, sub))
    page.headings = headings


# -- writing bodies ------------------------------------------------------------------------------------


def sentence(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return rng.choice(EXTRA_SENTENCES)
    opener = rng.choice(OPENERS)
    subject = rng.choice(SUBJECTS)
    if opener:
        subject = subject[0].lower() + subject[1:] if not subject.startswith(("GP", "Healthwatch")) else subject
    text = f"{opener}{subject} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CLAUSES)}."
    return text[0].upper() + text[1:]


def link_for(rng: random.Random, page: SynthPage, targets: list[SynthPage], cross: list[SynthPage]) -> str:
    """A Markdown link from `page` to an existing page, sometimes to one of its headings."""
    roll = rng.random()
    if roll < 0.08 and page.headings:
        h = rng.choice(page.headings)
        return f"[{h.text.lower()}](#{h.anchor})"
    if roll < 0.18 and cross:
        target = rng.choice(cross)
        href = f"/{target.region}/{target.rel}"
    else:
        target = rng.choice(targets)
        href = posixpath.relpath(target.rel, page.folder or ".")
    if target.headings and rng.random() < 0.25:
        href += "#" + rng.choice(target.headings).anchor
    title = target.title if target.title[1:2].isupper() else target.title[0].lower() + target.title[1:]
    return f"[{rng.choice(LINK_TEXTS)} {title}]({href})"


def paragraph(rng: random.Random, sentences: int, links: list[str]) -> str:
    parts = [sentence(rng) for _ in range(sentences)]
    if links:
        parts.insert(rng.randint(0, len(parts)), f"You can {links.pop()}.")
    return wrap(" ".join(parts))


def wrap(text: str, width: int = 100) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def write_body(rng: random.Random, page: SynthPage, targets: list[SynthPage], cross: list[SynthPage]) -> str:
    goal = rng.randint(420, 1180)
    blocks: list[str] = []
    words = 0
    links = [link_for(rng, page, targets, cross) for _ in range(rng.randint(2, 5))] if targets else []

    def add(block: str) -> None:
        nonlocal words
        blocks.append(block)
        words += len(block.split())

    if page.region == "_shared":
        add(wrap("This page applies to the {{ region.name }} website, which {{ region.owner }} runs. "
                 + " ".join(sentence(rng) for _ in range(3))))
        links = ["[contact us](contact.md)"]
    add(paragraph(rng, rng.randint(2, 4), links))
    for done, heading in enumerate(page.headings):
        add("#" * heading.level + " " + heading.text)
        budget = words + max(30, (goal - words) // (len(page.headings) - done) - 35)  # a block is ~70 words
        while words < budget:
            roll = rng.random()
            if roll < 0.55:
                add(paragraph(rng, rng.randint(2, 5), links))
            elif roll < 0.75:
                items = [rng.choice(OBJECTS) + (" " + rng.choice(CLAUSES) if rng.random() < 0.5 else "")
                         for _ in range(rng.randint(3, 7))]
                add(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)}:\n\n" + "\n".join(f"- {i}" for i in items))
            elif roll < 0.82:
                add(table(rng))
            elif roll < 0.87:
                add("!!! inset\n" + indent(paragraph(rng, 2, [])))
            elif roll < 0.90:
                add('!!! warning "Important"\n' + indent(wrap(rng.choice(EXTRA_SENTENCES) + " " + sentence(rng))))
            elif roll < 0.95:
                add(f'!!! details "{rng.choice(HEADINGS)}"\n' + indent(paragraph(rng, 2, [])))
            else:
                add(f"{rng.randint(2, 9)} in 10 people {rng.choice(['said', 'told us', 'agreed'])} that "
                    f"{rng.choice(OBJECTS)} had improved. **{rng.choice(EXTRA_SENTENCES)}**")
    while links:
        add(paragraph(rng, 1, links))
    page.words = words
    return "\n\n".join(blocks) + "\n"


def table(rng: random.Random) -> str:
    rows = [f"| {rng.choice(SERVICES)} | {rng.randint(1, 30)} weeks | {rng.choice(['Yes', 'No', 'Some areas'])} |"
            for _ in range(rng.randint(3, 6))]
    return "| Service | Typical wait | Self-referral |\n| --- | --- | --- |\n" + "\n".join(rows)


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def fill_bodies(site: SynthSite) -> None:
    by_region: dict[str, list[SynthPage]] = {}
    for page in site.pages:
        by_region.setdefault(page.region, []).append(page)
    for page in site.pages:
        rng = random.Random(f"body:{site.seed}:{page.key}")
        if page.region == "_shared":
            page.body = write_body(rng, page, [], [])
            continue
        own = [p for p in by_region[page.region] if p is not page]
        targets = rng.sample(own, min(40, len(own)))
        other = [r for r in by_region if r not in ("_shared", page.region)]
        cross = rng.sample(by_region[rng.choice(other)], 5) if other else []
        page.body = write_body(rng, page, targets, cross)


def build_site(total: int, seed: int) -> SynthSite:
    site = plan_site(total, seed)
    fill_bodies(site)
    return site


# -- writing the icsgen project -------------------------------------------------------------------------


def front_matter(page: SynthPage, summary: str) -> str:
    lines = ["---", f"title: {yaml_str(page.title)}"]
    if summary:
        lines.append(f"summary: {yaml_str(summary)}")
    for key, value in page.meta.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(yaml_str(v) for v in value)}]")
        else:
            lines.append(f"{key}: {yaml_str(value) if isinstance(value, str) else value}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def yaml_str(value: str) -> str:
    if re.search(r"[:#'\"{}\[\],&*!|>%@`]", value) or value[:1] in "-?" or value.lower() in ("yes", "no", "true",
                                                                                               "false", "null"):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def summary_of(page: SynthPage) -> str:
    rng = random.Random(f"summary:{page.key}:{len(page.body)}")
    return sentence(rng)


def write_icsgen(site: SynthSite, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "regions.yaml").write_text(regions_yaml(site), encoding="utf-8")
    (out / ".gitignore").write_text("/build/\n/.icsgen-cache/\n", encoding="utf-8")
    for page in site.pages:
        path = out / "content" / page.region / page.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter(page, summary_of(page)) + page.body, encoding="utf-8")
    for rid, *_ in site.regions:
        data = out / "content" / rid / "data"
        data.mkdir(parents=True, exist_ok=True)
        rng = random.Random(f"data:{site.seed}:{rid}")
        for name, text in data_files(rng, rid).items():
            (data / f"{name}.yaml").write_text(text, encoding="utf-8")
    themes = out / "themes"
    if themes.is_symlink() or themes.is_file():
        themes.unlink()
    elif themes.exists():
        shutil.rmtree(themes)
    shutil.copytree(REPO / "icsgen" / "themes", themes)  # a copy: the benchmark edits a template in it


def regions_yaml(site: SynthSite) -> str:
    lines = [
        "# A synthetic site written by bench/generate.py: do not edit by hand.",
        "site:",
        "  title: NHS Integrated Care Systems (benchmark)",
        "  base_url: https://bench.example.org/",
        "  language: en-GB",
        "  theme: nhs",
        "  description: A synthetic site of many regions for measuring build speed.",
        "  news_per_page: 10",
        "regions:",
    ]
    for rid, name, short, town, phone in site.regions:
        lines += [
            f"  {rid}:",
            f"    name: {name}",
            f'    short_name: "{short}"',
            f"    description: How health and care organisations in {name} work together.",
            f"    owner: NHS {name} Integrated Care Board",
            "    contact:",
            f"      email: enquiries@{rid}.example.org",
            f"      phone: {phone} 0000",
            f"      address: Example House, 1 Sample Street, {town}",
            "    nav:",
            *[f"      - {{title: {t}, page: {p}}}" for t, p in NAV],
            "    accessibility:",
            "      status: partially compliant",
            "      prepared: 2024-02-12",
            "      reviewed: 2026-09-14",
            "      known_issues:",
            "        - Some older board papers are PDF documents that do not work well with screen readers.",
            "    check:",
            "      reading_grade: 9",
            "      review_months: 12",
            "      abbreviations:",
            "        NHS: National Health Service",
            "        ICB: integrated care board",
        ]
    return "\n".join(lines) + "\n"


def data_files(rng: random.Random, rid: str) -> dict[str, str]:
    partners = []
    for n in range(rng.randint(8, 16)):
        kind = rng.choice(PARTNER_TYPES)
        partners.append(f"- name: {rng.choice(SERVICES)} partner {n + 1}\n  type: {kind}\n"
                        f"  url: https://partner{n + 1}.{rid}.example.org/\n"
                        f"  description: {sentence(rng)}")
    priorities = [f"- title: {rng.choice(HEADINGS)}\n  summary: {sentence(rng)}" for _ in range(rng.randint(4, 7))]
    contacts = [f"- name: {rng.choice(SERVICES)} team\n  email: team{n}@{rid}.example.org\n"
                f"  phone: 01632 960{n:03d}\n  hours: Monday to Friday, 9am to 5pm\n  description: {sentence(rng)}"
                for n in range(rng.randint(3, 6))]
    return {"partners": "\n".join(partners) + "\n", "priorities": "\n".join(priorities) + "\n",
            "contacts": "\n".join(contacts) + "\n"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, required=True, help="pages in total (shared pages count per region)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the icsgen project into")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()) and not (args.out / "regions.yaml").exists():
        print(f"{args.out} exists and is not a generated site; choose an empty or new folder", file=sys.stderr)
        return 2
    if (args.out / "content").exists():
        shutil.rmtree(args.out / "content")
    site = build_site(args.pages, args.seed)
    write_icsgen(site, args.out)
    words = [p.words for p in site.pages]
    print(f"wrote {site.rendered_count()} pages ({len(site.pages)} files, "
          f"{sum(words) // len(words)} words on average) into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
