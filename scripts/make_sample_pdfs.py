"""Write the sample content's PDF documents: each region's publications and board papers.

    python3 scripts/make_sample_pdfs.py          # writes content/<region>/publications/ and papers/

The files are committed with the sample content; run this again only after changing what it writes.
Each is a small real PDF (scripts/pdfs.py: a few pages of text, a title and a language in its
metadata) and the output is the same byte for byte on every run, so a rerun changes nothing in git.
Facts come from /work/shared/seeds/ where they exist (Lancashire and South Cumbria's partnership began
on 1 July 2022 and set its strategy by December 2022; North East and North Cumbria cares for about
3 million people and has six priorities; North East London's four joint priorities; the Leeds Health
and Social Care Hub's three key areas); everything else (meeting dates, figures, names) is invented
and marked as fictional in the documents themselves.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pdfs import write_pdf

ROOT = Path(__file__).resolve().parent.parent
FICTION = ("This is a sample document made for the icsgen demonstration site. The meetings, figures and names "
           "in it are invented for the example and do not describe a real organisation's decisions.")

REGIONS: dict[str, dict[str, str]] = {
    "north-east-north-cumbria": {
        "name": "North East and North Cumbria",
        "about": "We care for about 3 million people across the North East and North Cumbria. Our six "
                 "priorities focus on better services, fairer health and closer work with councils and the "
                 "voluntary sector.",
    },
    "north-east-london": {
        "name": "North East London",
        "about": "Our partners agreed four joint priorities: employment and workforce, long term conditions, "
                 "children and young people, and mental health.",
    },
    "humber-north-yorkshire": {
        "name": "Humber and North Yorkshire",
        "about": "Our partnership brings together councils, hospitals, mental health and community services, "
                 "primary care and the voluntary, community and social enterprise sector.",
    },
    "lancashire-south-cumbria": {
        "name": "Lancashire and South Cumbria",
        "about": "Our health and care partnership began on 1 July 2022, when the way services are planned and "
                 "paid for changed. The partnership agreed its joint health and care strategy by December 2022.",
    },
    "leeds": {
        "name": "Leeds",
        "about": "The Leeds Health and Social Care Hub works on three key areas: people and talent, the health "
                 "and social care economy, and policy and collaboration.",
    },
}

# Past board meetings held in public (fictional dates); each gets its papers and, once approved at the
# next meeting, its minutes. The events helper's meeting records link them by these names.
MEETINGS = ("2026-05-14", "2026-07-09", "2026-09-10", "2026-11-12")
MONTHS = {"05": "May", "07": "July", "09": "September", "11": "November"}


def _long(date: str) -> str:
    year, month, day = date.split("-")
    return f"{int(day)} {MONTHS[month]} {year}"


def documents(region_id: str, facts: dict[str, str]) -> dict[str, tuple[str, list[str], int]]:
    """Path under content/<region>/ -> (title, paragraphs, at least this many pages)."""
    name = facts["name"]
    board = f"NHS {name} Integrated Care Board"
    docs: dict[str, tuple[str, list[str], int]] = {}
    for n, date in enumerate(MEETINGS):
        docs[f"papers/{date}-board-papers.pdf"] = (
            f"{board}: papers for the meeting in public, {_long(date)}",
            [FICTION, facts["about"],
             "Agenda: 1. Welcome and apologies. 2. Declarations of interest. 3. Minutes of the last meeting. "
             "4. Chief executive's report. 5. Quality and performance report. 6. Finance report. "
             "7. Questions from the public. 8. Any other business.",
             "The chief executive's report sets out progress against the board's priorities since the last "
             "meeting, and the risks the board is asked to note.",
             "The finance report shows spending against the plan for the year to date."],
            3 + n % 3)
        if date != MEETINGS[-1]:  # minutes are approved at the next meeting, then published
            docs[f"papers/{date}-minutes.pdf"] = (
                f"{board}: minutes of the meeting in public, {_long(date)}",
                [FICTION, "Present: the chair, the chief executive and members of the board (names invented).",
                 "The board approved the minutes of the last meeting, noted the reports, and answered two "
                 "questions from members of the public."],
                2)
    docs["publications/annual-report-2025-26.pdf"] = (
        f"{board}: annual report and accounts 2025 to 2026",
        [FICTION, facts["about"], "Performance report. " * 40, "Accountability report. " * 40,
         "Financial statements. " * 40],
        6)
    docs["publications/joint-forward-plan-2026-2031.pdf"] = (
        f"{name}: joint forward plan 2026 to 2031",
        [FICTION, facts["about"], "How partners will deliver the strategy over five years. " * 20],
        4)
    docs["publications/register-of-interests.pdf"] = (
        f"{board}: register of interests", [FICTION, "Board members' declared interests (invented names)."], 2)
    docs["publications/complaints-policy.pdf"] = (
        f"{board}: complaints policy", [FICTION, "How to make a complaint, and how we respond. " * 10], 3)
    docs["publications/constitution.pdf"] = (
        f"{board}: constitution", [FICTION, "The board's membership, committees and how it makes decisions. " * 15],
        5)
    docs["publications/equality-report-2026.pdf"] = (
        f"{board}: equality and diversity report 2026", [FICTION, "What we know about fair access to care. " * 12],
        3)
    return docs


def spending_csv(region_id: str) -> str:
    """Spending over 25,000 pounds, one fictional month: the CSV every ICB publishes."""
    rows = ["Date,Supplier,Expense type,Amount (GBP)",
            "2026-10-03,Example Community Health Services (fictional),Community services,182000",
            "2026-10-14,Sample Digital Ltd (fictional),IT services,46500",
            "2026-10-28,Demonstration Care Partnership (fictional),Continuing healthcare,73250"]
    return "\n".join(rows) + "\n"


def main() -> None:
    for region_id, facts in REGIONS.items():
        folder = ROOT / "content" / region_id
        for rel, (title, paragraphs, pages) in documents(region_id, facts).items():
            write_pdf(folder / rel, title, paragraphs, pages=pages, author=f"NHS {facts['name']}",
                      subject="Sample document for the icsgen demonstration site")
        (folder / "publications" / "spending-over-25000-october-2026.csv").write_text(spending_csv(region_id))
    print(f"wrote the sample documents of {len(REGIONS)} regions")


if __name__ == "__main__":
    main()
