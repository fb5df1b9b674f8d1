"""Generated campaign folders for the benchmarks: any number of lots, offers and questions.

:func:`campaign_folder` builds an open call as the demo does (one generic signed
questionnaire per lot, a deposit register, the offers opened, two evaluators' filled
review workbooks per lot), with the bundled ``ai-territorial`` bank grown to the number
of questions asked. Folders are cached in the system's temporary folder (delete
``ai-procurement-bench-campaign-*`` there to regenerate) and copied before each use, so
that ``evaluate --force`` never changes the cached one.

Run alone to build the benchmarks' campaigns: ``python benchmarks/campaigns.py``.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs

FORMAT = 1  # bump when the generated folders change, to regenerate the cache


def siret(index: int) -> str:
    """A fictional SIRET number with a valid Luhn check digit."""
    body = f"9{index:07d}0001"
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def vendor(index: int) -> str:
    return f"Titulaire {index:03d}"


def grown_bank(questions: int) -> Any:
    """``ai-territorial`` with plain questions copied until it has ``questions``."""
    import ai_procurement as ap

    bank = ap.load_bank("ai-territorial")
    plain = [q for _, q in bank.questions() if q.applies_if is None and q.knockout is None
             and not isinstance(q.answer, ap.Price)]
    extra: list[Any] = []
    count = sum(1 for _ in bank.questions())
    while count + len(extra) < questions:
        source = plain[len(extra) % len(plain)]
        extra.append(attrs.evolve(source, id=f"{source.id}-X{len(extra)}"))
    criteria = list(bank.criteria)
    criteria[1] = attrs.evolve(criteria[1], questions=(*criteria[1].questions, *extra))
    return attrs.evolve(bank, id=f"bench-{questions}", criteria=tuple(criteria))


def _config(lots: int, samples: int) -> str:
    from ai_procurement.campaign import demo

    config = demo.DEMO_CAMPAIGN.format(language="fr").replace("bank: ai-territorial",
                                                              "bank: bank.yaml")
    start, end = config.index("lots:\n"), config.index("variants_allowed:")
    listed = "".join(f'  - id: "{n}"\n    title: "Lot {n} de l\'accord-cadre"\n'
                     for n in range(1, lots + 1))
    config = config[:start] + (f"lots:\n{listed}" if lots > 1 else "") + config[end:]
    return config.replace("samples: 20000", f"samples: {samples}")


def _fill(job: tuple[Path, str, int, int]) -> None:
    """One bidder fills lot ``lot``'s generic questionnaire (run in a worker process)."""
    from ai_procurement._office.files import write_atomic
    from ai_procurement.bidders import BidderIdentity
    from ai_procurement.campaign import demo
    from ai_procurement.campaign.folder import load_campaign, slug
    from ai_procurement.testing import fill_questionnaire

    root, lot_id, index, lots = job
    campaign = load_campaign(root)
    lot = campaign.lot(lot_id if lots > 1 else None)
    questionnaire = campaign.frozen(lot)
    seed = 1000 * int(lot_id or "1") + index
    profile = demo.Profile(vendor(index), 0.35 + 0.6 * ((index * 37 + seed) % 101) / 100,
                           seed, 0.7 + 0.02 * (seed % 31))
    plan = demo._plan(questionnaire, profile)
    bidder = BidderIdentity(vendor(index), siret(index), "FR", "Service des marchés",
                            f"offres@{slug(vendor(index))}.example", 0)
    source = root / "outbox" / f"questionnaire{lot.suffix}.xlsx"
    write_atomic(root / "responses" / f"{slug(vendor(index))}{lot.suffix}.xlsx",
                 fill_questionnaire(source, questionnaire, plan, "fr", bidder=bidder),
                 overwrite=True)


def _build(root: Path, lots: int, offers: int, questions: int, samples: int) -> None:
    import ai_procurement as ap
    from ai_procurement._office.files import write_atomic
    from ai_procurement.answers import AnswerState
    from ai_procurement.bank.model import FreeText
    from ai_procurement.campaign import demo
    from ai_procurement.campaign.folder import load_campaign, slug
    from ai_procurement.campaign.opening import open_offers
    from ai_procurement.campaign.workflow import check, prepare_reviews, publish
    from ai_procurement.testing import fill_review

    for name in ("private", "outbox", "responses", "reports", "reviews", "out"):
        (root / name).mkdir(parents=True, exist_ok=True)
    ap.dump_bank(grown_bank(questions), root / "bank.yaml")
    write_atomic(root / "campaign.yaml", _config(lots, samples).encode(), overwrite=True)
    write_atomic(root / "private" / "signing.key", demo.DEMO_KEY.hex().encode(),
                 overwrite=True)
    campaign = load_campaign(root)
    publish(campaign, force=True)
    ids = [lot.id for lot in campaign.lots()]
    jobs = [(root, lot_id, index, lots) for lot_id in ids for index in range(offers)]
    with concurrent.futures.ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(_fill, jobs, chunksize=8))
    rows = []
    for number, (_, lot_id, index, _) in enumerate(jobs, start=1):
        suffix = campaign.lot(lot_id or None).suffix
        minute = number % 600
        rows.append(f"{number:04d};{vendor(index)};{siret(index)};"
                    f"14/02/2027 {8 + minute // 60:02d}:{minute % 60:02d};{lot_id or '1'};;"
                    f"{slug(vendor(index))}{suffix}.xlsx")
    write_atomic(root / "registre-depots.csv",
                 demo.REGISTER.format(rows="\n".join(rows)).encode("utf-8"), overwrite=True)
    open_offers(campaign)
    checked = check(campaign, force=True)
    for path in prepare_reviews(campaign, force=True):
        lot = next(lot for lot in campaign.lots() if path.stem.endswith(lot.suffix)
                   and any(f"{slug(e)}{lot.suffix}" == path.stem for e in lot.evaluators))
        questionnaire = campaign.frozen(lot)
        evaluator = next(e for e in lot.evaluators if f"{slug(e)}{lot.suffix}" == path.stem)
        j = lot.evaluators.index(evaluator)
        usable = {c.vendor: c.response for c in checked
                  if c.lot == lot.id and c.vendor is not None and c.response.report.ok}
        levels = {}
        for i, (name, response) in enumerate(sorted(usable.items())):
            for _, q in questionnaire.bank.questions():
                answer = response.answers.get(q.id)
                if isinstance(q.answer, FreeText) and answer is not None \
                        and answer.state is AnswerState.ANSWERED:
                    levels[(name, q.id)] = ((i + j + len(q.id)) % 5, "Justifié.")
        write_atomic(path, fill_review(path, questionnaire, sorted(usable), "fr", levels),
                     overwrite=True)


def campaign_folder(lots: int, offers: int, questions: int, *, samples: int = 20_000) -> Path:
    """The cached campaign folder for these sizes, built on first use."""
    import openpyxl

    import ai_procurement

    tag = hashlib.sha256(f"{FORMAT}:{lots}:{offers}:{questions}:{samples}:"
                         f"{ai_procurement.__version__}:{openpyxl.__version__}".encode())
    folder = Path(tempfile.gettempdir()) / (
        f"ai-procurement-bench-campaign-{lots}x{offers}x{questions}-{tag.hexdigest()[:10]}")
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"building a campaign of {lots} lot(s) x {offers} offers x {questions} "
              f"questions in {folder} ...", flush=True)
        start = time.perf_counter()
        _build(folder / "campaign", lots, offers, questions, samples)
        (folder / "done").write_text("ok")
        print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)
    return folder / "campaign"


def working_copy(source: Path, target: Path) -> Path:
    """A copy of a cached campaign that a run may change."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


if __name__ == "__main__":
    sizes = tuple(int(a) for a in sys.argv[1:4]) or (1, 30, 150)
    print(campaign_folder(*sizes))
