"""Generate a realistic, force-sized ragdesk database for the benchmarks.

``python benchmarks/generate.py OUT.db [--items 3000] [--seed 1] [--periods 24] [--inspections 60]``

What a force holds after some years of inspections: PEEL and thematic
inspections, recommendations, areas for improvement (AFIs) and causes of
concern with deadlines (some long past), boards and chief-officer leads,
quarterly reporting periods whose RED/AMBER/GREEN ratings drift over time,
and narratives of about 300 words with bullets (a few with tables).

Everything is derived from ``--seed`` so two runs give the same content. The
file is built through the public ``Store`` API inside one ``store.batch()``
(one transaction), so it is exactly what the app itself would have written, audit
log included (schema 5: no search index in the file; each computer makes its own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable

from ragdesk import richtext as rt
from ragdesk.domain import Deadline, ItemKind
from ragdesk.records import Identity
from ragdesk.store import Store

FORCE = "Northshire Police"

THEMES = [
    "Police response to violence against women and girls",
    "An inspection of vetting, misconduct and misogyny in the police service",
    "Digital forensics: an inspection of how police use digital evidence",
    "Stalking and harassment: an inspection of the police response",
    "A joint inspection of child protection arrangements",
    "Custody services: an inspection of police custody suites",
    "Fraud: Time to choose",
    "Roads policing: Not optional",
    "Disproportionate use of police powers",
    "An inspection of how well the police tackle serious youth violence",
    "Counter-terrorism policing: an inspection of the protect strand",
    "An inspection of the police response to serious and organised crime",
    "Mental health: a joint thematic inspection",
    "A joint inspection of the criminal justice journey for domestic abuse cases",
    "Protecting children from online sexual abuse",
    "Understanding the difference: the police response to hate crime",
    "An inspection of how effectively the police engage with women and girls",
    "Leading lights: an inspection of police leadership selection",
    "An inspection of the effectiveness of the police response to burglary, robbery and theft",
    "Police performance: getting a grip",
    "An inspection of police contact management through 999 and 101",
    "Race and policing: an inspection of race disparity",
    "An inspection of the police's use of stop and search",
    "Building the picture: police use of intelligence",
    "Shining a light on betrayal: abuse of position for a sexual purpose",
    "An inspection of the police response to missing children",
    "A joint thematic inspection of integrated offender management",
    "State of policing: the annual assessment",
    "An inspection of how the police investigate rape",
    "An inspection of the police response to anti-social behaviour",
]

PEEL_AREAS = [
    "Treatment of the public", "Preventing crime", "Responding to the public",
    "Investigating crime", "Protecting vulnerable people", "Managing offenders",
    "Disrupting serious organised crime", "Building, supporting and protecting the workforce",
    "Leadership and force management", "Recording data about crime",
]
BOARDS = [
    "Local Policing Board", "Crime and Public Protection Board", "People Board",
    "Performance and Resources Strategic Board", "Professional Standards Board",
    "Digital and Data Board", "Criminal Justice Board", "Contact Management Board",
]
LEADS = [
    "ACC Baldwin", "ACC Mariner", "ACC Okafor", "DCC Prior", "T/ACC Lindqvist",
    "Ch Supt Harding", "Det Ch Supt Amadi", "Ch Supt Kaur", "Det Supt Whitlock",
    "Head of People Services", "Director of Finance", "Head of Digital Services",
    "Supt Fenwick", "Det Supt Moreau",
]
ACTIONS = [
    "review its approach to safeguarding vulnerable victims at the first point of contact",
    "make sure that supervisors have the time and training to review investigations",
    "improve how it records and monitors the use of force by officers",
    "develop a clear plan to reduce the backlog of digital devices awaiting examination",
    "make sure that vetting decisions are recorded with a clear rationale",
    "evaluate the effectiveness of its problem-solving activity",
    "improve the timeliness of its response to emergency and priority calls",
    "make sure that victims are kept informed in line with the Victims' Code",
    "understand the demand it faces and the capacity it needs to meet it",
    "strengthen its governance of the use of stop and search powers",
    "make sure that officers and staff receive regular wellbeing support",
    "improve the quality of its crime recording decisions",
    "make sure that its neighbourhood teams have access to structured training",
    "review how it manages registered sex offenders in the community",
    "make sure that its counter-corruption unit has enough capacity and capability",
    "develop a workforce plan that reflects its future demand",
    "improve how it shares information with partner agencies",
    "make sure that risk assessments for domestic abuse are completed and reviewed",
]
SUBJECTS = [
    "The working group", "The project board", "The Continuous Improvement Team", "The lead",
    "Learning and Development", "The Force Control Room", "Public Protection Command",
    "The Professional Standards Department", "The Digital Forensics Unit", "Local Policing",
    "The Performance Analysis Team", "Corporate Vetting Unit", "The Criminal Justice Unit",
]
VERBS = [
    "has reviewed", "has agreed", "continues to monitor", "has delivered", "has commissioned",
    "is finalising", "has published", "has presented", "has tested", "is evaluating",
    "has refreshed", "has dip-sampled",
]
OBJECTS = [
    "the revised policy and supporting guidance", "a new training package for frontline supervisors",
    "the quarterly performance dashboard", "an audit of a sample of recent cases",
    "the business case for additional staff", "the action plan with partner agencies",
    "the new recording standards", "feedback from victims and officers", "a revised risk assessment form",
    "the data quality report", "the terms of reference for the oversight group",
    "the findings of the internal inspection",
]
TAILS = [
    "and progress will be reported to the next board.",
    "with early results showing improved compliance.",
    "although recruitment delays have slowed delivery.",
    "and the outcome will be confirmed at the Star Chamber.",
    "which has been shared with the HMICFRS Force Liaison Lead.",
    "in line with the national guidance issued by the College of Policing.",
    "and a further review is planned for the next quarter.",
    "supported by funding agreed in the medium-term financial plan.",
]
BULLETS = [
    "{n} officers and staff have completed the new e-learning package ({p}% of those in scope).",
    "A dip sample of {n} cases found {p}% met the required standard, up from the previous review.",
    "Monthly oversight meetings continue, chaired by {lead}, with actions tracked on the action log.",
    "The revised procedure went live on {date} and is published on the intranet.",
    "{n} supervisors attended the workshop; feedback scores averaged {p}%.",
    "Partner agencies have agreed a joint information-sharing agreement signed on {date}.",
    "Performance is reported to the {board} each quarter.",
    "The backlog has reduced from {n2} to {n} since the last reporting period.",
]
IMPACTS = [
    "Victims receive a more consistent service and satisfaction has risen to {p}%.",
    "Supervisors report greater confidence in reviewing investigations.",
    "Compliance with the standard is now {p}% across all districts.",
    "The number of repeat victims has fallen by {p}% compared with the same period last year.",
    "Officers have a clearer understanding of their responsibilities.",
    "Decisions are now recorded consistently and can be audited.",
]
STATUS_NOTES = {
    "RED": ["Remains Red: delivery is at risk and has been escalated to {board}.",
            "Red: the deadline has passed and the action plan is being re-baselined by {lead}."],
    "AMBER": ["Remains Amber following the Star Chamber on {date}.",
              "Amber: on track, working towards a proposal for closure.",
              "Amber: progress made, evidence of impact still to be gathered."],
    "GREEN": ["Green: proposed for closure at the Star Chamber on {date}.",
              "Verified as complete and closed on the HMICFRS Monitoring Portal.",
              "Green: implemented in full; impact continues to be monitored by {lead}."],
}
RAGS = ["RED", "AMBER", "GREEN"]


def _fmt(rng: random.Random, template: str, when: dt.date, lead: str, board: str) -> str:
    n = rng.randint(12, 480)
    day = when - dt.timedelta(days=rng.randint(5, 80))
    return template.format(n=n, n2=n + rng.randint(10, 200), p=rng.randint(55, 99), lead=lead,
                           board=board, date=day.strftime("%d %B %Y").lstrip("0"))


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"


def _narratives(rng: random.Random, when: dt.date, lead: str, board: str,
                with_table: bool) -> tuple[str, str, str]:
    """Update, intent-and-implementation and impact: about 300 words between them."""
    update: list[rt.Block] = [
        rt.Paragraph((rt.Span(" ".join(_sentence(rng) for _ in range(3))),)),
        rt.ListBlock(False, tuple(
            (rt.Span(_fmt(rng, b, when, lead, board) + " " + _sentence(rng)),)
            for b in rng.sample(BULLETS, 4))),
    ]
    if with_table:
        quarters = [(when - dt.timedelta(days=91 * k)).strftime("%b %Y") for k in (2, 1, 0)]
        update.append(rt.Table(
            rows=((( rt.Span("Measure"),),) + tuple((rt.Span(q),) for q in quarters),
                  *(((rt.Span(m),),) + tuple((rt.Span(f"{rng.randint(40, 99)}%"),) for _ in quarters)
                    for m in ("Compliance", "Timeliness", "Victim satisfaction"))),
            header=True))
    intent: list[rt.Block] = [rt.ListBlock(False, tuple(
        (rt.Span(_sentence(rng) + " " + _sentence(rng)),) for _ in range(2)))]
    impact: list[rt.Block] = [rt.Paragraph((
        rt.Span("Impact: ", bold=True),
        rt.Span(" ".join(_fmt(rng, t, when, lead, board) for t in rng.sample(IMPACTS, 3))),))]
    return rt.to_html(update), rt.to_html(intent), rt.to_html(impact)


def _item_text(rng: random.Random, kind: ItemKind, deadline: Deadline) -> str:
    action = rng.choice(ACTIONS)
    if kind is ItemKind.AFI:
        return rt.to_html((rt.Paragraph((rt.Span(f"The force needs to {action}."),)),))
    if kind is ItemKind.CAUSE_OF_CONCERN:
        return rt.to_html((
            rt.Paragraph((rt.Span(f"The force does not adequately {action.split(' ', 1)[1]}. "
                                  "To address this, the force should:"),)),
            rt.ListBlock(True, tuple((rt.Span(f"{a[0].upper()}{a[1:]};"),)
                                     for a in rng.sample(ACTIONS, 3))),
        ))
    when = str(deadline) if deadline.date else "With immediate effect"
    lead_in = f"By {when}, " if deadline.date else ""
    blocks: list[rt.Block] = [rt.Paragraph((rt.Span(f"{lead_in}chief constables should {action}"
                                                    + (":" if rng.random() < 0.3 else ".")),))]
    if blocks and rt.to_plain(blocks).endswith(":"):
        blocks.append(rt.ListBlock(False, tuple((rt.Span(f"{a};"),) for a in rng.sample(ACTIONS, 3))))
    return rt.to_html(blocks)


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` items over ``parts`` inspections, unevenly (PEEL reports are larger)."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    k = 0
    while sum(sizes) != total:
        i = k % parts
        if sum(sizes) < total:
            sizes[i] += 1
        elif sizes[i] > 1:
            sizes[i] -= 1
        k += 1
    return sizes


def _drift(rng: random.Random, n: int) -> list[str]:
    """A RAG history that drifts: mostly the same as last time, sometimes better or worse."""
    level = rng.choices([0, 1, 2], weights=[3, 6, 1])[0]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.12 and level < 2:
            level += 1
        elif r < 0.16 and level > 0:
            level -= 1
        out.append(RAGS[level])
    return out


def generate(path: str, *, items: int = 3000, seed: int = 1, periods: int = 24,
             inspections: int = 60, full_periods: int = 4,
             progress: Callable[[int, int], None] | None = None) -> Store:
    """Build the database at ``path`` (which must not exist) and return it open.

    The newest ``full_periods`` periods carry full narratives (about 300 words);
    older ones a rating, a status note and one sentence, as forces kept them
    before. Every period carrying full narratives would make a 3,000-item file
    of about 800 MB (narratives are stored per period and again in the audit
    log), which is not what a real force's file looks like.
    """
    rng = random.Random(seed)
    clock_at = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
    store = Store.create(path, identity=Identity(user="benchmark", host="generator"),
                         clock=lambda: clock_at)
    inspections = max(1, min(inspections, items))
    last = dt.date(2026, 9, 30)
    dates = []
    for k in range(periods - 1, -1, -1):  # quarterly, the newest at the end of Sep 2026
        month_index = last.year * 12 + last.month - 1 - 3 * k
        y, m = divmod(month_index, 12)
        first_next = dt.date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1)
        dates.append(first_next - dt.timedelta(days=1))
    with store.batch():
        store.set_setting("force_name", FORCE)
        store.set_setting("document_owner", "Jo Whitfield")
        store.set_setting("team", "Continuous Improvement Team")
        period_ids = [store.add_period(d.strftime("%b %Y"), date=d, carry_forward=False,
                                       meeting=f"P&RSB {d.strftime('%d %B %Y').lstrip('0')}").id
                      for d in dates]
        sizes = _split(items, inspections, rng)
        themes = rng.sample(THEMES * (inspections // len(THEMES) + 1), inspections)
        done = 0
        for n, size in enumerate(sizes):
            peel = n % 3 == 0
            published = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 7))
            if peel:
                year = published.year
                title = f"PEEL {year}/{str(year + 1)[2:]}: Police effectiveness, efficiency and legitimacy – {FORCE}"
            else:
                title = themes[n] + (f" ({published.year})" if rng.random() < 0.5 else "")
            inspection = store.add_inspection(
                title, kind="PEEL" if peel else "thematic", published=published,
                reference=f"HMICFRS-{published.year}-{n + 1:03d}")
            numbers = {k: 0 for k in ItemKind}
            for _ in range(size):
                r = rng.random()
                kind = (ItemKind.AFI if r < 0.8 else ItemKind.RECOMMENDATION if r < 0.96
                        else ItemKind.CAUSE_OF_CONCERN) if peel else (
                    ItemKind.RECOMMENDATION if r < 0.9 else ItemKind.AFI)
                numbers[kind] += 1
                if kind is ItemKind.AFI:
                    deadline = Deadline()
                elif rng.random() < 0.1:
                    deadline = Deadline(immediate=True)
                else:  # some long past, some still to come
                    deadline = Deadline(date=published + dt.timedelta(days=rng.randint(90, 365 * 5)))
                lead, board = rng.choice(LEADS), rng.choice(BOARDS)
                history = _drift(rng, len(period_ids))
                final = history[-1]
                status = (rng.choice(["closed", "verified_closed", "proposed_for_closure"])
                          if final == "GREEN" else
                          rng.choice(["open", "in_progress", "in_progress", "field_testing"]))
                if rng.random() < 0.02:
                    status = "superseded"
                item = store.add_item(
                    inspection.id, kind, str(numbers[kind]), text=_item_text(rng, kind, deadline),
                    deadline=deadline, area=rng.choice(PEEL_AREAS) if peel else "",
                    board=board, lead=lead, status=status,
                    reference=f"{inspection.reference}/{kind.short}{numbers[kind]}",
                    review_date=dates[-1] + dt.timedelta(days=rng.randint(30, 120)))
                with_table = rng.random() < 0.05
                for k, (pid, rag) in enumerate(zip(period_ids, history, strict=True)):
                    when = dates[k]
                    if k >= len(period_ids) - full_periods:
                        update, intent, impact = _narratives(rng, when, lead, board, with_table)
                    else:  # older periods: a rating and a line, as forces kept them before
                        update, intent, impact = rt.to_html(
                            (rt.Paragraph((rt.Span(_sentence(rng)),)),)), "", ""
                    note = _fmt(rng, rng.choice(STATUS_NOTES[rag]), when, lead, board)
                    store.save_assessment(
                        item_id=item.id, period_id=pid, rag=rag, status_note=note, update=update,
                        intent_and_implementation=intent, impact=impact,
                        dot="+" if rng.random() < 0.01 else None,
                        draft=k == len(period_ids) - 1 and rng.random() < 0.1)
                done += 1
                if progress:
                    progress(done, items)
    return store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="database file to write (must not exist)")
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--periods", type=int, default=24)
    parser.add_argument("--inspections", type=int, default=60)
    parser.add_argument("--full-periods", type=int, default=4,
                        help="newest periods with full ~300-word narratives (default 4)")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args(argv)
    if os.path.exists(args.out):
        if not args.force:
            print(f"{args.out} exists; pass --force to replace it.", file=sys.stderr)
            return 2
        os.remove(args.out)
    start = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 2 or done == total:
            last[0] = now
            print(f"\r  {done}/{total} items", end="", file=sys.stderr, flush=True)

    store = generate(args.out, items=args.items, seed=args.seed, periods=args.periods,
                     inspections=args.inspections, full_periods=args.full_periods,
                     progress=progress)
    counts = store.counts()
    store.close()
    took = time.perf_counter() - start
    size = os.path.getsize(args.out) / 1048576
    print(f"\nWrote {args.out}: {counts['inspections']} inspections, {counts['items']} items, "
          f"{counts['periods']} periods, {counts['assessments']} assessments, "
          f"{size:.0f} MB in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
